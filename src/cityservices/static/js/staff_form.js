/* Staff record form: table rows (phones, windows, photos, kiosks) are added and removed with buttons. Without
   JavaScript the form still works: it always ends with one empty row, and a row cleared of its values is dropped. */
(function () {
  "use strict";

  function renumber(list, name) {
    Array.prototype.forEach.call(list.querySelectorAll("tr[data-row]"), function (row, index) {
      Array.prototype.forEach.call(row.querySelectorAll("input"), function (input) {
        var parts = input.name.split(".");
        input.name = name + "." + index + "." + parts[parts.length - 1];
      });
    });
  }

  function bindRemove(row, list, name) {
    var button = row.querySelector("[data-remove-row]");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = row.nextElementSibling || row.previousElementSibling;
      row.parentNode.removeChild(row);
      renumber(list, name);
      var focus = next ? next.querySelector("input") : null;
      if (focus) focus.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-rows]"), function (set) {
      var name = set.getAttribute("data-rows");
      var list = set.querySelector("[data-row-list]");
      var rows = list.querySelectorAll("tr[data-row]");
      var blank = rows[rows.length - 1].cloneNode(true);
      Array.prototype.forEach.call(rows, function (row) {
        bindRemove(row, list, name);
      });
      var add = set.querySelector("[data-add-row]");
      add.hidden = false;
      add.addEventListener("click", function () {
        var row = blank.cloneNode(true);
        Array.prototype.forEach.call(row.querySelectorAll("input"), function (input) {
          input.value = "";
        });
        list.appendChild(row);
        bindRemove(row, list, name);
        renumber(list, name);
        row.querySelector("input").focus();
      });
    });
  });
})();
