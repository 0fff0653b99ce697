// filters.js: one conv layer's kernels as small Plotly heatmaps in a grid, one
// per filter (averaged over input channels), on one colour scale symmetric
// around zero (orange negative, blue positive) so the filters compare.
// update(el, {layer, kernel_size, filters: [k x k numbers]}) redraws.
import { DIVERGING } from "../colors.js";
import { CONFIG, FONT } from "./font.js";
import { gettext, interpolate } from "../i18n.js";

const CELL = 46; // px per filter, gap included
const GAP = 6;

export function render(el) {
  el.dataset.updates = "0";
  el.replaceChildren();
}

export function update(el, { filters }) {
  const n = filters.length;
  const cols = Math.min(n, 10);
  const rows = Math.ceil(n / cols);
  const width = cols * CELL;
  const height = rows * CELL;
  const m = Math.max(1e-6, ...filters.flat(2).map(Math.abs));
  const layout = {
    font: FONT, width, height, margin: { l: 0, r: 0, t: 0, b: 0 }, showlegend: false,
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
  };
  const traces = filters.map((z, f) => {
    const r = Math.floor(f / cols);
    const c = f % cols;
    const axis = f === 0 ? "" : String(f + 1);
    layout[`xaxis${axis}`] = { domain: [(c * CELL) / width, (c * CELL + CELL - GAP) / width], visible: false, fixedrange: true, anchor: `y${axis}` };
    layout[`yaxis${axis}`] = { domain: [1 - (r * CELL + CELL - GAP) / height, 1 - (r * CELL) / height], visible: false, fixedrange: true, autorange: "reversed", anchor: `x${axis}` };
    return {
      type: "heatmap", z, xaxis: `x${axis}`, yaxis: `y${axis}`, zmin: -m, zmax: m, colorscale: DIVERGING, showscale: false,
      hovertemplate: `${interpolate(gettext("filter %(n)s, row %{y}, column %{x}: %{z:.3f}"), { n: f + 1 })}<extra></extra>`,
    };
  });
  window.Plotly.react(el, traces, layout, { ...CONFIG, responsive: false });
  el.dataset.updates = String(Number(el.dataset.updates || 0) + 1);
}
