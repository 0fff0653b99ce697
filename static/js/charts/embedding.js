// embedding.js: the embedding table projected on its first two principal
// components, each word a labelled point. update(el, {words, x, y}) redraws;
// an axis whose sign flipped since the last frame (PCA's sign is arbitrary)
// is flipped back, so words drift instead of jumping. The LABELLED most frequent
// words carry their label; the others show it on hover.
import { CONFIG, FONT } from "./font.js";

const LAYOUT = {
  font: FONT,
  margin: { l: 30, r: 8, t: 8, b: 24 }, showlegend: false, hovermode: "closest",
  xaxis: { zeroline: true, zerolinecolor: "#e3e7ec", showgrid: false, tickfont: { size: 9 } },
  yaxis: { zeroline: true, zerolinecolor: "#e3e7ec", showgrid: false, tickfont: { size: 9 } },
  paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#fff",
};
import { plain } from "../escape.js";

const LABELLED = 40;

export function render(el) {
  el.dataset.updates = "0";
  el._previous = null;
  window.Plotly.newPlot(el, [], LAYOUT, CONFIG);
}

function aligned(words, values, previous) {
  if (!previous) return values;
  let dot = 0;
  words.forEach((w, i) => { if (w in previous) dot += previous[w] * values[i]; });
  return dot < 0 ? values.map((v) => -v) : values;
}

export function update(el, { words, x, y }) {
  const prev = el._previous;
  const xs = aligned(words, x, prev && prev.x);
  const ys = aligned(words, y, prev && prev.y);
  el._previous = { x: Object.fromEntries(words.map((w, i) => [w, xs[i]])), y: Object.fromEntries(words.map((w, i) => [w, ys[i]])) };
  const trace = {
    type: "scatter", mode: "markers+text", x: xs, y: ys, text: words.map((w, i) => (i < LABELLED ? plain(w) : "")), customdata: words.map(plain),
    textposition: "top center",
    textfont: { size: 10, color: "#1f2a37" }, marker: { size: 5, color: "#0877bd", opacity: 0.7 },
    hovertemplate: "%{customdata}<extra></extra>", cliponaxis: false,
  };
  window.Plotly.react(el, [trace], LAYOUT, CONFIG);
  el.dataset.updates = String(Number(el.dataset.updates || 0) + 1);
}
