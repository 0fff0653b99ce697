// levels.js: one sentence at every token level, side by side. One row per level
// (word / morpheme / char; the spec's own level highlighted): the sentence as
// token chips, out-of-vocabulary tokens marked, and beside it the level's OOV
// rate on the test texts and its vocabulary's coverage of the training tokens.
// update(el, {levels, texts}) takes the preview's `levels` (each with `sentences`,
// one token list per sample; ‹ › steps through them, `texts` their raw text) or
// Predict's (each with `tokens`, the typed sentence).
import { box, el as node } from "../dom.js";
import { gettext } from "../i18n.js";

const names = () => ({ word: gettext("words"), morpheme: gettext("morphemes"), char: gettext("characters"),
  particles: gettext("words, particles split off") });
/** A token level's name for menus and rows ("morpheme" -> "morphemes"), translated. */
export const levelName = (level) => names()[level] || level;

const percent = (v) => `${(100 * v).toFixed(v > 0 && v < 0.01 ? 1 : 0)}%`;

/** A labelled bar: share v in 0-1 (null: not known for this set). */
function meter(name, label, v, tone, title) {
  const cell = node("td", { class: `level-meter ${tone}`, title }, box("span", "level-meter-label", label)); // the label: where no head shows
  if (v == null) { cell.append(box("span", "muted", "–")); return cell; }
  const bar = box("span", "level-bar");
  const fill = box("span", "level-fill");
  fill.style.width = `${Math.max(0, Math.min(1, v)) * 100}%`;
  bar.append(fill);
  cell.append(box("span", "level-value", percent(v)), bar);
  cell.dataset[name] = String(v);
  return cell;
}

function chips(tokens) {
  const line = box("div", "tokens-line");
  if (!tokens.length) line.append(box("span", "muted", gettext("(no tokens)")));
  for (const { token, oov } of tokens) {
    const chip = box("span", oov ? "token oov" : "token", token);
    if (oov) chip.title = gettext("not in the vocabulary: the network sees <oov>");
    line.append(chip);
  }
  return line;
}

function row(level, tokens) {
  const name = node("th", { scope: "row", title: level.description || "" },
    box("span", "level-name", levelName(level.level)));
  if (level.current) name.append(box("span", "level-current", gettext("in use")));
  const kept = level.vocab_size - 2; // <pad> and <oov> take two places
  const vocab = level.distinct != null
    ? `${level.distinct.toLocaleString()} ${gettext("distinct")}, ${Math.min(kept, level.distinct).toLocaleString()} ${gettext("in the vocabulary")}`
    : level.vocab_size != null ? `${kept.toLocaleString()} ${gettext("in the vocabulary")}` : "";
  name.append(box("span", "level-vocab muted", vocab));
  const oovCount = tokens.filter((t) => t.oov).length;
  const sentence = node("td", { class: "level-tokens" }, chips(tokens));
  const tr = node("tr", { class: level.current ? "level-row current" : "level-row", "data-level": level.level, "data-oov": String(oovCount) },
    name, sentence,
    meter("oovRate", gettext("OOV"), level.oov_rate, "bad", gettext("share of the test texts' tokens that are not in the vocabulary")),
    meter("coverage", gettext("coverage"), level.coverage, "good", gettext("share of the training texts' tokens the vocabulary covers")));
  return tr;
}

export function render(el) {
  el.dataset.updates = "0";
  el.replaceChildren();
}

/** levels: [{level, description, current, oov_rate, coverage, vocab_size, distinct, sentences | tokens}]. */
export function update(el, { levels, texts = [] }) {
  const count = levels.length && levels[0].sentences ? levels[0].sentences.length : 1;
  let index = Math.min(Number(el.dataset.index || 0), Math.max(0, count - 1));
  const body = node("tbody");
  const caption = box("div", "levels-caption");
  const draw = () => {
    body.replaceChildren(...levels.map((l) => row(l, l.tokens || l.sentences[index] || [])));
    el.dataset.index = String(index);
    if (count > 1) position.textContent = `${index + 1} / ${count}`;
    quote.textContent = texts[index] ? `“${texts[index]}”` : "";
  };
  const position = box("span", "levels-position muted");
  const quote = box("span", "levels-quote");
  if (count > 1) {
    const step = (delta, label, title) => {
      const b = node("button", { type: "button", class: "small-button levels-step", text: label, title });
      b.addEventListener("click", () => { index = (index + delta + count) % count; draw(); });
      return b;
    };
    caption.append(step(-1, "‹", gettext("previous sample")), position, step(1, "›", gettext("next sample")));
  }
  caption.append(quote);
  const head = node("thead", {}, node("tr", {},
    node("th", { scope: "col", text: gettext("token level") }),
    node("th", { scope: "col", text: gettext("the sentence in tokens") }),
    node("th", { scope: "col", text: gettext("OOV rate"), title: gettext("share of the test texts' tokens that are not in the vocabulary") }),
    node("th", { scope: "col", text: gettext("coverage"), title: gettext("share of the training texts' tokens the vocabulary covers") })));
  const legend = node("p", { class: "levels-legend small muted" },
    box("span", "token oov", gettext("word")), ` ${gettext("not in the vocabulary (the network sees <oov>).")} `,
    gettext("OOV rate: the share of test tokens the vocabulary does not know; coverage: the share of training tokens it knows."));
  draw();
  el.replaceChildren(caption, node("table", { class: "levels-table" }, head, body), legend);
  el.dataset.updates = String(Number(el.dataset.updates || 0) + 1);
}
