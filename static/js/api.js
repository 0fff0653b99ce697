// api.js: the JSON API, one function per endpoint, and the one request helper (CSRF
// included) every module uses. Every call resolves to {ok, status, body}; network
// failures resolve too (status 0), never throw; an aborted one has aborted: true.
import { gettext, interpolate } from "./i18n.js";

function csrfToken() {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

/** body: an object (sent as JSON) or JSON text (sent as is: an imported file the server's parser checks). */
export async function request(method, url, body, signal) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    headers["X-CSRFToken"] = csrfToken();
  }
  try {
    const response = await fetch(url, {
      method, headers, signal, credentials: "same-origin",
      body: body === undefined || typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = { errors: [{ path: "", message: text.slice(0, 200) }] }; }
    // A limit (429) answers {"error": "..."}: shown like any other error.
    if (parsed && typeof parsed.error === "string" && !parsed.errors) parsed.errors = [{ path: "", message: parsed.error }];
    return { ok: response.ok, status: response.status, body: parsed };
  } catch (err) {
    if (err.name === "AbortError") return { ok: false, status: -1, body: null, aborted: true };
    return { ok: false, status: 0, body: { errors: [{ path: "", message: interpolate(gettext("The server cannot be reached: %(error)s"), { error: err.message }) }] } };
  }
}

// spec: an object, or the JSON text of one.
export const validateSpec = (spec, signal) => request("POST", "/api/specs/validate/", spec, signal);
export const specCode = (spec, signal) => request("POST", "/api/specs/code/", spec, signal);
// levels: every token level of a text set too (slow: the data panel only, never the cards' thumbnails).
export const previewDataset = (dataset, signal, { levels = false } = {}) =>
  request("POST", `/api/datasets/preview/${levels ? "?levels=1" : ""}`, dataset, signal);
export const createRun = (spec, stepsPerSecond, paused = false) =>
  request("POST", "/api/runs/", { spec, steps_per_second: stepsPerSecond, ...(paused ? { paused } : {}) });
export const getRun = (id) => request("GET", `/api/runs/${id}/`);
export const predictRun = (id, body) => request("POST", `/api/runs/${id}/predict/`, body);
export const saveExperiment = (fields) => request("POST", "/api/experiments/", fields);
export const compareFigures = (params, signal) => request("GET", `/api/experiments/compare/?${params}`, undefined, signal);

/** The websocket URL for a path such as "/ws/runs/3/", on this page's host. */
export function socketUrl(path) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}
