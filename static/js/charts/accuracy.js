// accuracy.js: train / test accuracy per iteration for classification, or
// RMSE (train, test) and test R² for regression. update(el, [metricsFrame, ...]) appends;
// render(el, task) clears and relabels for a new run.
import * as lines from "./lines.js";
import { gettext } from "../i18n.js";
import { PALETTE } from "../colors.js";

const percent = (v) => `${Math.round(v * 100)}%`;

const SERIES = {
  classification: {
    keys: ["train_accuracy", "test_accuracy"],
    options: () => ({
      series: [{ name: gettext("train"), color: PALETTE.blue }, { name: gettext("test"), color: PALETTE.orange }],
      xTitle: gettext("iteration"), yTitle: gettext("accuracy"), yRange: [0, 1.02], format: percent,
    }),
  },
  regression: {
    keys: ["train_rmse", "test_rmse", "test_r2"],
    options: () => ({
      series: [
        { name: gettext("train RMSE"), color: PALETTE.blue },
        { name: gettext("test RMSE"), color: PALETTE.orange },
        { name: gettext("test R²"), color: "#2ca02c", dash: true, right: true },
      ],
      xTitle: gettext("iteration"), yTitle: "RMSE", y2Title: "R²", y2Range: [-0.1, 1.02],
    }),
  },
};

export function render(el, task = "binary") {
  const kind = task === "regression" ? "regression" : "classification";
  el.dataset.kind = kind;
  el.dataset.updates = "0";
  lines.create(el, SERIES[kind].options());
}

export function update(el, payload) {
  const { keys } = SERIES[el.dataset.kind];
  lines.extend(el, keys.map((key) => payload.filter((f) => f[key] != null).map((f) => [f.iteration, f[key]])));
  el.dataset.updates = String(Number(el.dataset.updates) + 1);
}
