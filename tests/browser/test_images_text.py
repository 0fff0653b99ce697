"""Images and text on the playground page, in a real browser against a real server:
a CNN trains with live kernels, feature maps, confusion matrix and test strip, then
predicts a drawing; an RNN trains with a live embedding projection, then predicts a
typed sentence; the stack editor, the data options and the preview panel."""

import re
import time

from playwright.sync_api import expect

SOCKET_TIMEOUT = 90_000  # ms: a cold JAX compile of a CNN plus the first chunk

# Short runs (few epochs) so the tests stay fast; paced so several frames arrive.
DIGITS = (
    "/#dataset=digits&testFraction=0.25&layers=conv2d(filters=8:kernel_size=3:padding=same:activation=relu),"
    "maxpool2d(pool_size=2),flatten,10:softmax&loss=categorical_crossentropy&optimizer=adam&learningRate=0.01"
    "&batchSize=32&epochs=3&seed=0&speed=30"
)  # ~4 s of training: the kernels are seen changing
SENTIMENT = (
    "/#dataset=sentiment&samples=1000&testFraction=0.3&language=both&representation=sequence"
    "&layers=embedding(output_dim=16),simple_rnn(units=32),1:sigmoid&loss=binary_crossentropy&optimizer=adam"
    "&learningRate=0.01&batchSize=32&epochs=6&seed=0&speed=30"
)  # ~4 s: the projection is seen moving

FILTERS = "document.querySelector('.layer-conv2d .view-filters')"
EMBEDDING = "document.querySelector('.layer-embedding .view-embedding')"


def fingerprint(page, element, values):
    """A number that changes when the chart's values change (None before any)."""
    return page.evaluate(
        f"() => {{ const el = {element}; if (!el || !el.data || !el.data.length) return null;"
        f" return el.data.reduce((a, t) => a + ({values}), 0); }}"
    )


def wait_changed(page, element, values, before):
    page.wait_for_function(
        f"([b]) => {{ const el = {element}; return el && el.data && el.data.length &&"
        f" el.data.reduce((a, t) => a + ({values}), 0) !== b; }}",
        arg=[before],
        timeout=SOCKET_TIMEOUT,
    )


KERNELS = "t.z.flat().reduce((s, v, i) => s + v * (i + 1), 0)"
POINTS = "t.x.reduce((s, v, i) => s + v * (i + 1), 0) + t.y.reduce((s, v, i) => s + v * (i + 2), 0)"


