// gradients.js: vanishing and exploding gradients, from `gradients` frames (trainer/gradients.py).
// (a) Each weighted layer's gradient norm ||dJ/dW|| over iterations, on a log axis (lines.js).
// (b) TensorBoard's histograms as a heatmap over iterations for one layer and quantity, chosen
//     in a select: x iteration, y value, colour the share of the layer's values in that bin
//     (each column scaled to its fullest bin). Painted on a canvas: cheap at every frame.
// render(el) clears; update(el, frame) appends one frame. el.dataset.updates counts the frames drawn.
import * as lines from "./lines.js";
import { FONT } from "./font.js";
import { CLASS_COLORS } from "../colors.js";
import { gettext, interpolate } from "../i18n.js";

const MAX_COLUMNS = 400; // per layer and quantity: past it, every other column goes
const COLORS = [CLASS_COLORS[1], CLASS_COLORS[0], ...CLASS_COLORS.slice(2)]; // the first layer blue, as the train curves
const PAD = { l: 46, r: 12, t: 6, b: 18 };
const INK = "#555";
const QUANTITIES = () => [["kernel", gettext("weights")], ["bias", gettext("biases")], ["kernel_grad", gettext("weight gradients")]];

const make = (tag, props = {}) => Object.assign(document.createElement(tag), props);
const layerName = (entry) => interpolate(gettext("layer %(n)s (%(type)s)"), { n: entry.layer + 1, type: entry.type });

export function render(el) {
  el.dataset.updates = "0";
  const norms = make("div", { className: "gradient-norms" });
  norms.style.height = "170px";
  const select = make("select", { className: "gradient-select", title: gettext("The layer and the values the histogram shows") });
  select.setAttribute("aria-label", gettext("Histogram of"));
  const canvas = make("canvas", { className: "gradient-heatmap" });
  canvas.style.cssText = "display:block;width:100%;height:150px";
  const caption = make("p", { className: "muted small gradient-caption", textContent: gettext("Train to see each layer's gradients.") });
  const label = make("label", { className: "small" });
  label.append(gettext("Histogram of") + " ", select);
  el.style.height = "auto";
  el.replaceChildren(norms, label, canvas, caption);
  el._gradients = { norms, select, canvas, caption, layers: null, columns: new Map() };
  select.addEventListener("change", () => draw(el));
  if (!el._observed) {
    el._observed = true;
    new ResizeObserver(() => el._gradients && draw(el)).observe(el);
  }
}

/** A frame's layers differ from the ones shown (a new run, or the first frame): set up the norm chart and the select. */
function setLayers(el, layers) {
  const g = el._gradients;
  g.layers = layers.map((l) => ({ layer: l.layer, type: l.type }));
  g.columns = new Map();
  lines.create(g.norms, {
    series: layers.map((l, i) => ({ name: interpolate(gettext("layer %(n)s"), { n: l.layer + 1 }), color: COLORS[i % COLORS.length] })),
    xTitle: gettext("iteration"), yTitle: gettext("gradient norm"), log: true,
  });
  const chosen = g.select.value;
  g.select.replaceChildren(...layers.flatMap((l) => QUANTITIES().filter(([key]) => l.histograms[key]).map(([key, what]) =>
    make("option", { value: `${l.layer}:${key}`, textContent: `${layerName(l)}: ${what}` }))));
  const first = `${layers[0].layer}:kernel_grad`; // the first layer's gradients: where they vanish
  g.select.value = [...g.select.options].some((o) => o.value === chosen) ? chosen : first;
}

