// url_check.js: a link is untrusted input. Every value state.js reads from the hash is
// checked here against the catalog (and, for the few settings the catalog does not list,
// the page's own menus) before the page uses it; a value that fails is dropped, the
// default stays, and a note near the top names what was ignored.
import { el } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";
import { LOCKS, PARTS } from "./classroom.js";

const has = (obj, key) => obj != null && typeof obj === "object" && typeof key === "string" && Object.hasOwn(obj, key);
const finite = (v) => typeof v === "number" && Number.isFinite(v);
const between = (v, lo, hi) => finite(v) && v >= lo && v <= hi;
const int = (v, lo, hi) => Number.isInteger(v) && v >= lo && v <= hi;
const nullable = (test) => (v, ctx) => v === null || test(v, ctx);
const SEED = [0, 2 ** 31 - 1];

/** An initializer: a catalog name, or {name, knob: number, ...} with that initializer's knobs. */
function initializer(v, { catalog }) {
  if (typeof v === "string") return has(catalog.initializers, v);
  if (!v || typeof v !== "object" || !has(catalog.initializers, v.name)) return false;
  const knobs = catalog.initializers[v.name];
  return Object.entries(v).every(([k, x]) => k === "name" || (has(knobs, k) && finite(x)));
}

/** A field of a layer against its schema in catalog.layer_types: {choices} or {min, max, default}. */
function field(value, schema) {
  if (schema.choices) return schema.choices.includes(value);
  if (value === null) return schema.default === null;
  const whole = Number.isInteger(schema.min) && Number.isInteger(schema.max);
  return between(value, schema.min, schema.max) && (!whole || Number.isInteger(value));
}

function layer(l, ctx) {
  if (!l || typeof l !== "object" || Array.isArray(l) || !has(ctx.catalog.layer_types, l.type)) return false;
  const schema = ctx.catalog.layer_types[l.type];
  return Object.entries(l).every(([k, v]) => k === "type"
    || (k === "kernel_initializer" || k === "bias_initializer" ? initializer(v, ctx) : has(schema, k) && field(v, schema[k])));
}

/** A list of names from a known set: {value: the known ones, dropped: the others}; an unknown name is never used. */
const known = (set) => (v) => {
  if (!Array.isArray(v) || !v.every((n) => typeof n === "string")) return false;
  return { value: v.filter((n) => has(set, n)), dropped: v.filter((n) => !has(set, n)) };
};

const menu = (name) => (v, { menus }) => (menus[name] || []).includes(v === null ? "" : String(v));

