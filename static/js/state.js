// state.js: the whole configuration <-> the URL hash, through one table of
// properties (like TensorFlow Playground's state.ts). A link reproduces the
// setup: the spec (dataset, features, layers, training) plus a few view options.

const num = { parse: Number, format: String };
const int = { parse: (s) => (/^-?\d+$/.test(s) ? parseInt(s, 10) : NaN), format: String };
const str = { parse: (s) => s, format: String };
const bool = { parse: (s) => s === "true", format: String };
const nullableNum = { parse: (s) => (s === "" || s === "none" ? null : Number(s)), format: (v) => (v === null ? "none" : String(v)) };
const list = { parse: (s) => (s ? s.split(",") : []), format: (v) => v.join(",") };
// Classroom mode (classroom.js): a set of part or setting names, and the embed flag ("1").
const names = { parse: (s) => [...new Set(s.split(",").filter(Boolean))], format: (v) => v.join(",") };
const flag = { parse: (s) => s === "1" || s === "true", format: (v) => (v ? "1" : "0") };
// "k:v,k:v" for the optimizer's own knobs (numbers or booleans).
const knobs = {
  parse: (s) => Object.fromEntries((s ? s.split(",") : []).map((kv) => {
    const [k, v] = kv.split(":");
    return [k, v === "true" ? true : v === "false" ? false : Number(v)];
  })),
  format: (o) => Object.entries(o).map(([k, v]) => `${k}:${v}`).join(","),
};
// Layers as "conv2d(filters=8:kernel_size=3:padding=same:activation=relu),maxpool2d(pool_size=2),flatten,10:softmax":
// a dense layer as units:activation, any other as type(key=value:...) or its bare type.
// A stack with a value this cannot say (an initializer with knobs) travels as JSON.
const SIMPLE_DENSE = new Set(["type", "units", "activation"]);
const sayable = (v) => typeof v === "number" || typeof v === "boolean" || (typeof v === "string" && /^[\w.-]+$/.test(v));
const scalar = (s) => (s === "true" ? true : s === "false" ? false : s !== "" && !Number.isNaN(Number(s)) ? Number(s) : s);
function layerText(l) {
  if (l.type === "dense" && Object.keys(l).every((k) => SIMPLE_DENSE.has(k))) return `${l.units}:${l.activation}`;
  const knobs = Object.entries(l).filter(([k]) => k !== "type");
  return knobs.length ? `${l.type}(${knobs.map(([k, v]) => `${k}=${v}`).join(":")})` : l.type;
}
function layerFrom(part) {
  const typed = /^(\w+)\((.*)\)$/.exec(part);
  if (typed) return { type: typed[1], ...Object.fromEntries(typed[2].split(":").map((kv) => { const [k, v] = kv.split("="); return [k, scalar(v)]; })) };
  if (/^[a-z_]\w*$/.test(part)) return { type: part };
  const [units, activation] = part.split(":");
  return { type: "dense", units: int.parse(units), activation };
}
const layers = {
  parse: (s) => (s.startsWith("[") ? JSON.parse(s) : s.split(",").map(layerFrom)),
  format: (v) => (v.every((l) => Object.values(l).every(sayable)) ? v.map(layerText).join(",") : JSON.stringify(v)),
};
// An initializer as "glorot_uniform" or "random_uniform:minval=-0.5:maxval=0.5".
const initializer = {
  parse: (s) => {
    const [name, ...knobs] = s.split(":");
    if (!knobs.length) return name;
    return { name, ...Object.fromEntries(knobs.map((kv) => { const [k, v] = kv.split("="); return [k, Number(v)]; })) };
  },
  format: (v) => (typeof v === "string" ? v : [v.name, ...Object.entries(v).filter(([k]) => k !== "name").map(([k, x]) => `${k}=${x}`)].join(":")),
};

