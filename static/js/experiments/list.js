// list.js: the experiments list. Compare is enabled once 2 to 6 are ticked.
const MIN = 2;
const MAX = 6;
const form = document.getElementById("compare-form");
const button = document.getElementById("compare-button");
const count = document.getElementById("compare-count");

function update() {
  const n = form.querySelectorAll("input[name=e]:checked").length;
  button.disabled = n < MIN || n > MAX;
  count.textContent = n === 0 ? `Tick ${MIN} to ${MAX} experiments to compare their curves.`
    : n > MAX ? `${n} ticked: compare at most ${MAX}.` : `${n} ticked${n < MIN ? `: tick at least ${MIN}` : ""}.`;
}

if (form) {
  form.addEventListener("change", update);
  update();
}
