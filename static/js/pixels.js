// pixels.js: small images on canvases: gray pictures (ink dark on white, as a
// digit on paper) and activation maps (white -> blue, or the diverging
// orange/blue scale when they take both signs). Pure drawing helpers.
import { BLUE, diverging } from "./colors.js";
import { decodeBytes } from "./decode.js";

/** Values in [0, 1] (any array-like, row-major h*w) or base64 uint8 -> Float32Array in [0, 1]. */
export function unit(values) {
  if (typeof values === "string") return Float32Array.from(decodeBytes(values), (b) => b / 255);
  return Float32Array.from(values);
}

function paint(canvas, h, w, rgbAt) {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    const [r, g, b] = rgbAt(i);
    image.data.set([r, g, b, 255], i * 4);
  }
  ctx.putImageData(image, 0, 0);
}

/** A gray picture with values in [0, 1]: 0 paper white, 1 full ink. */
export function paintInk(canvas, values, h, w) {
  const v = unit(values);
  paint(canvas, h, w, (i) => { const c = 255 * (1 - Math.min(1, Math.max(0, v[i]))); return [c, c, c]; });
}

/**
 * An activation map from base64 uint8 over range [lo, hi]: white -> blue where
 * it is one-signed, orange / white / blue around zero where it takes both signs.
 */
export function paintMap(canvas, b64, h, w, [lo, hi]) {
  const bytes = decodeBytes(b64);
  const value = (i) => lo + (bytes[i] / 255) * (hi - lo);
  if (lo < 0 && hi > 0) {
    const m = Math.max(-lo, hi);
    paint(canvas, h, w, (i) => diverging((value(i) / m + 1) / 2));
    return;
  }
  const span = hi - lo || 1;
  paint(canvas, h, w, (i) => {
    const t = (value(i) - lo) / span;
    return BLUE.map((c) => 255 + (c - 255) * t);
  });
}

/** A canvas element with a CSS class, for the painters above. */
export function canvas(className = "") {
  const c = document.createElement("canvas");
  c.className = className;
  return c;
}
