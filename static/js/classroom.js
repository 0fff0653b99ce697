// classroom.js: classroom mode (issue #16), as TensorFlow Playground's URL can hide parts of
// its page. A link carries state.classroom = {hide: [part], lock: [setting], embed: bool}
// (state.js's "hide", "lock" and "embed" keys; url_check.js keeps only the names listed here).
// - hidden parts: <html data-hide="data loss ...">; playground.css hides each with display:none.
// - locked settings: their controls are disabled (no pointer, no keyboard, no focus) and stay so
//   whenever the page redraws them; a lesson or an imported spec would replace them, so while
//   anything is locked those are disabled too.
// - embed (for slides): <html data-embed>; playground.css drops the header and footer and fits a
//   compact size, keeping the run controls and the boundary.
// - presenters: a button puts the decision boundary full screen (the Fullscreen API, else a CSS
//   full-viewport mode; Esc leaves).
// The Classroom dialog builds such a link from checkboxes. Names travel only as data-* values
// checked against PARTS / LOCKS, and labels land as text: nothing from a link becomes markup.
import { el } from "./dom.js";
import { gettext } from "./i18n.js";
import { toHash } from "./state.js";

/** The parts a link can hide: name -> label (playground.css: html[data-hide~=name]). */
export const PARTS = Object.freeze({
  lessons: gettext("Lessons bar"),
  data: gettext("Data column"),
  features: gettext("Features column"),
  layers: gettext("Layer editing (+ layer, move, remove, neurons ±)"),
  hyper: gettext("Optimizer and hyper-parameters row"),
  loss: gettext("Loss chart"),
  gradients: gettext("Gradients chart"),
  accuracy: gettext("Accuracy chart"),
  confusion: gettext("Confusion matrix"),
  code: gettext("Code panel"),
  preview: gettext("Data preview (images and text)"),
});

/** The settings a link can lock: name -> [label, the controls that change it]. */
export const LOCKS = Object.freeze({
  dataset: [gettext("Dataset"), "#dataset-cards button"],
  noise: [gettext("Noise"), "#noise-slider"],
  samples: [gettext("Samples"), "#samples"],
  testFraction: [gettext("Training data share"), "#ratio-slider"],
  dataSeed: [gettext("Data seed"), "[data-bind='spec.dataset.seed'], #regenerate"],
  features: [gettext("Features"), "#network input[data-action=feature]"],
  layers: [gettext("Network shape (layers and neurons)"),
    "#add-layer, #remove-layer, #network .col-tools button, #network .units button, #network .units-input, "
    + "#stack .layer-tools button, #stack .layer-add select, #stack .layer-add button, #stack [data-action=field]:not([data-key=activation])"],
  activation: [gettext("Activations"), "#network select[data-action=activation], #stack [data-action=field][data-key=activation]"],
  loss: [gettext("Loss"), "#loss"],
  optimizer: [gettext("Optimizer and its knobs"), "#optimizer, #knobs input"],
  learningRate: [gettext("Learning rate"), "#learning-rate"],
  regularization: [gettext("Regularization"), "#regularization, [data-bind='spec.regularization.rate']"],
  batchSize: [gettext("Batch size"), "[data-bind='spec.batch_size']"],
  epochs: [gettext("Epochs"), "[data-bind='spec.epochs']"],
});
// What would replace locked values wholesale: a lesson, an imported spec.
const WHOLESALE = "#presets .preset, #import-spec";
// Where locked controls live (and get redrawn): watched while anything is locked.
const WATCHED = ".topbar, .lessons, #hyper, .data-column, .network-column";

const $ = (id) => document.getElementById(id);
const current = { hide: [], lock: [], embed: false };
let observer = null;
const shown = new WeakMap(); // a locked control -> the value it showed when locked (or last drawn)
const valueOf = (c) => (c.type === "checkbox" ? c.checked : c.value);
const snapshot = (c) => shown.set(c, valueOf(c));

/** The names of `list` that `table` knows, once each, in the table's order. */
const only = (table, list) => Object.keys(table).filter((name) => (list || []).includes(name));

/** Disable every control of a locked setting; give back the ones no longer locked. */
function lockControls() {
  const selectors = current.lock.map((name) => LOCKS[name][1]);
  if (selectors.length) selectors.push(WHOLESALE);
  const locked = new Set(selectors.length ? document.querySelectorAll(selectors.join(", ")) : []);
  for (const control of document.querySelectorAll("[data-locked]")) {
    if (locked.has(control)) continue;
    control.removeAttribute("data-locked");
    control.disabled = false; // the page redraws what it disables itself (main.js renderAll follows a new link)
  }
  for (const control of locked) {
    if (!control.disabled) control.disabled = true;
    if (!control.hasAttribute("data-locked")) { control.setAttribute("data-locked", ""); snapshot(control); }
  }
}

/**
 * A disabled control takes no pointer or key, but a script can still set its value and fire
 * input / change at it: caught here, before the page's own listeners, and put back.
 */
