// panel.js: the run's read-outs: counters, progress bar, status line, buttons
// and the plain-words advice for a diverged run.
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
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function progress(frame, status) {
  const fill = $("progress-fill");
  const text = $("progress-text");
  if (!frame) { fill.style.width = "0%"; text.textContent = "not started"; return; }
  const total = frame.total_steps || 1;
  const share = Math.min(1, frame.iteration / total);
  fill.style.width = `${(share * 100).toFixed(1)}%`;
  const left = frame.steps_per_second > 0 ? (total - frame.iteration) / frame.steps_per_second : NaN;
  const tail = status === "paused" ? "paused" : isActive(status) && share < 1 ? `about ${duration(left)} left` : "";
  text.textContent = `${Math.round(share * 100)}%${tail ? " · " + tail : ""}`;
}

const STATUS_TEXT = {
  queued: "Queued: waiting for a free worker…",
  running: "Training…",
  paused: "Paused. Step runs one mini-batch; Resume continues.",
  completed: "Done: all epochs trained.",
  stopped: "Stopped.",
  failed: "The run failed.",
  diverged: "The run diverged.",
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
  head.textContent = "Training diverged: the loss became too large or not a number.";
  const body = document.createElement("p");
  body.textContent = message;
  const tips = document.createElement("ul");
  if (!message) {
    for (const tip of [
      "Lower the learning rate, about ten times: each step overshoots the minimum.",
      "Use a smaller network or add a little L2 regularization.",
      "Try Adam, which adapts its step size, or a larger batch size for smoother steps.",
    ]) tips.append(Object.assign(document.createElement("li"), { textContent: tip }));
  }
  box.replaceChildren(head, ...(message ? [body] : [tips]));
}

/** Enable the buttons that make sense for the run's status (null: no run). */
export function buttons(runStatus, valid) {
  const active = isActive(runStatus);
  const paused = runStatus === "paused";
  $("train").disabled = paused ? false : active || !valid;
  $("train").title = valid ? (paused ? "Resume" : "Train") : "Fix the settings marked in red first";
  $("pause").disabled = !(runStatus === "running" || paused || runStatus === "queued");
  $("pause").textContent = paused ? "Resume" : "Pause";
  $("step").disabled = !(paused || (!active && valid));
  $("stop").disabled = !active;
  document.body.dataset.run = runStatus || "none";
}