// Drawn points (spec.dataset.points: [[x1, x2, label or value], ...], to the hundredth) as base64url:
// "c" then 3 bytes a point for classes: x and y as 11-bit hundredths above -6 (0..1200) and a 2-bit class;
// "m" then 4 bytes a point where a class passes 3 (several classes): the same with a 3-bit class;
// "v" then 6 bytes a point for values: x, y and the value (hundredths above -100: 0..20000) as 16-bit numbers.
// 4 characters a point (8 for values): 1,000 drawn points make a link of about 4 KB.
const EDGE = 600; // -6.00 in hundredths
const SPAN = 1200; // -6.00 .. 6.00
const VALUE_EDGE = 10000; // -100.00 in hundredths (trainer.spec.LIMITS["drawn_value"])
const hundredths = (v, edge, span) => {
  const n = Math.round(v * 100) + edge;
  if (!(n >= 0 && n <= span)) throw new RangeError("a point off the plane");
  return n;
};
const base64url = {
  encode: (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
  decode: (s) => {
    if (!/^[\w-]*$/.test(s)) throw new SyntaxError("not base64url");
    return Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  },
};
const isClass = (v, most = 3) => Number.isInteger(v) && v >= 0 && v <= most;
export const points = {
  parse: (s) => {
    const size = { c: 3, m: 4, v: 6 }[s[0]];
    const bytes = base64url.decode(s.slice(1));
    if (!size || bytes.length % size) throw new SyntaxError("not drawn points");
    const out = [];
    for (let i = 0; i < bytes.length; i += size) {
      let x, y, z;
      if (size === 3) {
        const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
        [x, y, z] = [n >>> 13, (n >>> 2) & 0x7ff, n & 3];
      } else if (size === 4) {
        const n = ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
        [x, y, z] = [n >>> 14, (n >>> 3) & 0x7ff, n & 7];
      } else {
        [x, y, z] = [0, 2, 4].map((k) => (bytes[i + k] << 8) | bytes[i + k + 1]);
        if (z > 2 * VALUE_EDGE) throw new RangeError("a value out of range");
        z = (z - VALUE_EDGE) / 100;
      }
      if (x > SPAN || y > SPAN) throw new RangeError("a point off the plane");
      out.push([(x - EDGE) / 100, (y - EDGE) / 100, z]);
    }
    return out;
  },
  format: (list) => {
    const classes = list.every((p) => isClass(p[2]));
    const several = !classes && list.every((p) => isClass(p[2], 7));
    const bytes = [];
    for (const [x1, x2, z] of list) {
      const x = hundredths(x1, EDGE, SPAN), y = hundredths(x2, EDGE, SPAN);
      if (classes) {
        const n = (x << 13) | (y << 2) | z;
        bytes.push((n >>> 16) & 255, (n >>> 8) & 255, n & 255);
      } else if (several) {
        const n = ((x << 14) | (y << 3) | z) >>> 0;
        bytes.push((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
      } else {
        for (const k of [x, y, hundredths(z, VALUE_EDGE, 2 * VALUE_EDGE)]) bytes.push(k >>> 8, k & 255);
      }
    }
    let text = "";
    for (let i = 0; i < bytes.length; i += 3000) text += base64url.encode(bytes.slice(i, i + 3000)); // whole groups of 3 bytes: no padding between
    return (classes ? "c" : several ? "m" : "v") + text;
  },
};

/** The one table of URL properties: hash key, where it lives, its codec. */
/** The view a page opens with: the speed trains about an epoch a displayed frame on the default circle. */
export const DEFAULT_VIEW = Object.freeze({ speed: 1000, showTest: false, logScale: false });

export const PROPERTIES = [
  { key: "dataset", path: "spec.dataset.name", codec: str },
  { key: "noise", path: "spec.dataset.noise", codec: num },
  { key: "samples", path: "spec.dataset.samples", codec: int },
  { key: "testFraction", path: "spec.dataset.test_fraction", codec: num },
  { key: "dataSeed", path: "spec.dataset.seed", codec: int },
  { key: "points", path: "spec.dataset.points", codec: points },
  { key: "classes", path: "spec.dataset.classes", codec: int },
  { key: "language", path: "spec.dataset.language", codec: str },
  { key: "representation", path: "spec.dataset.representation", codec: str },
  { key: "vocabSize", path: "spec.dataset.vocab_size", codec: int },
  { key: "sequenceLength", path: "spec.dataset.sequence_length", codec: int },
  { key: "tokens", path: "spec.dataset.tokens", codec: str },
  { key: "features", path: "spec.features", codec: list },
  { key: "layers", path: "spec.layers", codec: layers },
  { key: "kernelInit", path: "inits.kernel_initializer", codec: initializer },
  { key: "biasInit", path: "inits.bias_initializer", codec: initializer },
  { key: "loss", path: "spec.loss", codec: str },
  { key: "optimizer", path: "spec.optimizer.name", codec: str },
  { key: "learningRate", path: "spec.optimizer.learning_rate", codec: num },
  { key: "knobs", path: "knobs", codec: knobs },
  { key: "regularization", path: "spec.regularization.type", codec: str },
  { key: "regularizationRate", path: "spec.regularization.rate", codec: num },
  { key: "batchSize", path: "spec.batch_size", codec: int },
  { key: "epochs", path: "spec.epochs", codec: int },
  { key: "patience", path: "spec.stop.early_stopping_patience", codec: nullableNum },
  { key: "targetLoss", path: "spec.stop.target_loss", codec: nullableNum },
  { key: "seed", path: "spec.seed", codec: int },
  { key: "speed", path: "view.speed", codec: nullableNum },
  { key: "showTest", path: "view.showTest", codec: bool },
  { key: "logScale", path: "view.logScale", codec: bool },
  // Classroom mode (classroom.js): what the page hides, which settings it locks, the embed view.
  { key: "hide", path: "classroom.hide", codec: names, omit: (v) => !v.length },
  { key: "lock", path: "classroom.lock", codec: names, omit: (v) => !v.length },
  { key: "embed", path: "classroom.embed", codec: flag, omit: (v) => !v },
];

const OPTIMIZER_FIXED = new Set(["name", "learning_rate"]);

function get(obj, path) {
  return path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function set(obj, path, value) {
  const keys = path.split(".");
  const last = keys.pop();
  const target = keys.reduce((o, k) => (o[k] ??= {}), obj);
  target[last] = value;
}

// Two properties stand for several spec fields: "knobs" (the optimizer's own
// knobs) and "kernelInit" / "biasInit" (one initializer shared by every layer;
// layers that differ make the layers property fall back to JSON).
function flatten(state) {
  const opt = state.spec.optimizer || {};
  const knobs = Object.fromEntries(Object.entries(opt).filter(([k]) => !OPTIMIZER_FIXED.has(k)));
  const inits = {};
  const spec = { ...state.spec };
  for (const key of ["kernel_initializer", "bias_initializer"]) {
    const values = new Set((spec.layers || []).map((l) => JSON.stringify(l[key])));
    if (values.size === 1) inits[key] = spec.layers[0][key];
  }
  spec.layers = (spec.layers || []).map((l) => Object.fromEntries(Object.entries(l).filter(([k]) => !(k in inits))));
  return { ...state, spec, knobs, inits };
}

// encodeURIComponent, keeping the characters that read well and parse safely in a hash.
const readable = (s) => encodeURIComponent(s).replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%5E/g, "^").replace(/%3D/g, "=");

/** state = {spec, view} -> "key=value&..." */
export function toHash(state) {
  const flat = flatten(state);
  const parts = [];
  for (const { key, path, codec, omit } of PROPERTIES) {
    const value = get(flat, path);
    if (value === undefined || (omit && omit(value))) continue;
    if (key === "knobs" && Object.keys(value).length === 0) continue;
    parts.push(`${key}=${readable(codec.format(value))}`);
  }
  return parts.join("&");
}

/**
 * Apply a hash onto a copy of `base` ({spec, view}): {state, ignored}. Unknown keys
 * are skipped, so an old link still opens; a value that does not parse, or that
 * check(key, value, raw, state) refuses (url_check.js: the catalog's values), keeps
 * the base's and its key lands in `ignored`. A check may instead answer {value, dropped}
 * for a list it kept part of (classroom.js's part names): the value is what it kept, and
 * when something was dropped the key lands in `ignored` and the dropped items in dropped[key].
 */
export function readHash(hash, base, check = () => true) {
  const state = structuredClone(base);
  const ignored = [];
  const dropped = {};
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  for (const { key, path, codec } of PROPERTIES) {
    if (!params.has(key)) continue;
    const raw = params.get(key);
    let value;
    try { value = codec.parse(raw); } catch { ignored.push(key); continue; }
    const verdict = typeof value === "number" && Number.isNaN(value) ? false : check(key, value, raw, state);
    if (!verdict) { ignored.push(key); continue; }
    if (typeof verdict === "object") {
      value = verdict.value;
      if (verdict.dropped.length) { ignored.push(key); dropped[key] = verdict.dropped; }
    }
    if (path.startsWith("inits.")) {
      const field = path.slice("inits.".length);
      for (const layer of state.spec.layers || []) layer[field] = value;
      continue;
    }
    if (key === "knobs") {
      state.spec.optimizer = { name: state.spec.optimizer?.name, learning_rate: state.spec.optimizer?.learning_rate, ...value };
      continue;
    }
    set(state, path, value);
  }
  return { state, ignored, dropped };
}

/** readHash without a check, for what only reads a link back (no catalog at hand). */
export const fromHash = (hash, base) => readHash(hash, base).state;

export function writeUrl(state) {
  history.replaceState(null, "", "#" + toHash(state));
}
