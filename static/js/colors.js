// colors.js: TensorFlow Playground's palette (orange = negative / class 0,
// blue = positive / class 1) and one colour per class for multi-class sets.
// The colours are palette.json's, which playground/figures.py reads too.
import palette from "./palette.json" with { type: "json" };

export const PALETTE = palette; // the hex colours, for Plotly
export const ORANGE = hexToRgb(palette.orange);
export const BLUE = hexToRgb(palette.blue);
export const MIDDLE = hexToRgb(palette.middle);
export const CLASS_COLORS = palette.classes;
const [UNSURE, SURE] = palette.class_band; // a class's band: white mixed this much with its colour

const hex = (rgb) => "#" + rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");
const mix = (a, b, t) => a.map((c, i) => c + (b[i] - c) * t);

/** Plotly colorscale orange -> light grey -> blue. */
export const DIVERGING = [[0, hex(ORANGE)], [0.5, hex(MIDDLE)], [1, hex(BLUE)]];

/** RGB for t in [0, 1] on the diverging scale. */
export function diverging(t) {
  const u = Math.min(1, Math.max(0, t));
  return u < 0.5 ? mix(ORANGE, MIDDLE, u * 2) : mix(MIDDLE, BLUE, (u - 0.5) * 2);
}

/**
 * A colorscale for k classes over z in [0, k): cell value class + confidence,
 * each class a band from pale (unsure) to its full colour (sure).
 */
export function classColorscale(k) {
  const scale = [];
  for (let c = 0; c < k; c++) {
    const rgb = hexToRgb(CLASS_COLORS[c % CLASS_COLORS.length]);
    scale.push([c / k, hex(mix([255, 255, 255], rgb, UNSURE))]);
    scale.push([c === k - 1 ? 1 : (c + 1) / k - 1e-6, hex(mix([255, 255, 255], rgb, SURE))]);
  }
  return scale;
}

/** RGB of class c at confidence t in [0, 1]: the band of classColorscale. */
export function classColor(c, t) {
  const rgb = hexToRgb(CLASS_COLORS[c % CLASS_COLORS.length]);
  return mix(mix([255, 255, 255], rgb, UNSURE), mix([255, 255, 255], rgb, SURE), t);
}

export function hexToRgb(h) {
  const n = parseInt(h.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * Paint a size*size grid of values (row 0 = bottom) onto a canvas, mapping
 * [lo, hi] to the diverging scale. Values are any array-like of numbers.
 */
export function paintGrid(canvas, values, size, lo, hi) {
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(size, size);
  const span = hi - lo || 1;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const rgb = diverging((values[row * size + col] - lo) / span);
      const p = ((size - 1 - row) * size + col) * 4;
      image.data[p] = rgb[0]; image.data[p + 1] = rgb[1]; image.data[p + 2] = rgb[2]; image.data[p + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
}
