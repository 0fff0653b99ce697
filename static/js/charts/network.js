// network.js: the live network diagram over the builder's columns: neuron
// thumbnails painted from `neurons` frames, weights as SVG curves (colour by
// sign, thickness by size), a large view on hover and the formula on click (or Enter).
// render(el, {features, activations, task, startPaused?}) after the columns are built (startPaused:
// begin a run paused before its first step, to set weights by hand);
// update(el, {neurons}) or update(el, {boundary, zrange}) as frames arrive (decoded: forward.js);
// setEditing(el, onEdit): while a run is paused, the formula's numbers are fields, and a click on
// a connection opens its weight: onEdit({layer, unit, input (null: the bias), value}) sets one.
import { BLUE, ORANGE, paintGrid } from "../colors.js";
import { featureLabel, paintFeature } from "../features.js";
import { el as h } from "../dom.js";
import { gettext, ngettext, interpolate } from "../i18n.js";

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
  // A neuron chosen before (the network drawn again for a new run): still chosen, if it is still there.
  const kept = el._selected && neuronAt(el, ...el._selected);
  el._selected = kept ? el._selected : null;
  kept?.classList.add("selected");
  for (const node of el.querySelectorAll(".neuron")) {
    node.setAttribute("role", "button");
    node.setAttribute("aria-label", name(el, Number(node.dataset.layer), Number(node.dataset.unit)));
  }
  explain(el);
  layout(el);
}

/** onEdit(edit) while weights may be set by hand (a paused run), null otherwise. */
export function setEditing(el, onEdit) {
  if (Boolean(onEdit) === Boolean(el._onEdit)) { el._onEdit = onEdit; return; }
  el._onEdit = onEdit;
  el.classList.toggle("editing", Boolean(onEdit));
  explain(el, { rebuild: true });
}

/** An edit frame in words: which number was set to what. */
export function describeEdit(el, edit) {
  if (edit.dataset) {
    const n = edit.dataset.points.length;
    return interpolate(ngettext("%(n)s point drawn anew", "%(n)s points drawn anew", n), { n });
  }
  const target = name(el, edit.layer, edit.unit);
  const what = edit.input == null ? interpolate(gettext("bias of %(target)s"), { target })
    : interpolate(gettext("weight %(source)s → %(target)s"), { source: inputName(el, edit.layer, edit.input), target });
  return interpolate(gettext("%(what)s set to %(value)s by hand"), { what, value: Number(edit.value).toFixed(3) });
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
        const hit = path.cloneNode(); // wider and invisible: what a click on the connection lands on
        hit.classList.add("link-hit");
        Object.assign(hit.dataset, { layer: String(k), unit: String(j), input: String(i) });
        svg.append(path, hit);
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
    const link = event.target.closest(".link-hit");
    const node = link ? neuronAt(el, link.dataset.layer, link.dataset.unit) : event.target.closest(".neuron");
    if (node) select(el, node, link ? Number(link.dataset.input) : null);
  });
  el.addEventListener("keydown", (event) => {
    const node = event.target.closest(".neuron");
    if (!node || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    select(el, node, null);
  });
}

const neuronAt = (el, layer, unit) => el.querySelector(`.neuron[data-layer="${Number(layer)}"][data-unit="${Number(unit)}"]`);

// Show a neuron's formula; with an input index (a connection clicked while editing), focus its weight.
function select(el, node, input) {
  el.querySelectorAll(".neuron.selected").forEach((n) => n.classList.remove("selected"));
  node.classList.add("selected");
  el._selected = [Number(node.dataset.layer), Number(node.dataset.unit)];
  explain(el, { rebuild: true });
  if (el._onEdit) el.nextElementSibling.querySelector(`input[data-input="${input == null ? "bias" : input}"]`)?.focus();
}

function name(el, layer, unit) {
  const last = el._ctx.activations.length - 1;
  return layer === last ? interpolate(gettext("output %(n)s"), { n: unit + 1 })
    : interpolate(gettext("hidden %(layer)s, neuron %(n)s"), { layer: layer + 1, n: unit + 1 });
}

const inputName = (el, layer, i) => (layer === 0 ? featureLabel(el._ctx.features[i]) : `h${layer},${i + 1}`);

