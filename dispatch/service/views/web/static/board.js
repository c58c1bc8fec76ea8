// The station head's board: asks data.json every few seconds and redraws the cases, the
// routes, the overdue meals and which stops on the map are done. Text only, never HTML.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  var done = [];

  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    if (className) { td.className = className; }
    row.appendChild(td);
    return td;
  }

  function fill(id, items, columns, empty) {
    var table = document.getElementById(id);
    if (!table) { return; }
    var body = table.tBodies[0];
    var rows = items.map(function (item) { return columns(item); });
    if (!rows.length) {
      var tr = document.createElement("tr");
      tr.className = "empty";
      var td = cell(tr, empty);
      td.colSpan = table.tHead.rows[0].cells.length;
      rows = [tr];
    }
    body.replaceChildren.apply(body, rows);
  }

  function caseRow(c) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-case", c.id);
    var link = document.createElement("a");
    link.href = c.url;
    link.textContent = c.name;
    cell(tr, "").appendChild(link);
    [c.reason, c.opened, c.open_min, c.step].forEach(function (v) { cell(tr, v); });
    return tr;
  }

  function routeRow(r) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-route", r.vehicle);
    [r.vehicle, r.done, r.to_do, r.last].forEach(function (v) { cell(tr, v); });
    cell(tr, r.late_min, r.late_min > 0 ? "late" : "");
    cell(tr, r.next ? r.next.client + " " + (r.next.arrival || "") : "");
    return tr;
  }

  function overdueRow(o) {
    var tr = document.createElement("tr");
    [o.name, o.vehicle, o.window_end].forEach(function (v) { cell(tr, v); });
    return tr;
  }

  function paintStops() {
    document.querySelectorAll(".stop-label[data-clients]").forEach(function (e) {
      var clients = e.getAttribute("data-clients").split(" ").filter(Boolean);
      var all = clients.length > 0 && clients.every(function (c) { return done.indexOf(c) >= 0; });
      e.classList.toggle("done", all);
      e.setAttribute("aria-label", (all ? board.dataset.done : board.dataset.pending));
    });
  }

  function draw(data) {
    if ((data.plan || "") !== (board.dataset.plan || "")) { window.location.reload(); return; }
    document.getElementById("case-count").textContent = String(data.cases.length);
    fill("cases", data.cases, caseRow, board.dataset.noCases);
    fill("routes-progress", data.routes, routeRow, "");
    fill("overdue", data.overdue, overdueRow, board.dataset.none);
    done = data.done;
    paintStops();
    document.getElementById("updated").textContent = board.dataset.updated.replace("{time}", data.time);
    board.classList.remove("stale");
    board.dataset.polls = String(Number(board.dataset.polls || 0) + 1);
  }

  function poll() {
    fetch(board.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(draw)
      .catch(function () { board.classList.add("stale"); })
      .then(function () { window.setTimeout(poll, Number(board.dataset.pollS) * 1000); });
  }

  var box = document.getElementById("map");
  if (box) { box.addEventListener("map-ready", paintStops); }
  window.setTimeout(poll, Number(board.dataset.pollS) * 1000);
})();
