// lines.js: a live line chart drawn on a canvas, cheap enough to redraw on every animation
// frame. (Plotly lays the whole figure out again on each extendTraces: about 20 ms here,
// which held the live page to a few pictures a second.) Named, coloured series; axis
// titles and a legend as text; a linear or log y axis, and a second one on the right for
// series marked `right`; the values under the pointer; marks (dashed verticals with a label:
// weights set by hand). el.data holds the series ({name, x, y}), as on a Plotly chart.
import { FONT } from "./font.js";

const MAX_POINTS = 4000; // per series: past it, every other point goes
const PAD = { l: 46, r: 12, t: 6, b: 30 };
const PAD_RIGHT_AXIS = 40;
const INK = "#555", GRID = "#eceef0";

const div = (className, text = "") => Object.assign(document.createElement("div"), { className, textContent: text });

/**
 * options: {series: [{name, color, width?, dash?, right?}], xTitle, yTitle, y2Title?,
 *           yRange?, y2Range?: fixed [lo, hi], format?(v): tick and readout text, log?}
 */
export function create(el, options) {
  const legend = div("lines-legend");
  for (const s of options.series) {
    const item = div("lines-legend-item");
    const swatch = div("lines-swatch");
    swatch.style.borderTopColor = s.color;
    swatch.style.borderTopStyle = s.dash ? "dotted" : "solid";
    item.append(swatch, Object.assign(document.createElement("span"), { className: "legendtext", textContent: s.name }));
    legend.append(item);
  }
  const canvas = document.createElement("canvas");
  const readout = div("lines-readout");
  readout.hidden = true;
  el.replaceChildren(legend, canvas, div("xtitle", options.xTitle), div("ytitle", options.yTitle),
    ...(options.y2Title ? [div("ytitle y2title", options.y2Title)] : []), readout);
  el.classList.add("lines-chart");
  el._lines = { ...options, log: Boolean(options.log), canvas, readout, marks: [] };
  el.data = options.series.map((s) => ({ name: s.name, x: [], y: [] }));
  if (!el._observed) {
    el._observed = true;
    new ResizeObserver(() => el._lines && draw(el)).observe(el);
    el.addEventListener("pointermove", (event) => showReadout(el, event));
    el.addEventListener("pointerleave", () => { if (el._lines) el._lines.readout.hidden = true; });
  }
  draw(el);
}

/** Append points: one array of [x, y] per series (in the order of `series`), then redraw. */
export function extend(el, points) {
  points.forEach((pairs, i) => {
    const trace = el.data[i];
    for (const [x, y] of pairs) { trace.x.push(x); trace.y.push(y); }
    if (trace.x.length > MAX_POINTS) {
      trace.x = trace.x.filter((_, j) => j % 2 === 0);
      trace.y = trace.y.filter((_, j) => j % 2 === 0);
    }
  });
  draw(el);
}

/** Add a mark: a dashed vertical line at x, its label in the readout under the pointer. */
export function mark(el, x, label) {
  if (el._lines.marks.some((m) => m.x === x && m.label === label)) return; // replayed and live: one mark
  el._lines.marks.push({ x, label });
  el.dataset.marks = String(el._lines.marks.length);
  draw(el);
}

export function setLog(el, log) {
  el._lines.log = log;
  draw(el);
}

function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) || power * 10;
}

function ticks(lo, hi, count) {
  const step = niceStep(hi - lo, count);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

const plain = (v) => (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6) ? v.toExponential(0) : String(Number(v.toPrecision(4))));

