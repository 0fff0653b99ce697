// main.js: wires the page. It owns the state ({spec, view}), keeps the URL in step,
// validates the spec (debounced) and draws the configuration; run.js runs it.
import * as api from "./api.js";
import { readHash, toHash, writeUrl } from "./state.js";
import { linkChecker, menuValues, showIgnored } from "./url_check.js";
import { specTools } from "./spec.js";
import { bindForm, syncForm, fillSelect, pretty } from "./form.js";
import { attachBuilder, renderBuilder, showSummary } from "./builder.js";
import { fetchPoints, markCard, refreshCards, renderCards } from "./data.js";
import * as uploads from "./datasets/picker.js";
import { clearErrors, showErrors } from "./errors.js";
import * as panel from "./panel.js";
import * as boundaryChart from "./charts/boundary.js";
import * as lossChart from "./charts/loss.js";
import * as accuracyChart from "./charts/accuracy.js";
import * as network from "./charts/network.js";
import * as confusionChart from "./charts/confusion.js";
import * as gradientsChart from "./charts/gradients.js";
import { attachRuns } from "./run.js";
import { layerEdits } from "./layer_edits.js";
import { attachStack, applyEdit, renderStack, showStackSummary } from "./stack.js";
import * as live from "./live.js";
import { attachPredict } from "./predict.js";
import * as dataPreview from "./data_preview.js";
import { levelName } from "./charts/levels.js";
import { attachCode } from "./code.js";
import { gettext, ngettext, interpolate } from "./i18n.js";
import { bindKeys } from "./keys.js";
import { applyClassroom, attachClassroom } from "./classroom.js";
import { attachDrawing } from "./draw_points.js";

const $ = (id) => document.getElementById(id);
const catalog = JSON.parse($("catalog").textContent);
const { datasetInfo, taskOf, kindOf, profile, lessons, defaultState, normalize } = specTools(catalog);
const LIVE = new Set(["spec.optimizer.learning_rate", "view.speed", "view.showTest", "view.logScale"]);
const OUTPUT_RANGE = { sigmoid: [0, 1], softmax: [0, 1], step: [0, 1], tanh: [-1, 1] };

// own: the user's drawing or sentence is shown in the stack, so live feature maps and
// hidden states wait until a test sample is picked (the stack's data-sample: the one shown).
const app = { state: null, summary: null, valid: false, run: null, points: null, boundary: null, own: false };
// Predict with the run's latest weights; the input's feature maps or hidden states show in the stack.
const predictPanel = attachPredict($("predict"), {
  onResult(result, source) {
    if (source === "test image" && liveRun()) return; // the live run shows that very sample (followSample)
    app.own = true;
    const caption = { drawing: gettext("your drawing, preprocessed"), "test image": gettext("the test image you picked") }[source];
    if (result.feature_maps) live.featureMaps($("stack"), result.feature_maps, caption);
    if (result.hidden_states) live.hiddenStates($("stack"), result.hidden_states, gettext("your sentence"));
  },
});
// The runs (run.js); their frames draw with these (frames.js): the dense network the weights frames describe.
const { liveRun, startRun, goOn, abandonRun, resumeLastRun } = attachRuns(app, {
  predictPanel, clearOutputs, showPictures,
  net: () => {
    const spec = app.state.spec;
    const activations = spec.layers.filter((l) => l.type === "dense").map((l) => l.activation);
    return { features: spec.features, activations, task: taskOf(spec) };
  },
  classNames: () => datasetInfo(app.state.spec.dataset.name).class_names,
});

/** Show test sample `index` in the live views: the run computes its maps or states from now on. */
function followSample(index) {
  app.own = false;
  if (liveRun()) app.run.socket.send("probe_sample", Math.max(0, index));
}

const showCode = attachCode($("code"));
// Your own points on the plane (draw_points.js): an edit shows at once; the server's split follows.
const drawing = attachDrawing($("boundary-chart"), $("draw-tools"), { catalog, state: () => app.state, shown: () => app.points, edited: pointsDrawn });
function pointsDrawn(renamed) {
  app.points = drawing.preview();
  if (app.run && app.run.status === "paused" && app.run.drawsPictures) { // the paused run goes on with them
    app.run.newData = true;
    if (renamed) app.previous = profile(app.state.spec);
    syncFields();
    writeUrl(app.state);
    scheduleValidate();
    drawBoundary();
    panel.note(gettext("The run goes on with these points when you resume or step."), "paused");
    return;
  }
  if (renamed) onField("spec.dataset.name", app.state.spec.dataset.name);
  else { specEdited(); refreshPoints(); }
  drawBoundary();
}

// --- validation ----------------------------------------------------------------

let validateTimer = null;
let validateAbort = null;

function scheduleValidate() {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(validate, 200);
}

