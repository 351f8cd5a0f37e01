/*
 * TradeWatch: the embeddable timeline (/<lang>/disputes/<slug>/embed/), drawn by TimelineJS3.
 *
 * Loaded with <script defer> after static/vendor/timelinejs/js/timeline.js. Reads the TimelineJS
 * document from <script type="application/json" id="timelinejs-data"> and mounts it in
 * #timelinejs. Everything comes from this origin: TimelineJS's script_path is our vendored copy,
 * no web font is loaded (font: null), the language strings come from data-language-url (English is
 * built in), and analytics stay off. DOM contract: static/js/README.md. Plain ES2017, no bundler.
 */
(function () {
  "use strict";

  function prefersReducedMotion() {
    return Boolean(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  function scriptPath() {
    // The directory timeline.js was served from (hashed file names in production keep the directory).
    var script = document.querySelector('script[src*="vendor/timelinejs/js/"]');
    return script ? new URL(".", script.src).href : new URL("/static/vendor/timelinejs/js/", location.href).href;
  }

  function mount() {
    var holder = document.getElementById("timelinejs");
    var source = document.getElementById("timelinejs-data");
    if (!holder || !source) return;
    var data;
    try {
      data = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    holder.dataset.count = String((data.events || []).length);
    if (!data.events || data.events.length === 0) {
      // TimelineJS refuses a document without events; say so in words instead.
      holder.textContent = holder.dataset.empty || "";
      holder.classList.add("empty");
      holder.dataset.ready = "true";
      return;
    }
    if (!window.TL || !window.TL.Timeline) return;
    var options = {
      script_path: scriptPath(),
      language: holder.dataset.languageUrl || "en",
      font: null,
      theme: null,
      ga_measurement_id: null,
      ga_property_id: null,
      soundcite: false,
      hash_bookmark: false,
      is_embed: true,
      duration: prefersReducedMotion() ? 1 : 1000,
    };
    var timeline = new window.TL.Timeline(holder, data, options);
    timeline.on("loaded", function () {
      holder.dataset.ready = "true";
    });
    window.TradeWatchTimelineJS = { instance: timeline };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
