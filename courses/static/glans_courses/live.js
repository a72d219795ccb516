/* The projector's live panel: polls the session's state (counts only) and draws the spread
   of the anonymous calibration answers per case. No dependencies. */
(function () {
  "use strict";
  var panel = document.getElementById("live");
  if (!panel) { return; }
  var labels = document.getElementById("live-labels").dataset;
  var counts = document.getElementById("live-counts");
  var spread = document.getElementById("live-spread");
  function draw(state) {
    counts.textContent = state.checked_in + " " + labels.reported + " · " + state.confirmed + " " + labels.confirmed;
    spread.textContent = "";
    state.cases.forEach(function (c) {
      var table = document.createElement("table");
      table.className = "matrix live-case";
      var caption = table.createCaption();
      caption.textContent = labels["case"] + " " + c.number;
      var row = table.insertRow();
      c.answers.forEach(function (a) {
        var th = document.createElement("th");
        th.scope = "row";
        th.textContent = a.label;
        row.appendChild(th);
        var td = row.insertCell();
        td.textContent = String(a.n);
        td.dataset.value = a.value;
      });
      spread.appendChild(table);
    });
  }
  function poll() {
    fetch(panel.dataset.stateUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) { if (state) { draw(state); } })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 3000); });
  }
  poll();
}());