async function validate() {
  validateAbort?.abort();
  validateAbort = new AbortController();
  const result = await api.validateSpec(app.state.spec, validateAbort.signal);
  if (result.aborted) return;
  app.valid = result.ok;
  app.summary = result.ok ? result.body.summary : null;
  if (result.ok) showCode(app.state.spec);
  showSummary($("network"), app.summary);
  showStackSummary($("stack"), app.summary);
  if (result.ok) clearErrors(document.body, $("spec-errors"));
  else showErrors(document.body, $("spec-errors"), (result.body && result.body.errors) || [{ path: "", message: `HTTP ${result.status}` }]);
  const line = $("status");
  if (!app.run && !app.valid) panel.note(gettext("Fix the settings marked in red, then press Train."), "invalid");
  else if (!app.run && line.dataset.status === "invalid") panel.note(gettext("Ready. Press Train."));
  $("total-params").textContent = app.summary ? interpolate(ngettext("%(n)s parameter", "%(n)s parameters", app.summary.total_params),
    { n: app.summary.total_params.toLocaleString() }) : "";
  panel.buttons(app.run && app.run.status, app.valid);
}

// --- rendering the configuration -------------------------------------------------

function renderKnobs() {
  const knobs = catalog.optimizers[app.state.spec.optimizer.name] || {};
  $("knobs").replaceChildren(...Object.entries(knobs).filter(([k]) => k !== "learning_rate").map(([key, def]) => {
    const label = document.createElement("label");
    label.append(pretty(key) + " ");
    const input = Object.assign(document.createElement("input"), { type: "number", step: "any", placeholder: String(def) });
    Object.assign(input.dataset, { bind: `spec.optimizer.${key}`, type: "number", path: `optimizer.${key}` });
    label.append(input);
    return label;
  }));
}

function syncFields() {
  const { spec, view } = app.state;
  const info = datasetInfo(spec.dataset.name);
  $("samples").max = String(info.max_samples || 2000); // before the value, which the range clamps
  if (document.body.dataset.kind !== info.kind) {
    document.body.dataset.kind = info.kind; // the CSS shows what fits this kind of data ([data-kinds])
    requestAnimationFrame(() => document.querySelectorAll(".js-plotly-plot").forEach((p) => p.offsetParent && window.Plotly.Plots.resize(p)));
  }
  for (const [key, def] of Object.entries(catalog.optimizers[spec.optimizer.name] || {})) {
    if (key !== "learning_rate") spec.optimizer[key] ??= def;
  }
  syncForm(document.body, app.state);
  $("noise-out").textContent = spec.dataset.noise ?? 0;
  $("samples-out").textContent = spec.dataset.samples;
  $("ratio-out").textContent = `${Math.round((1 - spec.dataset.test_fraction) * 100)}%`;
  $("classes-out").textContent = spec.dataset.classes ?? "";
  $("classes-row").hidden = !(spec.dataset.name === "blobs" || spec.dataset.name === "custom_multiclass"); // sets that choose their classes
  document.querySelector("[data-bind='spec.dataset.language']").closest("label").hidden = Boolean(info.language); // a real corpus has one
  $("speed").value = view.speed == null ? "" : String(view.speed);
  markCard($("dataset-cards"), spec.dataset.name);
  uploads.markUploads($("dataset-cards"), catalog); // uploaded sets: badged, greyed until ready
  uploads.showDatasetControls(document.body, catalog.datasets.find((d) => d.name === spec.dataset.name));
  drawing.sync();
}

function renderNetwork() {
  const spec = app.state.spec;
  if (kindOf(spec) !== "points") { // images and text: the layer stack, with room for each layer's live pictures
    renderStack($("stack"), spec, catalog, kindOf(spec));
    showStackSummary($("stack"), app.summary);
    live.clear($("stack"), $("predictions-strip"), spec, kindOf(spec));
    return;
  }
  renderBuilder($("network"), spec, catalog, taskOf(spec));
  network.render($("network"), { features: spec.features, activations: spec.layers.map((l) => l.activation), task: taskOf(spec),
    startPaused: () => startRun({ paused: true, step: false }) });
  const hidden = spec.layers.length - 1;
  $("layer-count").textContent = interpolate(ngettext("%(n)s hidden layer", "%(n)s hidden layers", hidden), { n: hidden });
  $("remove-layer").disabled = hidden === 0;
  $("add-layer").disabled = spec.layers.length >= catalog.limits.layers;
  showSummary($("network"), app.summary);
}

function drawBoundary() {
  const spec = app.state.spec;
  const out = spec.layers[spec.layers.length - 1].activation;
  boundaryChart.update($("boundary-chart"), {
    boundary: app.boundary, points: app.points, showTest: app.state.view.showTest || drawing.active(), task: taskOf(spec), zrange: OUTPUT_RANGE[out],
  });
}

