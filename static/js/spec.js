// spec.js: what the page knows about a spec beyond the server's validation:
// the default, the dataset's task, and keeping the output layer sized for the
// dataset. Pure functions over the catalog (the registries from the server).

/** The helpers bound to one catalog. */
export function specTools(catalog) {
  // This page draws 2-D point datasets; any other name falls back to the first of those.
  const datasetInfo = (name) => catalog.datasets.find((d) => d.name === name && d.kind === "points") || catalog.datasets.find((d) => d.kind === "points");
  const taskOf = (spec) => datasetInfo(spec.dataset.name).task;

  // Lessons on images or text belong elsewhere.
  const pointPresets = () => (catalog.presets || []).filter((p) => datasetInfo(p.spec.dataset.name).name === p.spec.dataset.name);

  function defaultState() {
    const presets = pointPresets();
    const preset = presets.find((p) => /default/.test(p.name)) || presets[0];
    const spec = preset ? structuredClone(preset.spec) : {
      version: 1, dataset: { name: "circle", noise: 0, samples: 500, test_fraction: 0.5, seed: 0 }, features: ["x1", "x2"],
      layers: [{ type: "dense", units: 4, activation: "tanh" }, { type: "dense", units: 2, activation: "tanh" }, { type: "dense", units: 1, activation: "tanh" }],
      loss: "half_mse", optimizer: { name: "sgd", learning_rate: 0.03 }, regularization: { type: "none", rate: 0 }, batch_size: 10, epochs: 100, seed: 0,
    };
    return { spec, view: { speed: 200, showTest: false, logScale: false } };
  }

  /**
   * Make the spec consistent with its dataset and optimizer (in place); when the
   * task changed from previousTask, pick an output activation and loss that fit.
   */
  function normalize(spec, previousTask) {
    const info = datasetInfo(spec.dataset.name);
    if (info.name !== spec.dataset.name) spec.dataset = { name: info.name }; // a link to another kind of dataset
    spec.dataset = { noise: 0, samples: 500, test_fraction: 0.5, seed: 0, ...spec.dataset };
    spec.regularization ??= { type: "none", rate: 0 };
    if (info.name === "blobs") spec.dataset.classes ??= info.classes || 3;
    else delete spec.dataset.classes;
    const out = spec.layers[spec.layers.length - 1];
    out.units = info.task === "multiclass" ? spec.dataset.classes : 1;
    if (previousTask && previousTask !== info.task) {
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

  return { datasetInfo, taskOf, pointPresets, defaultState, normalize };
}
