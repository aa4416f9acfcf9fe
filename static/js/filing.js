/* Nieuw informatieverzoek, stap Toestemming: show only the fields of the chosen path.
   Progressive enhancement: without this file every path's fieldset is visible under its own
   heading, and the server validates only the chosen path. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var radios = document.querySelectorAll('input[name="consent_path"]');
    var panels = document.querySelectorAll("[data-consent-path]");
    if (!radios.length || !panels.length) {
      return;
    }
    function chosen() {
      for (var i = 0; i < radios.length; i++) {
        if (radios[i].checked) {
          return radios[i].value;
        }
      }
      return "";
    }
    function update() {
      var path = chosen();
      for (var i = 0; i < panels.length; i++) {
        panels[i].hidden = panels[i].getAttribute("data-consent-path") !== path;
      }
    }
    for (var i = 0; i < radios.length; i++) {
      radios[i].setAttribute("aria-controls", "pad-" + radios[i].value);
      radios[i].addEventListener("change", update);
    }
    update();
  });
})();
