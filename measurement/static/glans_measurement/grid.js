/* Keyboard-first rating grid. One model for every key, and the help text above the grid says
   exactly this:
   - 1 or g = glanst, 2 or n = neutraal, 3 or d = dof: rates the family that has the focus and
     moves the focus to the next family (the row below; on the last row it stays);
   - arrow up/down (and Enter): move to another family without rating;
   - arrow left/right: move between the buttons of one family;
   - u or Ctrl+Z: undo the last change (the previous rating comes back, or none).
   Every change is saved at once with PUT to the API (session + CSRF); the status line (an
   aria-live region) and the row itself say which family each saved rating went to.
   No dependencies. */
(function () {
  "use strict";
  var table = document.getElementById("rating-grid");
  if (!table || !table.dataset.url) { return; }
  var status = document.getElementById("grid-status");
  var undoButton = document.getElementById("grid-undo");
  var keys = { "1": "positive", g: "positive", "2": "neutral", n: "neutral", "3": "negative", d: "negative" };

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function rows() { return Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-code]")); }
  function current(row) { var on = row.querySelector(".rate-btn.is-on"); return on ? on.dataset.value : null; }
  function valueLabel(value) {
    var btn = value && table.querySelector('.rate-btn[data-value="' + value + '"]');
    return btn ? btn.textContent.trim() : table.dataset.none;
  }

  // What a row holds now, so that a change can be undone.
  function snapshot(row) {
    return {
      rating: current(row),
      next_step: row.querySelector(".next-step").value,
      note: row.querySelector(".note").value,
      impossible: row.querySelector(".impossible-box").checked
    };
  }
  var history = [];
  var last = {};  // code -> state before the latest change (for the change event of inputs)

  // One request at a time: changes made while a save is on its way go together in the next
  // one (the API takes a list), so fast typing never races itself. Each row's state is read
  // when the request leaves, so the last change of a row always wins.
  var pending = {}, busy = false;

  function item(row) {
    var state = snapshot(row);
    return {
      relationship: row.dataset.code,
      group: parseInt(table.dataset.group, 10),
      rating: state.rating,
      next_step: state.next_step,
      note: state.note,
      impossible: state.impossible
    };
  }

  function flush() {
    var codes = Object.keys(pending);
    if (busy || !codes.length) { return; }
    var batch = codes.map(function (code) { return pending[code]; });
    var items = batch.map(item);
    pending = {};
    busy = true;
    table.setAttribute("aria-busy", "true");
    function done(ok) {
      var parts = [];
      batch.forEach(function (row, i) {
        row.classList.remove("is-saving");
        row.classList.toggle("is-error", !ok);
        var text = table.dataset.family + " " + row.dataset.code + " → " + valueLabel(items[i].rating);
        parts.push(text);
        var mark = row.querySelector(".saved-mark");
        if (mark) { mark.textContent = ok ? "✓ " + valueLabel(items[i].rating) : "✗ " + table.dataset.failed; }
      });
      status.textContent = (ok ? table.dataset.saved : table.dataset.failed) + ": " + parts.join(", ");
      busy = false;
      if (Object.keys(pending).length) { flush(); } else { table.removeAttribute("aria-busy"); }
    }
    fetch(table.dataset.url, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ ratings: items })
    }).then(function (response) { done(response.ok); }, function () { done(false); });
  }

  function save(row) {
    // A row without a rating is sent too when it had one (an undo back to "not rated").
    if (!current(row) && !row.dataset.rated) { return; }
    row.dataset.rated = current(row) ? "1" : "";
    row.classList.add("is-saving");
    pending[row.dataset.code] = row;
    flush();
  }

  function remember(row, before) {
    history.push({ row: row, before: before });
    if (undoButton) {
      undoButton.hidden = false;
      undoButton.textContent = undoButton.dataset.label + " (" + table.dataset.family + " " + row.dataset.code + ")";
    }
  }

  function show(row, value) {
    row.querySelectorAll(".rate-btn").forEach(function (b, i) {
      var on = b.dataset.value === value;
      b.classList.toggle("is-on", on);
      b.setAttribute("aria-checked", on ? "true" : "false");
      b.tabIndex = on || (!value && i === 0) ? 0 : -1;
    });
  }

  function choose(row, value) {
    var before = snapshot(row);
    show(row, value);
    if (before.rating !== value) { remember(row, before); }
    last[row.dataset.code] = snapshot(row);
    save(row);
  }

  function undo() {
    var step = history.pop();
    if (!step) { return; }
    var row = step.row, before = step.before;
    show(row, before.rating);
    row.querySelector(".next-step").value = before.next_step;
    row.querySelector(".note").value = before.note;
    row.querySelector(".impossible-box").checked = before.impossible;
    last[row.dataset.code] = snapshot(row);
    save(row);
    if (undoButton) {
      var previous = history[history.length - 1];
      undoButton.hidden = !previous;
      if (previous) {
        undoButton.textContent = undoButton.dataset.label + " (" + table.dataset.family + " " + previous.row.dataset.code + ")";
      }
    }
    (row.querySelector(".rate-btn.is-on") || row.querySelector(".rate-btn")).focus();
  }

  function focusRow(index) {
    var all = rows();
    if (index < 0 || index >= all.length) { return; }
    var row = all[index];
    (row.querySelector(".rate-btn.is-on") || row.querySelector(".rate-btn")).focus();
  }

  rows().forEach(function (row) {
    row.dataset.rated = current(row) ? "1" : "";
    last[row.dataset.code] = snapshot(row);
  });

  table.addEventListener("click", function (e) {
    var btn = e.target.closest(".rate-btn");
    if (btn) { choose(btn.closest("tr"), btn.dataset.value); }
  });
  table.addEventListener("change", function (e) {
    if (e.target.matches(".next-step, .note, .impossible-box")) {
      var row = e.target.closest("tr");
      if (!current(row)) { return; }
      remember(row, last[row.dataset.code]);
      last[row.dataset.code] = snapshot(row);
      save(row);
    }
  });
  if (undoButton) { undoButton.addEventListener("click", undo); }
  document.addEventListener("keydown", function (e) {
    var key = e.key.toLowerCase();
    var inField = e.target.matches && e.target.matches("input, select, textarea");
    if (!inField && ((key === "z" && (e.ctrlKey || e.metaKey)) || (key === "u" && !e.ctrlKey && !e.metaKey && !e.altKey))) {
      e.preventDefault();
      undo();
    }
  });
  table.addEventListener("keydown", function (e) {
    var btn = e.target.closest(".rate-btn");
    if (!btn || e.ctrlKey || e.metaKey || e.altKey) { return; }
    var row = btn.closest("tr");
    var index = rows().indexOf(row);
    var key = e.key.toLowerCase();
    if (keys[key]) {
      // The same for every key: rate the focused family, then go to the next one.
      e.preventDefault();
      choose(row, keys[key]);
      if (index + 1 < rows().length) { focusRow(index + 1); } else { row.querySelector('.rate-btn[data-value="' + keys[key] + '"]').focus(); }
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
