// builder.js: the layer stack editor drawn as the network diagram's columns:
// input features, one column per hidden layer (units, activation, order), and
// the output layer. It only builds DOM and reports edits; layer_edits.js applies them.
import { featureLabel, paintFeature } from "./features.js";
import { fillSelect, pretty } from "./form.js";
import { CLASS_COLORS } from "./colors.js";
import { el } from "./dom.js";
import { gettext, ngettext, interpolate } from "./i18n.js";

const MAX_SHOWN = 10; // neurons drawn per layer; wider layers show a "+N more" note


const button = (action, text, title, disabled = false) =>
  el("button", { type: "button", class: "tiny-button", "data-action": action, text, title, disabled });

function neuron(layer, unit) {
  return el("div", { class: "node neuron", "data-layer": String(layer), "data-unit": String(unit), tabIndex: 0, title: gettext("Hover: output over the plane. Click: its formula.") },
    el("canvas", { width: 24, height: 24 }));
}

function nodes(layer, count) {
  const shown = Math.min(count, MAX_SHOWN);
  const list = el("div", { class: "nodes" }, ...Array.from({ length: shown }, (_, j) => neuron(layer, j)));
  if (count > shown) list.append(el("div", { class: "more muted", text: interpolate(gettext("+%(n)s more"), { n: count - shown }) }));
  return list;
}

function inputColumn(spec, catalog) {
  const list = el("div", { class: "nodes" });
  for (const name of catalog.features) {
    const on = spec.features.includes(name);
    const canvas = el("canvas", { width: 24, height: 24 });
    paintFeature(canvas, name);
    list.append(el("label", { class: "node feature" + (on ? "" : " off"), "data-feature": name, title: interpolate(gettext("Use %(feature)s as an input"), { feature: featureLabel(name) }) },
      el("input", { type: "checkbox", checked: on, "data-action": "feature", "data-name": name }),
      canvas,
      el("span", { class: "feature-name", text: featureLabel(name) })));
  }
  return el("div", { class: "net-col input-col", "data-path": "features" },
    el("div", { class: "col-head" }, el("div", { class: "col-title", text: gettext("Features") }),
      el("div", { class: "muted small", text: interpolate(gettext("%(n)s selected"), { n: spec.features.length }) })),
    list,
    el("div", { class: "col-foot", "data-foot": "input" }));
}

function layerColumn(spec, catalog, i) {
  const layer = spec.layers[i];
  const hidden = spec.layers.length - 1;
  const maxUnits = catalog.layer_types.dense.units.max;
  const activation = el("select", { "data-action": "activation", "data-index": String(i), title: gettext("Activation"), "data-path": `layers[${i}].activation` });
  fillSelect(activation, catalog.activations.filter((a) => a !== "softmax").map((a) => [a, pretty(a)]));
  activation.value = layer.activation;
  const head = el("div", { class: "col-head" },
    el("div", { class: "col-tools" },
      button("left", "◀", gettext("Move this layer left"), i === 0),
      el("span", { class: "col-title", text: interpolate(gettext("Hidden %(n)s"), { n: i + 1 }) }),
      button("right", "▶", gettext("Move this layer right"), i === hidden - 1),
      button("remove", "✕", gettext("Remove this layer"))),
    el("div", { class: "units", "data-path": `layers[${i}].units` },
      button("fewer", "−", gettext("One neuron fewer"), layer.units <= 1),
      el("input", { type: "number", min: 1, max: maxUnits, value: layer.units, "data-action": "units", "data-index": String(i), class: "units-input", title: gettext("Neurons") }),
      button("more", "+", gettext("One neuron more"), layer.units >= maxUnits)),
    activation);
  return el("div", { class: "net-col hidden-col", "data-index": String(i), "data-path": `layers[${i}]` },
    head, nodes(i, layer.units), el("div", { class: "col-foot", "data-foot": String(i) }));
}