// [lo, hi] of the finite values of the series on one axis (positive only on a log axis).
function extent(el, right, log) {
  let lo = Infinity, hi = -Infinity;
  el._lines.series.forEach((s, i) => {
    if (Boolean(s.right) !== right) return;
    for (const v of el.data[i].y) if (Number.isFinite(v) && (!log || v > 0)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  });
  if (lo > hi) return log ? [0.1, 1] : [0, 1];
  if (log) return [Math.log10(lo), Math.log10(hi) + (hi === lo ? 0.1 : 0)];
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.1 || 1;
  return [lo - pad, hi + pad];
}

function geometry(el) {
  const { canvas, series, yRange, y2Range, log } = el._lines;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  const right = series.some((s) => s.right);
  const box = { l: PAD.l, r: w - (right ? PAD_RIGHT_AXIS : PAD.r), t: PAD.t, b: h - PAD.b };
  let x0 = Infinity, x1 = -Infinity;
  for (const t of el.data) if (t.x.length) { x0 = Math.min(x0, t.x[0]); x1 = Math.max(x1, t.x.at(-1)); }
  for (const m of el._lines.marks) { x0 = Math.min(x0, m.x); x1 = Math.max(x1, m.x); }
  if (!(x1 > x0)) [x0, x1] = x1 === x0 ? [x0 - 1, x0 + 1] : [0, 1];
  const y = log ? extent(el, false, true) : yRange || extent(el, false, false);
  const y2 = y2Range || extent(el, true, false);
  const sx = (v) => box.l + ((v - x0) / (x1 - x0)) * (box.r - box.l);
  const scale = ([lo, hi], transform) => (v) => box.b - ((transform(v) - lo) / (hi - lo || 1)) * (box.b - box.t);
  return { w, h, box, x: [x0, x1], y, y2, sx, sy: scale(y, log ? Math.log10 : (v) => v), sy2: scale(y2, (v) => v) };
}

function draw(el) {
  const { canvas, series, format = plain, log } = el._lines;
  const dpr = window.devicePixelRatio || 1;
  const g = geometry(el);
  if (!g.w || !g.h) return;
  if (canvas.width !== Math.round(g.w * dpr) || canvas.height !== Math.round(g.h * dpr)) {
    canvas.width = Math.round(g.w * dpr);
    canvas.height = Math.round(g.h * dpr);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, g.w, g.h);
  ctx.fillStyle = "#fff";
  ctx.fillRect(g.box.l, g.box.t, g.box.r - g.box.l, g.box.b - g.box.t);
  ctx.font = `10px ${FONT.family}`;
  ctx.lineWidth = 1;
  // y ticks (log: powers of ten), x ticks, grid
  const yTicks = log ? ticks(Math.floor(g.y[0]), Math.ceil(g.y[1]), 4).filter((p) => Number.isInteger(p) && p >= Math.floor(g.y[0])).map((p) => 10 ** p)
    : ticks(g.y[0], g.y[1], 4);
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const v of yTicks) {
    const py = g.sy(v);
    if (py < g.box.t - 0.5 || py > g.box.b + 0.5) continue;
    ctx.strokeStyle = GRID;
    ctx.beginPath(); ctx.moveTo(g.box.l, py); ctx.lineTo(g.box.r, py); ctx.stroke();
    ctx.fillStyle = INK;
    ctx.fillText(format(v), g.box.l - 4, py);
  }
  if (series.some((s) => s.right)) {
    ctx.textAlign = "left";
    for (const v of ticks(g.y2[0], g.y2[1], 4)) ctx.fillText(plain(v), g.box.r + 4, g.sy2(v));
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const v of ticks(g.x[0], g.x[1], Math.max(2, Math.floor((g.box.r - g.box.l) / 70)))) {
    if (!Number.isInteger(v)) continue; // iterations
    ctx.fillText(v.toLocaleString(), g.sx(v), g.box.b + 4);
  }
  ctx.strokeStyle = "#ccc";
  ctx.strokeRect(g.box.l, g.box.t, g.box.r - g.box.l, g.box.b - g.box.t);
  // the series, clipped to the plot area
  ctx.save();
  ctx.beginPath(); ctx.rect(g.box.l, g.box.t, g.box.r - g.box.l, g.box.b - g.box.t); ctx.clip();
  series.forEach((s, i) => {
    const { x, y } = el.data[i];
    const sy = s.right ? g.sy2 : g.sy;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width || 2;
    ctx.setLineDash(s.dash ? [2, 3] : []);
    ctx.beginPath();
    let open = false;
    for (let j = 0; j < x.length; j++) {
      const ok = Number.isFinite(y[j]) && (!log || s.right || y[j] > 0);
      if (!ok) { open = false; continue; }
      if (open) ctx.lineTo(g.sx(x[j]), sy(y[j])); else { ctx.moveTo(g.sx(x[j]), sy(y[j])); open = true; }
    }
    ctx.stroke();
  });
  ctx.strokeStyle = INK;
  ctx.lineWidth = 1;
  ctx.setLineDash([4, 3]);
  for (const m of el._lines.marks) {
    ctx.beginPath(); ctx.moveTo(g.sx(m.x), g.box.t); ctx.lineTo(g.sx(m.x), g.box.b); ctx.stroke();
  }
  ctx.restore();
  ctx.setLineDash([]);
  el._geometry = g;
}

function nearest(xs, v) {
  let lo = 0, hi = xs.length - 1;
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (xs[mid] < v) lo = mid; else hi = mid; }
  return Math.abs(xs[lo] - v) <= Math.abs(xs[hi] - v) ? lo : hi;
}

function showReadout(el, event) {
  const g = el._geometry, chart = el._lines;
  if (!g || !chart) return;
  const r = chart.canvas.getBoundingClientRect();
  const px = event.clientX - r.left;
  if (px < g.box.l || px > g.box.r) { chart.readout.hidden = true; return; }
  const x = g.x[0] + ((px - g.box.l) / (g.box.r - g.box.l)) * (g.x[1] - g.x[0]);
  const parts = [];
  let at = null;
  chart.series.forEach((s, i) => {
    const t = el.data[i];
    if (!t.x.length) return;
    const j = nearest(t.x, x);
    at ??= t.x[j];
    if (t.y[j] != null) parts.push(`${s.name} ${(s.right ? plain : chart.format || plain)(t.y[j])}`);
  });
  const near = chart.marks.filter((m) => Math.abs(g.sx(m.x) - px) <= 4).map((m) => m.label);
  parts.push(...near);
  if (!parts.length) { chart.readout.hidden = true; return; }
  chart.readout.textContent = `${at.toLocaleString()}: ${parts.join(" · ")}`;
  chart.readout.hidden = false;
}
