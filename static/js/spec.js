// spec.js: what the page knows about a spec beyond the server's validation:
// the default, the dataset's kind and task, and keeping the stack fit for the
// dataset (the output layer's size; a stack for images or text when the data
// changes kind). Pure functions over the catalog (the registries from the server).

const TEXT_DEFAULTS = { language: "both", representation: "sequence", vocab_size: 1000 };
const TEXT_KEYS = ["language", "representation", "vocab_size", "sequence_length", "tokens"];
const RUN_KEYS = ["layers", "loss", "optimizer", "regularization", "batch_size", "epochs"];

import { uploadedDataset } from "./datasets/picker.js";
import { DEFAULT_VIEW } from "./state.js";

/** The helpers bound to one catalog. */
export function specTools(catalog) {
  // An unknown name (an old link, a dataset gone) falls back to the first 2-D one.
  const datasetInfo = (name) => catalog.datasets.find((d) => d.name === name) || catalog.datasets.find((d) => d.kind === "points");
  const taskOf = (spec) => datasetInfo(spec.dataset.name).task;
  const kindOf = (spec) => datasetInfo(spec.dataset.name).kind;
  const isDataset = (name) => catalog.datasets.some((d) => d.name === name);

  /** Every lesson whose dataset this page offers, in catalog order. */
  const lessons = () => (catalog.presets || []).filter((p) => isDataset(p.spec.dataset.name));
  const pointPresets = () => lessons().filter((p) => datasetInfo(p.spec.dataset.name).kind === "points");

  /** What decides the stack's form: the data's kind, its task, and (text) its representation. */
  const profile = (spec) => ({ kind: kindOf(spec), task: taskOf(spec), representation: spec.dataset.representation || null });

  function defaultState() {
    const presets = pointPresets();
    const preset = presets.find((p) => /default/.test(p.name)) || presets[0];
    const spec = preset ? structuredClone(preset.spec) : {
      version: 1, dataset: { name: "circle", noise: 0, samples: 500, test_fraction: 0.5, seed: 0 }, features: ["x1", "x2"],
      layers: [{ type: "dense", units: 4, activation: "tanh" }, { type: "dense", units: 2, activation: "tanh" }, { type: "dense", units: 1, activation: "tanh" }],
      loss: "half_mse", optimizer: { name: "sgd", learning_rate: 0.03 }, regularization: { type: "none", rate: 0 }, batch_size: 10, epochs: 100, seed: 0,
    };
    return { spec, view: { ...DEFAULT_VIEW } };
  }

  /** The lesson whose stack suits a dataset: its first preset (for text, of the same
   * representation); for 2-D points the default network. */
  function starter(name, representation) {
    const info = datasetInfo(name);
    if (info.kind === "points") return { spec: defaultState().spec };
    if (info.kind === "tabular") return { spec: tableStarter(info) };
    const mine = lessons().filter((p) => p.spec.dataset.name === name);
    return mine.find((p) => !representation || (p.spec.dataset.representation || "sequence") === representation) || mine[0]
      || lessons().find((p) => datasetInfo(p.spec.dataset.name).kind === datasetInfo(name).kind);
  }

  /** An uploaded table has no lesson: a small dense network that fits its task. */
  function tableStarter(info) {
    const [activation, loss] = { multiclass: ["softmax", "categorical_crossentropy"], regression: ["linear", "mse"] }[info.task]
      || ["sigmoid", "binary_crossentropy"];
    return {
      dataset: { name: info.name }, layers: [{ type: "dense", units: 16, activation: "relu" }, { type: "dense", units: 1, activation }],
      loss, optimizer: { name: "adam", learning_rate: 0.01 }, regularization: { type: "none", rate: 0 }, batch_size: 16, epochs: 50,
    };
  }

  function datasetFields(spec, info) {
    const d = spec.dataset;
    if (info.drawn) { // a drawn set is its points (draw_points.js), split by test_fraction and seed
      const classes = info.task === "multiclass" ? { classes: d.classes ?? info.classes } : {};
      spec.dataset = { name: info.name, ...classes, points: d.points ?? [], test_fraction: d.test_fraction ?? 0.5, seed: d.seed ?? 0 };
      spec.features ??= ["x1", "x2"];
      return;
    }
    delete d.points;
    if (info.kind === "text") {
      spec.dataset = { samples: info.default_samples, test_fraction: 0.3, seed: 0, ...TEXT_DEFAULTS, tokens: info.default_tokens, ...d };
      delete spec.dataset.noise;
      if (info.language) delete spec.dataset.language; // a real corpus has one language
      if (info.default_tokens === undefined) delete spec.dataset.tokens;
    } else {
      spec.dataset = { noise: 0, samples: info.default_samples || 500, test_fraction: info.kind === "images" ? 0.25 : 0.5, seed: 0, ...d };
      for (const key of TEXT_KEYS) delete spec.dataset[key];
    }
    if (info.max_samples) spec.dataset.samples = Math.min(spec.dataset.samples, info.max_samples);
    if (spec.dataset.sequence_length == null) delete spec.dataset.sequence_length;
    if (info.name === "blobs") spec.dataset.classes ??= info.classes || 3;
    else delete spec.dataset.classes;
    if (info.kind === "points") spec.features ??= ["x1", "x2"];
    else delete spec.features;
  }

  /**
   * Make the spec consistent with its dataset and optimizer (in place). previous:
   * the profile (or just the task) before an edit. When the data changed kind (or
   * a text set its representation), the stack, loss and optimizer come from that
   * dataset's lesson; when the task changed, the output activation and loss follow.
   */
  function normalize(spec, previous) {
    const info = datasetInfo(spec.dataset.name);
    if (info.name !== spec.dataset.name) spec.dataset = { name: info.name }; // a link to a dataset not offered here
    if (previous && previous.kind && previous.kind !== info.kind) { // new kind of data: its lesson's sizes, not the last set's
      const lesson = starter(info.name, null);
      const fields = lesson && lesson.spec.dataset.name === info.name ? lesson.spec.dataset : {};
      spec.dataset = { ...fields, name: info.name, seed: spec.dataset.seed ?? 0 };
    }
    datasetFields(spec, info);
    const now = profile(spec);
    let before = typeof previous === "string" ? { task: previous } : previous;
    if (before && before.kind && (before.kind !== now.kind || (now.kind === "text" && before.representation !== now.representation))) {
      const lesson = starter(info.name, now.representation);
      if (lesson) {
        for (const key of RUN_KEYS) spec[key] = structuredClone(lesson.spec[key] ?? spec[key]);
        before = { task: taskOf(lesson.spec) }; // the output and loss now are the lesson's
      }
    }
    if (info.uploaded) spec.dataset = uploadedDataset(spec.dataset); // its size and noise are the file's
    spec.regularization ??= { type: "none", rate: 0 };
    const out = spec.layers[spec.layers.length - 1];
    if (out.type === "dense") out.units = info.task === "multiclass" ? spec.dataset.classes ?? info.classes : 1;
    if (before && before.task && before.task !== info.task) {
      if (info.task === "multiclass") { out.activation = "softmax"; spec.loss = "categorical_crossentropy"; }
      else if (info.task === "regression") { out.activation = "linear"; if (!/mse|mae/.test(spec.loss)) spec.loss = "mse"; }
      else if (out.activation === "softmax" || out.activation === "linear") { out.activation = "sigmoid"; spec.loss = "binary_crossentropy"; }
    }
    const knobs = catalog.optimizers[spec.optimizer.name] || {};
    for (const key of Object.keys(spec.optimizer)) {
      if (key !== "name" && key !== "learning_rate" && !(key in knobs)) delete spec.optimizer[key];
    }
    return spec;
  }

  return { datasetInfo, taskOf, kindOf, profile, lessons, pointPresets, defaultState, normalize };
}