export function update(el, frame) {
  const g = el._gradients;
  if (!g || !frame.layers || !frame.layers.length) return;
  const same = g.layers && g.layers.length === frame.layers.length && g.layers.every((l, i) => l.layer === frame.layers[i].layer);
  if (!same) setLayers(el, frame.layers);
  const last = g.norms.data[0].x.at(-1);
  if (last != null && frame.iteration <= last) return; // a replayed frame: already drawn
  lines.extend(g.norms, frame.layers.map((l) => (l.kernel_norm > 0 ? [[frame.iteration, l.kernel_norm]] : [])));
  for (const l of frame.layers) {
    for (const [key, h] of Object.entries(l.histograms)) {
      const id = `${l.layer}:${key}`;
      let cols = g.columns.get(id);
      if (!cols) g.columns.set(id, (cols = []));
      cols.push({ iteration: frame.iteration, range: h.range, counts: h.counts });
      if (cols.length > MAX_COLUMNS) g.columns.set(id, cols.filter((_, j) => (cols.length - 1 - j) % 2 === 0)); // the newest stays
    }
  }
  draw(el);
  el.dataset.updates = String(Number(el.dataset.updates) + 1);
}

const plain = (v) => (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4) ? v.toExponential(1) : String(Number(v.toPrecision(3))));

function draw(el) {
  const g = el._gradients;
  const { canvas } = g;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (!w || !h) return;
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const cols = (g.columns.get(g.select.value) || []).filter((c) => c.range[0] != null && c.range[1] != null);
  const box = { l: PAD.l, r: w - PAD.r, t: PAD.t, b: h - PAD.b };
  ctx.fillStyle = "#fff";
  ctx.fillRect(box.l, box.t, box.r - box.l, box.b - box.t);
  ctx.strokeStyle = "#ccc";
  ctx.strokeRect(box.l, box.t, box.r - box.l, box.b - box.t);
  if (!cols.length) return;
  let lo = Infinity, hi = -Infinity;
  for (const c of cols) { lo = Math.min(lo, c.range[0]); hi = Math.max(hi, c.range[1]); }
  const x0 = cols[0].iteration, x1 = cols.length > 1 ? cols.at(-1).iteration : x0 + 1;
  const step = cols.length > 1 ? (x1 - x0) / (cols.length - 1) : 1; // the last column's width: the average
  const sx = (v) => box.l + ((v - x0) / (x1 - x0 + step)) * (box.r - box.l);
  const sy = (v) => box.b - ((v - lo) / (hi - lo || 1)) * (box.b - box.t);
  cols.forEach((c, j) => {
    const left = sx(c.iteration), right = j + 1 < cols.length ? sx(cols[j + 1].iteration) : box.r;
    const top = Math.max(...c.counts) || 1;
    const width = (c.range[1] - c.range[0]) / c.counts.length;
    c.counts.forEach((n, k) => {
      if (!n) return;
      const ya = sy(c.range[0] + k * width), yb = sy(c.range[0] + (k + 1) * width);
      ctx.fillStyle = `rgba(8, 119, 189, ${(0.15 + 0.85 * n / top).toFixed(3)})`;
      ctx.fillRect(left, Math.min(ya, yb) - 0.5, Math.max(right - left, 1), Math.max(Math.abs(ya - yb), 1) + 1);
    });
  });
  ctx.font = `10px ${FONT.family}`;
  ctx.fillStyle = INK;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const ticks = lo < 0 && hi > 0 ? [lo, 0, hi] : [lo, hi];
  for (const v of ticks) ctx.fillText(plain(v), box.l - 4, Math.min(Math.max(sy(v), box.t + 5), box.b - 5));
  ctx.textBaseline = "top";
  ctx.textAlign = "left";
  ctx.fillText(x0.toLocaleString(), box.l, box.b + 4);
  ctx.textAlign = "right";
  ctx.fillText(cols.at(-1).iteration.toLocaleString(), box.r, box.b + 4);
  g.caption.textContent = interpolate(gettext("%(what)s at iteration %(iteration)s: from %(lo)s to %(hi)s. Darker: more of the layer's values."), {
    what: g.select.selectedOptions[0]?.textContent || "", iteration: cols.at(-1).iteration.toLocaleString(),
    lo: plain(cols.at(-1).range[0]), hi: plain(cols.at(-1).range[1]),
  });
}
