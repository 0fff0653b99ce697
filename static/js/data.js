// data.js: the dataset cards with their preview plots, and the points of the
// chosen dataset for the main plot (POST /api/datasets/preview/).
import { previewDataset } from "./api.js";
import * as preview from "./charts/preview.js";

/** Build one card per 2-D dataset; onPick(name) when one is chosen. */
export function renderCards(root, catalog, onPick) {
  root.replaceChildren(...catalog.datasets.filter((d) => d.kind === "points").map((d) => {
    const card = document.createElement("button");
    card.type = "button";
    card.className = "dataset-card";
    card.dataset.name = d.name;
    card.title = d.description || d.title;
    const plot = document.createElement("div");
    plot.className = "card-plot";
    preview.render(plot);
    const label = document.createElement("span");
    label.textContent = d.title;
    const task = document.createElement("span");
    task.className = "card-task";
    task.textContent = d.task === "regression" ? "regression" : d.task === "multiclass" ? "classes" : "";
    card.append(plot, label, task);
    card.addEventListener("click", () => onPick(d.name));
    return card;
  }));
}

export function markCard(root, name) {
  for (const card of root.querySelectorAll(".dataset-card")) card.classList.toggle("selected", card.dataset.name === name);
}

/** Refresh every card's preview with the current noise / seed (fewer points). */
export async function refreshCards(root, dataset) {
  await Promise.all([...root.querySelectorAll(".dataset-card")].map(async (card) => {
    const body = { name: card.dataset.name, noise: dataset.noise, samples: 200, test_fraction: 0.5, seed: dataset.seed ?? 0 };
    const result = await previewDataset(body);
    if (result.ok) preview.update(card.querySelector(".card-plot"), result.body);
  }));
}

/** The chosen dataset's points ({train, test, extent}) or null with errors. */
export async function fetchPoints(dataset, signal) {
  const result = await previewDataset(dataset, signal);
  return result.ok ? { points: result.body } : { points: null, errors: result.body && result.body.errors, aborted: result.aborted };
}
