/* From dof to practice: when a family is rated dof in the grid, show the practice panel and
   offer that family in its form. Watches the grid's buttons only (no keyboard handling). */
(function () {
  "use strict";
  var table = document.getElementById("rating-grid");
  var panel = document.getElementById("practice");
  var select = document.getElementById("practice-code");
  if (!table || !panel || !select) { return; }
  function has(code) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === code; });
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      var button = change.target;
      if (!button.classList.contains("rate-negative") || button.getAttribute("aria-checked") !== "true") { return; }
      var row = button.closest("tr[data-code]");
      if (!row) { return; }
      var code = row.dataset.code;
      if (!has(code)) { select.add(new Option(code, code)); }
      select.value = code;
      panel.hidden = false;
    });
  }).observe(table, { attributes: true, attributeFilter: ["aria-checked"], subtree: true });
}());
