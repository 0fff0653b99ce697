// preview.js: a dataset card's small scatter plot on a canvas.
// update(el, {train, test, extent}) draws the train points (test ones fainter).
import { CLASS_COLORS, diverging } from "../colors.js";

export function render(el) {
  const canvas = document.createElement("canvas");
  canvas.width = 80;
  canvas.height = 80;
  el.replaceChildren(canvas);
}

export function update(el, points) {
  const canvas = el.querySelector("canvas");
  const ctx = canvas.getContext("2d");
  const { width: w, height: h } = canvas;
  const [x0, x1, y0, y1] = points.extent;
  ctx.clearRect(0, 0, w, h);
  const all = [...points.train.y, ...points.test.y];
  const regression = all.some((v) => !Number.isInteger(v));
  const m = regression ? Math.max(1e-6, ...all.map(Math.abs)) : 1;
  const color = (v) => (regression
    ? `rgb(${diverging((v / m + 1) / 2).map(Math.round).join(",")})`
    : CLASS_COLORS[v % CLASS_COLORS.length]);
  for (const [set, alpha] of [[points.test, 0.45], [points.train, 1]]) {
    ctx.globalAlpha = alpha;
    set.x.forEach(([a, b], i) => {
      ctx.fillStyle = color(set.y[i]);
      ctx.beginPath();
      ctx.arc(((a - x0) / (x1 - x0)) * w, h - ((b - y0) / (y1 - y0)) * h, 1.6, 0, 2 * Math.PI);
      ctx.fill();
    });
  }
  ctx.globalAlpha = 1;
}
