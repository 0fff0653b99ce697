// code.js: the Code panel. The same model as a few lines of Python
// (trainer.keras, generated on the server from the spec), to copy or download.
import * as api from "./api.js";
import { el as h } from "./dom.js";
import { gettext } from "./i18n.js";

/** Builds the panel in `el`; returns update(spec), cheap while the panel is closed. */
export function attachCode(el) {
  const button = (action, text) => h("button", { type: "button", class: "small-button", "data-action": action, text });
  el.replaceChildren(h("details", { class: "code-panel" },
    h("summary", {}, h("h2", { text: gettext("Code") }),
      h("span", { class: "muted small", text: gettext("the same model in Python, with trainer.keras: same seed, same numbers") })),
    h("div", { class: "code-actions" }, button("copy", gettext("Copy")), button("download", gettext("Download .py")),
      h("span", { class: "muted small", "data-role": "note" })),
    h("pre", { class: "code" }, h("code", { "data-role": "script", text: "…" }))));
  const details = el.querySelector("details");
  const code = el.querySelector("[data-role=script]");
  const note = el.querySelector("[data-role=note]");
  let spec = null, shown = null, filename = "playground_model.py", abort = null;

  async function refresh() {
    if (!details.open || !spec || JSON.stringify(spec) === shown) return;
    abort?.abort();
    abort = new AbortController();
    const wanted = JSON.stringify(spec);
    const result = await api.specCode(spec, abort.signal);
    if (result.aborted) return;
    if (result.ok) {
      code.textContent = result.body.script;
      filename = result.body.filename;
      shown = wanted;
      note.textContent = "";
    } else {
      const errors = (result.body && result.body.errors) || [];
      code.textContent = `# ${gettext("Fix the settings marked in red first:")}\n` + errors.map((e) => `#   ${e.path || "spec"}: ${e.message}`).join("\n");
      shown = null;
    }
  }

  details.addEventListener("toggle", refresh);
  el.querySelector("[data-action=copy]").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(code.textContent);
      note.textContent = gettext("Copied.");
    } catch {
      const range = document.createRange();  // no clipboard (plain http): select it for Ctrl+C
      range.selectNodeContents(code);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      note.textContent = gettext("Selected: press Ctrl+C.");
    }
  });
  el.querySelector("[data-action=download]").addEventListener("click", () => {
    const link = Object.assign(document.createElement("a"), {
      href: URL.createObjectURL(new Blob([code.textContent], { type: "text/x-python" })), download: filename,
    });
    link.click();
    URL.revokeObjectURL(link.href);
  });
  return (next) => { spec = structuredClone(next); refresh(); };
}
