// experiments/playground.js: the playground's "Save experiment" and "Import spec"
// controls. run.js announces the run the page shows ("playground:run" events); saving
// names that run's experiment. An imported spec is checked by the server, then
// becomes the page's URL state, which main.js loads (its hashchange handler).
import { saveExperiment, validateSpec } from "../api.js";
import { DEFAULT_VIEW, fromHash, toHash } from "../state.js";
import { gettext, interpolate } from "../i18n.js";

const $ = (id) => document.getElementById(id);
const MAX_IMPORT_BYTES = 32 * 1024;
let runId = null;

const messages = (body, status) => ((body && body.errors) || [{ path: "", message: `HTTP ${status}` }])
  .map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));

/** A message under the header; kind "error" stays until dismissed or replaced. */
function toast(parts, kind = "") {
  const box = $("experiment-toast");
  box.replaceChildren(...parts.map((p) => (typeof p === "string" ? document.createTextNode(p) : p)));
  const close = Object.assign(document.createElement("button"), { type: "button", className: "toast-close", textContent: "×", title: gettext("Dismiss") });
  close.addEventListener("click", () => { box.hidden = true; });
  box.append(close);
  box.dataset.kind = kind;
  box.hidden = false;
}

// --- save ----------------------------------------------------------------------------

function openSave() {
  if (runId == null) return;
  $("save-errors").hidden = true;
  if (!$("save-title").value) {
    const spec = fromHash(location.hash, { spec: {}, view: {} }).spec;
    $("save-title").value = `${spec.dataset?.name || gettext("model")} · ${new Date().toLocaleString()}`;
  }
  $("save-dialog").showModal();
  $("save-title").select();
}

async function submitSave(event) {
  event.preventDefault();
  const body = { run: runId, title: $("save-title").value, notes: $("save-notes").value, visibility: $("save-visibility").value };
  $("save-submit").disabled = true;
  const result = await saveExperiment(body);
  $("save-submit").disabled = false;
  if (!result.ok) {
    $("save-errors").textContent = messages(result.body, result.status).join(" ");
    $("save-errors").hidden = false;
    return;
  }
  $("save-dialog").close();
  const link = Object.assign(document.createElement("a"), { href: result.body.url, textContent: gettext("Open the experiment page"), id: "experiment-link" });
  const still = result.body.runs && result.body.runs[0] && ["queued", "running", "paused"].includes(result.body.runs[0].status);
  toast([interpolate(still ? gettext("Saved “%(title)s”; it keeps recording until the run ends. ") : gettext("Saved “%(title)s”. "),
    { title: result.body.title }), link]);
  document.body.dataset.savedExperiment = result.body.slug;
}

// --- import --------------------------------------------------------------------------

async function importFile(file) {
  if (file.size > MAX_IMPORT_BYTES) {
    toast([interpolate(gettext("%(file)s is larger than %(kb)s KB: a spec is a few KB of JSON."), { file: file.name, kb: MAX_IMPORT_BYTES / 1024 })], "error");
    return;
  }
  const text = await file.text();
  const result = await validateSpec(text); // sent as is: the server's parser names what is wrong
  if (!result.ok) {
    toast([interpolate(gettext("%(file)s is not a spec this playground can run: %(errors)s"),
      { file: file.name, errors: messages(result.body, result.status).join("; ") })], "error");
    return;
  }
  const spec = JSON.parse(text);
  const view = fromHash(location.hash, { spec: {}, view: { ...DEFAULT_VIEW } }).view;
  location.hash = toHash({ spec, view }); // main.js loads it, as it loads a link, and writes back what it shows
  await new Promise((resolve) => setTimeout(resolve, 50));
  const shown = new URLSearchParams(location.hash.slice(1)).get("dataset");
  if (shown !== spec.dataset.name) {
    toast([interpolate(gettext("%(file)s trains on %(dataset)s, which this page cannot show; run it with python -m trainer %(file)s."),
      { file: file.name, dataset: spec.dataset.name })], "error");
    return;
  }
  toast([interpolate(gettext("Imported %(file)s. Press Train."), { file: file.name })]);
}

function init() {
  document.addEventListener("playground:run", (event) => {
    runId = event.detail ? event.detail.id : null;
    $("save-experiment").disabled = runId == null;
    $("save-experiment").title = runId == null ? gettext("Train first: then save the run as an experiment") : gettext("Save this run as an experiment");
  });
  $("save-experiment").addEventListener("click", openSave);
  $("save-form").addEventListener("submit", submitSave);
  $("save-cancel").addEventListener("click", () => $("save-dialog").close());
  $("import-spec").addEventListener("click", () => $("import-file").click());
  $("import-file").addEventListener("change", () => {
    const [file] = $("import-file").files;
    $("import-file").value = "";
    if (file) importFile(file);
  });
}

init();
