// predict.js: the Predict panel. On an image run: draw on the canvas (or click
// a test image in the strip) and see the class probabilities, with the picture
// the network saw after the training data's preprocessing. On a text run: type
// a sentence and see the probability, with the tokens the pipeline produced
// (stop words struck through, out-of-vocabulary tokens marked). Both use the
// run's latest stored weights (POST /api/runs/<id>/predict/): a live run stores
// them as it pauses and every few seconds while it trains, and at its end.
import { predictRun } from "./api.js";
import { canvas, paintInk } from "./pixels.js";
import * as probabilities from "./charts/probabilities.js";
import * as levelsChart from "./charts/levels.js";
import { box as el } from "./dom.js";
import { gettext, interpolate, ngettext } from "./i18n.js";

const SIDE = 112; // the drawing's pixels (shown at twice the size)
const READY = new Set(["running", "paused", "completed", "stopped"]);
const LIVE = new Set(["running", "paused"]);


/**
 * Build the panel in root. options.onResult(result, source) gets every answer
 * (it carries the input's feature maps or hidden states); source: "drawing",
 * "test image" or "sentence".
 */
export function attachPredict(root, { onResult }) {
  const state = { kind: null, run: null, pending: null, timer: null, drawn: false, busy: 0, source: "drawing" };
  const note = el("p", "predict-note muted");
  // images
  const pad = canvas("draw-pad");
  pad.width = pad.height = SIDE;
  pad.title = gettext("Draw a digit (or a shape) with the mouse or a finger");
  const clear = Object.assign(el("button", "small-button", gettext("Clear")), { type: "button" });
  const seen = canvas("seen");
  const seenBox = el("figure", "seen-box");
  seenBox.append(seen, el("figcaption", "muted", "what the network saw"));
  seenBox.hidden = true;
  const drawBox = el("div", "draw-box");
  const drawTools = el("div", "draw-tools");
  drawTools.append(el("span", "muted small", gettext("Draw here, or click a test image above.")), clear);
  drawBox.append(el("div", "draw-row"), drawTools);
  drawBox.firstChild.append(pad, seenBox);
  // text
  const form = el("form", "predict-text");
  const input = Object.assign(el("input"), { type: "text", maxLength: 1000, placeholder: gettext("Type a review, e.g. not bad at all, I loved it"), id: "predict-input" });
  const go = Object.assign(el("button", "small-button", gettext("Predict")), { type: "submit" });
  form.append(input, go);
  const tokens = el("div", "predict-tokens");
  const levels = el("div", "levels predict-levels");
  levels.id = "predict-levels";
  // result
  const probs = el("div", "probs");
  probs.id = "predict-probs";
  probabilities.render(probs);
  root.replaceChildren(el("h3", "", gettext("Predict")), note, drawBox, form, probs, tokens, levels);

  const ctx = pad.getContext("2d");
  let last = null;
  const point = (e) => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * SIDE, ((e.clientY - r.top) / r.height) * SIDE];
  };
  pad.addEventListener("pointerdown", (e) => { last = point(e); pad.setPointerCapture(e.pointerId); stroke(last, last); });
  pad.addEventListener("pointermove", (e) => { if (last) { const p = point(e); stroke(last, p); last = p; } });
  const end = () => { if (last) { last = null; state.drawn = true; state.source = "drawing"; schedule(); } };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  function stroke(a, b) {
    Object.assign(ctx, { lineWidth: SIDE / 11, lineCap: "round", lineJoin: "round", strokeStyle: "#000" });
    ctx.beginPath();
    ctx.moveTo(...a);
    ctx.lineTo(...b);
    ctx.stroke();
  }
  clear.addEventListener("click", () => {
    ctx.clearRect(0, 0, SIDE, SIDE);
    state.drawn = false;
    seenBox.hidden = true;
    probabilities.render(probs);
  });
  form.addEventListener("submit", (e) => { e.preventDefault(); predictNow(); });

  /** A picked test image (values 0-1, h x w) drawn big on the pad, then predicted. */
  function drawImage({ values, h, w }) {
    ctx.clearRect(0, 0, SIDE, SIDE);
    const image = ctx.createImageData(SIDE, SIDE);
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const v = values[Math.floor((y * h) / SIDE) * w + Math.floor((x * w) / SIDE)];
        image.data[(y * SIDE + x) * 4 + 3] = Math.round(255 * Math.min(1, Math.max(0, v)));
      }
    }
    ctx.putImageData(image, 0, 0);
    state.drawn = true;
    state.source = "test image";
    predictNow();
  }

  function pixels() {
    const alpha = ctx.getImageData(0, 0, SIDE, SIDE).data;
    return Array.from({ length: SIDE }, (_, y) => Array.from({ length: SIDE }, (_, x) => alpha[(y * SIDE + x) * 4 + 3]));
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(predictNow, 150);
  }

  async function predictNow() {
    const body = state.kind === "images" ? (state.drawn ? { pixels: pixels() } : null) : (input.value.trim() ? { text: input.value } : null);
    if (!body) return;
    if (!state.run || !READY.has(state.run.status)) { showNote(); return; }
    const ticket = ++state.busy;
    root.dataset.busy = "true";
    const result = await predictRun(state.run.id, body);
    if (ticket !== state.busy) return; // a newer request answers
    root.dataset.busy = "false";
    if (!result.ok) {
      note.textContent = (result.body && result.body.errors && result.body.errors.map((e) => e.message).join("; ")) || `HTTP ${result.status}`;
      note.classList.add("error");
      return;
    }
    note.classList.remove("error");
    showNote(result.body.iteration);
    probabilities.update(probs, result.body);
    if (state.kind === "images") showSeen(result.body.input);
    else { showTokens(result.body.steps); showLevels(result.body.levels); }
    onResult(result.body, state.kind === "images" ? state.source : "sentence");
  }

  function showSeen(rows) {
    const h = rows.length;
    const w = rows[0].length;
    const flat = rows.flat().map((v) => (Array.isArray(v) ? v.reduce((a, c) => a + c, 0) / v.length : v)); // RGB: its mean
    paintInk(seen, flat, h, w);
    seenBox.querySelector("figcaption").textContent = interpolate(gettext("what the network saw (%(h)s×%(w)s)"), { h, w });
    seenBox.hidden = false;
  }

  function showTokens(steps) {
    const kept = new Set(steps.kept);
    const oov = new Set(steps.oov);
    const line = (name, ...chips) => {
      const row = el("div", "step");
      const body = el("div", "step-body");
      body.append(...chips);
      row.append(el("span", "step-name", name), body);
      return row;
    };
    const chip = (text, cls = "") => el("span", `token ${cls}`.trim(), text);
    tokens.replaceChildren(
      line(gettext("cleaned"), el("span", "", steps.cleaned || "∅")),
      line(gettext("tokens"), ...steps.tokens.map((t) => chip(t, kept.has(t) ? "" : "stop"))),
      line(gettext("indices"), ...steps.kept.map((t, i) => chip(`${t}→${steps.sequence[i]}`, oov.has(t) ? "oov" : ""))),
      ...(steps.oov.length ? [el("p", "note", interpolate(ngettext("%(n)s word not in the vocabulary: the network sees <oov> for it.", "%(n)s words not in the vocabulary: the network sees <oov> for them.", steps.oov.length), { n: steps.oov.length }))] : []),
      ...(steps.truncated ? [el("p", "note warn", interpolate(gettext("Longer than the cut (%(n)s tokens): the rest is not seen."), { n: steps.padded.length }))] : []));
  }

  /** The typed sentence at every token level (the run's own highlighted), with each level's OOV rate and coverage. */
  function showLevels(list) {
    levels.hidden = !list || !list.length;
    if (levels.hidden) return;
    levelsChart.render(levels);
    levelsChart.update(levels, { levels: list });
  }

  function showNote(iteration) {
    const run = state.run;
    const values = { run: run && run.id, iteration: iteration == null ? "" : iteration.toLocaleString("en-US"), status: run && run.status };
    note.classList.remove("error");
    if (run && LIVE.has(run.status)) {
      note.textContent = interpolate(iteration == null ? gettext("Run %(run)s's current weights (stored as it pauses, and every few seconds while it trains).")
        : gettext("Run %(run)s's current weights after iteration %(iteration)s (stored as it pauses, and every few seconds while it trains)."), values);
    } else if (run && READY.has(run.status)) {
      note.textContent = interpolate(iteration == null ? gettext("Run %(run)s's trained weights (%(status)s).")
        : gettext("Run %(run)s's trained weights after iteration %(iteration)s (%(status)s)."), values);
    } else if (run && run.status === "queued") note.textContent = gettext("Predict opens once the run starts.");
    else note.textContent = gettext("Train first: Predict uses the weights of a run (its current ones while it trains or is paused).");
  }

  return {
    /** Show the panel for kind ("images" or "text"); clears the last answer. */
    setKind(kind) {
      if (kind !== state.kind) { ctx.clearRect(0, 0, SIDE, SIDE); state.drawn = false; }
      state.kind = kind;
      drawBox.hidden = kind !== "images";
      form.hidden = kind !== "text";
      seenBox.hidden = true;
      tokens.replaceChildren();
      levels.replaceChildren();
      levels.hidden = true;
      probabilities.render(probs);
      root.dataset.kind = kind;
    },
    /** The run shown (null: none); on a change of status, what was drawn or typed is answered anew. */
    setRun(run) {
      const changed = !state.run || !run || state.run.id !== run.id || state.run.status !== run.status;
      state.run = run ? { id: run.id, status: run.status } : null;
      root.dataset.ready = String(Boolean(run && READY.has(run.status)));
      if (!changed) return;
      showNote();
      if (run && READY.has(run.status)) predictNow();
    },
    pick: drawImage,
  };
}
