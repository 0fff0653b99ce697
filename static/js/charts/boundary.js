// boundary.js: the decision boundary as a Plotly heatmap under the data points.
// update(el, {boundary, points, showTest, task, zrange}) redraws from the payload alone.
// Points are SVG markers, not scattergl: WebGL traces compile their draw calls with
// Function(), which the Content-Security-Policy forbids (no 'unsafe-eval').
import { DIVERGING, CLASS_COLORS, classColorscale } from "../colors.js";
import { decodeBytes, decodeGrid } from "../socket.js";
import { FONT } from "./font.js";

const LAYOUT = {
  font: FONT,
  margin: { l: 28, r: 8, t: 8, b: 24 },
  xaxis: { range: [-6, 6], zeroline: false, showgrid: false, tickfont: { size: 10 }, fixedrange: true },
  yaxis: { range: [-6, 6], zeroline: false, showgrid: false, tickfont: { size: 10 }, fixedrange: true, scaleanchor: "x" },
  showlegend: false,
  plot_bgcolor: "#fff",
  paper_bgcolor: "rgba(0,0,0,0)",
  uirevision: "boundary",
};
const CONFIG = { displayModeBar: false, responsive: true };

export function render(el) {
  el.dataset.updates = "0";
  window.Plotly.newPlot(el, [], LAYOUT, CONFIG);
}

// The engine samples the grid with linspace(lo, hi, n): the edges included.
function axis(lo, hi, n) {
  const step = (hi - lo) / (n - 1);
  return Array.from({ length: n }, (_, i) => lo + step * i);
}

function rows(values, n) {
  return Array.from({ length: n }, (_, r) => Array.from(values.subarray(r * n, r * n + n)));
}

function heatmap(frame, task, zrange) {
  const n = frame.size;
  const [x0, x1, y0, y1] = frame.extent;
  const base = { type: "heatmap", x: axis(x0, x1, n), y: axis(y0, y1, n), showscale: false, hoverinfo: "skip", zsmooth: "best" };
  if (frame.classes && frame.labels) {
    const k = frame.classes;
    const labels = decodeBytes(frame.labels);
    const prob = decodeGrid(frame.data, frame.range);
    const z = new Float32Array(labels.length);
    for (let i = 0; i < z.length; i++) z[i] = labels[i] + Math.min(0.999, Math.max(0, (prob[i] - 1 / k) / (1 - 1 / k)));
    return { ...base, z: rows(z, n), zmin: 0, zmax: k, colorscale: classColorscale(k), zsmooth: false };
  }
  const values = decodeGrid(frame.data, frame.range);
  let [lo, hi] = zrange || frame.range;
  if (task === "regression") { const m = Math.max(Math.abs(frame.range[0]), Math.abs(frame.range[1]), 1e-6); lo = -m; hi = m; }
  return { ...base, z: rows(values, n), zmin: lo, zmax: hi, colorscale: DIVERGING, opacity: 0.65 }; // pale, so the points stand out
}

function scatter(set, task, isTest) {
  const color = task === "regression"
    ? set.y
    : set.y.map((c) => CLASS_COLORS[c % CLASS_COLORS.length]);
  const m = task === "regression" ? Math.max(1e-6, ...set.y.map(Math.abs)) : 1;
  return {
    type: "scatter", mode: "markers", x: set.x.map((p) => p[0]), y: set.x.map((p) => p[1]),
    name: isTest ? "test" : "train", hoverinfo: "skip",
    marker: {
      size: 6, color, opacity: 0.95,
      ...(task === "regression" ? { colorscale: DIVERGING, cmin: -m, cmax: m } : {}),
      line: { width: 1, color: isTest ? "#222" : task === "regression" ? "rgba(0,0,0,.35)" : "#fff" },
    },
  };
}

export function update(el, { boundary, points, showTest, task, zrange }) {
  const traces = [];
  if (boundary) traces.push(heatmap(boundary, task, zrange));
  if (points) {
    traces.push(scatter(points.train, task, false));
    if (showTest) traces.push(scatter(points.test, task, true));
  }
  const extent = (boundary && boundary.extent) || (points && points.extent) || [-6, 6, -6, 6];
  const layout = { ...LAYOUT, xaxis: { ...LAYOUT.xaxis, range: extent.slice(0, 2) }, yaxis: { ...LAYOUT.yaxis, range: extent.slice(2) } };
  window.Plotly.react(el, traces, layout, CONFIG);
  el.dataset.updates = String(Number(el.dataset.updates || 0) + 1);
  el.dataset.hasBoundary = boundary ? "true" : "false";
}
