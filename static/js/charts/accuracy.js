// accuracy.js: train / test accuracy per iteration for classification, or
// RMSE (train, test) and test R² for regression. update(el, metricsFrame) appends;
// update(el, {task}) clears and relabels for a new run.
import { FONT } from "./font.js";
import { gettext } from "../i18n.js";

const LAYOUT = {
  font: FONT,
  margin: { l: 44, r: 40, t: 8, b: 30 },
  xaxis: { title: { text: gettext("iteration"), font: { size: 11 } }, tickfont: { size: 10 }, zeroline: false },
  yaxis: { title: { text: gettext("accuracy"), font: { size: 11 } }, tickfont: { size: 10 }, range: [0, 1.02], tickformat: ".0%" },
  legend: { orientation: "h", x: 1, xanchor: "right", y: 1.02, yanchor: "bottom", font: { size: 10 } },
  hovermode: "x unified",
  paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#fff",
};
const CONFIG = { displayModeBar: false, responsive: true };
const line = (name, color, extra = {}) => ({ name, x: [], y: [], mode: "lines", line: { color, width: 2 }, ...extra });

const SERIES = {
  classification: {
    keys: ["train_accuracy", "test_accuracy"],
    traces: () => [line(gettext("train"), "#0877bd", { hovertemplate: "%{y:.1%}" }), line(gettext("test"), "#f59322", { hovertemplate: "%{y:.1%}" })],
    layout: LAYOUT,
  },
  regression: {
    keys: ["train_rmse", "test_rmse", "test_r2"],
    traces: () => [
      line(gettext("train RMSE"), "#0877bd", { hovertemplate: "%{y:.4f}" }),
      line(gettext("test RMSE"), "#f59322", { hovertemplate: "%{y:.4f}" }),
      line(gettext("test R²"), "#2ca02c", { yaxis: "y2", hovertemplate: "%{y:.3f}", line: { color: "#2ca02c", width: 2, dash: "dot" } }),
    ],
    layout: {
      ...LAYOUT,
      yaxis: { ...LAYOUT.yaxis, title: { text: "RMSE", font: { size: 11 } }, range: null, tickformat: null, rangemode: "tozero" },
      yaxis2: { overlaying: "y", side: "right", range: [-0.1, 1.02], tick0: 0, dtick: 0.25, tickfont: { size: 10 }, title: { text: "R²", font: { size: 11 } }, showgrid: false },
    },
  },
};

export function render(el, task = "binary") {
  const kind = task === "regression" ? "regression" : "classification";
  el.dataset.kind = kind;
  el.dataset.updates = "0";
  window.Plotly.newPlot(el, SERIES[kind].traces(), SERIES[kind].layout, CONFIG);
}

export function update(el, payload) {
  if ("task" in payload) { render(el, payload.task); return; }
  const { keys } = SERIES[el.dataset.kind];
  const idx = [], x = [], y = [];
  keys.forEach((key, i) => {
    if (payload[key] != null) { idx.push(i); x.push([payload.iteration]); y.push([payload[key]]); }
  });
  if (idx.length) window.Plotly.extendTraces(el, { x, y }, idx);
  el.dataset.updates = String(Number(el.dataset.updates) + 1);
}
