// datasets/picker.js: uploaded datasets in the playground's picker. The catalog lists
// them with uploaded: true and ready (false while the upload is processed); a spec
// names one with just {name, test_fraction, seed}: its size and noise are the file's.
import { gettext, interpolate } from "../i18n.js";

const UPLOAD_KEYS = ["name", "test_fraction", "seed"];

/** The dataset object a spec may send for an uploaded set (in place). */
export function uploadedDataset(dataset) {
  const out = { test_fraction: 0.2, seed: 0, ...dataset };
  for (const key of Object.keys(out)) if (!UPLOAD_KEYS.includes(key)) delete out[key];
  return out;
}

/** Badge the uploaded sets' cards; one not ready is greyed and cannot be picked. */
export function markUploads(root, catalog) {
  for (const d of catalog.datasets.filter((x) => x.uploaded)) {
    const card = root.querySelector(`.dataset-card[data-name="${CSS.escape(d.name)}"]`);
    if (!card) continue;
    card.classList.add("uploaded");
    card.dataset.uploaded = "true";
    card.disabled = !d.ready;
    const badge = card.querySelector(".card-task") || card.appendChild(document.createElement("span"));
    badge.textContent = d.ready ? interpolate(gettext("uploaded · v%(version)s"), { version: d.version })
      : interpolate(gettext("processing %(progress)s%"), { progress: d.progress });
    card.title = d.ready ? interpolate(gettext("%(title)s (uploaded, %(n)s samples)"), { title: d.title, n: d.default_samples })
      : gettext("Still being processed: selectable once it is ready");
  }
}

/** Noise and sample count belong to generated sets: hide them for an uploaded one. */
export function showDatasetControls(root, info) {
  for (const path of ["dataset.noise", "dataset.samples"]) {
    const input = root.querySelector(`[data-path="${path}"]`);
    const row = input && input.closest("label");
    if (row) row.hidden = Boolean(info && info.uploaded);
  }
}
