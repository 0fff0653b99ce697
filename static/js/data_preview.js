// data_preview.js: the chosen dataset up close. Images: a grid of training
// samples with their class. Text: the preprocessing pipeline step by step for
// a few samples (cleanup, tokens, stop words, indices, padding, bag of words),
// the vocabulary with counts, and the length histogram with the cut.
// update(root, preview) takes POST /api/datasets/preview/'s answer.
import { canvas, paintInk } from "./pixels.js";
import * as lengthsChart from "./charts/lengths.js";
import * as levelsChart from "./charts/levels.js";
import { box as el } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";


function images(root, p) {
  const [h, w] = p.shape;
  const grid = el("div", "sample-grid");
  p.images.forEach((b64, i) => {
    const figure = el("figure", "sample");
    const c = canvas();
    paintInk(c, b64, h, w);
    figure.append(c, el("figcaption", "", p.class_names[p.labels[i]] ?? String(p.labels[i])));
    grid.append(figure);
  });
  root.replaceChildren(
    el("p", "hint", interpolate(gettext("%(train)s training and %(test)s test images of %(h)s×%(w)s pixels, values scaled to 0–1 (ink dark here). The first %(n)s training images:"),
      { train: p.n_train.toLocaleString(), test: p.n_test.toLocaleString(), h, w, n: p.images.length })),
    grid);
}

const chip = (text, className = "") => el("span", `token ${className}`.trim(), text);

function step(name, ...content) {
  const row = el("div", "step");
  const body = el("div", "step-body");
  body.append(...content);
  row.append(el("span", "step-name", name), body);
  return row;
}

function sampleCard(s, p) {
  const card = el("div", "text-sample");
  const kept = new Set(s.kept);
  const oov = new Set(s.oov);
  const counts = new Map();
  for (const t of s.kept) counts.set(t, (counts.get(t) || 0) + 1);
  const pad = s.padded.length - Math.min(s.sequence.length, s.padded.length);
  card.append(
    el("div", "sample-label", p.class_names[s.label] ?? String(s.label)),
    step(gettext("text"), el("span", "raw", s.text)),
    step(gettext("1 cleanup"), el("span", "", s.cleaned || "∅")),
    step(gettext("2–3 tokens"), ...s.tokens.map((t) => chip(t, kept.has(t) ? "" : "stop"))),
    step(gettext("4 bag of words"), ...[...counts].map(([t, n]) => chip(n > 1 ? `${t} ×${n}` : t, oov.has(t) ? "oov" : ""))),
    step(gettext("5 indices"), ...s.kept.map((t, i) => chip(`${t}→${s.sequence[i]}`, oov.has(t) ? "oov" : ""))),
    step(interpolate(gettext("6 padded to %(n)s"), { n: s.padded.length }), el("code", "", `[${s.padded.join(", ")}]`),
      s.truncated ? el("span", "note warn", " " + gettext("truncated: longer than the cut")) : el("span", "note muted", pad ? ` ${pad} × <pad>` : "")));
  return card;
}

function text(root, p) {
  const samples = el("div", "text-samples");
  samples.append(...p.samples.map((s) => sampleCard(s, p)));
  const vocab = el("div", "vocab");
  p.vocab.forEach(([word, count], i) => {
    const item = chip(`${word} ${count || ""}`.trim(), i < 2 ? "special" : "");
    item.title = count ? interpolate(gettext("index %(i)s, %(n)s times in the training texts"), { i, n: count })
      : interpolate(gettext("index %(i)s"), { i });
    vocab.append(item);
  });
  const histogram = el("div", "chart lengths-chart");
  const levels = el("div", "levels");
  root.replaceChildren(
    el("p", "hint", interpolate(gettext("%(train)s training and %(test)s test texts. Each text goes through the steps below; struck-through tokens are stop words, red ones are out of the vocabulary (<oov>)."),
      { train: p.n_train.toLocaleString(), test: p.n_test.toLocaleString() })),
    ...(p.credit ? [el("p", "credit small muted", p.credit)] : []),
    ...(p.levels ? [el("h3", "", gettext("One sample at every token level")), levels] : []),
    samples,
    el("h3", "", p.vocab.length < p.vocab_size
      ? interpolate(gettext("Vocabulary: %(size)s entries, by frequency (the first %(n)s)"), { size: p.vocab_size.toLocaleString(), n: p.vocab.length })
      : interpolate(gettext("Vocabulary: %(size)s entries, by frequency"), { size: p.vocab_size.toLocaleString() })),
    vocab,
    el("h3", "", gettext("Text lengths and the cut")),
    histogram);
  lengthsChart.render(histogram);
  lengthsChart.update(histogram, p);
  if (p.levels) {
    levelsChart.render(levels);
    levelsChart.update(levels, { levels: p.levels, texts: p.samples.map((s) => s.text) });
  }
}

export function update(root, preview) {
  if (!preview) { root.replaceChildren(); return; }
  if (preview.kind === "images") images(root, preview);
  else if (preview.kind === "text") text(root, preview);
  root.dataset.kind = preview.kind;
}
