// The what-if comparison's charts (Chart.js, vendored): one bar chart a figure.
(function () {
  "use strict";
  var box = document.getElementById("charts");
  if (!box || !window.Chart) { return; }
  var names = JSON.parse(box.dataset.names);
  box.querySelectorAll("canvas").forEach(function (canvas) {
    new Chart(canvas, {
      type: "bar",
      data: { labels: names, datasets: [{ label: canvas.dataset.title, data: JSON.parse(canvas.dataset.values), backgroundColor: "#0b4f8a" }] },
      options: { animation: false, plugins: { legend: { display: false }, title: { display: true, text: canvas.dataset.title } } }
    });
  });
  box.dataset.ready = "1";
})();
