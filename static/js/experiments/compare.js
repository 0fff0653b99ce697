// compare.js: the compare page. The figures come from the server; the smoothing
// slider asks the server for them again (one smoothing formula, in Python).
import { compareFigures } from "../api.js";
import { readFigures, renderAll, renderFigure } from "./figures.js";

const $ = (id) => document.getElementById(id);
let timer = null;
let pending = null;

async function resmooth(value) {
  const slugs = ($("compare").dataset.slugs || "").split(",").filter(Boolean);
  const params = new URLSearchParams(slugs.map((s) => ["e", s]));
  params.set("smoothing", value);
  pending?.abort();
  pending = new AbortController();
  const { ok, body } = await compareFigures(params, pending.signal);
  if (!ok) return; // aborted by a newer value, or no answer: the figures stay
  await Promise.all([...document.querySelectorAll("[data-figure]")]
    .filter((el) => body.figures[el.dataset.figure])
    .map((el) => renderFigure(el, body.figures[el.dataset.figure])));
  const url = new URL(location.href);
  url.searchParams.set("smoothing", value);
  history.replaceState(null, "", url);
  document.body.dataset.smoothing = String(value);
}

function init() {
  renderAll(readFigures());
  const slider = $("smoothing");
  if (!slider) return;
  slider.addEventListener("input", () => {
    $("smoothing-out").textContent = slider.value;
    clearTimeout(timer);
    timer = setTimeout(() => resmooth(slider.value), 150);
  });
}

init();
