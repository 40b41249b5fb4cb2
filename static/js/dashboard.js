/* Dashboards: draws Chart.js charts from the JSON data blocks next to each canvas.
   Progressive enhancement only: every chart is also printed as a table in the page. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var palette = ["#0d6efd", "#198754", "#6f42c1", "#fd7e14"];

  // Responses per day (bars, left axis) with the running total, the target and the even pace needed to
  // reach it by the closing date (lines, right axis).
  function participation(spec, base) {
    var total = spec.labels.map(function () { return spec.target; });
    var datasets = [
      { type: "bar", label: spec.names.daily, data: spec.daily, backgroundColor: "#0d6efd", yAxisID: "y", order: 3 },
      { type: "line", label: spec.names.cumulative, data: spec.cumulative, borderColor: "#146c43",
        backgroundColor: "#146c43", pointRadius: 0, yAxisID: "y1", order: 1 },
      { type: "line", label: spec.names.needed, data: spec.needed, borderColor: "#b35900", backgroundColor: "#b35900",
        borderDash: [6, 4], pointRadius: 0, spanGaps: false, yAxisID: "y1", order: 2 }
    ];
    if (spec.target) {
      datasets.push({ type: "line", label: spec.names.target, data: total, borderColor: "#b02a37",
                      backgroundColor: "#b02a37", borderDash: [2, 3], pointRadius: 0, yAxisID: "y1", order: 0 });
    }
    var options = Object.assign({}, base, {
      plugins: { legend: { display: true } },
      scales: {
        y: { beginAtZero: true, position: "left", ticks: { precision: 0 } },
        y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { precision: 0 } }
      }
    });
    return { type: "bar", options: options, data: { labels: spec.labels, datasets: datasets } };
  }

  // Funnel plot: each unit's IK (points) against its n, around the pooled IK with 95 % and 99.8 % limits.
  function funnel(spec, base) {
    var line = function (key, colour, dash) {
      return { type: "line", label: spec.names[key], borderColor: colour, backgroundColor: colour,
               borderDash: dash, pointRadius: 0, fill: false,
               data: spec.limits.n.map(function (n, i) { return { x: n, y: spec.limits[key][i] }; }) };
    };
    var colours = spec.points.map(function (p) { return p.outside ? "#b02a37" : "#0d6efd"; });
    var datasets = [
      { type: "scatter", label: spec.names.points, data: spec.points, backgroundColor: colours, pointRadius: 4 },
      { type: "line", label: spec.names.centre, borderColor: "#146c43", pointRadius: 0,
        data: [{ x: spec.limits.n[0], y: spec.centre }, { x: spec.limits.n[spec.limits.n.length - 1], y: spec.centre }] },
      line("low_95", "#b35900", [6, 4]), line("high_95", "#b35900", [6, 4]),
      line("low_998", "#6c757d", [2, 3]), line("high_998", "#6c757d", [2, 3])
    ];
    var options = Object.assign({}, base, {
      plugins: { legend: { display: true }, tooltip: { callbacks: { label: function (ctx) {
        return ctx.raw && ctx.raw.label ? ctx.raw.label + ": " + ctx.raw.y + " (n=" + ctx.raw.x + ")" : "";
      } } } },
      scales: { x: { type: "linear", title: { display: true, text: "n" } }, y: { title: { display: true, text: "IK" } } }
    });
    return { type: "scatter", options: options, data: { datasets: datasets } };
  }

  function build(spec) {
    // Axis numbers in the page's language (3,5 and 1.000 in Indonesian), like the figures around the chart.
    var base = { responsive: true, maintainAspectRatio: false, animation: reduceMotion ? false : undefined,
                 locale: document.documentElement.lang || undefined,
                 plugins: { legend: { display: spec.type === "line" } } };
    if (spec.type === "participation") { return participation(spec, base); }
    if (spec.type === "funnel") { return funnel(spec, base); }
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
    else if (spec.horizontal) {
      options.indexAxis = "y";
      options.scales = { x: { beginAtZero: true, ticks: { precision: 0 } } };
    }
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
