#!/usr/bin/env node
// Copy the pinned front-end libraries from node_modules/ into static/vendor/.
//
// Run through `make vendor` (npm ci --no-audit --no-fund && node scripts/vendor.mjs).
// The output is reproducible: files are copied byte for byte from the packages
// pinned in package.json / package-lock.json, static/vendor/ is rebuilt from
// scratch each run, and VERSIONS.txt carries no timestamp. Source maps are
// copied beside the minified files because Django's ManifestStaticFilesStorage
// (whitenoise's CompressedManifestStaticFilesStorage) follows the
// `sourceMappingURL` comments during collectstatic and fails if the map is missing.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const outRoot = join(root, "static", "vendor");

// package -> files to copy. `from` is relative to the package folder, `to` to
// static/vendor/<dir>/ (`dir` defaults to the package name). `bundled` lists packages compiled into the
// distributed file whose licence texts are kept too (taken from the copies npm
// installed as peer/regular dependencies).
const PLAN = [
  {
    name: "vis-timeline",
    files: [
      ["standalone/umd/vis-timeline-graph2d.min.js", "vis-timeline-graph2d.min.js"],
      ["standalone/umd/vis-timeline-graph2d.min.js.map", "vis-timeline-graph2d.min.js.map"],
      ["styles/vis-timeline-graph2d.min.css", "vis-timeline-graph2d.min.css"],
      ["styles/vis-timeline-graph2d.min.css.map", "vis-timeline-graph2d.min.css.map"],
    ],
    licences: ["LICENSE.md", "LICENSE.Apache-2.0.txt", "LICENSE.MIT.txt"],
    bundled: [
      "@egjs/hammerjs",
      "component-emitter",
      "keycharm",
      "moment",
      "propagating-hammerjs",
      "uuid",
      "vis-data",
      "vis-util",
      "xss",
      "cssfilter",
    ],
  },
  {
    // The retaliation chain on the dispute page (static/js/retaliation-graph.js). The standalone
    // build bundles its peers (vis-data, vis-util, hammerjs, …) and its stylesheet is inlined.
    name: "vis-network",
    files: [
      ["standalone/umd/vis-network.min.js", "vis-network.min.js"],
      ["standalone/umd/vis-network.min.js.map", "vis-network.min.js.map"],
    ],
    licences: ["LICENSE-APACHE-2.0", "LICENSE-MIT"],
    bundled: ["@egjs/hammerjs", "component-emitter", "keycharm", "uuid", "vis-data", "vis-util"],
  },
  {
    name: "chart.js",
    files: [
      ["dist/chart.umd.min.js", "chart.umd.min.js"],
      ["dist/chart.umd.min.js.map", "chart.umd.min.js.map"],
    ],
    licences: ["LICENSE.md"],
    bundled: ["@kurkle/color"],
  },
  {
    name: "axe-core",
    files: [["axe.min.js", "axe.min.js"]],
    licences: ["LICENSE", "LICENSE-3RD-PARTY.txt"],
    bundled: [],
  },
  {
    // TimelineJS3 for the embeddable timeline (/<lang>/disputes/<slug>/embed/). Its stylesheet
    // loads the icon font from css/icons/ (relative URLs, so every file it names is copied); the
    // page points `language` at our copy of the French strings and loads no web font, so nothing
    // comes from Knight Lab's CDN. English is built into timeline.js.
    name: "@knight-lab/timelinejs",
    dir: "timelinejs",
    files: [
      ["dist/js/timeline.js", "js/timeline.js"],
      ["dist/js/timeline.js.map", "js/timeline.js.map"],
      ["dist/js/timeline.js.LICENSE.txt", "js/timeline.js.LICENSE.txt"],
      ["dist/js/locale/fr.json", "js/locale/fr.json"],
      ["dist/css/timeline.css", "css/timeline.css"],
      ["dist/css/timeline.css.map", "css/timeline.css.map"],
      ["dist/css/icons/tl-icons.eot", "css/icons/tl-icons.eot"],
      ["dist/css/icons/tl-icons.svg", "css/icons/tl-icons.svg"],
      ["dist/css/icons/tl-icons.ttf", "css/icons/tl-icons.ttf"],
      ["dist/css/icons/tl-icons.woff", "css/icons/tl-icons.woff"],
      ["dist/css/icons/tl-icons.woff2", "css/icons/tl-icons.woff2"],
    ],
    licences: ["LICENSE"],
    bundled: ["dompurify", "wicg-inert"],
  },
];

const LICENCE_NAME = /^(licen[cs]e|copying|notice)([.-].*)?$/i;

function fail(message) {
  console.error(`vendor: ${message}`);
  process.exit(1);
}

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

function pkgDir(name) {
  const dir = join(modules, ...name.split("/"));
  if (!existsSync(join(dir, "package.json"))) {
    fail(`${name} is not installed; run \`npm ci\` first (or \`make vendor\`).`);
  }
  return dir;
}

function copy(src, dest) {
  if (!existsSync(src)) fail(`missing file ${src} (did the package layout change?)`);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(src, dest);
}

const manifest = readJson(join(root, "package.json"));
const pins = manifest.devDependencies || {};
const lines = [
  "# Front-end libraries vendored by scripts/vendor.mjs (make vendor). Do not edit by hand.",
  "# Pinned in package.json and package-lock.json; served from static/vendor/, no CDN.",
  "",
];

rmSync(outRoot, { recursive: true, force: true });

for (const entry of PLAN) {
  const dir = pkgDir(entry.name);
  const meta = readJson(join(dir, "package.json"));
  if (pins[entry.name] !== meta.version) {
    fail(`${entry.name}: package.json pins ${pins[entry.name]} but ${meta.version} is installed; run \`npm ci\`.`);
  }
  const outDir = entry.dir || entry.name;
  const out = join(outRoot, outDir);
  for (const [from, to] of entry.files) copy(join(dir, from), join(out, to));
  for (const licence of entry.licences) copy(join(dir, licence), join(out, licence));
  lines.push(`${entry.name}@${meta.version}  licence: ${meta.license}`);
  for (const [, to] of entry.files) lines.push(`  ${outDir}/${to}`);

  for (const dep of entry.bundled) {
    const depDir = pkgDir(dep);
    const depMeta = readJson(join(depDir, "package.json"));
    const found = readdir(depDir).filter((f) => LICENCE_NAME.test(f)).sort();
    if (found.length === 0) fail(`${dep}: no licence file found`);
    const depOut = join(out, "bundled-licences", dep.replace(/^@/, "").replace("/", "-"));
    for (const f of found) copy(join(depDir, f), join(depOut, f));
    lines.push(`  bundled: ${dep}  licence: ${depMeta.license} (text from ${dep}@${depMeta.version})`);
  }
  lines.push("");
}

writeFileSync(join(outRoot, "VERSIONS.txt"), lines.join("\n"));
console.log(lines.filter((l) => l && !l.startsWith("#") && !l.startsWith(" ")).join("\n"));

function readdir(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name);
}
