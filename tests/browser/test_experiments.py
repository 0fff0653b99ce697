"""Saved experiments in a real browser against the real server: train, save, open
the experiment page (curves, boundary, time slider), compare two, import a broken spec."""

import re

from playwright.sync_api import expect

TIMEOUT = 60_000  # ms: a cold JAX compile plus the run
FRAMES_21_OR_MORE = re.compile(r"^(2[1-9]|[3-9]\d|\d{3,})$")  # 20+ snapshots and the final state


def train_and_save(page, title, learning_rate):
    page.goto("/")
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    page.fill("input[data-bind='spec.epochs']", "20")
    page.fill("#learning-rate", str(learning_rate))
    page.press("#learning-rate", "Tab")
    page.select_option("#speed", "1000")  # 1,000 steps a second: half a second, a few evaluations
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    expect(page.locator("#save-experiment")).to_be_disabled()  # nothing to save before a run
    page.click("#train", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Done", timeout=TIMEOUT)
    page.click("#save-experiment")
    page.fill("#save-title", title)
    page.fill("#save-notes", f"learning rate {learning_rate}")
    page.click("#save-submit")
    expect(page.locator("#experiment-toast")).to_contain_text(f"Saved “{title}”", timeout=TIMEOUT)


def figure(page, name, expression):
    return page.evaluate(
        f"(() => {{ const el = document.querySelector('[data-figure={name}]'); return {expression}; }})()"
    )


def test_train_save_open_the_experiment_and_compare_two(page, shots):
    train_and_save(page, "slow learner", 0.03)
    train_and_save(page, "fast learner", 0.3)
    shots(page, "experiment-saved.png")

    page.click("#experiment-link")
    expect(page.locator("h1")).to_have_text("fast learner")
    boundary = page.locator("[data-figure=boundary]")
    expect(boundary).to_have_attribute(
        "data-frames", FRAMES_21_OR_MORE, timeout=TIMEOUT
    )  # reloads once they are stored
    expect(page.locator("body")).to_have_attribute("data-figures", "ready")
    assert figure(page, "loss", "el.data.find((t) => t.name === 'test').y.length") >= 2
    assert figure(page, "loss", "el.data.find((t) => t.name === 'train (batch)').y.length") > 10
    assert figure(page, "boundary", "el.data[0].type") == "heatmap"
    assert figure(page, "boundary", "el.data.filter((t) => t.type === 'scatter').map((t) => t.name)") == [
        "train",
        "test",
    ]
    expect(page.locator("[data-figure=neurons] .main-svg").first).to_be_visible()
    expect(page.locator("#final-metrics")).to_contain_text("test accuracy")
    expect(page.locator("#open-playground")).to_have_attribute(
        "href", re.compile(r"^/#dataset=circle&.*learningRate=0\.3")
    )
    shots(page, "experiment-page.png")

    final = figure(page, "boundary", "el.data[0].z.bdata")
    assert isinstance(final, str)  # base64, so the page compares it by value
    boundary.scroll_into_view_if_needed()
    rail = page.locator("[data-figure=boundary] .slider-rail-touch-rect").bounding_box()
    page.mouse.move(rail["x"] + 8, rail["y"] + rail["height"] / 2)  # the slider's start: the first snapshot
    page.mouse.down()
    page.mouse.up()
    page.wait_for_function("document.querySelector('[data-figure=boundary]')._fullLayout.sliders[0].active === 0")
    # Early in training: another boundary, drawn once Plotly has animated to the first frame.
    page.wait_for_function(
        "(final) => document.querySelector('[data-figure=boundary]').data[0].z.bdata !== final",
        arg=final,
        timeout=TIMEOUT,
    )
    shots(page, "experiment-slider.png")

    page.goto("/experiments/")
    expect(page.locator("input[name=e]")).to_have_count(2)
    expect(page.locator("#compare-button")).to_be_disabled()
    for box in page.locator("input[name=e]").all():
        box.check()
    page.click("#compare-button")
    expect(page.locator("body")).to_have_attribute("data-figures", "ready", timeout=TIMEOUT)
    names = figure(page, "loss", "[...new Set(el.data.filter((t) => t.showlegend !== false).map((t) => t.name))]")
    assert sorted(names) == ["fast learner", "slow learner"]
    expect(page.locator("#compare-table tr.differs", has_text="learning rate")).to_have_count(1)
    expect(page.locator("#compare-table tr:not(.differs)", has_text="batch size")).to_have_count(1)
    page.locator("#smoothing").fill("0.6")
    expect(page.locator("body")).to_have_attribute("data-smoothing", "0.6", timeout=TIMEOUT)
    assert figure(page, "loss", "el.data.length") == 8  # 2 experiments x (test, train) x (faint raw, smoothed)
    shots(page, "compare.png")


def test_importing_a_broken_spec_shows_the_validation_message(page):
    page.goto("/")
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    page.set_input_files(
        "#import-file",
        files=[{"name": "broken.json", "mimeType": "application/json", "buffer": b'{"version": 1, "layers": ['}],
    )
    expect(page.locator("#experiment-toast")).to_contain_text("broken.json is not a spec this playground can run")
    expect(page.locator("#experiment-toast")).to_contain_text("not valid JSON")
    page.set_input_files(
        "#import-file",
        files=[
            {
                "name": "wrong.json",
                "mimeType": "application/json",
                "buffer": b'{"version": 1, "dataset": {"name": "circle"}, "layers": []}',
            }
        ],
    )
    expect(page.locator("#experiment-toast")).to_contain_text("layers")
    assert not page.errors