let pointsAbort = null;
let pointsTimer = null;
function refreshPoints() {
  clearTimeout(pointsTimer);
  pointsAbort?.abort(); // an answer for the dataset before this edit must not land after it
  pointsTimer = setTimeout(async () => {
    pointsAbort = new AbortController();
    const { points, aborted } = await fetchPoints(app.state.spec.dataset, pointsAbort.signal, { levels: kindOf(app.state.spec) === "text" });
    if (aborted) return;
    const pointSet = kindOf(app.state.spec) === "points";
    app.points = pointSet ? points : null;
    if (pointSet) drawBoundary();
    else dataPreview.update($("data-preview"), points);
  }, 150);
}

let cardsTimer = null;
function refreshAllCards() {
  clearTimeout(cardsTimer);
  cardsTimer = setTimeout(() => refreshCards($("dataset-cards"), app.state.spec.dataset), 300);
}

/** Everything from app.state, after a preset or a link was loaded. */
function renderAll() {
  renderKnobs();
  syncFields();
  renderNetwork();
  clearOutputs();
  refreshPoints();
  refreshAllCards();
  writeUrl(app.state);
  scheduleValidate();
}

// --- edits -------------------------------------------------------------------------

function specEdited({ rebuild = false } = {}) {
  abandonRun(gettext("Settings changed: the network starts again when you press Train."));
  if (rebuild) renderNetwork();
  syncFields();
  writeUrl(app.state);
  scheduleValidate();
}

function onField(path, value) {
  const spec = app.state.spec;
  if (LIVE.has(path)) {
    if (path === "spec.optimizer.learning_rate" && liveRun()) app.run.socket.send("set_learning_rate", value);
    if (path === "view.speed" && liveRun()) app.run.socket.send("set_speed", value);
    if (path === "view.showTest") drawBoundary();
    if (path === "view.logScale") lossChart.update($("loss-chart"), { log: value });
    if (path === "spec.optimizer.learning_rate") scheduleValidate();
    syncFields();
    writeUrl(app.state);
    return;
  }
  let rebuild = false;
  if (path === "spec.optimizer.name") {
    spec.optimizer = { name: value, learning_rate: spec.optimizer.learning_rate };
    renderKnobs();
  }
  if (path.startsWith("spec.dataset.")) {
    normalize(spec, app.previous);
    app.previous = profile(spec);
    // The output layer follows the dataset; a new kind of data (or text representation) brings its own stack.
    rebuild = ["spec.dataset.name", "spec.dataset.classes", "spec.dataset.representation"].includes(path);
    if (rebuild) renderKnobs();
    refreshPoints();
    if (path !== "spec.dataset.name") refreshAllCards();
  }
  specEdited({ rebuild });
}

// --- outputs -------------------------------------------------------------------------

function clearOutputs() {
  app.boundary = null;
  app.own = false;
  lossChart.render($("loss-chart"));
  if (app.state.view.logScale) lossChart.update($("loss-chart"), { log: true });
  accuracyChart.render($("accuracy-chart"), taskOf(app.state.spec));
  $("accuracy-title").textContent = taskOf(app.state.spec) === "regression" ? gettext("RMSE and R²") : gettext("Accuracy");
  $("confusion-block").hidden = taskOf(app.state.spec) === "regression";
  confusionChart.render($("confusion-chart"));
  gradientsChart.render($("gradients-chart"));
  predictPanel.setKind(kindOf(app.state.spec));
  predictPanel.setRun(null);
  network.setEditing($("network"), null);
  drawBoundary();
  renderNetwork();
  panel.counters(null);
  document.dispatchEvent(new CustomEvent("playground:metrics", { detail: null }));
  panel.progress(null);
  panel.diverged(null);
}

function showPictures(boundary, neurons) {
  const zrange = OUTPUT_RANGE[app.state.spec.layers.at(-1).activation];
  if (boundary) { app.boundary = boundary; drawBoundary(); }
  network.update($("network"), { ...(boundary && { boundary, zrange }), ...(neurons && { neurons }) });
}

function reset() {
  abandonRun("");
  if (!$("keep-weights").checked) app.state.spec.seed = Math.floor(Math.random() * 2 ** 31);
  syncFields();
  writeUrl(app.state);
  clearOutputs();
  panel.note($("keep-weights").checked ? gettext("Reset: the same initial weights on the next Train.")
    : gettext("Reset: new initial weights on the next Train."));
  panel.buttons(null, app.valid);
}

// --- start ------------------------------------------------------------------------------