function outputColumn(spec, catalog, task) {
  const i = spec.layers.length - 1;
  const layer = spec.layers[i];
  const activation = el("select", { "data-action": "activation", "data-index": String(i), title: gettext("Output activation"), "data-path": `layers[${i}].activation` });
  fillSelect(activation, catalog.activations.map((a) => [a, pretty(a)]));
  activation.value = layer.activation;
  const what = task === "multiclass" ? interpolate(ngettext("%(n)s class", "%(n)s classes", layer.units), { n: layer.units })
    : task === "regression" ? gettext("1 value") : gettext("1 unit: blue vs orange");
  return el("div", { class: "net-col output-col", "data-index": String(i), "data-path": `layers[${i}]` },
    el("div", { class: "col-head" }, el("div", { class: "col-title", text: gettext("Output") }),
      el("div", { class: "units muted small", "data-path": `layers[${i}].units`, text: what }), activation),
    outputNodes(i, layer.units, task),
    el("div", { class: "col-foot", "data-foot": String(i) }));
}

// One output unit per class gets that class's colour (the boundary frame carries no per-class grids).
function outputNodes(i, units, task) {
  const list = nodes(i, units);
  if (task === "multiclass") {
    list.querySelectorAll("canvas").forEach((c, j) => { c.style.background = CLASS_COLORS[j % CLASS_COLORS.length]; });
  }
  return list;
}

/** Rebuild the network columns for `spec`. */
export function renderBuilder(root, spec, catalog, task) {
  const hidden = spec.layers.length - 1;
  const columns = [inputColumn(spec, catalog)];
  for (let i = 0; i < hidden; i++) columns.push(layerColumn(spec, catalog, i));
  columns.push(outputColumn(spec, catalog, task));
  const cols = el("div", { class: "net-columns" }, ...columns);
  const old = root.querySelector(".net-columns");
  if (old) old.replaceWith(cols);
  else root.append(cols);
}

/** Shapes and parameter counts under each column, from the validate summary. */
export function showSummary(root, summary) {
  for (const foot of root.querySelectorAll("[data-foot]")) {
    const key = foot.dataset.foot;
    if (!summary) { foot.textContent = ""; continue; }
    if (key === "input") { foot.textContent = interpolate(gettext("shape (%(shape)s)"), { shape: summary.input_shape.join(", ") }); continue; }
    const layer = summary.layers[Number(key)];
    if (!layer) { foot.textContent = ""; continue; } // a summary of the stack before the last edit
    foot.replaceChildren(el("div", { text: interpolate(gettext("shape (%(shape)s)"), { shape: layer.output_shape.join(", ") }) }),
      el("div", { class: "muted", text: interpolate(ngettext("%(n)s param", "%(n)s params", layer.params), { n: layer.params.toLocaleString() }) }));
  }
}

/**
 * Route edits on the columns to handlers: feature(name, on), units(i, n),
 * activation(i, name), move(i, delta), remove(i).
 */
export function attachBuilder(root, handlers) {
  root.addEventListener("change", (event) => {
    const t = event.target;
    const i = Number(t.dataset.index);
    if (t.dataset.action === "feature") handlers.feature(t.dataset.name, t.checked);
    else if (t.dataset.action === "units") handlers.units(i, parseInt(t.value, 10));
    else if (t.dataset.action === "activation") handlers.activation(i, t.value);
  });
  root.addEventListener("click", (event) => {
    const b = event.target.closest("button[data-action]");
    if (!b) return;
    const i = Number(b.closest("[data-index]").dataset.index);
    const units = Number(b.closest(".net-col").querySelector(".units-input")?.value);
    ({
      left: () => handlers.move(i, -1),
      right: () => handlers.move(i, 1),
      remove: () => handlers.remove(i),
      fewer: () => handlers.units(i, units - 1),
      more: () => handlers.units(i, units + 1),
    })[b.dataset.action]();
  });
}
