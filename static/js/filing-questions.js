/* Nieuw informatieverzoek, stap Vragen: a ticked topic shows its question box at once.
   Progressive enhancement: without this file the server shows the boxes of the ticked topics
   after "Toon vragen". A hidden box keeps what was typed (unticked, it is not sent as a question).
   A question that seems to ask for a judgement on parenting shows its warning while typed. */
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
    // R10: the judgement warning while typing (the server checks again on "Opslaan en verder").
    var source = document.getElementById("judgement-phrases");
    var phrases = source ? JSON.parse(source.textContent) : [];
    function normalise(text) {
      return " " + text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
        .replace(/[^a-z0-9]+/g, " ").trim() + " ";
    }
    function asksJudgement(text) {
      var padded = normalise(text);
      for (var p = 0; p < phrases.length; p++) {
        if (padded.indexOf(" " + phrases[p] + " ") !== -1) {
          return true;
        }
      }
      return false;
    }
    var areas = document.querySelectorAll("[data-topic-question] textarea");
    for (var a = 0; a < areas.length; a++) {
      (function (area) {
        var warning = area.closest("[data-topic-question]").querySelector("[data-judgement-warning]");
        if (!warning || !phrases.length) {
          return;
        }
        area.addEventListener("input", function () {
          warning.hidden = !asksJudgement(area.value);
        });
      })(areas[a]);
    }
    var button = document.querySelector("[data-show-questions]");
    if (button) {
      button.hidden = true;
    }
  });
})();
