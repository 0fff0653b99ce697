// confusion.js: the test set's confusion matrix (rows: true class, columns:
// predicted), from `confusion` frames. update(el, frame) redraws it.
import { CLASS_COLORS } from "../colors.js";
import { plain } from "../escape.js";
import { CONFIG, FONT } from "./font.js";
import { gettext } from "../i18n.js";

const LAYOUT = {
  font: FONT,
  margin: { l: 70, r: 8, t: 8, b: 36 },
  xaxis: { title: { text: gettext("predicted"), font: { size: 11 } }, tickfont: { size: 10 }, side: "bottom", type: "category" },
  yaxis: { title: { text: gettext("true"), font: { size: 11 } }, tickfont: { size: 10 }, autorange: "reversed", type: "category" },
  paper_bgcolor: "rgba(0,0,0,0)",
};

export function render(el) {
  el.dataset.updates = "0";
  window.Plotly.newPlot(el, [], LAYOUT, CONFIG);
}

export function update(el, frame) {
  const names = frame.labels.map((l, i) => (frame.classes === 2 && /^[01]$/.test(l) ? [gettext("orange (0)"), gettext("blue (1)")][i] : plain(l)));
  const trace = {
    type: "heatmap", z: frame.matrix, x: names, y: names, showscale: false,
    colorscale: [[0, "#ffffff"], [1, CLASS_COLORS[1]]],
    texttemplate: "%{z}", hovertemplate: `${gettext("true %{y}, predicted %{x}: %{z}")}<extra></extra>`, xgap: 2, ygap: 2,
  };
  window.Plotly.react(el, [trace], LAYOUT, CONFIG);
  el.dataset.updates = String(Number(el.dataset.updates) + 1);
}
