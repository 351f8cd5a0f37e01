/*
 * TradeWatch: "measures in force and trade covered, per side" chart on the dispute page.
 *
 * Loaded with <script defer> after static/vendor/chart.js/chart.umd.min.js.
 * Draws, per side, a stepped line of the measures in force (left axis) and, when figures
 * exist, a line of the trade they cover (right axis, in `currency`) from
 * <script type="application/json" id="series-data"> ({labels, currency, axis, datasets:
 * [{side, label, counts, trade}]}) into <canvas id="in-force-chart">. The same figures are in the page as
 * <table id="in-force-table">; the canvas keeps the aria-label the template gives it.
 * Category x axis (one label per month, "YYYY-MM"): no date adapter needed.
 * DOM contract: static/js/README.md. Plain ES2017, no bundler.
 */
(function () {
  "use strict";

  // Dark enough on white for graphics (WCAG 1.4.11, >= 3:1; all of these are >= 4.5:1),
  // each with its own dash pattern and point shape so colour is never the only cue.
  var STYLES = [
    { color: "#b3261e", dash: [], point: "circle" }, // red
    { color: "#0b57d0", dash: [8, 4], point: "rect" }, // blue
    { color: "#146c2e", dash: [2, 3], point: "triangle" }, // green
    { color: "#6b3fa0", dash: [12, 4, 2, 4], point: "rectRot" }, // purple
    { color: "#8a4b00", dash: [4, 4], point: "crossRot" }, // brown
    { color: "#202124", dash: [16, 6], point: "star" }, // near black
  ];

  var current = null; // {chart, dataEl, canvas, text}

  function prefersReducedMotion() {
    return Boolean(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  function lang() {
    return document.documentElement.lang || "en";
  }

  function monthFormatter() {
    try {
      return new Intl.DateTimeFormat(lang(), { month: "short", year: "numeric" });
    } catch (e) {
      return null;
    }
  }

  // "2024-10" -> "Oct 2024" / "oct. 2024"; anything else is shown as given.
  function monthLabel(value, fmt) {
    var m = /^(\d{4})-(\d{2})$/.exec(String(value));
    if (!m || !fmt) return String(value);
    return fmt.format(new Date(Number(m[1]), Number(m[2]) - 1, 1));
  }

  function destroy() {
    if (!current) return;
    try {
      current.chart.destroy();
    } catch (e) {
      /* canvas already gone */
    }
    current = null;
  }

  function init() {
    var canvas = document.getElementById("in-force-chart");
    var dataEl = document.getElementById("series-data");
    if (current && current.canvas === canvas && current.dataEl === dataEl && canvas && canvas.isConnected && dataEl && dataEl.textContent === current.text) {
      return; // unchanged
    }
    destroy();
    var Chart = window.Chart;
    if (!canvas || !dataEl || typeof Chart !== "function") return;

    var text = dataEl.textContent || "";
    var data;
    try {
      data = JSON.parse(text);
    } catch (e) {
      return;
    }
    var labels = Array.isArray(data && data.labels) ? data.labels.map(String) : [];
    var sets = Array.isArray(data && data.datasets) ? data.datasets : [];
    if (!labels.length || !sets.length) {
      canvas.setAttribute("hidden", "");
      return;
    }
    canvas.removeAttribute("hidden");
    if (!canvas.hasAttribute("role")) canvas.setAttribute("role", "img");

    var fmt = monthFormatter();
    var numberFormat = new Intl.NumberFormat(lang());
    var reduced = prefersReducedMotion();
    var small = window.matchMedia && window.matchMedia("(max-width: 600px)").matches;

    var axis = (data && data.axis) || {};
    var currency = data && data.currency ? String(data.currency) : null;
    function numbers(values) {
      return Array.isArray(values)
        ? values.map(function (v) {
            return v === null || v === undefined || v === "" ? null : Number(v);
          })
        : [];
    }
    var datasets = [];
    sets.forEach(function (set, i) {
      var style = STYLES[i % STYLES.length];
      var name = String((set && set.label) || "");
      datasets.push({
        label: axis.count ? name + " — " + String(axis.count) : name,
        data: numbers(set && (set.counts || set.data)),
        yAxisID: "y",
        stepped: true,
        borderColor: style.color,
        backgroundColor: style.color,
        borderDash: style.dash,
        borderWidth: 2.5,
        pointStyle: style.point,
        pointRadius: labels.length > 36 ? 0 : 3,
        pointHoverRadius: 5,
        fill: false,
        spanGaps: true,
      });
      if (currency && Array.isArray(set && set.trade) && set.trade.length) {
        datasets.push({
          label: name + " — " + String(axis.trade || currency),
          data: numbers(set.trade),
          yAxisID: "y2",
          stepped: true,
          borderColor: style.color,
          backgroundColor: style.color,
          borderDash: [3, 3],
          borderWidth: 1.5,
          pointStyle: "triangle",
          pointRadius: labels.length > 36 ? 0 : 3,
          pointHoverRadius: 5,
          fill: false,
          spanGaps: true,
        });
      }
    });
    var compact;
    try {
      compact = new Intl.NumberFormat(lang(), { notation: "compact", maximumFractionDigits: 1 });
    } catch (e) {
      compact = numberFormat;
    }

    var chart = new Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: small ? 1.3 : 2.6,
        animation: reduced ? false : { duration: 400 },
        interaction: { mode: "index", intersect: false },
        scales: {
          x: {
            type: "category",
            ticks: {
              color: "#202124",
              autoSkip: true,
              maxRotation: 0,
              callback: function (value) {
                return monthLabel(this.getLabelForValue(value), fmt);
              },
            },
            grid: { color: "rgba(0, 0, 0, 0.08)" },
          },
          y: {
            beginAtZero: true,
            position: "left",
            title: { display: Boolean(axis.count), text: String(axis.count || ""), color: "#202124" },
            ticks: {
              color: "#202124",
              precision: 0,
              callback: function (value) {
                return numberFormat.format(value);
              },
            },
            grid: { color: "rgba(0, 0, 0, 0.12)" },
          },
          y2: {
            display: Boolean(currency),
            beginAtZero: true,
            position: "right",
            title: { display: Boolean(currency), text: String(axis.trade || currency || ""), color: "#202124" },
            ticks: {
              color: "#202124",
              callback: function (value) {
                return compact.format(value);
              },
            },
            grid: { drawOnChartArea: false },
          },
        },
        plugins: {
          legend: {
            position: "bottom",
            // a short stretch of each line, with its dash pattern, as the legend key
            labels: {
              color: "#202124",
              usePointStyle: true,
              pointStyle: "line",
              pointStyleWidth: 44,
              padding: 16,
              // with usePointStyle the default labels take the point's style: put the line's dash back
              generateLabels: function (chart) {
                var base = Chart.defaults.plugins.legend.labels.generateLabels(chart);
                return base.map(function (item) {
                  var ds = chart.data.datasets[item.datasetIndex] || {};
                  item.lineDash = ds.borderDash || [];
                  item.lineWidth = ds.borderWidth || 2;
                  item.strokeStyle = ds.borderColor;
                  return item;
                });
              },
            },
          },
          tooltip: {
            callbacks: {
              title: function (items) {
                return items.length ? monthLabel(items[0].label, fmt) : "";
              },
            },
          },
        },
      },
    });
    current = { chart: chart, canvas: canvas, dataEl: dataEl, text: text };
    canvas.setAttribute("data-ready", "true");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  ["htmx:afterSwap", "htmx:load", "htmx:historyRestore", "htmx:afterSettle"].forEach(function (type) {
    document.addEventListener(type, init);
  });
})();
