// live.js: the live views of image and text runs, routed from frames to where
// they are drawn: each conv layer's kernels and every conv / pool layer's
// feature maps in that layer's row of the stack (the sample itself in the
// input row), the embedding projection in the embedding's row, the hidden
// states in the recurrent layer's row, the test predictions in the output column.
// The input row's ‹ › buttons fire a "sample" event ({detail: {delta}}) on the
// stack: the page asks the live run to follow another test sample.
import { liveArea } from "./stack.js";
import * as filtersChart from "./charts/filters.js";
import * as mapsChart from "./charts/feature_maps.js";
import * as predictionsChart from "./charts/predictions.js";
import * as embeddingChart from "./charts/embedding.js";
import * as hiddenChart from "./charts/hidden.js";
import * as tokensChart from "./charts/tokens.js";
import { gettext, interpolate } from "./i18n.js";

const VIEWS = {
  filters: { title: gettext("kernels"), hint: gettext("each filter's weights (orange negative, blue positive)"), chart: filtersChart },
  maps: { title: gettext("feature maps"), hint: "", chart: mapsChart },
  embedding: { title: gettext("embedding projection"), hint: gettext("the most frequent words on the table's first two principal components"), chart: embeddingChart },
  hidden: { title: gettext("hidden state over time"), hint: "", chart: hiddenChart },
  tokens: { title: gettext("sentence"), hint: gettext("the tokens the network reads, one a step"), chart: tokensChart },
};

function stepper(stack) {
  const button = (text, delta, title) => {
    const b = Object.assign(document.createElement("button"), { type: "button", className: "small-button sample-step", textContent: text, title });
    b.dataset.delta = String(delta);
    b.addEventListener("click", () => stack.dispatchEvent(new CustomEvent("sample", { detail: { delta } })));
    return b;
  };
  const box = Object.assign(document.createElement("span"), { className: "sample-stepper" });
  box.append(button("‹", -1, gettext("the previous test sample")), button("›", 1, gettext("the next test sample")));
  return box;
}

function block(area, view, stack = null) {
  const { title, hint, chart } = VIEWS[view];
  const body = Object.assign(document.createElement("div"), { className: `live-view view-${view}` });
  const head = Object.assign(document.createElement("div"), { className: "live-head" });
  head.append(Object.assign(document.createElement("span"), { className: "live-title", textContent: title }),
    Object.assign(document.createElement("span"), { className: "muted", textContent: hint }));
  if (stack) head.append(stepper(stack));
  const wrap = Object.assign(document.createElement("div"), { className: "live-block", hidden: true });
  wrap.dataset.view = view;
  wrap.append(head, body);
  area.append(wrap);
  chart.render(body);
  return body;
}

function view(stack, i, name) {
  const area = liveArea(stack, i);
  const body = area && area.querySelector(`[data-view="${name}"] .live-view`);
  if (body) body.parentElement.hidden = false;
  return body;
}

/** Empty views for the stack just rendered (spec: its layers; kind: images or text), and an empty strip. */
export function clear(stack, strip, spec, kind) {
  predictionsChart.render(strip);
  stack.dataset.sample = "0";
  if (!stack.querySelector("[data-live]")) return;
  block(liveArea(stack, "input"), kind === "text" ? "tokens" : "maps", stack);
  let recurrent = false;
  spec.layers.forEach((layer, i) => {
    const area = liveArea(stack, i);
    if (!area) return;
    const flags = area.closest(".layer-row").dataset; // the type's flags, from the catalog (stack.js)
    if (layer.type === "conv2d") block(area, "filters");
    if (flags.spatial === "true") block(area, "maps");
    if (layer.type === "embedding") block(area, "embedding");
    if (!recurrent && flags.recurrent === "true") { block(area, "hidden"); recurrent = true; }
  });
}

/** Feature maps of one sample (a feature_maps frame, or a prediction's), captioned. */
export function featureMaps(stack, frame, caption) {
  const input = view(stack, "input", "maps");
  if (input) mapsChart.update(input, { input: frame.input, input_shape: frame.input_shape, caption });
  for (const layer of frame.layers) {
    const body = view(stack, layer.layer, "maps");
    if (body) mapsChart.update(body, { ...layer, caption: `${layer.shape.join(" × ")}` });
  }
}

/** One sentence's hidden states (a hidden_states frame, or a prediction's), captioned. */
export function hiddenStates(stack, frame, caption) {
  const body = view(stack, frame.layer, "hidden");
  if (body) hiddenChart.update(body, { ...frame, caption });
  const input = view(stack, "input", "tokens");
  if (input) tokensChart.update(input, { tokens: frame.tokens, caption });
}

/**
 * Frame handlers for socket.js; wrap(fn) drops frames of a run no longer shown;
 * followed() is false while the user's own drawing or sentence is shown instead.
 */
export function handlers(wrap, stack, strip, classNames, followed) {
  const name = (c) => (classNames() || [])[c] ?? String(c);
  return {
    filters: wrap((f) => {
      for (const layer of f.layers) {
        const body = view(stack, layer.layer, "filters");
        if (body) filtersChart.update(body, layer);
      }
    }),
    feature_maps: wrap((f) => {
      if (!followed()) return;
      stack.dataset.sample = String(f.sample);
      featureMaps(stack, f, interpolate(gettext("test image %(n)s, true class %(label)s"), { n: f.sample + 1, label: name(f.label) }));
    }),
    predictions: wrap((f) => predictionsChart.update(strip, f)),
    embedding: wrap((f) => {
      const row = [...stack.querySelectorAll(".layer-embedding")][0];
      const body = row && view(stack, row.dataset.index, "embedding");
      if (body) embeddingChart.update(body, f);
    }),
    hidden_states: wrap((f) => {
      if (!followed()) return;
      stack.dataset.sample = String(f.sample ?? 0);
      hiddenStates(stack, f, f.sample == null ? gettext("a test sentence")
        : interpolate(gettext("test sentence %(n)s, true class %(label)s"), { n: f.sample + 1, label: name(f.label) }));
    }),
  };
}
