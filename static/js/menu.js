/* The main menu behind a "Menu" button on a narrow screen (issue 13). Without this file the
   button stays hidden and the menu open: the menu is hidden only from here. */
(function () {
  "use strict";
  var NARROW = "(max-width: 48em)";  // the same width as in toolkid.css, "Phones (issue 13)"

  function init() {
    var button = document.querySelector("[data-menu-toggle]");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) {
      return;
    }
    var query = window.matchMedia(NARROW);

    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.hidden = !open;
    }

    function fit() {
      // Wide: no button, the menu always open. Narrow: the button, the menu folded away.
      button.hidden = !query.matches;
      show(!query.matches);
    }

    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the open menu and puts focus back on its button.
    document.addEventListener("keydown", function (event) {
      var inside = menu.contains(document.activeElement) || document.activeElement === button;
      if (event.key === "Escape" && query.matches && !menu.hidden && inside) {
        show(false);
        button.focus();
      }
    });
    if (query.addEventListener) {
      query.addEventListener("change", fit);
    } else {
      query.addListener(fit);
    }
    fit();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
