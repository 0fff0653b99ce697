// data.js: the dataset cards with their previews (points, a few sample images,
// a few sample sentences), and the chosen dataset's preview for the main plot
// or the preview panel (POST /api/datasets/preview/).
import { previewDataset } from "./api.js";
import * as preview from "./charts/preview.js";
import { uploadedDataset } from "./datasets/picker.js";
import { paintInk } from "./pixels.js";
import { gettext, interpolate } from "./i18n.js";

const KINDS = [["points", gettext("2-D points")], ["images", gettext("Images")], ["text", gettext("Text")], ["tabular", gettext("Tables")]];
const MOSAIC = 3; // an image card shows MOSAIC x MOSAIC samples

/** Build one card per dataset, grouped by kind; onPick(name) when one is chosen. */
export function renderCards(root, catalog, onPick) {
  const groups = KINDS.map(([kind, title]) => [kind, title, catalog.datasets.filter((d) => d.kind === kind)]).filter(([, , list]) => list.length);
  root.replaceChildren(...groups.flatMap(([kind, title, list]) => [
    Object.assign(document.createElement("div"), { className: "card-group", textContent: title }),
    ...list.map((d) => card(d, kind, onPick)),
  ]));
}

function card(d, kind, onPick) {
  const card = document.createElement("button");
  card.type = "button";
  card.className = "dataset-card";
  card.dataset.name = d.name;
  card.dataset.kind = kind;
  card.title = d.description || d.title;
  const plot = document.createElement("div");
  plot.className = "card-plot";
  if (kind === "points") preview.render(plot);
  else plot.append(document.createElement(kind === "images" ? "canvas" : "div"));
  const label = document.createElement("span");
  label.textContent = d.title;
  const task = document.createElement("span");
  task.className = "card-task";
  task.textContent = d.task === "regression" ? gettext("regression") : d.task === "multiclass" ? gettext("classes") : "";
  card.append(plot, label, task);
  card.addEventListener("click", () => onPick(d.name));
  return card;
}

export function markCard(root, name) {
  for (const card of root.querySelectorAll(".dataset-card")) card.classList.toggle("selected", card.dataset.name === name);
}

/** Refresh every card's preview with the current noise / seed (fewer samples). */
export async function refreshCards(root, dataset) {
  await Promise.all([...root.querySelectorAll(".dataset-card")].map(async (card) => {
    const kind = card.dataset.kind;
    const body = { name: card.dataset.name, samples: kind === "points" ? 200 : 60, test_fraction: 0.5, seed: dataset.seed ?? 0 };
    if (kind !== "text") body.noise = dataset.noise ?? 0;
    else body.tokens = "word";  // a thumbnail needs no morpheme analyzer
    const result = await previewDataset(card.dataset.uploaded ? uploadedDataset(body) : body);
    if (!result.ok) return;
    const plot = card.querySelector(".card-plot");
    if (kind === "points") preview.update(plot, result.body);
    else if (kind === "images") paintMosaic(plot.querySelector("canvas"), result.body);
    else if (kind === "text") plot.firstChild.replaceChildren(...result.body.samples.slice(0, 3).map((s) => Object.assign(document.createElement("p"), { textContent: s.text })));
    else plot.firstChild.textContent = interpolate(gettext("a table of %(n)s features"), { n: (result.body.histograms || []).length + (result.body.more || 0) });
  }));
}

/** The first MOSAIC² images side by side on one canvas. */
function paintMosaic(target, p) {
  const [h, w] = p.shape;
  const tile = document.createElement("canvas");
  target.width = w * MOSAIC + MOSAIC - 1;
  target.height = h * MOSAIC + MOSAIC - 1;
  const ctx = target.getContext("2d");
  ctx.fillStyle = "#e3e7ec";
  ctx.fillRect(0, 0, target.width, target.height);
  p.images.slice(0, MOSAIC * MOSAIC).forEach((b64, i) => {
    paintInk(tile, b64, h, w);
    ctx.drawImage(tile, (i % MOSAIC) * (w + 1), Math.floor(i / MOSAIC) * (h + 1));
  });
}

/** The chosen dataset's points ({train, test, extent}) or null with errors; options.levels: a text set's token levels too. */
export async function fetchPoints(dataset, signal, options = {}) {
  const result = await previewDataset(dataset, signal, options);
  return result.ok ? { points: result.body } : { points: null, errors: result.body && result.body.errors, aborted: result.aborted };
}
