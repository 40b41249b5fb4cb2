/* Dashboards: draws Chart.js charts from the JSON data blocks next to each canvas.
   Progressive enhancement only: every chart is also printed as a table in the page. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var palette = ["#0d6efd", "#198754", "#6f42c1", "#fd7e14"];

  function build(spec) {
    var base = { responsive: true, maintainAspectRatio: false, animation: reduceMotion ? false : undefined,
                 plugins: { legend: { display: spec.type === "line" } } };
    if (spec.type === "line") {
      return { type: "line", options: base, data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          return { label: s.label, data: s.values, borderColor: palette[i % palette.length],
                   backgroundColor: palette[i % palette.length], spanGaps: true, tension: 0.2 };
        })
      } };
    }
    var colours = (spec.values || []).map(function (_, i) {
      return spec.highlight && spec.highlight[i] ? "#ffc107" : "#0d6efd";
    });
    var options = Object.assign({}, base);
    if (spec.min !== undefined) { options.scales = { y: { min: spec.min, max: spec.max } }; }
    else { options.scales = { y: { beginAtZero: true, ticks: { precision: 0 } } }; }
    return { type: "bar", options: options,
             data: { labels: spec.labels, datasets: [{ data: spec.values, backgroundColor: colours }] } };
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    try {
      new window.Chart(canvas, build(JSON.parse(source.textContent)));
      canvas.parentElement.classList.add("chart-ready");
    } catch (err) {
      canvas.parentElement.hidden = true;
    }
  });
})();
