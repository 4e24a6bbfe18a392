/* Staff record form: repeatable rows (phones, windows, photos, kiosks, dated exceptions, materials, steps, fees,
   channels, questions, a bundle's steps …) are added, removed and moved up or down with buttons; the inputs are
   renumbered so that the server reads them in the order shown. Without JavaScript the form still works: it
   always ends with one empty row, and a row cleared of its text is dropped. */
(function () {
  "use strict";

  var FIELDS = "input, select, textarea";

  function renumber(list, name) {
    Array.prototype.forEach.call(list.querySelectorAll("[data-row]"), function (row, index) {
      Array.prototype.forEach.call(row.querySelectorAll(FIELDS), function (input) {
        var parts = input.name.split(".");
        input.name = name + "." + index + "." + parts[parts.length - 1];
      });
    });
  }

  function clear(row) {
    Array.prototype.forEach.call(row.querySelectorAll(FIELDS), function (input) {
      if (input.type === "checkbox") input.checked = false;
      else if (input.tagName === "SELECT") input.selectedIndex = 0;
      else input.value = "";
    });
    Array.prototype.forEach.call(row.querySelectorAll("[data-row-error]"), function (note) {
      note.parentNode.removeChild(note);
    });
    row.classList.remove("has-error");
  }

  function bind(row, list, name) {
    function on(selector, action) {
      var button = row.querySelector(selector);
      if (!button) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        action(button);
        renumber(list, name);
      });
    }
    on("[data-remove-row]", function () {
      var next = row.nextElementSibling || row.previousElementSibling;
      row.parentNode.removeChild(row);
      var focus = next ? next.querySelector(FIELDS) : null;
      if (focus) focus.focus();
    });
    on("[data-move-up]", function (button) {
      var before = row.previousElementSibling;
      if (before) list.insertBefore(row, before);
      button.focus();
    });
    on("[data-move-down]", function (button) {
      var after = row.nextElementSibling;
      if (after) list.insertBefore(after, row);
      button.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-rows]"), function (set) {
      var name = set.getAttribute("data-rows");
      var list = set.querySelector("[data-row-list]");
      var rows = list.querySelectorAll("[data-row]");
      var blank = rows[rows.length - 1].cloneNode(true);
      clear(blank);
      Array.prototype.forEach.call(rows, function (row) {
        bind(row, list, name);
      });
      var add = set.querySelector("[data-add-row]");
      add.hidden = false;
      add.addEventListener("click", function () {
        var row = blank.cloneNode(true);
        list.appendChild(row);
        bind(row, list, name);
        renumber(list, name);
        row.querySelector(FIELDS).focus();
      });
    });
  });
})();
