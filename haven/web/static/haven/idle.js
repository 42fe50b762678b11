// Before an idle session ends (SESSION_COOKIE_AGE), warn on a form page and offer
// "Stay signed in"; if nothing happens, keep a draft of the form. Without
// JavaScript the warning stays hidden and the "Save draft" button still works.
(function () {
  "use strict";
  function csrf(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function setUp(box) {
    var idle = Number(box.getAttribute("data-idle-seconds")) * 1000;
    var warning = Number(box.getAttribute("data-warning-seconds")) * 1000;
    var saveButton = document.querySelector("[data-draft-save]");
    var form = saveButton ? saveButton.form : null;
    var text = box.querySelector("[data-idle-text]");
    var saved = box.querySelector("[data-idle-saved]");
    var stay = box.querySelector("[data-idle-stay]");
    var timers = [];

    function clear() {
      timers.forEach(clearTimeout);
      timers = [];
    }
    function show() {
      box.hidden = false;
      // Re-set the words so that screen readers announce the alert now.
      var words = text.textContent;
      text.textContent = "";
      text.textContent = words;
    }
    function autosave() {
      if (!form) { return; }
      var data = new FormData(form);
      fetch(box.getAttribute("data-draft-url"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: {"X-CSRFToken": csrf(form), "X-Haven-Autosave": "1"}
      }).then(function (response) {
        if (response.status !== 204) { return; }
        var id = response.headers.get("X-Haven-Draft");
        var field = form.querySelector("[data-draft-id]");
        if (field && id) { field.value = id; }
        clear();  // the draft is kept; the session is not kept alive any further
        text.hidden = true;
        stay.hidden = true;
        saved.hidden = false;
        box.hidden = false;
      });
    }
    function start() {
      clear();
      box.hidden = true;
      var lead = Math.min(30000, warning / 2);
      timers.push(setTimeout(show, Math.max(0, idle - warning)));
      timers.push(setTimeout(autosave, Math.max(0, idle - lead)));
    }
    stay.addEventListener("click", function () {
      fetch(box.getAttribute("data-keepalive-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {"X-CSRFToken": csrf(form || document)}
      }).then(function (response) {
        if (response.status === 204) { start(); }
      });
    });
    // Any request of the page (htmx) renews the session too.
    document.body.addEventListener("htmx:afterRequest", start);
    start();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-idle-warning]").forEach(setUp);
  });
})();
