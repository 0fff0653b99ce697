"""Token levels in a real browser (issue 14): the data panel shows one Korean review as
eojeol, morphemes and characters, out-of-vocabulary tokens marked, each level's OOV rate
and coverage beside it; the token level is a text option that the link carries and the
catalog checks; after training, Predict shows the typed sentence at every level."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.timeout(300)  # a fresh server analyses the reviews into morphemes first

TIMEOUT = 120_000  # ms: the morpheme analyser's first load plus a cold JAX compile, on a busy machine
NSMC = "/#dataset=nsmc&samples=1000&testFraction=0.3"
RUN = (
    "&layers=embedding(output_dim=8),simple_rnn(units=8),1:sigmoid&loss=binary_crossentropy&optimizer=adam"
    "&learningRate=0.01&batchSize=64&epochs=1&seed=0&speed=1000"
)
ROWS = "#data-preview .levels-table .level-row"


def rates(page, rows):
    return page.eval_on_selector_all(
        f"{rows} .level-meter.bad", "(cells) => cells.map((c) => Number(c.dataset.oovRate))"
    )


def test_the_data_panel_shows_a_review_at_every_token_level_and_the_level_is_a_linked_option(page, shots):
    page.goto(NSMC)
    expect(page.locator("#token-level")).to_have_value("morpheme")  # NSMC's own level
    expect(page.locator("[data-bind='spec.dataset.language']")).to_be_hidden()  # a real corpus has one language
    rows = page.locator(ROWS)
    expect(rows).to_have_count(3, timeout=TIMEOUT)
    assert [rows.nth(i).get_attribute("data-level") for i in range(3)] == ["word", "morpheme", "char"]
    expect(page.locator(f"{ROWS}.current")).to_have_attribute("data-level", "morpheme")
    expect(rows.first.locator(".level-meter.bad .level-value")).to_have_text(re.compile(r"^\d+(\.\d)?%$"))
    expect(rows.first.locator(".level-meter.good .level-value")).to_have_text(re.compile(r"^\d+(\.\d)?%$"))
    word, morpheme, char = rates(page, ROWS)
    assert word > morpheme > char  # eojeol are mostly unseen; morphemes fix most of that
    expect(page.locator("#data-preview .levels-legend")).to_contain_text("not in the vocabulary")
    expect(page.locator(f"{ROWS}[data-level=word] .token.oov").first).to_be_visible()  # marked, on the first review
    expect(page.locator(f"{ROWS}[data-level=char] .token")).not_to_have_count(0)
    shots(page, "token-levels-panel.png")

    quote = page.locator("#data-preview .levels-quote")
    first = quote.text_content()
    page.click("#data-preview .levels-step >> nth=1")  # ›: the next review, at every level
    expect(page.locator("#data-preview .levels-position")).to_have_text("2 / 8")
    expect(quote).not_to_have_text(first)

    page.select_option("#token-level", "char")
    expect(page.locator(f"{ROWS}.current")).to_have_attribute("data-level", "char", timeout=TIMEOUT)
    assert "tokens=char" in page.url
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    page.reload()  # the link keeps the level
    expect(page.locator("#token-level")).to_have_value("char")

    page.goto("/#dataset=nsmc&samples=1000&tokens=syllable")  # not a level the catalog lists
    expect(page.locator("#link-note")).to_have_attribute("data-ignored", "tokens")
    expect(page.locator("#token-level")).to_have_value("morpheme")
    page.click(".dataset-card[data-name=sentiment_en]")  # another set starts at its own level
    expect(page.locator("#token-level")).to_have_value("word")
    expect(page.locator(f"{ROWS}.current")).to_have_attribute("data-level", "word", timeout=TIMEOUT)
    assert page.errors == []


def test_predict_shows_the_typed_sentence_at_every_token_level(page, shots):
    page.goto(NSMC + RUN)
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    page.click("#train", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Done", timeout=TIMEOUT)
    page.fill("#predict-input", "이 영화 정말 재밌어요 쀍뛟쀍")  # the last "word" is nonsense
    page.press("#predict-input", "Enter")
    expect(page.locator("#predict-probs .prob")).to_have_count(2, timeout=TIMEOUT)
    rows = page.locator("#predict-levels .level-row")
    expect(rows).to_have_count(3)
    expect(page.locator("#predict-levels .level-row.current")).to_have_attribute("data-level", "morpheme")
    for level in ("word", "morpheme", "char"):
        expect(page.locator(f"#predict-levels .level-row[data-level={level}] .token.oov").last).to_contain_text(
            re.compile("쀍|뛟")
        )
    count = {
        level: page.locator(f"#predict-levels .level-row[data-level={level}] .token").count()
        for level in ("word", "morpheme", "char")
    }
    assert count["word"] < count["morpheme"] < count["char"]  # eojeol split into morphemes, then into syllables
    expect(page.locator("#predict-levels .level-row[data-level=char] .level-meter.good .level-value")).to_have_text(
        re.compile(r"%$")
    )
    shots(page, "token-levels-predict.png")
    assert page.errors == []


def test_a_text_sets_page_shows_its_samples_at_every_token_level(csp_page, shots):
    page = csp_page  # under the Content-Security-Policy: the bars' widths are set through the CSSOM, not markup
    page.goto("/datasets/sentiment_en/")
    expect(page.locator("#preview")).to_have_attribute("data-rendered", "text", timeout=TIMEOUT)
    rows = page.locator("#levels .level-row")
    expect(rows).to_have_count(3)
    expect(page.locator("#levels .level-row.current")).to_have_attribute("data-level", "word")
    expect(page.locator("#levels .level-meter.bad .level-value").first).to_have_text(re.compile(r"%$"))
    assert page.eval_on_selector("#levels .level-row[data-level=char] .level-fill", "(e) => e.style.width") != ""
    page.click("#levels .levels-step >> nth=0")  # ‹ from the first: the last sample
    expect(page.locator("#levels .levels-position")).to_have_text(re.compile(r"^(\d+) / \1$"))
    shots(page, "token-levels-dataset-page.png")
    assert page.violations() == []
    assert page.errors == []
