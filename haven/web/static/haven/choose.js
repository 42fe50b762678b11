// Choose a country or language by name: a filter box above each list marked
// data-choose. The list works alone without JavaScript; this only narrows it.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function enhance(select, index) {
    var box = document.createElement("input");
    box.type = "search";
    box.id = (select.id || "choose-" + index) + "-filter";
    box.className = "choose-filter";
    box.setAttribute("autocomplete", "off");
    box.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "choose-filter__label";
    // "Type to find in the list: Citizenships", so each box says which list it narrows.
    var own = select.id && document.querySelector('label[for="' + select.id + '"]');
    var name = own ? own.firstChild.textContent.trim() : "";
    label.textContent = (select.getAttribute("data-choose-label") || "") + (name ? ": " + name : "");
    box.addEventListener("input", function () {
      var wanted = fold(box.value.trim());
      Array.prototype.forEach.call(select.options, function (option) {
        var shown = !wanted || option.selected || option.value === "" ||
          fold(option.text).indexOf(wanted) !== -1 ||
          option.value.toLowerCase() === wanted;
        option.hidden = !shown;
      });
    });
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-choose]").forEach(enhance);
  });
})();