def draw_seven(page):
    pad = page.locator(".draw-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + 0.25 * w, y + 0.2 * h)
    page.mouse.down()
    page.mouse.move(x + 0.75 * w, y + 0.2 * h, steps=8)
    page.mouse.move(x + 0.45 * w, y + 0.85 * h, steps=12)
    page.mouse.up()


def test_a_cnn_trains_with_live_kernels_and_confusion_then_predicts_a_drawing(page, shots):
    page.goto(DIGITS)
    expect(page.locator("#train")).to_be_enabled()
    expect(page.locator(".layer-row[data-type=conv2d] .layer-shape")).to_contain_text("(8, 8, 8) · 80 params")
    pressed = time.monotonic()
    page.click("#train", no_wait_after=True)
    page.wait_for_function(f"() => {FILTERS}.dataset.updates > 0", timeout=SOCKET_TIMEOUT)
    first_filters_ms = round((time.monotonic() - pressed) * 1000)
    first = fingerprint(page, FILTERS, KERNELS)
    wait_changed(page, FILTERS, KERNELS, first)  # the kernels learn
    assert page.evaluate(f"() => {FILTERS}.data.length") == 8  # one heatmap per filter
    page.wait_for_function(
        "() => document.getElementById('confusion-chart').dataset.updates > 0", timeout=SOCKET_TIMEOUT
    )
    assert page.evaluate("() => document.getElementById('confusion-chart').data[0].z.length") == 10
    expect(page.locator("#predictions-strip .prediction")).to_have_count(16)
    expect(page.locator(".layer-input .maps canvas")).to_have_count(1)  # the sample...
    expect(page.locator(".layer-conv2d .view-maps canvas")).to_have_count(8)  # ...through every conv and pool layer
    expect(page.locator(".layer-maxpool2d .view-maps canvas")).to_have_count(8)
    shots(page, "cnn-training.png")
    expect(page.locator("#status")).to_contain_text("Done", timeout=SOCKET_TIMEOUT)
    print(f"\nCNN: Train -> first kernels {first_filters_ms} ms (cold compile included)")

    started = time.monotonic()
    draw_seven(page)
    expect(page.locator("#predict-probs .prob")).to_have_count(10, timeout=30_000)
    print(
        f"CNN: drawing -> probabilities {round((time.monotonic() - started) * 1000)} ms (first predict loads JAX in the web process)"
    )
    total = page.evaluate(
        "() => [...document.querySelectorAll('#predict-probs .prob-value')].reduce((a, e) => a + parseFloat(e.textContent), 0)"
    )
    assert abs(total - 100) < 1
    expect(page.locator(".seen-box")).to_be_visible()  # the 8x8 the network saw
    expect(page.locator(".layer-input .map-caption")).to_contain_text("your drawing")
    shots(page, "cnn-predict.png")

    before = page.inner_text("#predict-probs")
    started = time.monotonic()
    page.locator("#predictions-strip .prediction").nth(3).click()  # a test image, predicted the same way
    expect(page.locator("#predict-probs")).not_to_have_text(before)
    print(f"CNN: test image -> probabilities, warm: {round((time.monotonic() - started) * 1000)} ms")
    expect(page.locator(".layer-input .map-caption")).to_contain_text("the test image you picked")  # the run is over
    assert page.errors == []


def test_an_rnn_trains_with_a_live_embedding_then_predicts_a_typed_sentence(page, shots):
    page.goto(SENTIMENT)
    expect(page.locator("#train")).to_be_enabled()
    expect(page.locator(".layer-row[data-type=embedding] .layer-shape")).to_contain_text("params")
    page.click("#train", no_wait_after=True)
    page.wait_for_function(f"() => {EMBEDDING}.dataset.updates > 0", timeout=SOCKET_TIMEOUT)
    first = fingerprint(page, EMBEDDING, POINTS)
    wait_changed(page, EMBEDDING, POINTS, first)  # the words move
    assert page.evaluate(f"() => {EMBEDDING}.data[0].text.length") > 10  # words as labels
    page.wait_for_function("() => document.querySelector('.view-hidden').dataset.updates > 0", timeout=SOCKET_TIMEOUT)
    shots(page, "rnn-training.png")
    expect(page.locator("#status")).to_contain_text("Done", timeout=SOCKET_TIMEOUT)

    page.fill("#predict-input", "Not bad at all, I loved it! zzqx")
    page.press("#predict-input", "Enter")
    expect(page.locator("#predict-probs .prob")).to_have_count(2, timeout=30_000)
    expect(page.locator("#predict-probs")).to_contain_text("positive")
    expect(page.locator(".predict-tokens .token.oov")).to_contain_text("zzqx")  # out of the vocabulary, marked
    expect(page.locator(".predict-tokens .token.stop").first).to_be_visible()  # stop words struck through
    page.wait_for_function(
        "() => document.querySelector('.view-hidden').layout.title.text === 'your sentence'"
    )  # its states
    assert (
        page.evaluate("() => document.querySelector('.view-hidden').data[0].x.at(-1)") == "4·&lt;oov&gt;"
    )  # escaped for Plotly
    expect(page.locator(".view-hidden .xtick").last).to_have_text("4·<oov>")  # shown as typed
    shots(page, "rnn-predict.png")
    assert page.errors == []


def test_the_stack_editor_adds_moves_removes_and_explains_impossible_stacks(page, shots):
    page.goto(DIGITS)
    expect(page.locator("#train")).to_be_enabled()
    rows = page.locator(".layer-row:not(.layer-input)")
    expect(rows).to_have_count(4)
    assert (
        "layers=conv2d(filters=8:kernel_size=3:padding=same:activation=relu),maxpool2d(pool_size=2),flatten,10:softmax"
        in page.url
    )

    page.select_option("[data-role=add-type]", "conv2d")  # added before the output layer: after flatten
    page.click(".layer-add button")
    expect(rows).to_have_count(5)
    error = page.locator(".layer-row[data-index='3'] .field-error")
    expect(error).to_contain_text("conv and pooling layers go before flatten")
    expect(page.locator("#train")).to_be_disabled()
    shots(page, "stack-error.png")

    for _ in range(2):  # up past flatten and the pool: conv, conv, pool, flatten
        page.locator(".layer-row[data-type=conv2d]").last.locator("[data-action=up]").click()
    expect(page.locator(".field-error")).to_have_count(0)
    expect(page.locator("#train")).to_be_enabled()
    expect(page.locator(".layer-row[data-index='1'] .layer-shape")).to_contain_text(
        "(8, 8, 8) · 584 params"
    )  # 3·3·8·8 + 8

    kernel = page.locator(".layer-row[data-index='1'] [data-key=kernel_size]")
    kernel.fill("11")
    page.locator(".layer-row[data-index='1'] [data-key=padding]").select_option("valid")
    expect(page.locator(".layer-row[data-index='1'] .field-error")).to_contain_text("larger than its 8×8 input")
    page.locator(".layer-row[data-index='1'] [data-action=remove]").click()
    expect(rows).to_have_count(4)
    expect(page.locator("#train")).to_be_enabled()

    page.locator(".layer-row[data-type=flatten] [data-action=remove]").click()  # dense fed an image
    expect(page.locator(".field-error")).to_contain_text("add a flatten layer")
    assert page.errors == []


def test_data_kinds_options_and_the_preview_panel(page, shots):
    page.goto("/")
    expect(page.locator("#train")).to_be_enabled()
    expect(page.locator("#stack")).to_be_hidden()

    page.click(".dataset-card[data-name=shapes]")
    expect(page.locator(".layer-row[data-type=conv2d]")).to_have_count(2)  # the shapes lesson's stack
    expect(page.locator("#data-preview .sample")).to_have_count(32)
    expect(page.locator("#data-preview .sample figcaption").first).to_have_text(
        re.compile("^(circle|square|triangle|line)$")
    )
    expect(page.locator(".dataset-card[data-name=shapes] canvas")).to_be_visible()
    expect(page.locator("#boundary-chart")).to_be_hidden()
    expect(page.locator("#train")).to_be_enabled()

    page.click(".dataset-card[data-name=sentiment]")
    expect(page.locator(".layer-row[data-type=embedding]")).to_have_count(1)
    expect(page.locator("#data-preview .text-sample")).to_have_count(8)
    expect(page.locator("#data-preview .vocab .token").first).to_have_text("<pad>")
    page.wait_for_function("() => document.querySelector('.lengths-chart').dataset.updates > 0")
    expect(page.locator("#data-preview")).to_contain_text("cut at")
    shots(page, "text-preview.png")

    page.select_option("[data-bind='spec.dataset.language']", "en")
    page.wait_for_function(
        "() => ![...document.querySelectorAll('#data-preview .raw')].some((e) => /[\\uac00-\\ud7a3]/.test(e.textContent))"
    )
    page.select_option("#representation", "bag_of_words")
    expect(page.locator(".layer-row[data-type=embedding]")).to_have_count(0)  # counts go to a dense network
    expect(page.locator("#train")).to_be_enabled()
    assert "language=en" in page.url and "representation=bag_of_words" in page.url
    page.fill("[data-bind='spec.dataset.sequence_length']", "5")
    page.press("[data-bind='spec.dataset.sequence_length']", "Enter")
    assert "sequenceLength=5" in page.url
    expect(page.locator("#data-preview")).to_contain_text("cut at 5")

    page.reload()  # the link keeps the text options
    expect(page.locator("#representation")).to_have_value("bag_of_words")
    expect(page.locator("[data-bind='spec.dataset.sequence_length']")).to_have_value("5")

    page.click(".dataset-card[data-name=moons]")
    expect(page.locator("#stack")).to_be_hidden()
    expect(page.locator(".hidden-col").first).to_be_visible()  # the 2-D network diagram is back
    expect(page.locator("#train")).to_be_enabled()

    page.goto("/#dataset=digits&epochs=2")  # a link without layers: the stack that fits, the rest as it says
    expect(page.locator(".layer-row[data-type=conv2d]")).to_have_count(1)
    expect(page.locator("[data-bind='spec.epochs']")).to_have_value("2")
    expect(page.locator("#train")).to_be_enabled()
    assert page.errors == []


def test_step_before_any_run_starts_it_paused_after_one_step(page):
    page.goto("/")
    expect(page.locator("#train")).to_be_enabled()
    page.click("#step", no_wait_after=True)
    expect(page.locator("#c-iteration")).to_have_text("1", timeout=SOCKET_TIMEOUT)
    expect(page.locator("#status")).to_contain_text("Paused")
    page.click("#step", no_wait_after=True)
    expect(page.locator("#c-iteration")).to_have_text("2")
    page.click("#stop", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Stopped")


def test_a_paused_cnn_shows_a_chosen_test_sample_and_predicts_with_its_current_weights(page, shots):
    # Controls get a dispatched click event: on a loaded 2-core machine the live CNN pictures kept
    # Chromium from acknowledging a real mouse click on Pause for 30 s (twice in five runs).
    page.goto(DIGITS.replace("epochs=3", "epochs=200"))
    expect(page.locator("#train")).to_be_enabled()
    page.click("#train", no_wait_after=True)
    caption = page.locator(".layer-input .map-caption")
    expect(caption).to_contain_text("test image 1,", timeout=SOCKET_TIMEOUT)
    page.locator("#pause").dispatch_event("click")
    expect(page.locator("#status")).to_contain_text("Paused", timeout=30_000)
    page.locator(".layer-input .sample-step[data-delta='1']").click()  # the next test sample, shown by the paused run
    expect(caption).to_contain_text("test image 2,")
    page.locator("#predictions-strip .prediction").nth(5).click()  # a test image: followed, and predicted
    expect(caption).to_contain_text("test image 6,")
    expect(page.locator("#predict-probs .prob")).to_have_count(10, timeout=30_000)
    expect(page.locator(".predict-note")).to_contain_text("current weights after iteration")

    draw_seven(page)
    expect(caption).to_contain_text("your drawing")  # live frames wait while the drawing is shown
    page.locator("#step").dispatch_event("click")
    expect(page.locator(".layer-conv2d .view-maps .map-caption").first).to_be_visible()
    expect(caption).to_contain_text("your drawing")
    shots(page, "cnn-paused-predict.png")
    page.locator(".layer-input .sample-step[data-delta='1']").click()  # back to the test set, where it was
    expect(caption).to_contain_text("test image 7,")
    page.locator("#stop").dispatch_event("click")
    expect(page.locator("#status")).to_contain_text("Stopped", timeout=30_000)
    assert page.errors == []


def test_a_paused_rnn_steps_through_test_sentences_and_predicts_with_its_current_weights(page, shots):
    page.goto(SENTIMENT.replace("epochs=6", "epochs=200"))
    expect(page.locator("#train")).to_be_enabled()
    page.click("#train", no_wait_after=True)
    title = "() => document.querySelector('.view-hidden').layout?.title?.text ?? ''"
    page.wait_for_function(f"() => ({title})().startsWith('test sentence 1,')", timeout=SOCKET_TIMEOUT)
    page.locator("#pause").dispatch_event("click")
    expect(page.locator("#status")).to_contain_text("Paused", timeout=30_000)
    page.locator(".layer-input .sample-step[data-delta='1']").click()
    page.wait_for_function(f"() => ({title})().startsWith('test sentence 2,')", timeout=30_000)
    page.fill("#predict-input", "Not bad at all, I loved it!")
    page.press("#predict-input", "Enter")
    expect(page.locator("#predict-probs .prob")).to_have_count(2, timeout=30_000)
    expect(page.locator(".predict-note")).to_contain_text("current weights after iteration")
    page.wait_for_function(f"() => ({title})() === 'your sentence'")
    page.locator(".layer-input .sample-step[data-delta='-1']").click()
    page.wait_for_function(f"() => ({title})().startsWith('test sentence 1,')", timeout=30_000)
    shots(page, "rnn-paused-predict.png")
    page.locator("#stop").dispatch_event("click")
    expect(page.locator("#status")).to_contain_text("Stopped", timeout=30_000)
    assert page.errors == []
