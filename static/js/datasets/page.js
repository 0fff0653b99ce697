// datasets/page.js: a dataset's page. The server hands the data over in json_script
// (#dataset-page, #dataset-info); this draws it: classes with counts, and a preview
// that fits the kind (scatter, feature histograms, pictures before/after, text steps).
import { CLASS_COLORS, DIVERGING } from "../colors.js";
import { plain } from "../escape.js";
import * as levelsChart from "../charts/levels.js";
import { gettext, interpolate } from "../i18n.js";
import { CONFIG } from "../charts/font.js";

const $ = (id) => document.getElementById(id);
const page = JSON.parse($("dataset-page").textContent);
const info = JSON.parse($("dataset-info").textContent);
const MARGIN = { l: 40, r: 10, t: 10, b: 40 };
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};
const className = (i) => (info.class_names && info.class_names[i]) || (page.classes[i] && page.classes[i].name) || String(i);

function classesChart(target) {
  if (page.targets) {
    const [counts, edges] = page.targets;
    const centers = counts.map((_, i) => (edges[i] + edges[i + 1]) / 2);
    Plotly.newPlot(target, [{ type: "bar", x: centers, y: counts, marker: { color: "#0877bd" } }],
      { margin: MARGIN, height: 260, xaxis: { title: { text: gettext("target value") } }, yaxis: { title: { text: gettext("samples") } } }, CONFIG);
    return;
  }
  const names = page.classes.map((c) => plain(c.name)); // uploaded class names: shown as typed
  Plotly.newPlot(target, [{
    type: "bar", x: names, y: page.classes.map((c) => c.count), text: page.classes.map((c) => String(c.count)), textposition: "auto",
    marker: { color: names.map((_, i) => CLASS_COLORS[i % CLASS_COLORS.length]) },
  }], { margin: MARGIN, height: 260, xaxis: { type: "category" }, yaxis: { title: { text: gettext("samples") } } }, CONFIG);
  target.dataset.classes = String(names.length);
}

function scatter(target, p) {
  const regression = info.task === "regression";
  const traces = [["train", 1, "circle"], ["test", 0.45, "circle-open"]].map(([part, opacity, symbol]) => {
    const set = p[part];
    return {
      type: "scatter", mode: "markers", name: part === "train" ? gettext("train") : gettext("test"), x: set.x.map((v) => v[0]), y: set.x.map((v) => v[1]), opacity,
      text: set.y.map((v) => (regression ? v.toFixed(3) : plain(className(v)))),
      marker: regression ? { color: set.y, colorscale: DIVERGING, size: 6, symbol }
        : { color: set.y.map((v) => CLASS_COLORS[v % CLASS_COLORS.length]), size: 6, symbol },
    };
  });
  const [x0, x1, y0, y1] = p.extent;
  Plotly.newPlot(target, traces, {
    margin: MARGIN, height: 420, width: 460, xaxis: { range: [x0, x1], title: { text: "x1" } },
    yaxis: { range: [y0, y1], title: { text: "x2" }, scaleanchor: "x" }, legend: { orientation: "h" },
  }, CONFIG);
}

function histograms(target, p) {
  target.append(el("p", { className: "small muted", textContent: gettext("Each feature's values as uploaded (before standardizing).") }));
  const grid = el("div", { className: "ds-hist-grid" });
  target.append(grid);
  for (const h of p.histograms) {
    const cell = el("div", { className: "ds-hist" });
    grid.append(el("div", {}, el("b", { textContent: h.column }), el("span", { className: "muted small", textContent: "  " + interpolate(gettext("mean %(mean)s, std %(std)s"), { mean: h.mean, std: h.std }) }), cell));
    const centers = h.counts.map((_, i) => (h.edges[i] + h.edges[i + 1]) / 2);
    Plotly.newPlot(cell, [{ type: "bar", x: centers, y: h.counts, marker: { color: "#0877bd" } }],
      { margin: { l: 30, r: 5, t: 5, b: 25 }, height: 140 }, CONFIG);
  }
  if (p.more) target.append(el("p", { className: "small muted", textContent: interpolate(gettext("and %(n)s more columns"), { n: p.more }) }));
}

