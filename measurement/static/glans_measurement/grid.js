/* Keyboard-first rating grid: 1/g = glanst, 2/n = neutraal, 3/d = dof; arrow keys move.
   Every change is saved at once with PUT to the API (session + CSRF). No dependencies. */
(function () {
  "use strict";
  var table = document.getElementById("rating-grid");
  if (!table || !table.dataset.url) { return; }
  var status = document.getElementById("grid-status");
  var keys = { "1": "positive", g: "positive", "2": "neutral", n: "neutral", "3": "negative", d: "negative" };

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function rows() { return Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-code]")); }
  function current(row) { var on = row.querySelector(".rate-btn.is-on"); return on ? on.dataset.value : null; }

  // One request at a time: changes made while a save is on its way go together in the next
  // one (the API takes a list), so fast typing never races itself.
  var pending = {}, busy = false;

  function item(row) {
    return {
      relationship: row.dataset.code,
      group: parseInt(table.dataset.group, 10),
      rating: current(row),
      next_step: row.querySelector(".next-step").value,
      note: row.querySelector(".note").value,
      impossible: row.querySelector(".impossible-box").checked
    };
  }

  function flush() {
    var codes = Object.keys(pending);
    if (busy || !codes.length) { return; }
    var batch = codes.map(function (code) { return pending[code]; });
    pending = {};
    busy = true;
    table.setAttribute("aria-busy", "true");
    function done(ok) {
      batch.forEach(function (row) {
        row.classList.remove("is-saving");
        row.classList.toggle("is-error", !ok);
      });
      status.textContent = (ok ? table.dataset.saved : table.dataset.failed) + ": " +
        batch.map(function (row) { return row.dataset.code; }).join(", ");
      busy = false;
      if (Object.keys(pending).length) { flush(); } else { table.removeAttribute("aria-busy"); }
    }
    fetch(table.dataset.url, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ ratings: batch.map(item) })
    }).then(function (response) { done(response.ok); }, function () { done(false); });
  }

  function save(row) {
    if (!current(row)) { return; }
    row.classList.add("is-saving");
    pending[row.dataset.code] = row;
    flush();
  }

  function choose(row, value) {
    row.querySelectorAll(".rate-btn").forEach(function (b) {
      var on = b.dataset.value === value;
      b.classList.toggle("is-on", on);
      b.setAttribute("aria-checked", on ? "true" : "false");
      b.tabIndex = on ? 0 : -1;
    });
    save(row);
  }

  function focusRow(index) {
    var all = rows();
    if (index < 0 || index >= all.length) { return; }
    var row = all[index];
    (row.querySelector(".rate-btn.is-on") || row.querySelector(".rate-btn")).focus();
  }

  table.addEventListener("click", function (e) {
    var btn = e.target.closest(".rate-btn");
    if (btn) { choose(btn.closest("tr"), btn.dataset.value); }
  });
  table.addEventListener("change", function (e) {
    if (e.target.matches(".next-step, .note, .impossible-box")) { save(e.target.closest("tr")); }
  });
  table.addEventListener("keydown", function (e) {
    var btn = e.target.closest(".rate-btn");
    if (!btn) { return; }
    var row = btn.closest("tr");
    var index = rows().indexOf(row);
    var key = e.key.toLowerCase();
    if (keys[key]) {
      e.preventDefault();
      choose(row, keys[key]);
      row.querySelector('.rate-btn[data-value="' + keys[key] + '"]').focus();
      if (keys[key] === "positive") { focusRow(index + 1); }
    } else if (key === "arrowdown" || key === "enter") { e.preventDefault(); focusRow(index + 1); }
    else if (key === "arrowup") { e.preventDefault(); focusRow(index - 1); }
    else if (key === "arrowright" || key === "arrowleft") {
      e.preventDefault();
      var buttons = Array.prototype.slice.call(row.querySelectorAll(".rate-btn"));
      var i = buttons.indexOf(btn) + (key === "arrowright" ? 1 : -1);
      if (i >= buttons.length) { row.querySelector(".next-step").focus(); } else if (i >= 0) { buttons[i].focus(); }
    }
  });
  focusRow(0);
})();
