// stack.js: the layer stack editor for image and text datasets: one row per
// layer with the fields the catalog's schema gives its type (conv2d: filters,
// kernel size, strides, padding, activation; lstm: units, return_sequences, ...),
// up / down / remove, and an "add" menu. Each row has a live area where the
// run's pictures of that layer go (kernels, feature maps, embedding, hidden
// states). It only builds DOM and reports edits; applyEdit changes a spec.
import { fillSelect, pretty } from "./form.js";
import { el } from "./dom.js";
import { gettext, ngettext, interpolate } from "./i18n.js";

// The fields' labels (a field not named here shows its key).
const LABELS = {
  units: gettext("units"), activation: gettext("activation"), filters: gettext("filters"), kernel_size: gettext("kernel"),
  strides: gettext("strides"), padding: gettext("padding"), pool_size: gettext("pool"), rate: gettext("rate"),
  output_dim: gettext("dimensions"), return_sequences: gettext("return sequences"),
};
// A layer type's title, flags (recurrent, spatial) and the add menu's first entries for each kind
// of data come from its declaration on the server (trainer/spec/builtin_layers.py), through the catalog.
const titleOf = (catalog, type) => catalog.layer_info[type]?.title || type;

const tool = (action, text, title, disabled = false) =>
  el("button", { type: "button", class: "tiny-button", "data-action": action, text, title, disabled });

/** A new layer of `type`: each field's `start` where the schema has one (relu in a hidden layer), else its default. */
export function newLayer(type, catalog) {
  const layer = { type };
  for (const [key, field] of Object.entries(catalog.layer_types[type] || {})) {
    const value = field.start ?? field.default;
    if (value !== null && value !== undefined) layer[key] = value;
  }
  return layer;
}

function field(i, key, def, value, outputLayer) {
  const path = `layers[${i}].${key}`;
  const label = el("label", { class: "layer-field" }, LABELS[key] || pretty(key));
  let input;
  if (def.choices && def.choices.every((c) => typeof c === "boolean")) {
    input = el("input", { type: "checkbox", checked: Boolean(value) });
    label.classList.add("check");
  } else if (def.choices) {
    input = el("select", {});
    const choices = outputLayer || key !== "activation" ? def.choices : def.choices.filter((c) => c !== "softmax");
    fillSelect(input, choices.map((c) => [c, pretty(String(c))]));
    input.value = value ?? def.default;
  } else {
    const fraction = def.max <= 1;
    input = el("input", { type: "number", min: def.min, max: def.max, step: fraction ? 0.05 : 1, value: value ?? def.default ?? "",
      placeholder: def.default === null ? (key === "strides" ? gettext("= size") : gettext("auto")) : "" });
    input.classList.add("layer-number");
  }
  Object.assign(input.dataset, { action: "field", index: String(i), key, path });
  if (outputLayer && key === "units") input.disabled = true; // the dataset sets the output size
  if (input.type === "checkbox") label.prepend(input);
  else label.append(input); // the name first, then its control
  return label;
}

function row(spec, catalog, i) {
  const layer = spec.layers[i];
  const last = spec.layers.length - 1;
  const output = i === last;
  const schema = catalog.layer_types[layer.type] || {};
  const head = el("div", { class: "layer-head" },
    el("span", { class: "layer-index", text: output ? gettext("out") : String(i + 1) }),
    el("span", { class: "layer-title", text: titleOf(catalog, layer.type) }),
    output ? el("span", { class: "muted small", text: gettext("output layer") }) : null,
    el("span", { class: "layer-tools" },
      tool("up", "▲", gettext("Move this layer up"), output || i === 0),
      tool("down", "▼", gettext("Move this layer down"), output || i >= last - 1),
      tool("remove", "✕", gettext("Remove this layer"), output)),
    el("span", { class: "layer-shape", "data-shape": String(i) }));
  const fields = el("div", { class: "layer-fields" },
    ...Object.entries(schema).map(([key, def]) => field(i, key, def, layer[key], output)));
  const info = catalog.layer_info[layer.type] || {};
  return el("div", { class: `layer-row layer-${layer.type}`, "data-index": String(i), "data-path": `layers[${i}]`, "data-type": layer.type,
    "data-recurrent": String(Boolean(info.recurrent)), "data-spatial": String(Boolean(info.spatial)) },
    head, fields, el("div", { class: "row-errors" }), el("div", { class: "layer-live", "data-live": String(i) }));
}

