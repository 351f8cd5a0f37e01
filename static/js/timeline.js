/*
 * TradeWatch: interactive timeline on the dispute page (progressive enhancement).
 *
 * Loaded with <script defer> after static/vendor/vis-timeline/vis-timeline-graph2d.min.js.
 * Without JavaScript, or without vis-timeline, the page keeps its accessible
 * <ol class="timeline-list"> (one year per page); this script only adds the drawn widget and
 * its controls. The page carries no entries: <script id="timeline-data"> gives the API
 * (`api`, `query` with the page's filters), the dates of the first and last entries and the
 * window to open on (`bounds`: first, last, start, end: the latest 24 months of activity).
 * The entries of the visible window (and half a window either side) are loaded from the
 * API (`date_after`/`date_before`, pages of 500) as the reader pans and zooms; what is
 * loaded is one continuous span of days, kept in `TradeWatchTimeline.loaded()`.
 * DOM contract: static/js/README.md. Plain ES2017, no bundler.
 */
(function () {
  "use strict";

  var DAY = 24 * 60 * 60 * 1000;
  var ZOOM_MIN = DAY; // one day
  var ZOOM_MAX = Math.round(30 * 365.25 * DAY); // about thirty years
  var URL_DEBOUNCE_MS = 300;
  var GROUP_BY_VALUES = ["side", "kind"];
  // vis-timeline ships these locales (moment.js labels come bundled too).
  var VIS_LOCALES = ["en", "fr", "de", "es", "it", "nl", "pl", "pt", "ru", "uk"];
  var API_LIMIT = 500; // the API's largest page
  var MAX_PAGES = 40; // at most 20,000 entries per load
  var LOAD_DEBOUNCE_MS = 250;

  var current = null; // the live instance: {timeline, items, groups, ...}
  // vis-network (loaded after this script for the retaliation graph) puts its own DataSet into the same
  // global `vis`: keep vis-timeline's, which this script runs before.
  var VIS = window.vis ? { Timeline: window.vis.Timeline, DataSet: window.vis.DataSet } : null;

  // ---------------------------------------------------------------- helpers

  function prefersReducedMotion() {
    return Boolean(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  function animation() {
    return prefersReducedMotion() ? false : { duration: 300, easingFunction: "easeInOutQuad" };
  }

  // The data's texts are plain text, shown exactly as typed: "Tariff <25% & more" stays so. They
  // are never read as HTML (that would eat what looks like a tag, and parse attacker markup).
  function plainText(value) {
    if (value === null || value === undefined) return "";
    return String(value);
  }

  // vis-timeline renders item content, tooltips and group labels as (filtered) HTML:
  // hand it escaped text so that nothing from the data is ever parsed as markup.
  function escapeHtml(value) {
    return String(value)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  function humanise(code) {
    var s = String(code || "").replace(/[_-]+/g, " ").trim();
    return s ? s.charAt(0).toUpperCase() + s.slice(1) : "—";
  }

  function classSafe(value) {
    return String(value).replace(/[^A-Za-z0-9_-]/g, "_");
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // Local calendar date as YYYY-MM-DD (vis-timeline works in local time).
  function formatDay(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  function parseDay(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
    if (!m) return null;
    var d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    if (d.getFullYear() !== Number(m[1]) || d.getMonth() !== Number(m[2]) - 1 || d.getDate() !== Number(m[3])) return null;
    return d;
  }

  function parseDate(value) {
    if (value === null || value === undefined || value === "") return null;
    var d = parseDay(String(value));
    if (d) return d;
    d = new Date(value);
    return isNaN(d.getTime()) ? null : d;
  }

  function localeOf(widget) {
    var lang = (widget.getAttribute("data-locale") || document.documentElement.lang || "en").toLowerCase();
    var short = lang.split(/[-_]/)[0];
    return VIS_LOCALES.indexOf(short) >= 0 ? short : "en";
  }

  function readJson(text, fallback) {
    try {
      return JSON.parse(text);
    } catch (e) {
      return fallback;
    }
  }

  // Only same-site paths or http(s) addresses are followed on click.
  function safeUrl(url) {
    if (!url) return null;
    try {
      var u = new URL(String(url), window.location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function windowFromUrl() {
    var params = new URLSearchParams(window.location.search);
    var start = parseDay(params.get("window_start"));
    var end = parseDay(params.get("window_end"));
    if (!start || !end || end <= start) return null;
    return { start: start, end: end };
  }

  function groupByFromUrl() {
    var value = new URLSearchParams(window.location.search).get("group_by");
    return GROUP_BY_VALUES.indexOf(value) >= 0 ? value : null;
  }

  function replaceUrl(mutate) {
    if (!window.history || typeof window.history.replaceState !== "function") return;
    var url = new URL(window.location.href);
    mutate(url.searchParams);
    if (url.href !== window.location.href) {
      // Keep history.state: htmx stores its own marker there.
      window.history.replaceState(window.history.state, "", url.href);
    }
  }

  // ------------------------------------------------------------ the items

  // One timeline entry of the API as a raw item: a point, or a range when it has an end date.
  function entryItem(entry) {
    var side = entry.side ? String(entry.side) : "other";
    var kind = entry.kind ? String(entry.kind) : "other";
    var end = entry.end_date && entry.end_date > entry.date ? entry.end_date : null;
    return {
      id: entry.key,
      content: entry.title,
      title: String(entry.date) + " — " + plainText(entry.title),
      start: entry.date,
      end: end,
      type: end ? "range" : "point",
      className: "kind-" + classSafe(kind) + " side-" + classSafe(side) + (entry.scheduled ? " scheduled" : ""),
      url: entry.record && entry.record.html_url,
      kind: kind,
      side: side,
    };
  }

  function addDays(day, n) {
    var d = parseDay(day);
    return formatDay(new Date(d.getFullYear(), d.getMonth(), d.getDate() + n));
  }

  function minDay(a, b) {
    return a <= b ? a : b;
  }

  function maxDay(a, b) {
    return a >= b ? a : b;
  }

  // Every page of the API's answer for one span of days, following `next` (same origin only).
  function fetchSpan(state, start, end) {
    var params = new URLSearchParams(state.query || "");
    params.set("date_after", start);
    params.set("date_before", end);
    params.set("limit", String(API_LIMIT));
    // The entries' titles and texts in the page's language (the API checks `lang` against its languages).
    var pageLang = (document.documentElement.lang || "en").split(/[-_]/)[0];
    if (pageLang === "en" || pageLang === "fr") params.set("lang", pageLang);
    var first = state.api + "?" + params.toString();
    var rows = [];
    function page(url, n) {
      return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (body) {
          (body.results || []).forEach(function (row) {
            rows.push(row);
          });
          var next = body.next ? new URL(body.next, window.location.href) : null;
          if (next && next.origin === window.location.origin && n + 1 < MAX_PAGES) {
            return page(next.pathname + next.search, n + 1);
          }
          return rows;
        });
    }
    return page(first, 0);
  }

  // Load what the window [start, end] (plus half its width either side) needs and is not loaded yet;
  // loads run one after the other so the loaded span stays continuous.
  function ensureLoaded(state, start, end) {
    var bounds = state.bounds;
    var width = Math.max(1, Math.round((parseDay(end) - parseDay(start)) / DAY));
    var want = {
      start: maxDay(bounds.first, addDays(start, -Math.round(width / 2))),
      end: minDay(bounds.last, addDays(end, Math.round(width / 2))),
    };
    if (want.start > want.end) return state.queue;
    state.queue = state.queue.then(function () {
      if (current !== state) return;
      var spans = [];
      var loaded = state.loaded;
      if (!loaded) {
        spans.push([want.start, want.end]);
      } else {
        if (want.start < loaded.start) spans.push([want.start, addDays(loaded.start, -1)]);
        if (want.end > loaded.end) spans.push([addDays(loaded.end, 1), want.end]);
      }
      if (!spans.length) return;
      setStatus(state, state.loadingText);
      return Promise.all(
        spans.map(function (span) {
          return fetchSpan(state, span[0], span[1]);
        })
      ).then(function (answers) {
        if (current !== state) return;
        var fresh = [];
        answers.forEach(function (rows) {
          rows.forEach(function (row) {
            fresh.push(entryItem(row));
          });
        });
        var items = normaliseItems(fresh).filter(function (it) {
          return !state.ids[it.id];
        });
        items.forEach(function (it) {
          state.ids[it.id] = true;
          state.items.push(it);
        });
        state.loaded = {
          start: loaded ? minDay(loaded.start, want.start) : want.start,
          end: loaded ? maxDay(loaded.end, want.end) : want.end,
        };
        state.itemSet.add(visItems(items, state.groupBy));
        refreshGroups(state);
        setStatus(state, "");
        state.widget.setAttribute("data-loaded-start", state.loaded.start);
        state.widget.setAttribute("data-loaded-end", state.loaded.end);
        state.widget.setAttribute("data-drawn", String(state.itemSet.length));
      });
    }).catch(function () {
      if (current === state) setStatus(state, state.failedText);
    });
    return state.queue;
  }

  function setStatus(state, text) {
    if (state.status) state.status.textContent = text || "";
  }

  function refreshGroups(state) {
    var groups = buildGroups(state.items, state.groupBy, state.serverGroups, state.kindLabels);
    var ids = groups.map(function (g) {
      return g.id;
    });
    state.groupSet.update(groups);
    state.groupSet.getIds().forEach(function (id) {
      if (ids.indexOf(id) < 0) state.groupSet.remove(id);
    });
  }

  function normaliseItems(raw) {
    var seen = Object.create(null);
    var out = [];
    (Array.isArray(raw) ? raw : []).forEach(function (it) {
      if (!it || it.id === undefined || it.id === null) return;
      var id = String(it.id);
      if (seen[id]) return; // a DataSet refuses duplicate ids
      var start = parseDate(it.start);
      if (!start) return;
      var end = parseDate(it.end);
      var type = it.type === "range" || it.type === "background" || it.type === "box" ? it.type : "point";
      if (type !== "point" && type !== "box") {
        if (!end || end <= start) {
          if (type === "background") return; // nothing sensible to draw
          type = "point";
          end = null;
        }
      }
      seen[id] = true;
      var text = plainText(it.content);
      var kind = it.kind ? String(it.kind) : "other";
      var side = it.side ? String(it.side) : it.group ? String(it.group) : "other";
      var className = typeof it.className === "string" ? it.className.replace(/[^\w\s-]/g, "") : "";
      // the stylesheet draws shapes from kind-* classes: add them if the data left them out
      if (!/(^|\s)kind-/.test(className)) className += " kind-" + classSafe(kind);
      if (!/(^|\s)side-/.test(className)) className += " side-" + classSafe(side);
      var item = {
        id: id,
        content: escapeHtml(text),
        title: escapeHtml(plainText(it.title) || text),
        start: start,
        type: type,
        className: className.trim(),
        // kept for regrouping and navigation (not used by vis-timeline itself)
        url: safeUrl(it.url),
        kind: kind,
        side: side,
      };
      if (end && type !== "point" && type !== "box") item.end = end;
      out.push(item);
    });
    return out;
  }

  // The lane labels by kind: <script type="application/json" id="timeline-kind-labels"> (json_script),
  // else the select's data-kind-labels attribute.
  function kindLabelsOf(select) {
    var labels = Object.create(null);
    var order = [];
    var source = document.getElementById("timeline-kind-labels");
    var text = source ? source.textContent : select && select.getAttribute("data-kind-labels");
    var raw = readJson(text || "null", null);
    if (Array.isArray(raw)) {
      raw.forEach(function (entry) {
        if (Array.isArray(entry) && entry.length >= 2) {
          labels[entry[0]] = String(entry[1]);
          order.push(String(entry[0]));
        } else if (entry && entry.id !== undefined) {
          labels[entry.id] = String(entry.content !== undefined ? entry.content : entry.label || entry.id);
          order.push(String(entry.id));
        }
      });
    } else if (raw && typeof raw === "object") {
      Object.keys(raw).forEach(function (key) {
        labels[key] = String(raw[key]);
        order.push(key);
      });
    }
    return { labels: labels, order: order };
  }

  // Groups (lanes) for the given mode, in a stable order: the server's (or the
  // select's data-kind-labels) order first, then any other value by label.
  function buildGroups(items, mode, serverGroups, kindLabels) {
    var key = mode === "kind" ? "kind" : "side";
    var used = Object.create(null);
    items.forEach(function (it) {
      used[it[key]] = true;
    });
    var labels = Object.create(null);
    var order = [];
    if (mode === "kind") {
      labels = kindLabels.labels;
      order = kindLabels.order.slice();
    } else {
      (Array.isArray(serverGroups) ? serverGroups : []).forEach(function (g) {
        if (!g || g.id === undefined || g.id === null) return;
        labels[String(g.id)] = plainText(g.content);
        order.push(String(g.id));
      });
    }
    var ids = order.filter(function (id, i) {
      return used[id] && order.indexOf(id) === i;
    });
    var rest = Object.keys(used)
      .filter(function (id) {
        return ids.indexOf(id) < 0;
      })
      .sort(function (a, b) {
        return (labels[a] || humanise(a)).localeCompare(labels[b] || humanise(b));
      });
    return ids.concat(rest).map(function (id, index) {
      return {
        id: id,
        content: escapeHtml(labels[id] || humanise(id)),
        order: index,
        className: "group-" + key + " group-" + classSafe(id),
      };
    });
  }

  function visItems(items, mode) {
    var key = mode === "kind" ? "kind" : "side";
    return items.map(function (it) {
      var copy = {};
      Object.keys(it).forEach(function (k) {
        copy[k] = it[k];
      });
      copy.group = it[key];
      return copy;
    });
  }

  // ------------------------------------------------------- the instance

  function listen(state, el, type, fn) {
    if (!el) return;
    el.addEventListener(type, fn);
    state.listeners.push([el, type, fn]);
  }

  function unhide(el, stopAt) {
    // Show a control and any hidden wrapper of it inside the timeline section.
    while (el && el !== stopAt && el !== document.body) {
      if (el.hasAttribute("hidden")) el.removeAttribute("hidden");
      el = el.parentElement;
    }
  }

  function setCount(output, n) {
    if (!output) return;
    output.textContent = String(n);
    output.setAttribute("data-count", String(n));
  }

  function destroy() {
    if (!current) return;
    var state = current;
    current = null;
    clearTimeout(state.urlTimer);
    clearTimeout(state.loadTimer);
    state.listeners.forEach(function (l) {
      l[0].removeEventListener(l[1], l[2]);
    });
    state.listeners = [];
    try {
      state.timeline.destroy();
    } catch (e) {
      /* already detached by an htmx swap */
    }
  }

  function init() {
    var dataEl = document.getElementById("timeline-data");
    var widget = document.getElementById("timeline-widget");
    var previous = current;

    // Nothing changed since the last run (htmx fires several events per swap).
    if (
      previous &&
      previous.dataEl === dataEl &&
      previous.widget === widget &&
      widget &&
      widget.isConnected &&
      dataEl &&
      dataEl.textContent === previous.text
    ) {
      return;
    }
    var keep = previous
      ? { window: safeWindow(previous.timeline), groupBy: previous.groupBy, touched: previous.touched }
      : null;
    destroy();

    if (!dataEl || !widget) return;
    var section = document.getElementById("timeline") || widget.parentElement;
    var output = document.getElementById("timeline-count");
    var select = document.getElementById("timeline-group-by");
    var vis = VIS && VIS.Timeline ? VIS : window.vis;
    if (!vis || typeof vis.Timeline !== "function" || typeof vis.DataSet !== "function") {
      widget.setAttribute("hidden", ""); // no library: the list is the timeline
      return;
    }

    var text = dataEl.textContent || "";
    var data = readJson(text, null) || {};
    var bounds = data.bounds;
    widget.removeAttribute("data-ready");
    // A stale, lifeless copy of the widget may come back from htmx's history cache.
    while (widget.firstChild) widget.removeChild(widget.firstChild);
    if (!bounds || !parseDay(bounds.first) || !parseDay(bounds.last) || typeof data.api !== "string" || typeof window.fetch !== "function") {
      widget.setAttribute("hidden", "");
      return;
    }
    var items = [];
    var kindLabels = kindLabelsOf(select);
    // Lanes: the URL's group_by, else the choice before an htmx swap, else the server's.
    var groupBy =
      groupByFromUrl() ||
      (keep && keep.groupBy) ||
      (GROUP_BY_VALUES.indexOf(data.group_by) >= 0 ? data.group_by : null) ||
      (select && GROUP_BY_VALUES.indexOf(select.value) >= 0 ? select.value : "side");

    var fromUrl = windowFromUrl();
    var latest = { start: parseDay(bounds.start) || parseDay(bounds.first), end: parseDay(addDays(bounds.end, 15)) };
    latest.start = new Date(latest.start.getFullYear(), latest.start.getMonth(), latest.start.getDate() - 15);
    var initialWindow = fromUrl || (keep && keep.window) || latest;

    widget.removeAttribute("hidden"); // vis-timeline needs a laid-out container
    // The widget repeats the list below it for pointer users; screen readers use the list.
    widget.setAttribute("aria-hidden", "true");

    var itemSet = new vis.DataSet(visItems(items, groupBy));
    var groupSet = new vis.DataSet(buildGroups(items, groupBy, data.groups, kindLabels));
    var options = {
      locale: localeOf(widget),
      zoomMin: ZOOM_MIN,
      zoomMax: ZOOM_MAX,
      zoomKey: "ctrlKey", // the plain wheel never zooms (it scrolls the lanes); Ctrl+wheel, pinch or the buttons do
      horizontalScroll: false,
      verticalScroll: true,
      maxHeight: 560,
      minHeight: 160,
      orientation: { axis: "top", item: "top" },
      stack: true,
      selectable: true,
      multiselect: false,
      editable: false,
      showCurrentTime: true,
      groupOrder: "order",
      margin: { item: { horizontal: 4, vertical: 4 }, axis: 6 },
      tooltip: { followMouse: false, overflowMethod: "flip", delay: 250 },
      dataAttributes: ["id"],
    };
    if (initialWindow) {
      options.start = initialWindow.start;
      options.end = initialWindow.end;
    }

    var timeline = new vis.Timeline(widget, itemSet, groupSet, options);
    var state = {
      timeline: timeline,
      items: items,
      itemSet: itemSet,
      groupSet: groupSet,
      serverGroups: data.groups,
      kindLabels: kindLabels,
      groupBy: groupBy,
      dataEl: dataEl,
      widget: widget,
      text: text,
      api: data.api,
      query: typeof data.query === "string" ? data.query : "",
      bounds: bounds,
      latest: latest,
      loaded: null,
      ids: Object.create(null),
      queue: Promise.resolve(),
      loadTimer: null,
      status: document.getElementById("timeline-status"),
      loadingText: widget.getAttribute("data-loading-text") || "…",
      failedText: widget.getAttribute("data-failed-text") || "",
      listeners: [],
      urlTimer: null,
      // The URL gets window_start/window_end once the reader moves the window
      // (or came with them), not merely because the page fitted the data.
      touched: Boolean(fromUrl) || Boolean(keep && keep.touched),
    };
    current = state;


    // Controls.
    var zoomIn = document.getElementById("timeline-zoom-in");
    var zoomOut = document.getElementById("timeline-zoom-out");
    var fit = document.getElementById("timeline-fit");
    var today = document.getElementById("timeline-today");
    var older = document.getElementById("timeline-older");
    var newer = document.getElementById("timeline-newer");
    [zoomIn, zoomOut, fit, today, select, older, newer].forEach(function (el) {
      unhide(el, section);
    });
    if (select) {
      unhide(document.querySelector('label[for="timeline-group-by"]'), section);
      select.value = groupBy;
    }
    function touched() {
      state.touched = true;
    }
    listen(state, zoomIn, "click", function () {
      touched();
      timeline.zoomIn(0.5, { animation: animation() });
    });
    listen(state, zoomOut, "click", function () {
      touched();
      timeline.zoomOut(0.5, { animation: animation() });
    });
    listen(state, fit, "click", function () {
      touched();
      timeline.setWindow(state.latest.start, state.latest.end, { animation: animation() });
    });
    function pan(direction) {
      touched();
      var w = timeline.getWindow();
      var shift = (w.end.valueOf() - w.start.valueOf()) * direction;
      timeline.setWindow(new Date(w.start.valueOf() + shift), new Date(w.end.valueOf() + shift), {
        animation: animation(),
      });
    }
    listen(state, older, "click", function () {
      pan(-1);
    });
    listen(state, newer, "click", function () {
      pan(1);
    });
    listen(state, today, "click", function () {
      touched();
      timeline.moveTo(new Date(), { animation: animation() });
    });
    listen(state, select, "change", function () {
      var mode = GROUP_BY_VALUES.indexOf(select.value) >= 0 ? select.value : "side";
      regroup(state, mode);
      replaceUrl(function (params) {
        if (mode === "side") params.delete("group_by");
        else params.set("group_by", mode);
      });
    });

    // Keep the visible window in the URL (debounced).
    timeline.on("rangechanged", function (props) {
      clearTimeout(state.loadTimer);
      state.loadTimer = setTimeout(function () {
        if (current !== state) return;
        var w = safeWindow(timeline);
        if (w) ensureLoaded(state, formatDay(w.start), formatDay(w.end));
      }, LOAD_DEBOUNCE_MS);
      if (props && props.byUser) state.touched = true;
      if (!state.touched) return;
      clearTimeout(state.urlTimer);
      state.urlTimer = setTimeout(function () {
        if (current !== state) return;
        writeWindow(timeline);
      }, URL_DEBOUNCE_MS);
    });
    if (state.touched) writeWindow(timeline);
    if (groupBy !== "side" && !groupByFromUrl()) {
      replaceUrl(function (params) {
        params.set("group_by", groupBy);
      });
    }

    // Clicking (or tapping) an item opens its page.
    timeline.on("select", function (props) {
      var id = props && props.items && props.items[0];
      if (id === undefined) return;
      var item = itemSet.get(id);
      if (!item || !item.url) return;
      var src = props.event && (props.event.srcEvent || props.event);
      if (src && (src.ctrlKey || src.metaKey)) {
        window.open(item.url, "_blank", "noopener");
        timeline.setSelection([]);
      } else {
        window.location.assign(item.url);
      }
    });

    // The first window: load it, then mark the widget ready (browser tests wait for data-ready).
    var w0 = safeWindow(timeline);
    ensureLoaded(state, formatDay(w0.start), formatDay(w0.end)).then(function () {
      if (current !== state) return;
      timeline.redraw();
      widget.setAttribute("data-ready", "true");
    });
    if (output && typeof data.total === "number") setCount(output, data.total);
  }

  function safeWindow(timeline) {
    try {
      var w = timeline.getWindow();
      return { start: new Date(w.start.valueOf()), end: new Date(w.end.valueOf()) };
    } catch (e) {
      return null;
    }
  }

  function writeWindow(timeline) {
    var w = safeWindow(timeline);
    if (!w) return;
    var start = formatDay(w.start);
    var endDay = w.end;
    if (endDay.getHours() || endDay.getMinutes() || endDay.getSeconds() || endDay.getMilliseconds()) {
      // round the end up to the next midnight, so the window read back covers it
      endDay = new Date(endDay.getFullYear(), endDay.getMonth(), endDay.getDate() + 1);
    }
    var end = formatDay(endDay);
    if (end <= start) end = formatDay(new Date(w.start.getFullYear(), w.start.getMonth(), w.start.getDate() + 1));
    replaceUrl(function (params) {
      params.set("window_start", start);
      params.set("window_end", end);
    });
  }

  function regroup(state, mode) {
    if (state.groupBy === mode) return;
    state.groupBy = mode;
    var groups = buildGroups(state.items, mode, state.serverGroups, state.kindLabels);
    state.groupSet.clear();
    state.groupSet.add(groups);
    state.itemSet.update(
      state.items.map(function (it) {
        return { id: it.id, group: mode === "kind" ? it.kind : it.side };
      })
    );
  }

  // -------------------------------------------------------------- wiring

  function sync() {
    init();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", sync);
  } else {
    sync();
  }
  // htmx swaps the #timeline section (filters, history navigation): rebuild then.
  ["htmx:afterSwap", "htmx:load", "htmx:historyRestore", "htmx:afterSettle"].forEach(function (type) {
    document.addEventListener(type, sync);
  });
  // For tests and debugging: the live vis.Timeline (or null).
  window.TradeWatchTimeline = {
    get instance() {
      return current ? current.timeline : null;
    },
    // The span of days loaded from the API and the number of items drawn for it.
    loaded: function () {
      if (!current || !current.loaded) return null;
      return { start: current.loaded.start, end: current.loaded.end, drawn: current.itemSet.length, api: current.api, query: current.query };
    },
    refresh: function () {
      destroy();
      init();
    },
  };
})();
