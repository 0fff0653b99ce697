// forward.js: a dense network's forward pass over a grid of the input plane, from its
// weights, as TensorFlow Playground computes its pictures in the browser. The server
// streams a dense network's weights at display rate (`weights` frames) and the page
// draws the decision boundary and every neuron from them; trainer/probes.py computes
// the same pictures on the server, the reference (tests/browser/test_frames.py holds
// the two equal). Pictures have one shape, computed here or decoded from the server's
// frames (decode.js):
//   boundary: {size, extent, values: Float32Array, range: [lo, hi], classes?, labels?: Uint8Array}
//   neurons:  {size, layers: [{range, units: [Float32Array]}], weights, biases}

export const EXTENT = [-6, 6, -6, 6]; // trainer.datasets.EXTENT
export const BOUNDARY_SIZE = 80; // trainer.probes.BOUNDARY_SIZE
export const NEURON_SIZE = 32; // trainer.probes.NEURON_SIZE

// trainer.datasets.FEATURES
const FEATURES = {
  x1: (x1) => x1, x2: (x1, x2) => x2, "x1^2": (x1) => x1 * x1, "x2^2": (x1, x2) => x2 * x2,
  "x1*x2": (x1, x2) => x1 * x2, "sin(x1)": (x1) => Math.sin(x1), "sin(x2)": (x1, x2) => Math.sin(x2),
};

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
// trainer.activations.ACTIVATIONS, elementwise (softmax is applied per row below)
const ACTIVATIONS = {
  linear: (z) => z,
  step: (z) => (z >= 0 ? 1 : 0),
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  relu: (z) => (z > 0 ? z : 0),
  leaky_relu: (z) => (z > 0 ? z : 0.01 * z),
  elu: (z) => (z > 0 ? z : Math.expm1(z)),
  gelu: (z) => 0.5 * z * (1 + Math.tanh(SQRT_2_OVER_PI * (z + 0.044715 * z * z * z))), // jax.nn.gelu's default
  softmax: (z) => z,
};

// Bounded outputs get a fixed colour scale (trainer.probes._output_range).
const OUTPUT_RANGE = { sigmoid: [0, 1], step: [0, 1], tanh: [-1, 1] };

const gridCache = new Map();
/** The network inputs of a size x size grid over EXTENT (row 0 at the bottom), n x features, row-major. */
function gridInputs(features, size) {
  const key = `${features.join(",")}/${size}`;
  if (!gridCache.has(key)) {
    const fs = features.map((f) => FEATURES[f]);
    const out = new Float32Array(size * size * fs.length);
    const step = (hi, lo) => (hi - lo) / (size - 1);
    for (let r = 0; r < size; r++) {
      const y = Math.fround(EXTENT[2] + step(EXTENT[3], EXTENT[2]) * r);
      for (let c = 0; c < size; c++) {
        const x = Math.fround(EXTENT[0] + step(EXTENT[1], EXTENT[0]) * c);
        fs.forEach((f, k) => { out[(r * size + c) * fs.length + k] = f(x, y); });
      }
    }
    gridCache.set(key, out);
  }
  return gridCache.get(key);
}

/** Every dense layer's outputs for n inputs: [Float32Array n x units, ...]. */
function forward(weights, biases, activations, inputs, n) {
  const outputs = [];
  let x = inputs;
  weights.forEach((kernel, l) => {
    const ins = kernel.length, units = biases[l].length, act = activations[l];
    const f = ACTIVATIONS[act] || ACTIVATIONS.linear;
    const out = new Float32Array(n * units);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < units; j++) {
        let z = biases[l][j];
        for (let k = 0; k < ins; k++) z += x[i * ins + k] * kernel[k][j];
        out[i * units + j] = f(z);
      }
      if (act === "softmax") softmaxRow(out, i * units, units);
    }
    outputs.push(out);
    x = out;
  });
  return outputs;
}

function softmaxRow(a, start, n) {
  let max = -Infinity, sum = 0;
  for (let j = start; j < start + n; j++) max = Math.max(max, a[j]);
  for (let j = start; j < start + n; j++) { a[j] = Math.exp(a[j] - max); sum += a[j]; }
  for (let j = start; j < start + n; j++) a[j] /= sum;
}

function column(a, n, units, j) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i * units + j];
  return out;
}

function extremes(values) {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return [lo, hi];
}

/**
 * The pictures of a `weights` frame. net: {features, activations (one per dense layer), task}.
 * Returns {boundary, neurons} in the decoded shape above.
 */
export function pictures(net, frame) {
  const { weights, biases } = frame;
  const last = net.activations.length - 1;
  const n = BOUNDARY_SIZE * BOUNDARY_SIZE;
  const out = forward(weights, biases, net.activations, gridInputs(net.features, BOUNDARY_SIZE), n).at(-1);
  const k = biases[last].length;
  const boundary = { size: BOUNDARY_SIZE, extent: EXTENT };
  if (net.task === "multiclass") {
    boundary.classes = k;
    boundary.labels = new Uint8Array(n);
    boundary.values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (out[i * k + j] > out[i * k + best]) best = j;
      boundary.labels[i] = best;
      boundary.values[i] = out[i * k + best];
    }
    boundary.range = [0, 1];
  } else {
    boundary.values = column(out, n, k, 0);
    boundary.range = OUTPUT_RANGE[net.activations[last]] || extremes(boundary.values);
  }
  const m = NEURON_SIZE * NEURON_SIZE;
  const acts = forward(weights, biases, net.activations, gridInputs(net.features, NEURON_SIZE), m).slice(0, -1);
  const layers = acts.map((a, l) => {
    const units = biases[l].length;
    let peak = 0;
    for (const v of a) peak = Math.max(peak, Math.abs(v));
    peak = peak || 1;
    return { range: [-peak, peak], units: Array.from({ length: units }, (_, j) => column(a, m, units, j)) };
  });
  return { boundary, neurons: { size: NEURON_SIZE, layers, weights, biases } };
}
