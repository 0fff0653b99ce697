// probabilities.js: a prediction's class probabilities as bars, the predicted
// class highlighted. update(el, {classes, probabilities, predicted}).
export function render(el) {
  el.dataset.updates = "0";
  el.replaceChildren();
}

export function update(el, { classes, probabilities, predicted }) {
  el.replaceChildren(...classes.map((name, i) => {
    const p = probabilities[i];
    const row = document.createElement("div");
    row.className = "prob" + (i === predicted ? " predicted" : "");
    row.dataset.class = name;
    const label = Object.assign(document.createElement("span"), { className: "prob-label", textContent: name });
    const bar = Object.assign(document.createElement("span"), { className: "prob-bar" });
    bar.append(Object.assign(document.createElement("span"), { className: "prob-fill" }));
    bar.firstChild.style.width = `${(p * 100).toFixed(1)}%`;
    const value = Object.assign(document.createElement("span"), { className: "prob-value", textContent: `${(p * 100).toFixed(1)}%` });
    row.append(label, bar, value);
    return row;
  }));
  el.dataset.updates = String(Number(el.dataset.updates || 0) + 1);
}
