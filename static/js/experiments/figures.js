// figures.js: the server's Plotly figures (built with the plotly package in
// playground/figures.py) onto the page. A figure with a time slider carries
// its animation frames; Plotly's slider steps through them.
import { CONFIG, FONT } from "../charts/font.js";


/** The figures the server embedded as <script type="application/json" id=...>. */
export function readFigures(id = "figures") {
  const el = document.getElementById(id);
  try { return JSON.parse(el ? el.textContent : "{}") || {}; } catch { return {}; }
}

/** Draw (or redraw) one figure into el; resolves once Plotly has drawn it. */
export async function renderFigure(el, fig) {
  const layout = { ...fig.layout, font: { ...(fig.layout && fig.layout.font), family: FONT.family } }; // Hangul needs our font
  await window.Plotly.newPlot(el, { data: fig.data, layout, frames: fig.frames || [], config: CONFIG });
  el.dataset.rendered = "true";
  el.dataset.frames = String((fig.frames || []).length);
}

/** Every [data-figure=name] element under root gets figs[name]; cards without one are hidden. */
export function renderAll(figs, root = document) {
  const drawn = [];
  for (const el of root.querySelectorAll("[data-figure]")) {
    const fig = figs[el.dataset.figure];
    if (fig) drawn.push(renderFigure(el, fig));
    else el.closest(".chart-card")?.setAttribute("hidden", "");
  }
  return Promise.all(drawn).then(() => { document.body.dataset.figures = "ready"; });
}
