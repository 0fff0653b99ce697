// socket.js: the one frame dispatcher. A run's websocket delivers JSON frames (defined once, in
// trainer/events.py), one per message or a list of those that waited together; they are handed out
// once per animation frame, so the page draws the newest state and never works through a backlog:
// the ORDERED types all arrive, in order (consecutive metrics frames as one array); of every other
// type (the pictures) only the newest waiting one. Control actions go the other way.
import { socketUrl } from "./api.js";

const ORDERED = new Set(["metrics", "status", "done", "error", "edit"]);
const FALLBACK_MS = 500; // a hidden tab gets no animation frames: flush now and then anyway

/**
 * Open the run's socket. `handlers` maps a frame type to a function(frame); `metrics`
 * gets an array of consecutive metrics frames. `onClose(event)` is called once when the
 * socket closes. Returns {send(action, value), close(), stats: {received, dropped}}.
 */
export function connect(path, handlers, onClose = () => {}) {
  const ws = new WebSocket(socketUrl(path));
  const pending = [];
  const stats = { received: 0, dropped: 0 };
  let queue = [];
  let scheduled = false;

  function flush() {
    scheduled = false;
    const frames = queue;
    queue = [];
    const newest = new Map();
    frames.forEach((f, i) => { if (!ORDERED.has(f.type)) newest.set(f.type, i); });
    let metrics = [];
    const deliverMetrics = () => { if (metrics.length && handlers.metrics) handlers.metrics(metrics); metrics = []; };
    frames.forEach((f, i) => {
      if (f.type === "metrics") { metrics.push(f); return; }
      deliverMetrics();
      if (newest.has(f.type) && newest.get(f.type) !== i) { stats.dropped += 1; return; }
      const handler = handlers[f.type];
      if (handler) handler(f);
    });
    deliverMetrics();
  }

  ws.addEventListener("open", () => { while (pending.length) ws.send(pending.shift()); });
  ws.addEventListener("message", (event) => {
    let message;
    try { message = JSON.parse(event.data); } catch { return; }
    for (const frame of Array.isArray(message) ? message : [message]) { // frames that waited together come as a list
      if (!frame || typeof frame.type !== "string") continue;
      stats.received += 1;
      queue.push(frame);
    }
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(flush);
      setTimeout(() => { if (queue.length) flush(); }, FALLBACK_MS);
    }
  });
  ws.addEventListener("close", (event) => { flush(); onClose(event); });
  return {
    stats,
    send(action, value) {
      // value: a number (or null), or an object of the action's fields (edit_weight's layer, unit, ...)
      const fields = value === undefined ? {} : value !== null && typeof value === "object" ? value : { value };
      const message = JSON.stringify({ action, ...fields });
      if (ws.readyState === WebSocket.OPEN) ws.send(message);
      else if (ws.readyState === WebSocket.CONNECTING) pending.push(message);
    },
    close() { ws.close(); },
  };
}
