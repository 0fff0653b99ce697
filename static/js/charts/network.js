// network.js: the live network diagram over the builder's columns: neuron
// thumbnails painted from `neurons` frames, weights as SVG curves (colour by
// sign, thickness by size), a large view on hover and the formula on click.
// render(el, {features, activations, task}) after the columns are built;
// update(el, {neurons}) or update(el, {boundary, zrange}) as frames arrive (decoded: forward.js).
import { BLUE, ORANGE, paintGrid } from "../colors.js";
import { featureLabel, paintFeature } from "../features.js";
import { el as h } from "../dom.js";
import { gettext, interpolate } from "../i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const rgb = (c) => `rgb(${c.join(",")})`;

export function render(el, context) {
  el._ctx = context;
  el._frame = null;
  el._output = null;
  el.querySelector("svg.links")?.remove();
  const svg = document.createElementNS(SVG, "svg");
  svg.classList.add("links");
  el.prepend(svg);
  if (!el._listening) {
    el._listening = true;
    el.append(h("div", { class: "neuron-zoom", hidden: true }, h("canvas", { width: 40, height: 40 }), h("div", { class: "zoom-label" })));
    el.after(h("div", { class: "explain" }));
    listen(el);
    new ResizeObserver(() => layout(el)).observe(el);
  }
  el._selected = null;
  explain(el);
  layout(el);
}

/** Source and target nodes of every kernel: [[srcNodes by input index], [targetNodes]]. */
function kernels(el) {
  const cols = [...el.querySelectorAll(".net-col")];
  const byIndex = (col) => [...col.querySelectorAll(".neuron")];
  const inputs = [];
  for (const node of cols[0].querySelectorAll(".feature")) {
    const i = el._ctx.features.indexOf(node.dataset.feature);
    if (i >= 0) inputs[i] = node;
  }
  const out = [];
  for (let c = 1; c < cols.length; c++) out.push([c === 1 ? inputs : byIndex(cols[c - 1]), byIndex(cols[c])]);
  return out;
}

function layout(el) {
  const svg = el.querySelector("svg.links");
  if (!svg || !el._ctx) return;
  const box = el.getBoundingClientRect();
  svg.setAttribute("width", el.scrollWidth);
  svg.setAttribute("height", el.scrollHeight);
  svg.replaceChildren();
  el._links = [];
  const anchor = (node, side) => {
    // Features carry their label to the right of the thumbnail: leave from the label.
    const r = (node.classList.contains("feature") && side ? node : node.querySelector("canvas") || node).getBoundingClientRect();
    return [(side ? r.right : r.left) - box.left + el.scrollLeft, r.top + r.height / 2 - box.top + el.scrollTop];
  };
  kernels(el).forEach(([sources, targets], k) => {
    sources.forEach((s, i) => {
      if (!s) return;
      const [x0, y0] = anchor(s, true);
      targets.forEach((t, j) => {
        const [x1, y1] = anchor(t, false);
        const mid = (x0 + x1) / 2;
        const path = document.createElementNS(SVG, "path");
        path.setAttribute("d", `M${x0},${y0} C${mid},${y0} ${mid},${y1} ${x1},${y1}`);
        svg.append(path);
        el._links.push({ path, k, i, j });
      });
    });
  });
  paintLinks(el);
}

function paintLinks(el) {
  const weights = el._frame && el._frame.weights;
  for (const { path, k, i, j } of el._links || []) {
    const w = weights && weights[k] && weights[k][i] ? weights[k][i][j] : null;
    if (w == null) { path.setAttribute("stroke", "#c9ced4"); path.setAttribute("stroke-width", "1"); continue; }
    path.setAttribute("stroke", rgb(w >= 0 ? BLUE : ORANGE));
    path.setAttribute("stroke-width", String(0.5 + Math.min(Math.abs(w), 4) * 1.4));
    path.setAttribute("data-weight", w.toFixed(3));
  }
}

// The output grid of neuron (layer, unit) as {values, size, lo, hi}, or null.
function grid(el, layer, unit) {
  const f = el._frame;
  const hidden = f && f.layers[layer];
  if (hidden && hidden.units[unit]) {
    const [lo, hi] = hidden.range;
    const m = Math.max(Math.abs(lo), Math.abs(hi), 1e-6);
    return { values: hidden.units[unit], size: f.size, lo: -m, hi: m };
  }
  const o = el._output;
  if (o && layer === el._ctx.activations.length - 1 && !o.frame.classes) {
    const [lo, hi] = o.zrange || o.frame.range;
    return { values: o.frame.values, size: o.frame.size, lo, hi };
  }
  return null;
}

