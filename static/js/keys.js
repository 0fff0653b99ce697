// keys.js: the playground from the keyboard, and its training in words for screen
// readers. Space trains / pauses / resumes, ArrowRight steps a paused run: both
// press the page's own buttons (#train, #pause, #step), so they do exactly what a
// click does and nothing while that button is disabled. Keys typed into a field,
// or pressed on a focused button, link or other control, are left to it.
// The charts' text alternative: #chart-summary (aria-live="polite") reads the
// counters and the latest metrics frame (frames.js hands it over), at most once every 2 s.
import { gettext, interpolate } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const ANNOUNCE_EVERY_MS = 2000;
// Where Space and the arrows already mean something: typing, pressing, choosing, scrolling a box.
const OWN_KEYS = "input, textarea, select, button, a[href], summary, audio, video, dialog, [contenteditable]:not([contenteditable=false]), "
  + "[role=button], [role=checkbox], [role=radio], [role=slider], [role=spinbutton], [role=switch], [role=tab], [role=menuitem], [role=option], "
  + "[role=textbox], [role=combobox], [role=listbox], [tabindex]:not([tabindex='-1'])";

/** True when the key belongs to the focused element (or an open dialog), not to the page. */
function ownedByFocus(event) {
  const target = event.target instanceof Element ? event.target : null;
  if (target && target !== document.body && target.closest(OWN_KEYS)) return true;
  if (target && target.isContentEditable) return true;
  return Boolean(document.querySelector("dialog[open]"));
}

function scrollsSideways(target) {
  if (!(target instanceof Element) || target === document.body) return false;
  return target.scrollWidth > target.clientWidth && ["auto", "scroll"].includes(getComputedStyle(target).overflowX);
}

function press(id) {
  const button = $(id);
  if (!button || button.disabled) return false;
  button.click();
  return true;
}

/** Space: start a run when there is none, else pause a running one or resume a paused one. */
function toggleRun() {
  const status = document.body.dataset.run || "none";
  if (status === "running" || status === "queued" || status === "paused") return press("pause");
  return press("train");
}

function onKey(event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
  const space = event.key === " " || event.code === "Space";
  const right = event.key === "ArrowRight";
  if ((!space && !right) || ownedByFocus(event)) return;
  if (right && scrollsSideways(event.target)) return; // a focused box that scrolls (the network diagram on a phone)
  if (space) {
    event.preventDefault(); // not a page scroll
    if (!event.repeat) toggleRun();
  } else if (document.body.dataset.run === "paused") {
    event.preventDefault();
    press("step");
  }
}

// --- the charts in words ---------------------------------------------------------------

const text = (id) => ($(id)?.textContent || "").trim();

// The run's latest metrics frame (frames.js sends each as a "playground:metrics" event; null: no run).
let latest = null;
document.addEventListener("playground:metrics", (event) => { latest = event.detail; });
const finite = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);

const number = (v) => Number(v.toPrecision(4)).toLocaleString();
const percent = (v) => `${(v * 100).toFixed(1)}%`;

/** One sentence: where the run is and how well it does; "" before its first step. */
export function summary() {
  const iteration = text("c-iteration");
  if (!iteration || iteration === "0") return "";
  const parts = [
    interpolate(gettext("Epoch %(epoch)s, iteration %(iteration)s"), { epoch: text("c-epoch"), iteration }),
  ];
  const f = latest || {};
  const [train, test, rmse, accuracy] = [f.train_loss, f.test_loss, f.test_rmse, f.test_accuracy].map(finite);
  if (train != null) parts.push(interpolate(gettext("training loss %(loss)s"), { loss: number(train) }));
  if (test != null) parts.push(interpolate(gettext("test loss %(loss)s"), { loss: number(test) }));
  if (rmse != null) parts.push(interpolate(gettext("test RMSE %(rmse)s"), { rmse: number(rmse) }));
  else if (accuracy != null) parts.push(interpolate(gettext("test accuracy %(accuracy)s"), { accuracy: percent(accuracy) }));
  return parts.join(", ") + ".";
}

/** Keep #chart-summary in step with the counters, at most once every ANNOUNCE_EVERY_MS. */
function announceProgress() {
  const region = $("chart-summary");
  const watched = ["c-iteration", "c-epoch"].map($).filter(Boolean);
  if (!region || !watched.length) return;
  let last = -Infinity;
  let timer = null;
  const write = () => {
    timer = null;
    last = performance.now();
    const sentence = summary();
    if (sentence && region.textContent !== sentence) region.textContent = sentence;
  };
  const schedule = () => {
    if (timer) return; // the pending write reads the newest values
    const wait = last + ANNOUNCE_EVERY_MS - performance.now();
    if (wait <= 0) write();
    else timer = setTimeout(write, wait);
  };
  const observer = new MutationObserver(schedule);
  for (const el of watched) observer.observe(el, { childList: true, characterData: true, subtree: true });
}

/** Wire the keys and the live summary; call once, after the page's buttons exist. */
export function bindKeys() {
  document.addEventListener("keydown", onKey);
  announceProgress();
}