/** One rule per property of state.js's table: (value, {catalog, menus, state, raw}) -> ok. */
export const RULES = {
  dataset: (v, { catalog }) => catalog.datasets.some((d) => d.name === v),
  noise: (v) => between(v, 0, 1),
  samples: (v, ctx) => { // up to the dataset's own size where it has one (a real corpus: 30,000 reviews), as the spec parser
    const info = ctx.catalog.datasets.find((d) => d.name === ctx.state.spec.dataset?.name);
    return int(v, ctx.catalog.limits.samples[0], info?.max_samples || ctx.catalog.limits.samples[1]);
  },
  testFraction: (v) => between(v, 0.01, 0.99),
  dataSeed: (v) => int(v, ...SEED),
  classes: (v, ctx) => int(v, ...ctx.catalog.limits.blob_classes),
  points: (v, ctx) => { // a drawn set's points (state.js's codec): within the plane, as many as the spec parser takes
    const info = ctx.catalog.datasets.find((d) => d.name === ctx.state.spec.dataset?.name);
    const [x0, x1, y0, y1] = ctx.catalog.extent, most = ctx.catalog.limits.drawn_value;
    const classes = info?.task === "multiclass" ? ctx.catalog.limits.blob_classes[1] : 2; // the spec says which of them
    const target = info?.task === "regression" ? (z) => between(z, -most, most) : (z) => Number.isInteger(z) && z >= 0 && z < classes;
    return Boolean(info?.drawn) && Array.isArray(v) && v.length <= ctx.catalog.limits.drawn_points[1]
      && v.every((p) => Array.isArray(p) && p.length === 3 && between(p[0], x0, x1) && between(p[1], y0, y1) && target(p[2]));
  },
  language: menu("language"),
  representation: menu("representation"),
  vocabSize: (v, ctx) => int(v, 1, ctx.catalog.limits.vocab_size),
  sequenceLength: (v, ctx) => int(v, 1, ctx.catalog.limits.sequence_length),
  tokens: (v, { catalog }) => has(catalog.token_levels, v),
  features: (v, { catalog }) => Array.isArray(v) && v.length > 0 && new Set(v).size === v.length && v.every((f) => catalog.features.includes(f)),
  layers: (v, ctx) => Array.isArray(v) && v.length > 0 && v.length <= ctx.catalog.limits.layers && v.every((l) => layer(l, ctx)),
  kernelInit: initializer,
  biasInit: initializer,
  loss: (v, { catalog }) => catalog.losses.includes(v),
  optimizer: (v, { catalog }) => has(catalog.optimizers, v),
  learningRate: (v, ctx) => between(v, ...ctx.catalog.limits.learning_rate),
  knobs: (v, { catalog, state }) => {
    const knobs = catalog.optimizers[state.spec.optimizer?.name] || {};
    return Object.entries(v).every(([k, x]) => k !== "learning_rate" && has(knobs, k) && finite(x));
  },
  regularization: (v, { catalog }) => catalog.regularization.includes(v),
  regularizationRate: (v) => between(v, 0, 10),
  batchSize: (v, ctx) => int(v, 1, ctx.catalog.limits.batch_size),
  epochs: (v, ctx) => int(v, 1, ctx.catalog.limits.epochs),
  patience: nullable((v) => int(v, 1, 1000)),
  targetLoss: nullable((v) => between(v, 0, 1e6)),
  seed: (v) => int(v, ...SEED),
  speed: menu("speed"),
  showTest: (v, { raw }) => raw === "true" || raw === "false",
  logScale: (v, { raw }) => raw === "true" || raw === "false",
  hide: known(PARTS),
  lock: known(LOCKS),
  embed: (v, { raw }) => ["1", "0", "true", "false"].includes(raw),
};

/**
 * check(key, value, raw, state) for state.js's readHash; a property without a rule fails closed.
 * A list rule may answer {value, dropped}: readHash keeps the value and names the key as ignored.
 */
export function linkChecker(catalog, menus) {
  return (key, value, raw, state) => {
    const rule = RULES[key];
    try {
      const verdict = rule && rule(value, { catalog, menus, state, raw });
      return verdict && typeof verdict === "object" ? verdict : Boolean(verdict);
    } catch { return false; }
  };
}

/** The values of a <select>'s options: the menus a link may pick from. */
export const menuValues = (select) => (select ? [...select.options].map((o) => o.value) : []);

const SHOWN_NAMES = 5; // of a list's unknown names, the note quotes the first few (each cut short): never as markup

/** "hide (foo, bar)": a key, with the unknown names a list of its carried (dropped[key]). */
function described(key, dropped) {
  const names = dropped[key];
  if (!names || !names.length) return key;
  const shown = names.slice(0, SHOWN_NAMES).map((n) => (n.length > 30 ? n.slice(0, 30) + "…" : n));
  return `${key} (${shown.join(", ")}${names.length > SHOWN_NAMES ? ", …" : ""})`;
}

/** The note near the top naming the settings a link carried that this page ignored (and a list's unknown names). */
export function showIgnored(keys, dropped = {}) {
  let note = document.getElementById("link-note");
  if (!note && !keys.length) return;
  if (!note) {
    note = el("p", { id: "link-note", class: "link-note", role: "status", hidden: true });
    document.querySelector(".topbar").after(note);
  }
  note.hidden = keys.length === 0;
  note.dataset.ignored = keys.join(",");
  note.textContent = keys.length ? interpolate(gettext("Ignored from the link (not a value this page offers): %(keys)s. The defaults are used instead."),
    { keys: keys.map((k) => described(k, dropped)).join(", ") }) : "";
}
