// tokens.js: the tokens a recurrent layer reads, one chip per step, in order.
// update(el, {tokens, caption}) redraws.
export function render(el) {
  el.dataset.updates = "0";
  el.replaceChildren();
}

export function update(el, { tokens, caption }) {
  const chips = tokens.map((t, i) => Object.assign(document.createElement("span"), {
    className: "token" + (t === "<oov>" ? " oov" : ""), textContent: t, title: `step ${i + 1}`,
  }));
  const line = Object.assign(document.createElement("div"), { className: "tokens-line" });
  line.append(...chips);
  el.replaceChildren(line, Object.assign(document.createElement("div"), { className: "map-caption muted", textContent: caption || "" }));
  el.dataset.updates = String(Number(el.dataset.updates || 0) + 1);
}
