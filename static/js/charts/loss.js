// loss.js: train (per mini-batch) and test loss per iteration, with a log-scale
// toggle. update(el, metricsFrame) appends; update(el, {log: bool}) switches the axis.
import { FONT } from "./font.js";
import { gettext } from "../i18n.js";

const MAX_POINTS = 4000;
const LAYOUT = {
  font: FONT,
  margin: { l: 44, r: 8, t: 8, b: 30 },
  xaxis: { title: { text: gettext("iteration"), font: { size: 11 } }, tickfont: { size: 10 }, zeroline: false },
  yaxis: { title: { text: gettext("loss"), font: { size: 11 } }, tickfont: { size: 10 }, type: "linear", zeroline: false, exponentformat: "power" },
  legend: { orientation: "h", x: 1, xanchor: "right", y: 1.02, yanchor: "bottom", font: { size: 10 } },
  hovermode: "x unified",
  paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#fff",
};
const CONFIG = { displayModeBar: false, responsive: true };

function traces() {
  return [
    { name: gettext("train (batch)"), x: [], y: [], mode: "lines", line: { color: "#9ab8d6", width: 1 }, hovertemplate: "%{y:.4f}" },
    { name: gettext("train"), x: [], y: [], mode: "lines", line: { color: "#0877bd", width: 2 }, hovertemplate: "%{y:.4f}" },
    { name: gettext("test"), x: [], y: [], mode: "lines", line: { color: "#f59322", width: 2 }, hovertemplate: "%{y:.4f}" },
  ];
}

export function render(el) {
  el.dataset.updates = "0";
  window.Plotly.newPlot(el, traces(), LAYOUT, CONFIG);
}

// Keep long runs light: when a trace grows past MAX_POINTS, drop every other point.
function thin(el) {
  let thinned = false;
  for (const trace of el.data) {
    if (trace.x.length > MAX_POINTS) {
      trace.x = trace.x.filter((_, i) => i % 2 === 0);
      trace.y = trace.y.filter((_, i) => i % 2 === 0);
      thinned = true;
    }
  }
  if (thinned) window.Plotly.redraw(el);
}

export function update(el, payload) {
  if ("log" in payload) {
    window.Plotly.relayout(el, { "yaxis.type": payload.log ? "log" : "linear" });
    return;
  }
  const batch = payload.points || [];
  const it = payload.iteration;
  const add = [[], [], []];
  const ys = [[], [], []];
  for (const [i, loss] of batch) { add[0].push(i); ys[0].push(loss); }
  if (payload.train_loss != null) { add[1].push(it); ys[1].push(payload.train_loss); }
  if (payload.test_loss != null) { add[2].push(it); ys[2].push(payload.test_loss); }
  window.Plotly.extendTraces(el, { x: add, y: ys }, [0, 1, 2]);
  thin(el);
  el.dataset.updates = String(Number(el.dataset.updates) + 1);
}
