// hidden.js: a recurrent layer's hidden state after each token of one sentence,
// as a heatmap: a column per step (its token below), a row per unit.
// update(el, {tokens, units, states: steps x units, caption}) redraws.
import { DIVERGING } from "../colors.js";
import { plain } from "../escape.js";
import { CONFIG, FONT } from "./font.js";
import { gettext } from "../i18n.js";


export function render(el) {
  el.dataset.updates = "0";
  window.Plotly.newPlot(el, [], { font: FONT, margin: { l: 36, r: 8, t: 8, b: 60 }, paper_bgcolor: "rgba(0,0,0,0)" }, CONFIG);
}

export function update(el, { tokens, units, states, caption }) {
  const steps = tokens.map((t, i) => `${i + 1}·${plain(t)}`); // unique: a word may come twice
  const z = Array.from({ length: units }, (_, u) => states.map((s) => s[u]));
  const m = Math.max(1e-6, ...states.flat().map(Math.abs));
  const trace = {
    type: "heatmap", x: steps, y: Array.from({ length: units }, (_, u) => u + 1), z, zmin: -m, zmax: m,
    colorscale: DIVERGING, showscale: false, xgap: 1,
    hovertemplate: `${gettext("step %{x}, unit %{y}: %{z:.3f}")}<extra></extra>`,
  };
  const layout = {
    font: FONT, margin: { l: 36, r: 8, t: caption ? 22 : 8, b: 70 }, paper_bgcolor: "rgba(0,0,0,0)",
    xaxis: { type: "category", tickangle: -45, tickfont: { size: 10 }, title: { text: gettext("step (token)"), font: { size: 10 }, standoff: 4 } },
    yaxis: { title: { text: gettext("unit"), font: { size: 10 } }, tickfont: { size: 9 }, autorange: "reversed" },
    title: caption ? { text: plain(caption), font: { size: 11, color: "#6b7785" }, x: 0, xanchor: "left", y: 0.99 } : undefined,
  };
  window.Plotly.react(el, [trace], layout, CONFIG);
  el.dataset.updates = String(Number(el.dataset.updates || 0) + 1);
}