function guard(event) {
  const control = event.target instanceof Element ? event.target.closest("[data-locked]") : null;
  if (!control) return;
  event.stopImmediatePropagation();
  event.preventDefault();
  if (shown.has(control)) {
    const value = shown.get(control);
    if (control.type === "checkbox") control.checked = value; else control.value = value;
  }
}
for (const type of ["input", "change", "click"]) window.addEventListener(type, guard, true);

/** Show this page as a link's classroom part says ({hide, lock, embed}; main.js, after reading the URL). */
export function applyClassroom(classroom) {
  current.hide = only(PARTS, classroom && classroom.hide);
  current.lock = only(LOCKS, classroom && classroom.lock);
  current.embed = Boolean(classroom && classroom.embed);
  const root = document.documentElement;
  if (current.hide.length) root.dataset.hide = current.hide.join(" ");
  else delete root.dataset.hide;
  root.toggleAttribute("data-embed", current.embed);
  const note = $("classroom-note");
  if (note) note.hidden = !current.hide.length && !current.lock.length;
  observer?.disconnect();
  observer = null;
  lockControls();
  // The page draws the link's values into its controls right after this: what the locks keep.
  setTimeout(() => document.querySelectorAll("[data-locked]").forEach(snapshot));
  if (current.lock.length) {
    // The page redraws the network, the knobs and the lessons, and sets some buttons' disabled
    // itself: put the locks back before the next event can reach them (observers run first).
    observer = new MutationObserver(lockControls);
    for (const root of document.querySelectorAll(WATCHED)) {
      observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["disabled"] });
    }
  }
  requestAnimationFrame(() => document.querySelectorAll(".js-plotly-plot").forEach((p) => p.offsetParent && window.Plotly.Plots.resize(p)));
}

// --- the Classroom dialog: checkboxes -> a link ---------------------------------------------

function checkboxes(fieldset, group, entries) {
  fieldset.append(...entries.map(([name, label]) => el("label", { class: "check" },
    el("input", { type: "checkbox", name: group, value: name, "data-group": group }), label)));
}

const chosen = (form, group) => [...form.querySelectorAll(`input[data-group=${group}]:checked`)].map((c) => c.value);

/** The URL of this page with `classroom` in place of its own. */
export function classroomUrl(state, classroom) {
  const { classroom: _, ...rest } = state;
  return `${location.origin}${location.pathname}#${toHash({ ...rest, classroom })}`;
}

/** Wire the Classroom dialog; getState() returns the page's state ({spec, view, classroom}). */
export function attachClassroom(getState) {
  const dialog = $("classroom-dialog");
  const form = $("classroom-form");
  if (!dialog || !form) return;
  checkboxes($("classroom-hide"), "hide", Object.entries(PARTS));
  checkboxes($("classroom-lock"), "lock", Object.entries(LOCKS).map(([name, [label]]) => [name, label]));
  const status = $("classroom-status");
  const build = () => {
    const url = classroomUrl(getState(), { hide: chosen(form, "hide"), lock: chosen(form, "lock"), embed: $("classroom-embed").checked });
    $("classroom-url").value = url;
    $("classroom-preview").href = url;
    status.textContent = "";
  };
  form.addEventListener("change", build);
  $("classroom-open").addEventListener("click", () => {
    const mine = getState().classroom || {};
    for (const box of form.querySelectorAll("input[data-group]")) box.checked = (mine[box.dataset.group] || []).includes(box.value);
    $("classroom-embed").checked = Boolean(mine.embed);
    build();
    dialog.showModal();
  });
  $("classroom-close").addEventListener("click", () => dialog.close());
  $("classroom-copy").addEventListener("click", async () => {
    build();
    try {
      await navigator.clipboard.writeText($("classroom-url").value);
      status.textContent = gettext("Link copied: share it with your class.");
    } catch {
      $("classroom-url").select();
      status.textContent = gettext("Copy the selected link (Ctrl+C or ⌘C).");
    }
  });
  attachPresenter();
}

// --- presenters: the boundary full screen -------------------------------------------------------

function attachPresenter() {
  const wrap = $("boundary-wrap");
  const button = $("present");
  if (!wrap || !button) return;
  const resize = () => requestAnimationFrame(() => {
    const chart = $("boundary-chart");
    if (chart && chart.offsetParent !== null && window.Plotly) window.Plotly.Plots.resize(chart);
  });
  const presenting = () => document.fullscreenElement === wrap || wrap.classList.contains("presenting");
  const show = () => {
    const on = presenting();
    button.setAttribute("aria-pressed", String(on));
    button.textContent = on ? gettext("Exit full screen") : gettext("Full screen");
    document.documentElement.toggleAttribute("data-presenting", on);
    resize();
  };
  const leave = () => {
    if (document.fullscreenElement === wrap) document.exitFullscreen().catch(() => {});
    wrap.classList.remove("presenting");
    show();
  };
  button.addEventListener("click", async () => {
    if (presenting()) { leave(); return; }
    try {
      if (!wrap.requestFullscreen || !document.fullscreenEnabled) throw new Error("no Fullscreen API");
      await wrap.requestFullscreen();
    } catch {
      wrap.classList.add("presenting"); // the CSS full-viewport mode
    }
    show();
  });
  document.addEventListener("fullscreenchange", show);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && wrap.classList.contains("presenting")) leave();
  });
}
