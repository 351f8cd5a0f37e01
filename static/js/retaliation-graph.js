/*
 * TradeWatch: the retaliation chain on the dispute page, drawn as a graph (progressive enhancement).
 *
 * Loaded with <script defer> after static/vendor/vis-network/vis-network.min.js. Reads
 * <script type="application/json" id="retaliation-data"> ({nodes: [{id, label, side, date, url}],
 * edges: [{from, to, type, label, contested, days}]}) and the side names
 * (<script id="retaliation-sides">), and draws into <div id="retaliation-graph">: one node per
 * measure, coloured and shaped by the side that imposed it, one arrow per link with its type and
 * the days from the measure answered to its answer; contested links are dashed. The same links
 * are in <table id="retaliation-table"> beside it, for screen readers and print: the graph is
 * aria-hidden. Texts are handed to vis-network as plain text (it draws them on a canvas).
 * Plain ES2017, no bundler.
 */
(function () {
  "use strict";

  // One colour and one shape per side (colour is never the only cue), dark enough on white.
  var STYLES = [
    { color: "#b3261e", shape: "dot" },
    { color: "#0b57d0", shape: "square" },
    { color: "#146c2e", shape: "triangle" },
    { color: "#6b3fa0", shape: "diamond" },
  ];
  var OTHER = { color: "#5f6368", shape: "star" };
  var current = null;

  function readJson(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try {
      return JSON.parse(el.textContent || "null");
    } catch (e) {
      return null;
    }
  }

  function safeUrl(url) {
    if (!url) return null;
    try {
      var u = new URL(String(url), window.location.href);
      return u.origin === window.location.origin ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function shorten(text, n) {
    var s = String(text === null || text === undefined ? "" : text);
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  }

  function daysLabel(days) {
    var lang = (document.documentElement.lang || "en").toLowerCase();
    var n = Number(days);
    if (!isFinite(n)) return "";
    var unit = lang.indexOf("fr") === 0 ? "j" : "d";
    return (n > 0 ? "+" : "") + String(n) + "\u00a0" + unit;
  }

  function init() {
    var box = document.getElementById("retaliation-graph");
    var data = readJson("retaliation-data");
    var vis = window.vis;
    if (current) {
      try {
        current.destroy();
      } catch (e) {
        /* gone */
      }
      current = null;
    }
    if (!box || !data || !vis || typeof vis.Network !== "function") return;
    var nodesIn = Array.isArray(data.nodes) ? data.nodes : [];
    var edgesIn = Array.isArray(data.edges) ? data.edges : [];
    if (!nodesIn.length) return;
    var sideNames = readJson("retaliation-sides") || {};
    var sideOrder = Object.keys(sideNames);
    function styleOf(side) {
      var i = sideOrder.indexOf(side);
      return i >= 0 ? STYLES[i % STYLES.length] : OTHER;
    }
    var urls = Object.create(null);
    var nodes = nodesIn.map(function (n) {
      var style = styleOf(n.side);
      urls[n.id] = safeUrl(n.url);
      var side = sideNames[n.side] || "";
      return {
        id: n.id,
        label: shorten(n.label, 40),
        title: String(n.date || "") + " — " + String(n.label || "") + (side ? " (" + side + ")" : ""),
        shape: style.shape,
        size: 10,
        color: { background: style.color, border: style.color },
        font: { color: "#202124", size: 13 },
        group: String(n.side || "other"),
        level: sideOrder.indexOf(n.side) >= 0 ? sideOrder.indexOf(n.side) : sideOrder.length,
      };
    });
    var edges = edgesIn.map(function (e, i) {
      return {
        id: "link-" + i,
        from: e.from,
        to: e.to,
        arrows: "to",
        dashes: Boolean(e.contested),
        label: shorten(e.label, 24) + " · " + daysLabel(e.days),
        color: { color: e.contested ? "#5f6368" : "#202124" },
        font: { size: 11, color: "#202124", strokeWidth: 3, strokeColor: "#ffffff", align: "middle" },
        smooth: { enabled: true, type: "curvedCW", roundness: 0.15 },
      };
    });
    box.removeAttribute("hidden");
    var reduced = Boolean(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
    var network = new vis.Network(
      box,
      { nodes: nodes, edges: edges },
      {
        autoResize: true,
        height: "420px",
        interaction: { hover: true, keyboard: false, tooltipDelay: 200 },
        physics: reduced
          ? false
          : { solver: "forceAtlas2Based", stabilization: { iterations: 150, fit: true } },
        layout: { randomSeed: 7 },
      }
    );
    // The graph repeats the table beside it (aria-hidden): nothing inside it takes the keyboard focus.
    function unfocusable() {
      box.querySelectorAll("[tabindex], canvas, a, button, input").forEach(function (el) {
        el.setAttribute("tabindex", "-1");
      });
    }
    unfocusable();
    network.on("click", function (params) {
      var id = params && params.nodes && params.nodes[0];
      if (id !== undefined && urls[id]) window.location.assign(urls[id]);
    });
    network.once("afterDrawing", function () {
      unfocusable();
      box.setAttribute("data-ready", "true");
      box.setAttribute("data-nodes", String(nodes.length));
      box.setAttribute("data-edges", String(edges.length));
      box.setAttribute("data-dashed", String(edges.filter(function (e) { return e.dashes; }).length));
    });
    current = network;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  window.TradeWatchRetaliationGraph = {
    get instance() {
      return current;
    },
  };
})();
