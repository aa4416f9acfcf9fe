/* Nieuw informatieverzoek, stap Vragen: a ticked topic shows its question box at once.
   Progressive enhancement: without this file the server shows the boxes of the ticked topics
   after "Toon vragen". A hidden box keeps what was typed (unticked, it is not sent as a question). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var topics = document.querySelectorAll("[data-topic]");
    if (!topics.length) {
      return;
    }
    for (var i = 0; i < topics.length; i++) {
      (function (topic) {
        var box = topic.querySelector('input[type="checkbox"]');
        var question = topic.querySelector("[data-topic-question]");
        if (!box || !question) {
          return;
        }
        var area = question.querySelector("textarea");
        if (area && area.id) {
          question.id = question.id || area.id + "-vak";
          box.setAttribute("aria-controls", question.id);
        }
        box.addEventListener("change", function () {
          question.hidden = !box.checked;
        });
      })(topics[i]);
    }
    var button = document.querySelector("[data-show-questions]");
    if (button) {
      button.hidden = true;
    }
  });
})();