function inputRow() {
  return el("div", { class: "layer-row layer-input", "data-index": "input" },
    el("div", { class: "layer-head" }, el("span", { class: "layer-index", text: gettext("in") }), el("span", { class: "layer-title", text: gettext("Input") }),
      el("span", { class: "layer-shape", "data-shape": "input" })),
    el("div", { class: "layer-live", "data-live": "input" }));
}

function adder(catalog, kind) {
  const select = el("select", { "data-role": "add-type", title: gettext("Layer type") });
  const first = catalog.layer_menu[kind] || [];
  const types = [...first, ...Object.keys(catalog.layer_types).filter((t) => !first.includes(t))];
  fillSelect(select, types.map((t) => [t, titleOf(catalog, t)]));
  return el("div", { class: "layer-add" },
    el("span", { class: "muted small", text: gettext("Add a") }), select,
    el("button", { type: "button", class: "small-button", "data-action": "add", text: gettext("+ layer"),
      title: gettext("Add this layer before the output layer") }));
}

/** Rebuild the rows for `spec` (kind: "images" or "text"). */
export function renderStack(root, spec, catalog, kind) {
  const focused = root.contains(document.activeElement) ? document.activeElement.dataset.path : null;
  const rows = spec.layers.map((_, i) => row(spec, catalog, i));
  root.replaceChildren(inputRow(), ...rows.slice(0, -1), adder(catalog, kind), rows.at(-1));
  if (focused) root.querySelector(`[data-path="${CSS.escape(focused)}"]`)?.focus(); // Tab after an edit goes on from there
}

/** Output shape and parameter count of each layer, from the validate summary. */
export function showStackSummary(root, summary) {
  for (const cell of root.querySelectorAll("[data-shape]")) {
    const key = cell.dataset.shape;
    if (!summary) { cell.textContent = ""; continue; }
    if (key === "input") { cell.textContent = `(${summary.input_shape.join(", ")})`; continue; }
    const layer = summary.layers[Number(key)];
    cell.textContent = layer ? interpolate(ngettext("→ (%(shape)s) · %(n)s param", "→ (%(shape)s) · %(n)s params", layer.params),
      { shape: layer.output_shape.join(", "), n: layer.params.toLocaleString() }) : "";
  }
}

/** The live area of layer i ("input" for the input row), or null. */
export const liveArea = (root, i) => root.querySelector(`[data-live="${i}"]`);

/**
 * Report edits as onEdit({op: "field", index, key, value} | {op: "move", index, delta} |
 * {op: "remove", index} | {op: "add", type}).
 */
export function attachStack(root, onEdit) {
  root.addEventListener("change", (event) => {
    const t = event.target;
    if (t.dataset.action !== "field") return;
    let value = t.type === "checkbox" ? t.checked : t.value;
    if (t.type === "number") {
      if (t.value === "" && t.placeholder) value = null;
      else { value = Number(t.value); if (!Number.isFinite(value)) return; }
    }
    onEdit({ op: "field", index: Number(t.dataset.index), key: t.dataset.key, value });
  });
  root.addEventListener("click", (event) => {
    const b = event.target.closest("button[data-action]");
    if (!b) return;
    if (b.dataset.action === "add") {
      onEdit({ op: "add", type: root.querySelector("[data-role=add-type]").value });
      return;
    }
    const index = Number(b.closest("[data-index]").dataset.index);
    ({
      up: () => onEdit({ op: "move", index, delta: -1 }),
      down: () => onEdit({ op: "move", index, delta: 1 }),
      remove: () => onEdit({ op: "remove", index }),
    })[b.dataset.action]?.();
  });
}

/** Apply an edit from attachStack to spec.layers (in place). */
export function applyEdit(spec, edit, catalog) {
  const layers = spec.layers;
  if (edit.op === "field") {
    const def = (catalog.layer_types[layers[edit.index].type] || {})[edit.key] || {};
    let value = edit.value;
    if (typeof value === "number") value = Math.min(def.max ?? value, Math.max(def.min ?? value, value));
    if (value === null) delete layers[edit.index][edit.key];
    else layers[edit.index][edit.key] = value;
  } else if (edit.op === "move") {
    const j = edit.index + edit.delta;
    if (j >= 0 && j < layers.length - 1) [layers[edit.index], layers[j]] = [layers[j], layers[edit.index]];
  } else if (edit.op === "remove") {
    if (edit.index < layers.length - 1) layers.splice(edit.index, 1);
  } else if (edit.op === "add" && layers.length < catalog.limits.layers) {
    layers.splice(layers.length - 1, 0, newLayer(edit.type, catalog));
  }
}
