// lengths.js: how many texts have each token count, with the cut: texts longer
// than it are truncated, shorter ones padded. update(el, {lengths, length}).
import { CONFIG, FONT } from "./font.js";
import { gettext, interpolate } from "../i18n.js";


export function render(el) {
  el.dataset.updates = "0";
  window.Plotly.newPlot(el, [], { font: FONT }, CONFIG);
}

export function update(el, { lengths, length }) {
  const total = lengths.reduce((a, b) => a + b, 0) || 1;
  const covered = lengths.slice(0, length + 1).reduce((a, b) => a + b, 0);
  const trace = {
    type: "bar", x: lengths.map((_, i) => i), y: lengths,
    marker: { color: lengths.map((_, i) => (i > length ? "#f59322" : "#0877bd")) },
    hovertemplate: `${gettext("%{y} texts of %{x} tokens")}<extra></extra>`,
  };
  const layout = {
    font: FONT, margin: { l: 36, r: 8, t: 24, b: 30 }, bargap: 0.1, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#fff",
    xaxis: { title: { text: gettext("tokens per text (after stop words)"), font: { size: 10 } }, tickfont: { size: 10 } },
    yaxis: { title: { text: gettext("texts"), font: { size: 10 } }, tickfont: { size: 10 } },
    shapes: [{ type: "line", x0: length + 0.5, x1: length + 0.5, y0: 0, y1: 1, yref: "paper", line: { color: "#c62828", width: 2, dash: "dot" } }],
    annotations: [{ x: length + 0.5, y: 1, yref: "paper", yanchor: "bottom", showarrow: false, font: { size: 10, color: "#c62828" },
      text: interpolate(gettext("cut at %(length)s: %(share)s% of texts fit, longer ones are truncated"),
        { length, share: Math.floor((1000 * covered) / total) / 10 }) }],
  };
  window.Plotly.react(el, [trace], layout, CONFIG);
  el.dataset.updates = String(Number(el.dataset.updates || 0) + 1);
}
