// frames.js: where each frame of the run shown goes (socket.js hands them out, run.js opens
// the socket). Frames of a run the page no longer shows are dropped.
import { pictures } from "./forward.js";
import { decodeBoundary, decodeNeurons } from "./decode.js";
import * as panel from "./panel.js";
import * as lossChart from "./charts/loss.js";
import * as accuracyChart from "./charts/accuracy.js";
import * as network from "./charts/network.js";
import * as confusionChart from "./charts/confusion.js";
import * as gradientsChart from "./charts/gradients.js";
import * as live from "./live.js";
import { gettext, interpolate } from "./i18n.js";

const $ = (id) => document.getElementById(id);

// What the page drew, for the browser tests and `make fps` (scripts/fps.py): pictures computed from
// weights frames, metrics frames drawn, and their latency (the worker's sent_at -> drawn), the last 1,000.
const drawn = (window.playgroundDrawn = { pictures: 0, metrics: 0, latencies: [] });

/** The first picture or number of a run: how long it took after Train (the page shows it, benchmarks read it). */
function shown(run) {
  if (run.firstUpdateMs != null) return;
  run.firstUpdateMs = Math.round(performance.now() - run.pressedAt);
  document.body.dataset.firstUpdateMs = String(run.firstUpdateMs);
}

/** Weights and biases are set by hand while a run is paused, on a network the page draws from its weights. */
function allowEdits(run) {
  const editable = run.status === "paused" && run.drawsPictures;
  network.setEditing($("network"), editable ? (edit) => run.socket.send("edit_weight", edit) : null);
}

/**
 * The socket handlers of `run`, shown while app.run is it. page: predictPanel, showPictures(boundary,
 * neurons), net() (the dense network forward.js draws) and classNames() (the dataset's, or null).
 */
export function frameHandlers(run, app, page) {
  const current = (fn) => (frame) => { if (app.run === run) fn(frame); };
  return {
    status: current((f) => {
      run.status = f.status;
      if (f.status === "diverged") { panel.status(f.status); panel.diverged(f.message || ""); }
      else panel.status(f.status, f.message);
      panel.buttons(f.status, app.valid);
      panel.progress(run.last, f.status);
      page.predictPanel.setRun(run);
      allowEdits(run);
      $("stack").dataset.liveRun = String(panel.isActive(f.status)); // the sample stepper steers a live run only
    }),
    metrics: current((frames) => {
      const f = frames.at(-1);
      shown(run);
      drawn.metrics += frames.length;
      const now = Date.now() / 1000;
      for (const frame of frames) if (frame.sent_at) drawn.latencies.push(now - frame.sent_at);
      drawn.latencies.splice(0, drawn.latencies.length - 1000);
      run.last = f;
      document.dispatchEvent(new CustomEvent("playground:metrics", { detail: f })); // keys.js reads it out
      lossChart.update($("loss-chart"), frames);
      accuracyChart.update($("accuracy-chart"), frames);
      panel.counters(f);
      panel.progress(f, run.status);
    }),
    // A dense network on points: the page computes the pictures from its weights at display rate.
    weights: current((f) => {
      shown(run);
      run.drawsPictures = true;
      const { boundary, neurons } = pictures(page.net(), f);
      page.showPictures(boundary, neurons);
      drawn.pictures += 1;
      allowEdits(run);
    }),
    boundary: current((f) => { if (!run.drawsPictures) page.showPictures(decodeBoundary(f), null); }),
    neurons: current((f) => { if (!run.drawsPictures) page.showPictures(null, decodeNeurons(f)); }),
    confusion: current((f) => confusionChart.update($("confusion-chart"), f)),
    gradients: current((f) => gradientsChart.update($("gradients-chart"), f)),
    edit: current((f) => {
      const text = network.describeEdit($("network"), f);
      lossChart.mark($("loss-chart"), f.iteration, text);
      if (f.test_loss != null) {
        const loss = f.test_loss.toFixed(4);
        panel.note(interpolate(gettext("%(edit)s: the test loss is now %(loss)s."), { edit: text, loss }), "paused");
      }
    }),
    ...live.handlers(current, $("stack"), $("predictions-strip"), page.classNames, () => !app.own),
    done: current((f) => {
      run.status = f.status;
      $("stack").dataset.liveRun = "false";
      page.predictPanel.setRun(run);
      panel.buttons(f.status, app.valid);
      panel.progress(run.last, f.status);
      if (f.status === "diverged" && $("diverged").hidden) panel.diverged("");
    }),
    error: current((f) => panel.note(interpolate(gettext("The server answered: %(message)s"), { message: f.message }), "failed")),
  };
}