function paintNeurons(el) {
  for (const node of el.querySelectorAll(".neuron")) {
    const g = grid(el, Number(node.dataset.layer), Number(node.dataset.unit));
    if (g) paintGrid(node.querySelector("canvas"), g.values, g.size, g.lo, g.hi);
  }
}

export function update(el, payload) {
  if (payload.neurons) { el._frame = payload.neurons; paintLinks(el); }
  if (payload.boundary) el._output = { frame: payload.boundary, zrange: payload.zrange };
  paintNeurons(el);
  if (payload.neurons) explain(el);
  el.dataset.updates = String(Number(el.dataset.updates || 0) + 1);
}

function listen(el) {
  const zoom = el.querySelector(".neuron-zoom");
  el.addEventListener("mouseover", (event) => {
    const node = event.target.closest(".neuron, .feature");
    if (!node) return;
    const canvas = zoom.querySelector("canvas");
    const label = zoom.querySelector(".zoom-label");
    if (node.classList.contains("feature")) {
      paintFeature(canvas, node.dataset.feature, 60);
      label.textContent = featureLabel(node.dataset.feature);
    } else {
      const g = grid(el, Number(node.dataset.layer), Number(node.dataset.unit));
      if (!g) return;
      paintGrid(canvas, g.values, g.size, g.lo, g.hi);
      label.textContent = name(el, Number(node.dataset.layer), Number(node.dataset.unit));
    }
    const box = el.getBoundingClientRect();
    const r = node.getBoundingClientRect();
    const left = r.right - box.left + el.scrollLeft + 8;
    zoom.style.left = `${Math.min(left, el.scrollWidth - 170)}px`;
    zoom.style.top = `${Math.max(0, r.top - box.top + el.scrollTop - 60)}px`;
    zoom.hidden = false;
  });
  el.addEventListener("mouseout", (event) => {
    if (event.target.closest(".neuron, .feature") && !event.relatedTarget?.closest?.(".neuron, .feature")) zoom.hidden = true;
  });
  el.addEventListener("click", (event) => {
    const node = event.target.closest(".neuron");
    if (!node) return;
    el.querySelectorAll(".neuron.selected").forEach((n) => n.classList.remove("selected"));
    node.classList.add("selected");
    el._selected = [Number(node.dataset.layer), Number(node.dataset.unit)];
    explain(el);
  });
}

function name(el, layer, unit) {
  const last = el._ctx.activations.length - 1;
  return layer === last ? interpolate(gettext("output %(n)s"), { n: unit + 1 })
    : interpolate(gettext("hidden %(layer)s, neuron %(n)s"), { layer: layer + 1, n: unit + 1 });
}

const inputName = (el, layer, i) => (layer === 0 ? featureLabel(el._ctx.features[i]) : `h${layer},${i + 1}`);

// The formula of the selected neuron, built as nodes: names and numbers land as text.
function explain(el) {
  const panel = el.nextElementSibling;
  if (!panel || !panel.classList.contains("explain")) return;
  if (!el._selected) {
    panel.replaceChildren(h("span", { class: "muted", text: gettext("Click a neuron to see its formula with the current numbers; hover one to see its output large.") }));
    return;
  }
  const [layer, unit] = el._selected;
  const act = el._ctx.activations[layer];
  const f = el._frame;
  const title = h("strong", { text: name(el, layer, unit) });
  if (!f || !f.weights[layer]) {
    panel.replaceChildren(title, " ", h("code", { text: `y = ${act}(w·x + b)` }), " ",
      h("span", { class: "muted", text: gettext("— the numbers appear once training starts.") }));
    return;
  }
  const column = f.weights[layer].map((row) => row[unit]);
  const terms = column.map((w, i) => `${w < 0 ? "−" : "+"} ${Math.abs(w).toFixed(3)}·${inputName(el, layer, i)}`);
  const b = f.biases[layer][unit];
  const sum = terms.join(" ").replace(/^\+ /, "").replace(/^− /, "−");
  panel.replaceChildren(title, " ", h("code", { text: `y = ${act}(${sum} ${b < 0 ? "−" : "+"} ${Math.abs(b).toFixed(3)})` }));
}
