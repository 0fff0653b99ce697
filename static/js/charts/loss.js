// loss.js: train (per mini-batch) and test loss per iteration, with a log-scale
// toggle. update(el, [metricsFrame, ...]) appends; update(el, {log: bool}) switches the axis;
// mark(el, iteration, text) marks a weight or bias set by hand where it was set.
import * as lines from "./lines.js";
import { gettext } from "../i18n.js";
import { PALETTE } from "../colors.js";

export function render(el) {
  el.dataset.updates = "0";
  lines.create(el, {
    series: [
      { name: gettext("train (batch)"), color: PALETTE.batch, width: 1 },
      { name: gettext("train"), color: PALETTE.blue },
      { name: gettext("test"), color: PALETTE.orange },
    ],
    xTitle: gettext("iteration"), yTitle: gettext("loss"),
  });
}

export function update(el, payload) {
  if ("log" in payload) {
    lines.setLog(el, payload.log);
    return;
  }
  const points = [[], [], []];
  for (const frame of payload) {
    points[0].push(...(frame.points || []));
    if (frame.train_loss != null) points[1].push([frame.iteration, frame.train_loss]);
    if (frame.test_loss != null) points[2].push([frame.iteration, frame.test_loss]);
  }
  lines.extend(el, points);
  el.dataset.updates = String(Number(el.dataset.updates) + 1);
}

export const mark = (el, iteration, text) => lines.mark(el, iteration, text);
