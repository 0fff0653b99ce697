// panel.js: the run's read-outs: counters, progress bar, status line, buttons
// and the plain-words advice for a diverged run.
import { gettext, interpolate } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const ACTIVE = new Set(["queued", "running", "paused"]);
export const isActive = (status) => ACTIVE.has(status);

const fmt = (n) => (n == null ? "–" : Number(n).toLocaleString());

export function counters(frame) {
  $("c-epoch").textContent = frame ? `${fmt(frame.epoch)}${frame.epochs ? " / " + fmt(frame.epochs) : ""}` : "0";
  $("c-iteration").textContent = frame ? fmt(frame.iteration) : "0";
  $("c-samples").textContent = frame ? fmt(frame.samples_seen) : "0";
  $("c-speed").textContent = frame && frame.steps_per_second != null ? fmt(Math.round(frame.steps_per_second)) : "–";
}

function duration(seconds) {
  if (!Number.isFinite(seconds)) return "";
  if (seconds < 60) return interpolate(gettext("%(s)s s"), { s: Math.ceil(seconds) });
  if (seconds < 3600) return interpolate(gettext("%(min)s min %(s)s s"), { min: Math.floor(seconds / 60), s: Math.round(seconds % 60) });
  return interpolate(gettext("%(h)s h %(min)s min"), { h: Math.floor(seconds / 3600), min: Math.round((seconds % 3600) / 60) });
}

export function progress(frame, status) {
  const fill = $("progress-fill");
  const text = $("progress-text");
  if (!frame) { fill.style.width = "0%"; text.textContent = gettext("not started"); return; }
  const total = frame.total_steps || 1;
  const share = Math.min(1, frame.iteration / total);
  fill.style.width = `${(share * 100).toFixed(1)}%`;
  const left = frame.steps_per_second > 0 ? (total - frame.iteration) / frame.steps_per_second : NaN;
  const tail = status === "paused" ? gettext("paused")
    : isActive(status) && share < 1 ? interpolate(gettext("about %(time)s left"), { time: duration(left) }) : "";
  text.textContent = `${Math.round(share * 100)}%${tail ? " · " + tail : ""}`;
}

const STATUS_TEXT = {
  queued: gettext("Queued: waiting for a free worker…"),
  running: gettext("Training…"),
  paused: gettext("Paused. Step runs one mini-batch; Resume continues."),
  completed: gettext("Done: all epochs trained."),
  stopped: gettext("Stopped."),
  failed: gettext("The run failed."),
  diverged: gettext("The run diverged."),
};

export function status(state, message) {
  const line = $("status");
  line.textContent = message || STATUS_TEXT[state] || state;
  line.dataset.status = state;
}

export function note(text, kind = "") {
  const line = $("status");
  line.textContent = text;
  line.dataset.status = kind;
}

/** Show (message: string, may be empty) or hide (null) the diverged-run advice. */
export function diverged(message) {
  const box = $("diverged");
  if (message == null) { box.hidden = true; return; }
  box.hidden = false;
  const head = document.createElement("strong");
  head.textContent = gettext("Training diverged: the loss became too large or not a number.");
  const body = document.createElement("p");
  body.textContent = message;
  const tips = document.createElement("ul");
  if (!message) {
    for (const tip of [
      gettext("Lower the learning rate, about ten times: each step overshoots the minimum."),
      gettext("Use a smaller network or add a little L2 regularization."),
      gettext("Try Adam, which adapts its step size, or a larger batch size for smoother steps."),
    ]) tips.append(Object.assign(document.createElement("li"), { textContent: tip }));
  }
  box.replaceChildren(head, ...(message ? [body] : [tips]));
}

/** Enable the buttons that make sense for the run's status (null: no run). */
export function buttons(runStatus, valid) {
  const active = isActive(runStatus);
  const paused = runStatus === "paused";
  $("train").disabled = paused ? false : active || !valid;
  $("train").title = valid ? (paused ? gettext("Resume") : gettext("Train")) : gettext("Fix the settings marked in red first");
  $("pause").disabled = !(runStatus === "running" || paused || runStatus === "queued");
  $("pause").textContent = paused ? gettext("Resume") : gettext("Pause");
  $("step").disabled = !(paused || (!active && valid));
  $("stop").disabled = !active;
  document.body.dataset.run = runStatus || "none";
}
