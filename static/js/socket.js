// socket.js: the one frame dispatcher. A run's websocket delivers JSON frames;
// each is handed to handlers[frame.type]. Control actions go the other way.
import { socketUrl } from "./api.js";

/**
 * Open the run's socket. `handlers` maps a frame type ("status", "metrics",
 * "boundary", "neurons", "done", "error") to a function(frame). `onClose(event)`
 * is called once when the socket closes. Returns {send(action, value), close()}.
 */
export function connect(path, handlers, onClose = () => {}) {
  const ws = new WebSocket(socketUrl(path));
  const pending = [];
  ws.addEventListener("open", () => { while (pending.length) ws.send(pending.shift()); });
  ws.addEventListener("message", (event) => {
    let frame;
    try { frame = JSON.parse(event.data); } catch { return; }
    const handler = handlers[frame.type];
    if (handler) handler(frame);
  });
  ws.addEventListener("close", (event) => onClose(event));
  return {
    send(action, value) {
      const message = JSON.stringify(value === undefined ? { action } : { action, value });
      if (ws.readyState === WebSocket.OPEN) ws.send(message);
      else if (ws.readyState === WebSocket.CONNECTING) pending.push(message);
    },
    close() { ws.close(); },
  };
}

/** Decode a base64 uint8 grid into a Float32Array of values in [lo, hi]. */
export function decodeGrid(b64, range) {
  const bytes = decodeBytes(b64);
  const [lo, hi] = range || [0, 1];
  const out = new Float32Array(bytes.length);
  const scale = (hi - lo) / 255;
  for (let i = 0; i < bytes.length; i++) out[i] = lo + bytes[i] * scale;
  return out;
}

export function decodeBytes(b64) {
  const raw = atob(b64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}
