// C-10 statistics: the bar chart by category from the canvas's data attributes (issue 13.2: no inline script).
(function () {
  var el = document.getElementById("chart-category");
  if (!el || !window.Chart || !el.dataset.values) return;
  new Chart(el, {type: "bar", data: {labels: el.dataset.labels.split("|"),
    datasets: [{data: el.dataset.values.split("|").map(Number)}]}, options: {plugins: {legend: {display: false}}}});
})();
