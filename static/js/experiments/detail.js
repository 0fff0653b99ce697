// detail.js: the experiment page: its server-built figures, "Open in playground"
// (the stored spec as the playground's URL state) and, while one of its runs
// is still training, a watch on that run's socket that reloads the page at the end.
import { readFigures, renderAll } from "./figures.js";
import { DEFAULT_VIEW, toHash } from "../state.js";
import { connect } from "../socket.js";
import { gettext } from "../i18n.js";

const $ = (id) => document.getElementById(id);

function openInPlayground() {
  const link = $("open-playground");
  if (!link) return;
  const spec = JSON.parse($("exp-spec").textContent);
  link.href = "/#" + toHash({ spec, view: DEFAULT_VIEW });
}

function copyCode() {
  const button = $("copy-code");
  if (!button) return;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($("exp-code").textContent);
      $("copy-note").textContent = gettext("Copied.");
    } catch {  // no clipboard on plain http: select the code for Ctrl+C
      getSelection().selectAllChildren($("exp-code"));
      $("copy-note").textContent = gettext("Selected: press Ctrl+C.");
    }
  });
}

// A run's status in words (the values stay the server's; the template writes the first one the same way).
const STATUS = {
  queued: gettext("queued"), running: gettext("running"), paused: gettext("paused"), completed: gettext("completed"),
  stopped: gettext("stopped"), failed: gettext("failed"), diverged: gettext("diverged"),
};

function watchActiveRuns() {
  const runs = JSON.parse($("active-runs").textContent || "[]");
  for (const run of runs) {
    connect(run.ws, {
      status: (f) => { if ($("run-status") && run.id === runs[0].id) $("run-status").textContent = STATUS[f.status] || f.status; },
      done: () => setTimeout(() => location.reload(), 600), // the stored result is complete once `done` is out
    });
  }
}

renderAll(readFigures());
openInPlayground();
copyCode();
watchActiveRuns();
if ($("snapshots-pending")) setTimeout(() => location.reload(), 1500); // the server replays a short run for its slider
