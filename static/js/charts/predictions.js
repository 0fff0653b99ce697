// predictions.js: a strip of test images with the network's prediction under
// each; a wrong one is marked with the true class. Clicking an image fires a
// "pick" event ({detail: {values, h, w, index}}, index: its place in the test
// set) so the page can predict it and follow it in the live views.
// update(el, {shape, images: [base64 uint8], true, predicted, labels}) redraws.
import { canvas, paintInk, unit } from "../pixels.js";

export function render(el) {
  el.dataset.updates = "0";
  el.replaceChildren();
}

export function update(el, frame) {
  const [h, w] = frame.shape;
  const name = (c) => (frame.labels && frame.labels[c]) || String(c);
  let wrong = 0;
  el.replaceChildren(...frame.images.map((b64, i) => {
    const ok = frame.true[i] === frame.predicted[i];
    wrong += ok ? 0 : 1;
    const c = canvas();
    const values = unit(b64);
    paintInk(c, values, h, w);
    const item = document.createElement("button");
    item.type = "button";
    item.className = "prediction" + (ok ? "" : " wrong");
    item.title = `${ok ? "right" : "wrong"}: predicted ${name(frame.predicted[i])}, true ${name(frame.true[i])}. Click: predict it yourself.`;
    const label = Object.assign(document.createElement("span"), { textContent: name(frame.predicted[i]) });
    item.append(c, label);
    if (!ok) item.append(Object.assign(document.createElement("span"), { className: "truth", textContent: `≠ ${name(frame.true[i])}` }));
    item.addEventListener("click", () => el.dispatchEvent(new CustomEvent("pick", { detail: { values, h, w, index: i } })));
    return item;
  }));
  el.dataset.wrong = String(wrong);
  el.dataset.updates = String(Number(el.dataset.updates || 0) + 1);
}
