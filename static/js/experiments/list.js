// list.js: the experiments list. Compare is enabled once 2 to 6 are ticked.
import { gettext, interpolate } from "../i18n.js";

const MIN = 2;
const MAX = 6;
const form = document.getElementById("compare-form");
const button = document.getElementById("compare-button");
const count = document.getElementById("compare-count");

function update() {
  const n = form.querySelectorAll("input[name=e]:checked").length;
  button.disabled = n < MIN || n > MAX;
  count.textContent = interpolate(n === 0 ? gettext("Tick %(min)s to %(max)s experiments to compare their curves.")
    : n > MAX ? gettext("%(n)s ticked: compare at most %(max)s.")
      : n < MIN ? gettext("%(n)s ticked: tick at least %(min)s.") : gettext("%(n)s ticked."), { n, min: MIN, max: MAX });
}

if (form) {
  form.addEventListener("change", update);
  update();
}
