// features.js: the input features over the plane, computed in the browser for
// the thumbnails of the network's input column. Names are the spec's.
import { paintGrid } from "./colors.js";

export const FEATURES = {
  "x1": { label: "x₁", f: (a) => a },
  "x2": { label: "x₂", f: (a, b) => b },
  "x1^2": { label: "x₁²", f: (a) => a * a },
  "x2^2": { label: "x₂²", f: (a, b) => b * b },
  "x1*x2": { label: "x₁x₂", f: (a, b) => a * b },
  "sin(x1)": { label: "sin(x₁)", f: (a) => Math.sin(a) },
  "sin(x2)": { label: "sin(x₂)", f: (a, b) => Math.sin(b) },
};

export const featureLabel = (name) => (FEATURES[name] ? FEATURES[name].label : name);

/** Paint feature `name` over [-6, 6]² on the canvas (size*size cells, row 0 = bottom). */
export function paintFeature(canvas, name, size = 24, extent = [-6, 6, -6, 6]) {
  const { f } = FEATURES[name];
  const values = new Float32Array(size * size);
  const [x0, x1, y0, y1] = extent;
  let m = 1e-9;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const v = f(x0 + ((c + 0.5) / size) * (x1 - x0), y0 + ((r + 0.5) / size) * (y1 - y0));
      values[r * size + c] = v;
      m = Math.max(m, Math.abs(v));
    }
  }
  paintGrid(canvas, values, size, -m, m);
}