// One number of the formula as a field: Enter or leaving it sets that weight (or bias) by hand.
function field(el, layer, unit, input, value, label) {
  const box = h("input", { type: "number", step: "any", min: "-1000", max: "1000", value: value.toFixed(3),
    class: "weight-input", title: label, "data-input": input == null ? "bias" : String(input) });
  box.setAttribute("aria-label", label);
  const commit = () => {
    if (box.value === "" || !box.checkValidity()) { box.reportValidity(); return; }
    if (box.dataset.sent === box.value) return; // Enter, then the change event of leaving the field
    box.dataset.sent = box.value;
    el._onEdit?.({ layer, unit, input, value: Number(box.value) });
  };
  box.addEventListener("change", commit);
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") commit(); });
  return box;
}

function editableFormula(el, panel, layer, unit, act) {
  const f = el._frame;
  const target = name(el, layer, unit);
  const key = `${layer},${unit}`;
  const weights = f.weights[layer].map((row) => row[unit]);
  const bias = f.biases[layer][unit];
  if (panel.dataset.editing === key) { // the same fields: new numbers in place, the one being typed in kept
    panel.querySelectorAll("input.weight-input").forEach((box) => {
      const v = box.dataset.input === "bias" ? bias : weights[Number(box.dataset.input)];
      if (box !== document.activeElement && v != null) box.value = v.toFixed(3);
    });
    return;
  }
  panel.dataset.editing = key;
  const parts = [];
  weights.forEach((w, i) => {
    const source = inputName(el, layer, i);
    if (i) parts.push(" + ");
    parts.push(field(el, layer, unit, i, w, interpolate(gettext("weight %(source)s → %(target)s"), { source, target })), `·${source}`);
  });
  parts.push(" + ", field(el, layer, unit, null, bias, interpolate(gettext("bias of %(target)s"), { target })));
  panel.replaceChildren(h("strong", { text: target }), " ", h("code", {}, `y = ${act}(`, ...parts, ")"), " ",
    h("span", { class: "muted small", text: gettext("Paused: type a number and press Enter to set it; the pictures follow at once.") }));
}

// The formula of the selected neuron, built as nodes: names and numbers land as text.
function explain(el, { rebuild = false } = {}) {
  const panel = el.nextElementSibling;
  if (!panel || !panel.classList.contains("explain")) return;
  if (!el._selected) {
    delete panel.dataset.editing;
    panel.replaceChildren(h("span", { class: "muted", text: el._onEdit
      ? gettext("Paused: click a neuron or a connection to set its weights and bias by hand.")
      : gettext("Click a neuron to see its formula with the current numbers; hover one to see its output large.") }));
    return;
  }
  const [layer, unit] = el._selected;
  const act = el._ctx.activations[layer];
  const f = el._frame;
  if (rebuild) delete panel.dataset.editing;
  if (el._onEdit && f && f.weights[layer]) { editableFormula(el, panel, layer, unit, act); return; }
  delete panel.dataset.editing;
  const title = h("strong", { text: name(el, layer, unit) });
  if (!f || !f.weights[layer]) {
    const start = h("button", { type: "button", class: "small-button", text: gettext("Set them by hand first") });
    start.addEventListener("click", () => el._ctx.startPaused?.());
    panel.replaceChildren(title, " ", h("code", { text: `y = ${act}(w·x + b)` }), " ",
      h("span", { class: "muted", text: gettext("— the numbers appear once training starts.") }),
      ...(el._ctx.startPaused && !document.body.dataset.run?.match(/running|queued|paused/) ? [" ", start] : []));
    return;
  }
  const column = f.weights[layer].map((row) => row[unit]);
  const terms = column.map((w, i) => `${w < 0 ? "−" : "+"} ${Math.abs(w).toFixed(3)}·${inputName(el, layer, i)}`);
  const b = f.biases[layer][unit];
  const sum = terms.join(" ").replace(/^\+ /, "").replace(/^− /, "−");
  panel.replaceChildren(title, " ", h("code", { text: `y = ${act}(${sum} ${b < 0 ? "−" : "+"} ${Math.abs(b).toFixed(3)})` }));
}