/** One processed picture (base64 uint8, h × w × c) on a canvas, scaled up. */
function pictureCanvas(b64, [h, w, c], scale) {
  const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  const canvas = el("canvas", { width: w, height: h });
  canvas.style.width = `${w * scale}px`;
  canvas.style.height = `${h * scale}px`;
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    for (let k = 0; k < 3; k++) img.data[i * 4 + k] = bytes[i * c + (c === 3 ? k : 0)];
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

function pictures(target, p) {
  const scale = Math.max(1, Math.floor(72 / Math.max(p.shape[0], p.shape[1])));
  const row = (title, items) => el("div", { className: "ds-pictures" }, el("h3", { textContent: title }), el("div", { className: "ds-picture-row" }, ...items));
  const caption = (i) => el("figcaption", { textContent: className(p.labels[i]) });
  if (p.before.length) {
    target.append(row(gettext("Before: as uploaded"), p.before.map((b64, i) => el("figure", {}, el("img", { src: `data:image/png;base64,${b64}`, alt: className(p.labels[i]) }), caption(i)))));
  }
  target.append(row(interpolate(gettext("After preprocessing: %(shape)s, values in [0, 1]"), { shape: p.shape.join(" × ") }), p.after.map((b64, i) => el("figure", {}, pictureCanvas(b64, p.shape, scale), caption(i)))));
}

function tokens(list, oov = []) {
  return el("span", { className: "ds-tokens" }, ...list.map((t) => el("span", { className: oov.includes(t) ? "ds-token oov" : "ds-token", textContent: String(t) })));
}

/** A sample sentence at every token level (word / morpheme / char), with OOV marks, OOV rate and coverage. */
function textLevels(target, p) {
  if (!p.levels || !p.levels.length) return;
  const chart = el("div", { className: "levels", id: "levels" });
  target.append(el("h3", { textContent: gettext("One sample at every token level") }), chart);
  levelsChart.render(chart);
  levelsChart.update(chart, { levels: p.levels, texts: p.samples.map((s) => s.text) });
}

function textSteps(target, p) {
  textLevels(target, p);
  for (const s of p.samples) {
    const steps = [
      [gettext("text"), el("span", { textContent: s.text })],
      [gettext("1. cleaned"), el("span", { textContent: s.cleaned })],
      [gettext("2. tokens"), tokens(s.tokens)],
      [gettext("3. stop words removed"), tokens(s.kept, s.oov)],
      [gettext("4. sequence (vocabulary indices)"), tokens(s.sequence)],
      [interpolate(s.truncated ? gettext("5. padded to %(n)s (cut)") : gettext("5. padded to %(n)s"), { n: p.length }), tokens(s.padded)],
    ];
    target.append(el("table", { className: "ds-steps" },
      el("caption", { textContent: interpolate(gettext("label: %(label)s"), { label: className(s.label) }) }),
      ...steps.map(([name, value]) => el("tr", {}, el("th", { textContent: name }), el("td", {}, value)))));
  }
  target.append(el("h3", { textContent: interpolate(gettext("Vocabulary: %(n)s words (the most frequent; 0 = <pad>, 1 = <oov>)"), { n: p.vocab_size }) }),
    el("div", { className: "ds-vocab" }, ...p.vocab.map(([w, n], i) => el("span", { className: "ds-token", textContent: `${i}: ${w}${n ? ` (${n})` : ""}` }))));
  const lengths = el("div", { className: "ds-chart" });
  target.append(el("h3", { textContent: gettext("Tokens per text; the dashed line is the padding length") }), lengths);
  Plotly.newPlot(lengths, [{ type: "bar", x: p.lengths.map((_, i) => i), y: p.lengths, marker: { color: "#0877bd" } }], {
    margin: MARGIN, height: 220, xaxis: { title: { text: gettext("tokens") } },
    shapes: [{ type: "line", x0: p.length + 0.5, x1: p.length + 0.5, yref: "paper", y0: 0, y1: 1, line: { dash: "dash", color: "#f59322" } }],
  }, CONFIG);
}

const PREVIEWS = { points: scatter, tabular: histograms, images: pictures, text: textSteps };

classesChart($("classes-chart"));
PREVIEWS[page.preview.kind]($("preview"), page.preview);
$("preview").dataset.rendered = page.preview.kind;
$("spec-example").textContent = JSON.stringify(page.spec, null, 2);
