// run.js: a run's life on the page. It starts one (or, after a reload, watches this tab's last
// one again), keeps its socket open (reconnecting), lets a paused run go on, and abandons it
// when the settings change. app.run is the run shown; frames.js routes its frames.
import * as api from "./api.js";
import { connect } from "./socket.js";
import { frameHandlers } from "./frames.js";
import { toHash } from "./state.js";
import { showErrors } from "./errors.js";
import * as panel from "./panel.js";
import { gettext } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const LAST_RUN = "playground.lastRun"; // sessionStorage: {id, ws, hash} of this tab's last run

/** Tell the page's other modules which run it shows (experiments/playground.js saves it). */
function announceRun(run) {
  document.dispatchEvent(new CustomEvent("playground:run", { detail: run && { id: run.id } }));
}

/**
 * The page's runs over the shared `app` ({state, valid, run, ...}). page: clearOutputs() and
 * predictPanel, plus what frames.js draws with (frameHandlers' page).
 */
export function attachRuns(app, page) {
  const liveRun = () => app.run && panel.isActive(app.run.status);

  function openSocket(run) {
    announceRun(run);
    run.socket = connect(run.ws, frameHandlers(run, app, page), () => {
      if (run.closed || app.run !== run || !panel.isActive(run.status) || run.retries >= 5) return;
      run.retries += 1;
      panel.note(gettext("Connection lost; reconnecting…"));
      setTimeout(() => { if (app.run === run) { page.clearOutputs(); openSocket(run); } }, 1000 * run.retries);
    });
  }

  function abandonRun(message) {
    if (!app.run) return;
    if (liveRun()) app.run.socket.send("stop");
    app.run.closed = true;
    app.run.socket.close();
    app.run = null;
    announceRun(null);
    page.clearOutputs();
    panel.note(message);
    panel.buttons(null, app.valid);
  }

  /** Create a run and watch it. paused: it starts paused and, unless `step` is false (weights to set
   * by hand before training), takes one step: Step from idle. */
  async function startRun({ paused = false, step = true } = {}) {
    if (app.starting) return;
    app.starting = true;
    $("train").disabled = $("step").disabled = true;
    abandonRun("");
    page.clearOutputs();
    panel.note(gettext("Starting…"));
    const pressedAt = performance.now();
    const speed = app.state.view.speed ?? null;
    const result = await api.createRun(app.state.spec, speed, paused);
    app.starting = false;
    if (!result.ok) {
      panel.buttons(null, app.valid);
      showErrors(document.body, $("spec-errors"), (result.body && result.body.errors) || [{ path: "", message: `HTTP ${result.status}` }]);
      panel.note(gettext("The server did not start the run: see the messages in red."), "failed");
      return;
    }
    const run = { id: result.body.id, ws: result.body.ws, status: "queued", pressedAt, firstUpdateMs: null, retries: 0, last: null };
    app.run = run;
    sessionStorage.setItem(LAST_RUN, JSON.stringify({ id: run.id, ws: run.ws, hash: toHash(app.state) }));
    openSocket(run);
    if (paused && step) run.socket.send("step");
    panel.buttons(run.status, app.valid);
  }

  /** Resume or step a paused run; points drawn meanwhile go first, so it goes on with them. */
  function goOn(action) {
    if (app.run.newData && !app.valid) {
      panel.note(gettext("Fix the points marked in red first: the run goes on with them."), "invalid");
      return;
    }
    if (app.run.newData) {
      app.run.socket.send("set_dataset", { dataset: app.state.spec.dataset });
      app.run.newData = false;
    }
    app.run.socket.send(action);
  }

  /**
   * After a reload: if this tab's last run had this very setup, watch it again;
   * the socket replays its history (metrics, latest boundary and neurons) first.
   */
  async function resumeLastRun() {
    let last = null;
    try { last = JSON.parse(sessionStorage.getItem(LAST_RUN)); } catch { /* nothing stored */ }
    if (!last || last.hash !== toHash(app.state)) return;
    const result = await api.getRun(last.id);
    if (!result.ok || app.run) return;
    const run = { id: last.id, ws: last.ws, status: result.body.status, pressedAt: performance.now(),
      firstUpdateMs: null, retries: 0, last: null };
    app.run = run;
    panel.status(run.status, result.body.message);
    panel.buttons(run.status, app.valid);
    page.predictPanel.setRun(run);
    openSocket(run);
  }

  return { liveRun, startRun, goOn, abandonRun, resumeLastRun };
}
