// Draw every <canvas data-chart="id"> from the JSON <script id="id"> next to it (Chart.js, vendored).
// Runs on load and after each htmx refresh of the dashboard body.
(function () {
  function draw(root) {
    if (typeof Chart === "undefined") return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var src = document.getElementById(canvas.dataset.chart);
      if (!src) return;
      var old = Chart.getChart(canvas);
      if (old) old.destroy();
      var cfg = JSON.parse(src.textContent);
      cfg.options = {responsive: true, maintainAspectRatio: false, animation: false,
                     scales: {y: {beginAtZero: true}}};
      new Chart(canvas, cfg);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.body.addEventListener("htmx:afterSettle", function (e) { draw(e.target); });
})();
