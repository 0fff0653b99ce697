// form.js: two-way binding between form fields marked data-bind="spec.a.b"
// and the state object, plus small helpers for filling menus.

const PARSE = {
  number: (v) => (v === "" ? NaN : Number(v)),
  int: (v) => (v === "" ? NaN : parseInt(v, 10)),
  "nullable-number": (v) => (v === "" ? null : Number(v)),
  "nullable-int": (v) => (v === "" ? null : parseInt(v, 10)),
  ratio: (v) => Math.round((1 - Number(v)) * 100) / 100, // slider shows the training share
  bool: (v, el) => el.checked,
  string: (v) => v,
};
const FORMAT = {
  ratio: (v) => String(Math.round((1 - v) * 100) / 100),
  "nullable-number": (v) => (v == null ? "" : String(v)),
  "nullable-int": (v) => (v == null ? "" : String(v)),
};

export function getPath(obj, path) {
  return path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

export function setPath(obj, path, value) {
  const keys = path.split(".");
  const last = keys.pop();
  const target = keys.reduce((o, k) => (o[k] ??= {}), obj);
  if (value === null && (path.startsWith("spec.stop.") || path === "spec.dataset.sequence_length")) delete target[last]; // null: the default
  else target[last] = value;
}

/**
 * Listen to every [data-bind] field under root; getState() returns the object
 * the paths start from; onChange(path, value) runs after the value is set.
 */
export function bindForm(root, getState, onChange) {
  root.addEventListener("change", (event) => handle(event, getState(), onChange));
  root.addEventListener("input", (event) => {
    if (event.target.type === "range") handle(event, getState(), onChange);
  });
}

function handle(event, state, onChange) {
  const el = event.target.closest("[data-bind]");
  if (!el) return;
  const type = el.dataset.type || "string";
  const value = PARSE[type](el.value, el);
  if (typeof value === "number" && Number.isNaN(value)) return;
  setPath(state, el.dataset.bind, value);
  onChange(el.dataset.bind, value);
}

/** Put the state's values into every [data-bind] field under root. */
export function syncForm(root, state) {
  for (const el of root.querySelectorAll("[data-bind]")) {
    const value = getPath(state, el.dataset.bind);
    const type = el.dataset.type || "string";
    if (type === "bool") el.checked = Boolean(value);
    else if (document.activeElement !== el || el.type === "range") el.value = (FORMAT[type] || ((v) => (v == null ? "" : String(v))))(value);
  }
}

/** Replace a <select>'s options with [value, label] pairs (or plain strings). */
export function fillSelect(select, options) {
  select.replaceChildren(...options.map((o) => {
    const [value, label] = Array.isArray(o) ? o : [o, o];
    return new Option(label, value);
  }));
}

export function pretty(name) {
  return name.replace(/_/g, " ");
}
