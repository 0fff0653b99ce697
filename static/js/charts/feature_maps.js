// feature_maps.js: one layer's activations for one sample, a small picture per
// channel (white -> blue; orange / blue where they take both signs), or an
// input image (ink). update(el, {shape: [h, w, c], range, maps: [base64 uint8],
// caption}) redraws; update(el, {input, input_shape, caption}) draws the sample.
import { canvas, paintInk, paintMap } from "../pixels.js";

export function render(el) {
  el.dataset.updates = "0";
  el.replaceChildren();
}

const size = (h) => Math.min(72, Math.max(32, h * 6));

export function update(el, payload) {
  const cells = [];
  if (payload.input) {
    const [h, w] = payload.input_shape;
    const c = canvas("map input");
    paintInk(c, payload.input, h, w);
    c.style.width = c.style.height = `${Math.max(size(h), 56)}px`;
    cells.push(c);
  } else {
    const [h, w] = payload.shape;
    payload.maps.forEach((b64, i) => {
      const c = canvas("map");
      paintMap(c, b64, h, w, payload.range);
      c.style.width = c.style.height = `${size(h)}px`;
      c.title = `channel ${i + 1}`;
      cells.push(c);
    });
  }
  const caption = Object.assign(document.createElement("div"), { className: "map-caption muted", textContent: payload.caption || "" });
  el.replaceChildren(Object.assign(document.createElement("div"), { className: "maps" }), caption);
  el.firstChild.append(...cells);
  el.dataset.updates = String(Number(el.dataset.updates || 0) + 1);
}
