"""The playground page in a real browser against a real server."""

import json
import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

SOCKET_TIMEOUT = 60_000  # ms: a cold JAX compile plus the first chunk


FINGERPRINT = """() => {
    const drawn = document.getElementById('boundary-chart')._boundary;
    return drawn ? drawn.boundary.values.reduce((a, v, i) => a + v * ((i % 97) + 1), 0) : null;
}"""


def heatmap_fingerprint(page):
    """A summary of the drawn boundary's values, or None before the first boundary."""
    return page.evaluate(FINGERPRINT)


def loss_points(page):
    return page.evaluate("() => document.getElementById('loss-chart').data.reduce((n, t) => n + t.x.length, 0)")


def test_add_a_layer_train_and_watch_it_learn(page, live_server_url, shots):
    page.goto("/")
    expect(page.locator("#train")).to_be_enabled()  # the debounced validation answered
    expect(page.locator(".hidden-col")).to_have_count(2)
    params_before = page.inner_text("#total-params")

    page.click("#add-layer")
    expect(page.locator(".hidden-col")).to_have_count(3)
    expect(page.locator("#total-params")).not_to_have_text(params_before)
    expect(page.locator(".hidden-col").nth(2).locator(".col-foot")).to_contain_text("params")
    expect(page.locator("#train")).to_be_enabled()
    assert (
        "layers=4:tanh,2:tanh,2:tanh,1:tanh&kernelInit=random_uniform:minval=-0.5:maxval=0.5" in page.url
    )  # the URL follows the builder
    assert loss_points(page) == 0 and heatmap_fingerprint(page) is None
    # Long enough (10,000 epochs at 200 steps/s: minutes) that it still runs when Stop is clicked.
    page.fill("input[data-bind='spec.epochs']", "10000")
    page.press("input[data-bind='spec.epochs']", "Tab")
    expect(page.locator("#train")).to_be_enabled()

    page.click("#train", no_wait_after=True)
    page.wait_for_function("() => document.body.dataset.firstUpdateMs", timeout=SOCKET_TIMEOUT)
    page.wait_for_function(
        "() => document.getElementById('boundary-chart').dataset.hasBoundary === 'true'", timeout=SOCKET_TIMEOUT
    )
    first_boundary, first_points = heatmap_fingerprint(page), loss_points(page)
    page.wait_for_function(f"([f]) => ({FINGERPRINT})() !== f", arg=[first_boundary], timeout=SOCKET_TIMEOUT)
    page.wait_for_function(
        f"() => document.getElementById('loss-chart').data.reduce((n, t) => n + t.x.length, 0) > {first_points}",
        timeout=SOCKET_TIMEOUT,
    )
    assert heatmap_fingerprint(page) != first_boundary
    assert loss_points(page) > first_points  # the first picture (the initial weights) may come before any loss
    expect(page.locator("#c-iteration")).not_to_have_text("0")
    expect(page.locator(".hidden-col").nth(2).locator(".neuron canvas").first).to_be_visible()
    print(f"\nTrain -> first chart update, cold: {page.evaluate('document.body.dataset.firstUpdateMs')} ms")
    shots(page, "training.png")

    page.click("#stop", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Stopped", timeout=SOCKET_TIMEOUT)
    shots(page, "stopped.png")

    page.click("#train", no_wait_after=True)  # the same network again: compiled already
    page.wait_for_function(
        "() => document.body.dataset.run === 'running' && document.body.dataset.firstUpdateMs", timeout=SOCKET_TIMEOUT
    )
    page.wait_for_function("() => document.getElementById('loss-chart').dataset.updates > 0", timeout=SOCKET_TIMEOUT)
    print(f"Train -> first chart update, warm: {page.evaluate('document.body.dataset.firstUpdateMs')} ms")
    page.click("#stop", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Stopped", timeout=SOCKET_TIMEOUT)

    page.reload()  # the run's history comes back from the server
    page.wait_for_function(
        "() => document.getElementById('boundary-chart').dataset.hasBoundary === 'true'", timeout=SOCKET_TIMEOUT
    )
    page.wait_for_function(
        "() => document.getElementById('loss-chart').data.reduce((n, t) => n + t.x.length, 0) > 0",
        timeout=SOCKET_TIMEOUT,
    )
    expect(page.locator("#status")).to_contain_text("Stopped")

    origin = urlsplit(live_server_url).netloc
    outside = [u for u in page.requested if not u.startswith(("data:", "blob:")) and urlsplit(u).netloc != origin]
    assert outside == [], f"the page requested resources from outside the server: {outside}"
    assert any(u.startswith("ws://") for u in page.requested)
    assert page.errors == []


def test_a_link_reproduces_the_setup(page):
    page.goto(
        "/#dataset=xor&noise=0.2&features=x1,x2,x1*x2&layers=8:leaky_relu,1:sigmoid&loss=binary_crossentropy"
        "&optimizer=adam&learningRate=0.005&batchSize=16&epochs=50&seed=7&showTest=true"
    )
    expect(page.locator(".dataset-card.selected")).to_have_attribute("data-name", "xor")
    expect(page.locator(".hidden-col")).to_have_count(1)
    expect(page.locator(".hidden-col .units-input")).to_have_value("8")
    expect(page.locator(".hidden-col select")).to_have_value("leaky_relu")
    expect(page.locator(".feature input:checked")).to_have_count(3)
    expect(page.locator("#optimizer")).to_have_value("adam")
    expect(page.locator("#learning-rate")).to_have_value("0.005")
    expect(page.locator("#show-test")).to_be_checked()
    expect(page.locator("#train")).to_be_enabled()
    expect(page.locator("#knobs")).to_contain_text("b1")  # the optimizer's own knobs come from the catalog
    assert re.search(r"seed=7(&|$)", page.url)


def test_invalid_choices_are_explained_inline_and_block_train(page, shots):
    page.goto("/")
    expect(page.locator("#train")).to_be_enabled()
    page.locator(".hidden-col").first.locator("select").select_option("step")
    error = page.locator(".hidden-col").first.locator(".field-error")
    expect(error).to_contain_text("perceptron")
    expect(page.locator("#train")).to_be_disabled()
    shots(page, "invalid.png")
    page.locator(".hidden-col").first.locator("select").select_option("relu")
    expect(error).to_have_count(0)
    expect(page.locator("#train")).to_be_enabled()


def test_presets_load_the_lessons(page):
    page.goto("/")
    catalog = json.loads(page.inner_text("#catalog"))
    titles = [p["title"] for p in catalog["presets"]]
    expect(page.locator(".preset")).to_have_text(titles)  # every lesson (2-D, images, text), in catalog order
    mlp_xor = next(p["title"] for p in catalog["presets"] if p["name"] == "mlp_xor")
    page.get_by_role("button", name=mlp_xor).click()
    expect(page.locator(".dataset-card.selected")).to_have_attribute("data-name", "xor")
    expect(page.locator(".hidden-col")).to_have_count(1)
    expect(page.locator("#train")).to_be_enabled()


def test_pause_step_resume_and_live_learning_rate(page):
    page.goto("/#speed=30")
    expect(page.locator("#train")).to_be_enabled()
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda f: sent.append(json.loads(f))))
    page.click("#train", no_wait_after=True)
    expect(page.locator("#pause")).to_be_enabled(timeout=SOCKET_TIMEOUT)
    page.wait_for_function("() => document.getElementById('loss-chart').dataset.updates > 1", timeout=SOCKET_TIMEOUT)
    page.click("#pause", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Paused")
    iteration = int(page.inner_text("#c-iteration").replace(",", ""))
    page.click("#step", no_wait_after=True)
    expect(page.locator("#c-iteration")).to_have_text(f"{iteration + 1:,}")
    page.fill("#learning-rate", "0.1")
    page.press("#learning-rate", "Enter")
    assert {"action": "set_learning_rate", "value": 0.1} in sent
    expect(page.locator(".hidden-col")).to_have_count(2)  # a live change does not reset the run
    page.click("#pause", no_wait_after=True)  # now "Resume"
    expect(page.locator("#status")).to_contain_text("Training")
    page.click("#stop", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Stopped")


def test_every_lesson_survives_the_url_round_trip(page):
    page.goto("/")
    mismatches = page.evaluate("""async () => {
        const { toHash, fromHash } = await import('/static/js/state.js');
        const catalog = JSON.parse(document.getElementById('catalog').textContent);
        const view = { speed: 30, showTest: true, logScale: false };
        const bad = [];
        for (const p of catalog.presets) {  // CNN and text stacks too, in their readable form
            const state = { spec: p.spec, view };
            const back = fromHash('#' + toHash(state), { spec: { version: 1, optimizer: {} }, view: {} });
            const sorted = (o) => JSON.parse(JSON.stringify(o, (k, v) => v && typeof v === 'object' && !Array.isArray(v)
                ? Object.fromEntries(Object.entries(v).sort()) : v));
            if (JSON.stringify(sorted(back)) !== JSON.stringify(sorted(state))) bad.push([p.name, toHash(state)]);
        }
        return bad;
    }""")
    assert mismatches == []


def test_the_code_panel_shows_the_model_as_python(page):
    page.goto("/")
    expect(page.locator("#train")).to_be_enabled()
    page.click("#code summary")
    code = page.locator("#code pre code")
    expect(code).to_contain_text("Sequential(")
    expect(code).to_contain_text("Dense(4")
    dense_before = code.inner_text().count("Dense(")
    page.click("#add-layer")  # the script follows the builder while the panel is open
    page.wait_for_function(
        f"() => document.querySelector('#code pre code').textContent.split('Dense(').length - 1 === {dense_before + 1}",
        timeout=10_000,
    )
    with page.expect_download() as download:
        page.click("#code [data-action=download]")
    assert download.value.suggested_filename.endswith(".py")
    assert not page.errors