function renderPresets() {
  const list = $("presets");
  list.replaceChildren(...lessons().map((p) => {
    const b = Object.assign(document.createElement("button"), { type: "button", className: "preset", textContent: p.title, title: p.description });
    b.dataset.name = p.name;
    b.addEventListener("click", () => {
      abandonRun("");
      app.state.spec = normalize(structuredClone(p.spec));
      app.previous = profile(app.state.spec);
      list.querySelectorAll(".preset").forEach((x) => x.classList.toggle("selected", x === b));
      $("preset-description").textContent = p.description;
      renderAll();
      panel.note(interpolate(gettext("Lesson loaded: %(title)s. Press Train."), { title: p.title }));
    });
    return b;
  }));
}

// A link's values must be ones the catalog (or, for a few settings, the page's menus) offers.
const checkLink = linkChecker(catalog, {
  language: menuValues(document.querySelector("[data-bind='spec.dataset.language']")),
  representation: menuValues($("representation")),
  speed: menuValues($("speed")),
});

function loadFromUrl() {
  // "#preset=mlp_xor" (the lesson pages' links) starts from that lesson's spec; the link's other keys override it.
  const preset = lessons().find((p) => p.name === new URLSearchParams(location.hash.slice(1)).get("preset"));
  let read = readHash(location.hash, preset ? { ...defaultState(), spec: structuredClone(preset.spec) } : defaultState(), checkLink);
  app.state = read.state;
  // A link that names a dataset but no (usable) layers ("#dataset=digits") gets the stack that fits it.
  if (!preset && (!new URLSearchParams(location.hash.slice(1)).has("layers") || read.ignored.includes("layers"))) {
    normalize(app.state.spec, profile(defaultState().spec));
    read = readHash(location.hash, app.state, checkLink); // what the link does say wins over the lesson
    app.state = read.state;
  }
  normalize(app.state.spec);
  app.previous = profile(app.state.spec);
  showIgnored(read.ignored, read.dropped);
  applyClassroom(app.state.classroom);
}

function init() {
  fillSelect($("loss"), catalog.losses.map((l) => [l, pretty(l)]));
  fillSelect($("optimizer"), Object.keys(catalog.optimizers).map((o) => [o, pretty(o)]));
  fillSelect($("regularization"), catalog.regularization.map((r) => [r, r === "none" ? gettext("none") : r.toUpperCase()]));
  fillSelect($("token-level"), Object.keys(catalog.token_levels).map((l) => [l, levelName(l)]));
  for (const option of $("token-level").options) option.title = catalog.token_levels[option.value];
  loadFromUrl();
  renderPresets();
  renderCards($("dataset-cards"), { ...catalog, datasets: catalog.datasets.filter((d) => !d.drawn) }, (name) => {
    if (name !== app.state.spec.dataset.name) delete app.state.spec.dataset.tokens; // each set starts at its own token level
    app.state.spec.dataset.name = name;
    onField("spec.dataset.name", name);
  });
  boundaryChart.render($("boundary-chart"));
  bindForm(document.body, () => app.state, onField);
  const edits = layerEdits(() => app.state.spec, catalog, () => specEdited({ rebuild: true }));
  attachBuilder($("network"), edits);
  attachStack($("stack"), (edit) => { applyEdit(app.state.spec, edit, catalog); specEdited({ rebuild: true }); });
  $("predictions-strip").addEventListener("pick", (event) => { followSample(event.detail.index); predictPanel.pick(event.detail); });
  $("stack").addEventListener("sample", (event) => followSample(Number($("stack").dataset.sample || 0) + event.detail.delta));
  $("add-layer").addEventListener("click", edits.add);
  $("remove-layer").addEventListener("click", edits.removeLast);
  $("train").addEventListener("click", () => (app.run && app.run.status === "paused" ? goOn("resume") : startRun()));
  $("pause").addEventListener("click", () => app.run && (app.run.status === "paused" ? goOn("resume") : app.run.socket.send("pause")));
  $("step").addEventListener("click", () => (app.run && app.run.status === "paused" ? goOn("step") : startRun({ paused: true })));
  $("stop").addEventListener("click", () => app.run && app.run.socket.send("stop"));
  $("reset").addEventListener("click", reset);
  $("regenerate").addEventListener("click", () => {
    app.state.spec.dataset.seed = Math.floor(Math.random() * 100000);
    onField("spec.dataset.seed", app.state.spec.dataset.seed);
  });
  $("copy-link").addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(location.href); panel.note(gettext("Link copied: it reproduces this setup.")); }
    catch { panel.note(interpolate(gettext("Link: %(url)s"), { url: location.href })); }
  });
  window.addEventListener("hashchange", () => {
    if (location.hash.slice(1) === toHash(app.state)) return;
    abandonRun("");
    loadFromUrl();
    renderAll();
  });
  renderAll();
  panel.buttons(null, false);
  bindKeys();
  attachClassroom(() => app.state);
  resumeLastRun();
}

init();
