// Survey charts from the JSON next to them: <canvas data-survey-chart="json id" data-kind="items|trend">
// (issue 13.2: no inline script).
(function () {
  if (typeof Chart === "undefined") return;
  document.querySelectorAll("canvas[data-survey-chart]").forEach(function (c) {
    var src = document.getElementById(c.dataset.surveyChart);
    if (!src) return;
    var d = JSON.parse(src.textContent);
    var options = {maintainAspectRatio: false, scales: {y: {min: 0, max: 100}}};
    if (c.dataset.kind === "items") {
      new Chart(c, {type: "bar", data: {labels: d.labels, datasets: [
        {label: d.rate_label, data: d.rate}, {label: d.dis_label, data: d.dis_rate}]}, options: options});
    } else {
      new Chart(c, {type: "line", data: {labels: d.labels, datasets: [{label: d.label, data: d.rate}]},
        options: options});
    }
  });
})();
