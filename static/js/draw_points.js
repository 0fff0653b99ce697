// draw_points.js: your own data on the plane (issue #16). On a drawn set (the catalog's `drawn`
// datasets: "custom", two classes; "custom_multiclass", three to five (its `classes`, chosen as for
// blobs); "custom_regression", a value a point) the boundary chart takes
// pointer events (mouse, pen, touch): a click or tap adds a point of the chosen class (or value),
// dragging paints several, shift-click, right-click or the eraser removes the nearest one, Clear
// empties the plane. "Edit points" copies the dataset on show into a drawn set of the same task.
// The points live in spec.dataset.points ([[x1, x2, label or value], ...], to the hundredth, as the
// URL carries them: state.js), so a link, a saved experiment, a re-run and the exported code all
// have exactly them. main.js applies an edit through `edited(renamed)`.
import { planeAt, planeUnits } from "./charts/boundary.js";
import { fetchPoints } from "./data.js";
import { gettext, ngettext, interpolate } from "./i18n.js";
import { CLASS_COLORS } from "./colors.js";

const PAINT_SPACING = 0.35; // plane units between two points painted by one drag
const ERASE_PIXELS = 24; // a click removes the nearest point within this many screen pixels
const round2 = (v) => Math.round(v * 100) / 100;

/**
 * Wire the toolbar (#draw-tools) and the chart. options: catalog; state() -> {spec}; shown() -> the
 * points on show ({train, test}) or null; edited(renamed): spec.dataset changed (renamed: it became a
 * drawn set). Returns {sync, preview, active}.
 */
