// boundary.js: the decision boundary under the data points. The boundary is painted on
// a canvas behind the plot area (cheap enough for every animation frame); the points are
// Plotly SVG markers, redrawn only when they change. Not scattergl: WebGL traces compile
// their draw calls with Function(), which the Content-Security-Policy forbids.
// update(el, {boundary, points, showTest, task, zrange}); boundary is decoded (forward.js).
import { DIVERGING, CLASS_COLORS, classColor, diverging } from "../colors.js";
import { FONT } from "./font.js";

const LAYOUT = {
  font: FONT,
  margin: { l: 28, r: 8, t: 8, b: 24 },
  xaxis: { range: [-6, 6], zeroline: false, showgrid: false, tickfont: { size: 10 }, fixedrange: true },
  yaxis: { range: [-6, 6], zeroline: false, showgrid: false, tickfont: { size: 10 }, fixedrange: true, scaleanchor: "x" },
  showlegend: false,
  plot_bgcolor: "rgba(0,0,0,0)", // the canvas behind shows through
  paper_bgcolor: "rgba(0,0,0,0)",
  uirevision: "boundary",
};
const CONFIG = { displayModeBar: false, responsive: true };
const OPACITY = 0.65; // pale, so the points stand out

export function render(el) {
  el.dataset.updates = "0";
  el.dataset.hasBoundary = "false";
  el._boundary = el._points = null;
  const first = !el._canvas;
  if (first) {
    el._canvas = Object.assign(document.createElement("canvas"), { className: "boundary-canvas" });
    el.prepend(el._canvas);
    new ResizeObserver(() => place(el)).observe(el);
  }
  window.Plotly.newPlot(el, [], LAYOUT, CONFIG).then(() => place(el));
  if (first) el.on("plotly_afterplot", () => place(el));
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

/** Put the canvas over Plotly's plot area (it moves with resizes and axis changes). */
function place(el) {
  const size = el._fullLayout && el._fullLayout._size;
  if (!size) return;
  Object.assign(el._canvas.style, { left: `${size.l}px`, top: `${size.t}px`, width: `${size.w}px`, height: `${size.h}px` });
  paint(el);
}

// The colour of a cell: a class band from pale (unsure) to full (sure), or the diverging scale.
function cellColors(boundary, task, zrange) {
  const { values, size } = boundary;
  const rgba = new Uint8ClampedArray(size * size * 4);
  let [lo, hi] = zrange || boundary.range;
  if (task === "regression") { const m = Math.max(Math.abs(boundary.range[0]), Math.abs(boundary.range[1]), 1e-6); lo = -m; hi = m; }
  const k = boundary.classes;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const i = row * size + col;
      const rgb = k ? classColor(boundary.labels[i], Math.min(0.999, Math.max(0, (values[i] - 1 / k) / (1 - 1 / k))))
        : diverging((values[i] - lo) / (hi - lo || 1));
      const p = ((size - 1 - row) * size + col) * 4; // row 0 is the bottom of the plane
      rgba[p] = rgb[0]; rgba[p + 1] = rgb[1]; rgba[p + 2] = rgb[2]; rgba[p + 3] = 255;
    }
  }
  return rgba;
}

function paint(el) {
  const canvas = el._canvas;
  const box = canvas.getBoundingClientRect();
  const w = Math.round(box.width * devicePixelRatio), h = Math.round(box.height * devicePixelRatio);
  if (!w || !h) return;
  if (canvas.width !== w || canvas.height !== h) Object.assign(canvas, { width: w, height: h });
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, w, h);
  const drawn = el._boundary;
  if (!drawn) return;
  const { boundary, task, zrange } = drawn;
  const n = boundary.size;
  el._cells ||= document.createElement("canvas");
  Object.assign(el._cells, { width: n, height: n });
  el._cells.getContext("2d").putImageData(new ImageData(cellColors(boundary, task, zrange), n, n), 0, 0);
  ctx.imageSmoothingEnabled = !boundary.classes; // class bands stay crisp; values blend smoothly
  ctx.globalAlpha = boundary.classes ? 1 : OPACITY;
  // Cell centres sit on the grid points, the edges on the extent: half a cell hangs over each side.
  const [x0, x1, y0, y1] = boundary.extent;
  const [ax0, ax1] = el._fullLayout.xaxis.range, [ay0, ay1] = el._fullLayout.yaxis.range;
  const cw = (x1 - x0) / (n - 1), ch = (y1 - y0) / (n - 1);
  const px = (x) => ((x - ax0) / (ax1 - ax0)) * w, py = (y) => ((ay1 - y) / (ay1 - ay0)) * h;
  ctx.drawImage(el._cells, px(x0 - cw / 2), py(y1 + ch / 2), px(x1 + cw / 2) - px(x0 - cw / 2), py(y0 - ch / 2) - py(y1 + ch / 2));
  ctx.globalAlpha = 1;
}

export function update(el, { boundary, points, showTest, task, zrange }) {
  el._boundary = boundary ? { boundary, task, zrange } : null;
  const key = points && `${task}/${showTest}`;
  if (points !== el._points || key !== el._pointsKey) { // the points changed: Plotly redraws, then place() paints
    el._points = points;
    el._pointsKey = key;
    const traces = points ? [scatter(points.train, task, false), ...(showTest ? [scatter(points.test, task, true)] : [])] : [];
    const extent = (boundary && boundary.extent) || (points && points.extent) || [-6, 6, -6, 6];
    const layout = { ...LAYOUT, xaxis: { ...LAYOUT.xaxis, range: extent.slice(0, 2) }, yaxis: { ...LAYOUT.yaxis, range: extent.slice(2) } };
    window.Plotly.react(el, traces, layout, CONFIG);
  }
  paint(el);
  el.dataset.updates = String(Number(el.dataset.updates || 0) + 1);
  el.dataset.hasBoundary = boundary ? "true" : "false";
}

/** The drawn boundary's values (tests compare them), or null. */
export function drawnValues(el) {
  return el._boundary ? el._boundary.boundary.values : null;
}

/**
 * A pointer position (clientX, clientY) -> [x1, x2] on the plane, or null outside the plot area.
 * draw_points.js adds and removes points there; the axes are Plotly's (el._fullLayout).
 */
export function planeAt(el, clientX, clientY) {
  const layout = el._fullLayout;
  const size = layout && layout._size;
  if (!size || !size.w || !size.h) return null;
  const box = el.getBoundingClientRect();
  const px = clientX - box.left - size.l, py = clientY - box.top - size.t;
  if (px < 0 || py < 0 || px > size.w || py > size.h) return null;
  const [ax0, ax1] = layout.xaxis.range, [ay0, ay1] = layout.yaxis.range;
  return [ax0 + (px / size.w) * (ax1 - ax0), ay1 - (py / size.h) * (ay1 - ay0)];
}

/** How many plane units `pixels` screen pixels span (along x), for "near enough" on any screen. */
export function planeUnits(el, pixels) {
  const layout = el._fullLayout;
  const size = layout && layout._size;
  if (!size || !size.w) return 0;
  const [ax0, ax1] = layout.xaxis.range;
  return (pixels / size.w) * Math.abs(ax1 - ax0);
}
