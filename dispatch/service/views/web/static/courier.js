/* The courier's page: each outcome is kept in this phone's storage (localStorage) until the
   server has answered for its id, and sent in one batch when it is marked, every few
   seconds and when the network returns. A resend carries the same id, so the server counts
   it once. An outcome the server refuses for itself (its field names it) is set aside and
   shown; a refusal of the whole batch (e.g. the link's day is over) keeps the queue. */
(function () {
  "use strict";
  var root = document.getElementById("courier");
  if (!root) return;
  var KEY = "nuanliu.courier." + root.dataset.plan + "." + root.dataset.route;
  var REFUSED = KEY + ".refused";
  var RETRY_MS = 5000;
  var BATCH = 200; // the server's cap per request
  var sending = false;

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function write(key, items) { localStorage.setItem(key, JSON.stringify(items)); }

  function newId() { // a random (version 4) UUID; crypto.randomUUID needs https
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function say(template, values) {
    return template.replace(/__(\w+)__/g, function (_, name) { return values[name]; });
  }

  function clock(iso) {
    var d = new Date(iso);
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  function door(client) {
    return root.querySelector('.door[data-client="' + CSS.escape(client) + '"]');
  }

  function show(item, state, reason) {
    var el = door(item.client);
    if (!el) return;
    el.dataset.outcome = item.outcome;
    el.dataset.state = state;
    var label = "";
    el.querySelectorAll("button.outcome").forEach(function (b) {
      var chosen = b.dataset.outcome === item.outcome;
      b.setAttribute("aria-pressed", chosen ? "true" : "false");
      if (chosen) label = b.textContent;
    });
    var after = state === "refused" ? say(root.dataset.tRefused, {reason: reason || ""})
      : state === "sent" ? root.dataset.tSent : root.dataset.tWaiting;
    el.querySelector(".marked").textContent =
      say(root.dataset.tMarked, {outcome: label, time: clock(item.at)}) + " · " + after;
  }

  function count() {
    var n = read(KEY).length;
    var status = document.getElementById("unsent");
    status.dataset.count = String(n);
    status.textContent = n === 0 ? root.dataset.tAllSent
      : say(root.dataset.tUnsent, {count: n}) + (navigator.onLine ? "" : " · " + root.dataset.tOffline);
  }

  function mark(button) {
    var el = button.closest(".door");
    var item = {id: newId(), client: el.dataset.client, outcome: button.dataset.outcome,
                at: new Date().toISOString()};
    var concern = el.querySelector("select.concern").value;
    var note = el.querySelector("input.note").value.trim();
    if (concern) item.concern = concern;
    if (note) item.note = note;
    write(KEY, read(KEY).concat([item]));
    show(item, "waiting");
    count();
    send();
  }

  function settle(ids) { // the server holds these: off the queue
    var answered = new Set(ids);
    var left = [];
    read(KEY).forEach(function (item) {
      if (answered.has(item.id)) show(item, "sent"); else left.push(item);
    });
    write(KEY, left);
  }

  function refuse(batch, error) {
    var reason = error ? (root.dataset.lang === "zh" ? error.message_zh : error.message) : "";
    var which = /^outcomes\[(\d+)\]/.exec((error && error.field) || "");
    if (!which) { // the whole batch: keep it and say why
      document.getElementById("problem").textContent = say(root.dataset.tRefused, {reason: reason});
      return false;
    }
    var item = batch[Number(which[1])];
    write(KEY, read(KEY).filter(function (i) { return i.id !== item.id; }));
    write(REFUSED, read(REFUSED).concat([item]));
    show(item, "refused", reason);
    return true;
  }

  function send() {
    var batch = read(KEY).slice(0, BATCH);
    if (sending || batch.length === 0) return;
    sending = true;
    var again = false;
    fetch(root.dataset.post, {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({outcomes: batch}),
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.ok) {
          settle(body.stored.concat(body.repeated));
          document.getElementById("problem").textContent = "";
          again = true;
        } else if (response.status < 500 && response.status !== 408 && response.status !== 429) {
          again = refuse(batch, body.error);
        }
      });
    }).catch(function () { /* no network or no answer: the timer tries again */ })
      .finally(function () {
        sending = false;
        count();
        if (again) send();
      });
  }

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button.outcome");
    if (button) mark(button);
  });
  read(REFUSED).forEach(function (item) { show(item, "refused"); });
  read(KEY).forEach(function (item) { show(item, "waiting"); });
  window.addEventListener("online", send);
  window.addEventListener("offline", count);
  setInterval(send, RETRY_MS);
  count();
  send();
})();