export function attachDrawing(chart, tools, { catalog, state, shown, edited }) {
  const $ = (id) => tools.querySelector(`#${id}`);
  const [x0, x1, y0, y1] = catalog.extent || [-6, 6, -6, 6];
  const [, most] = catalog.limits.drawn_points || [2, 1000];
  const info = (name) => catalog.datasets.find((d) => d.name === name);
  const drawnFor = (task) => catalog.datasets.find((d) => d.drawn && d.task === task);
  const dataset = () => state().spec.dataset;
  const active = () => Boolean(info(dataset().name)?.drawn);
  const tool = { label: 0, erase: false };
  let note = "";

  function say(text) { note = text; sync(); }

  /** Become drawn set `target` with these points (the split's test_fraction and seed carry over). */
  function become(target, points) {
    const d = dataset();
    tool.erase = false;
    const classes = target.task === "multiclass" ? { classes: d.classes ?? target.classes } : {}; // blobs' count carries over
    state().spec.dataset = { name: target.name, ...classes, points, test_fraction: d.test_fraction ?? 0.5, seed: d.seed ?? 0 };
    edited(true);
  }

  async function editPoints() {
    const from = dataset();
    const target = drawnFor(info(from.name)?.task);
    if (!target) return;
    const { points: on } = await fetchPoints(from); // the set as it is now (what the chart shows may lag an edit)
    if (!on || !on.train || dataset() !== from) return;
    const all = [...on.train.x.map((p, i) => [p, on.train.y[i]]), ...on.test.x.map((p, i) => [p, on.test.y[i]])];
    const inside = all.filter(([[a, b]]) => a >= x0 && a <= x1 && b >= y0 && b <= y1);
    const points = inside.slice(0, most).map(([[a, b], y]) => [round2(a), round2(b), target.task === "regression" ? round2(y) : y]);
    note = inside.length > most ? interpolate(gettext("Kept the first %(n)s points."), { n: most.toLocaleString() }) : "";
    become(target, points);
  }

  function clear() {
    note = "";
    if (active()) { dataset().points = []; edited(false); return; }
    become(drawnFor(info(dataset().name)?.task) || drawnFor("binary"), []);
  }

  function target() {
    if (info(dataset().name)?.task !== "regression") return tool.label;
    const v = Number($("draw-value").value);
    const limit = catalog.limits.drawn_value || 100;
    return Number.isFinite(v) ? round2(Math.max(-limit, Math.min(limit, v))) : 0;
  }

  function add([a, b]) {
    const points = dataset().points;
    if (points.length >= most) return say(interpolate(gettext("At most %(n)s points: remove some to add more."), { n: most.toLocaleString() }));
    points.push([round2(Math.max(x0, Math.min(x1, a))), round2(Math.max(y0, Math.min(y1, b))), target()]);
    note = "";
    edited(false);
  }

  /** Remove the point nearest to `at` within `radius` plane units; true if one went. */
  function erase(at, radius) {
    const points = dataset().points;
    let best = -1, bestD = radius * radius;
    points.forEach(([a, b], i) => {
      const d = (a - at[0]) ** 2 + (b - at[1]) ** 2;
      if (d <= bestD) { best = i; bestD = d; }
    });
    if (best < 0) return false;
    points.splice(best, 1);
    note = "";
    edited(false);
    return true;
  }

  // --- pointer events on the chart: one stroke per pointer ----------------------------------------
  let stroke = null; // {id, erase, last}
  chart.addEventListener("pointerdown", (event) => {
    if (!active() || stroke || (event.pointerType === "mouse" && event.button !== 0 && event.button !== 2)) return;
    const at = planeAt(chart, event.clientX, event.clientY);
    if (!at) return;
    event.preventDefault();
    const erasing = tool.erase || event.shiftKey || event.button === 2;
    stroke = { id: event.pointerId, erase: erasing, last: at };
    try { chart.setPointerCapture(event.pointerId); } catch { /* a synthetic pointer has nothing to capture */ }
    if (erasing) erase(at, planeUnits(chart, ERASE_PIXELS));
    else add(at);
  });
  chart.addEventListener("pointermove", (event) => {
    if (!stroke || event.pointerId !== stroke.id) return;
    const at = planeAt(chart, event.clientX, event.clientY);
    if (!at) return;
    if (stroke.erase) { erase(at, planeUnits(chart, ERASE_PIXELS / 2)); return; }
    if (Math.hypot(at[0] - stroke.last[0], at[1] - stroke.last[1]) < PAINT_SPACING) return;
    stroke.last = at;
    add(at);
  });
  const end = (event) => { if (stroke && event.pointerId === stroke.id) stroke = null; };
  chart.addEventListener("pointerup", end);
  chart.addEventListener("pointercancel", end);
  chart.addEventListener("contextmenu", (event) => { if (active()) event.preventDefault(); }); // right-click erases instead

  // --- the toolbar ------------------------------------------------------------------------------------
  $("draw-edit").addEventListener("click", editPoints);
  $("draw-clear").addEventListener("click", clear);
  $("draw-classes").addEventListener("click", (event) => {
    const button = event.target.closest(".draw-class");
    if (!button) return;
    tool.label = Number(button.dataset.label);
    tool.erase = false;
    sync();
  });

  /** One button a class: two, or the drawn set's `classes`; the chosen one stays chosen while it exists. */
  function classButtons(count) {
    const group = $("draw-classes");
    if (group.querySelectorAll(".draw-class").length === count) return;
    group.replaceChildren(...Array.from({ length: count }, (_, c) => {
      const swatch = Object.assign(document.createElement("span"), { className: "swatch" });
      swatch.style.background = CLASS_COLORS[c % CLASS_COLORS.length];
      swatch.setAttribute("aria-hidden", "true");
      const button = Object.assign(document.createElement("button"), { type: "button", className: "small-button draw-class" });
      button.dataset.label = String(c);
      button.append(swatch, interpolate(gettext("class %(n)s"), { n: c }));
      return button;
    }));
    if (tool.label >= count) tool.label = 0;
  }
  $("draw-erase").addEventListener("click", () => { tool.erase = !tool.erase; sync(); });
  $("draw-value").addEventListener("input", () => { tool.erase = false; sync(); }); // a value to draw with: the pen again

  /** The toolbar and the chart's mode after any change of the spec (main.js's syncFields). */
  function sync() {
    const d = dataset();
    const current = info(d.name);
    const drawn = Boolean(current?.drawn);
    const regression = current?.task === "regression";
    $("draw-edit").hidden = drawn;
    $("draw-edit").disabled = !drawnFor(current?.task);
    $("draw-edit").title = $("draw-edit").disabled ? gettext("Your own points take two classes or a value each, not several classes: Clear starts an empty plane of two classes.")
      : gettext("Copy these points into your own set, to add and remove points on the plane");
    $("draw-pen").hidden = !drawn;
    $("draw-classes").hidden = regression;
    if (!regression) classButtons(current?.task === "multiclass" ? d.classes ?? current.classes : 2);
    $("draw-value-row").hidden = !regression;
    for (const button of tools.querySelectorAll(".draw-class")) {
      button.setAttribute("aria-pressed", String(!tool.erase && Number(button.dataset.label) === tool.label));
    }
    $("draw-erase").setAttribute("aria-pressed", String(tool.erase));
    const n = drawn ? d.points.length : 0;
    $("draw-count").textContent = drawn ? [interpolate(ngettext("%(n)s point", "%(n)s points", n), { n: n.toLocaleString() }), note].filter(Boolean).join(" ") : "";
    const hint = document.getElementById("draw-hint");
    if (hint) hint.hidden = !drawn;
    chart.classList.toggle("drawing", drawn);
    chart.classList.toggle("erasing", drawn && tool.erase);
    chart.dataset.drawing = String(drawn);
    if (drawn) { // a drawn set has no size or noise of its own
      for (const path of ["dataset.noise", "dataset.samples"]) {
        const row = document.querySelector(`[data-path="${path}"]`)?.closest("label");
        if (row) row.hidden = true;
      }
    }
  }

  /** The drawn points as the chart shows them before the server's split arrives: all of them, as training points. */
  function preview() {
    const d = dataset();
    if (!active()) return shown();
    return { train: { x: d.points.map((p) => [p[0], p[1]]), y: d.points.map((p) => p[2]) }, test: { x: [], y: [] }, extent: [x0, x1, y0, y1] };
  }

  return { sync, preview, active };
}
