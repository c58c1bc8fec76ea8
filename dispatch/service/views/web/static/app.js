// The pages' small scripts: a plan's or a comparison's progress, polled until it is done.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box) { return; }
  var status = document.getElementById("status");
  var elapsed = document.getElementById("elapsed");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        status.textContent = job.label;
        status.dataset.status = job.status;
        elapsed.textContent = job.elapsed;
        if (job.status === "queued" || job.status === "running") {
          setTimeout(poll, 500);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  if (status.dataset.status === "queued" || status.dataset.status === "running") { poll(); }
})();
