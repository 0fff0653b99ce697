"""A crafted link runs no script, and every page works under the Content-Security-Policy
(issue 17): values from the URL are checked against the catalog and shown only as text;
pages load nothing inline and ask nothing of any other server."""

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

TIMEOUT = 120_000  # ms: a cold JAX compile plus a short run, on a busy machine
STATE_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "state.js"
KEYS = re.findall(r'\{ key: "(\w+)", path:', STATE_JS.read_text())  # state.js's table of URL properties
PAYLOADS = ["<img src=x onerror=window.__xss=1>", '"><svg onload=window.__xss=1>', "javascript:window.__xss=1//"]
# Where a payload goes in the properties that hold a list or knobs; elsewhere it is the whole value.
SHAPED = {"features": "x1,{}", "layers": "4:{},1:sigmoid", "knobs": "{}:1", "biasInit": "random_uniform:minval={}"}
INJECTED = "[...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => a.name))"


def link(**values):
    return "/#" + "&".join(f"{k}={quote(str(v), safe='')}" for k, v in values.items())


def json_layers(*layers):
    return json.dumps(list(layers), separators=(",", ":"))


CRAFTED = [  # (link, the keys the page must name as ignored, kind of data shown)
    pytest.param(
        "/#layers=4:%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E,1:sigmoid",
        {"layers"},
        "points",
        id="issue-17-probe",
    ),
    *[
        pytest.param(
            link(**{k: SHAPED.get(k, "{}").format(p) for k in KEYS}), set(KEYS), "points", id=f"every-field-{i}"
        )
        for i, p in enumerate(PAYLOADS)
    ],
    pytest.param(
        link(
            layers=json_layers(
                {"type": "dense", "units": 4, "activation": PAYLOADS[1]},
                {"type": "dense", "units": 1, "activation": "sigmoid"},
            )
        ),
        {"layers"},
        "points",
        id="json-layers",
    ),
    pytest.param(
        link(
            dataset="digits",
            layers=json_layers(
                {"type": "conv2d", "filters": 8, "kernel_size": 3, "activation": PAYLOADS[0]},
                {"type": PAYLOADS[1]},
                {"type": "flatten"},
                {"type": "dense", "units": 10, "activation": "softmax"},
            ),
        ),
        {"layers"},
        "images",
        id="cnn-stack",
    ),
    pytest.param(
        link(dataset="sentiment", language=PAYLOADS[0], representation=PAYLOADS[2]),
        {"language", "representation"},
        "text",
        id="text-options",
    ),
    pytest.param(
        link(optimizer="constructor", knobs="__proto__:1", loss="toString", layers=json_layers({"type": "__proto__"})),
        {"optimizer", "knobs", "loss", "layers"},
        "points",
        id="prototype-names",
    ),
]


def exercise_network(page):
    """Everything that shows a layer's activation or a feature: the formula panel, the zoom, the code."""
    page.locator(".hidden-col .neuron").first.click()
    expect(page.locator(".explain")).to_contain_text("hidden 1, neuron 1")
    expect(page.locator(".explain code")).to_contain_text("y = ")
    page.locator(".output-col .neuron").first.click()
    expect(page.locator(".explain")).to_contain_text("output 1")
    page.locator(".network .feature").first.hover()
    expect(page.locator(".neuron-zoom .zoom-label")).not_to_be_empty()


@pytest.mark.parametrize(("url", "ignored", "kind"), CRAFTED)
def test_a_crafted_link_runs_no_script_and_names_what_it_ignored(csp_page, url, ignored, kind):
    page = csp_page
    assert len(KEYS) > 25  # the table was found
    page.goto(url)
    note = page.locator("#link-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Ignored from the link")
    assert set(note.get_attribute("data-ignored").split(",")) == ignored
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)  # the defaults make a valid spec
    expect(page.locator("body")).to_have_attribute("data-kind", kind)
    if kind == "points":
        exercise_network(page)
    else:
        rows = page.locator("#stack .layer-row")
        expect(rows.nth(2)).to_be_visible()
        rows.nth(1).click()
    page.click("#code summary")  # the spec as Python
    expect(page.locator("#code [data-role=script]")).to_contain_text("Sequential(", timeout=TIMEOUT)

    assert page.evaluate("window.__xss") is None
    assert page.evaluate(INJECTED) == []  # no element carries an event handler: nothing became markup
    assert page.violations() == []  # nor did anything try and get blocked
    assert page.errors == []


def test_every_lesson_link_passes_the_check(csp_page):
    page = csp_page
    page.goto("/")
    ignored = page.evaluate("""async () => {
        const { toHash, readHash } = await import('/static/js/state.js');
        const { linkChecker, menuValues } = await import('/static/js/url_check.js');
        const catalog = JSON.parse(document.getElementById('catalog').textContent);
        const check = linkChecker(catalog, { language: menuValues(document.querySelector("[data-bind='spec.dataset.language']")),
                                             representation: menuValues(document.getElementById('representation')),
                                             speed: menuValues(document.getElementById('speed')) });
        const view = { speed: 30, showTest: true, logScale: false };
        return catalog.presets.map((p) => [p.name, readHash('#' + toHash({ spec: p.spec, view }), { spec: { optimizer: {} }, view: {} }, check).ignored])
            .filter(([, keys]) => keys.length);
    }""")
    assert ignored == []
    expect(page.locator("#link-note")).to_have_count(0)  # a plain visit names nothing


def train_and_save(page, title, learning_rate):
    page.goto("/")
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    page.fill("input[data-bind='spec.epochs']", "3")
    page.fill("#learning-rate", str(learning_rate))
    page.press("#learning-rate", "Tab")
    page.select_option("#speed", "1000")
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    page.click("#train", no_wait_after=True)  # frames arrive over the websocket: connect-src 'self' must allow ws://
    expect(page.locator("#status")).to_contain_text("Done", timeout=TIMEOUT)
    page.click("#save-experiment")
    page.fill("#save-title", title)
    page.click("#save-submit")
    expect(page.locator("#experiment-toast")).to_contain_text(f"Saved “{title}”", timeout=TIMEOUT)
    return page.locator("body").get_attribute("data-saved-experiment")


def test_every_page_works_under_the_policy_and_asks_only_our_server(csp_page, outside):
    page = csp_page
    first = train_and_save(page, "csp slow", 0.03)
    expect(page.locator("#boundary-chart .main-svg").first).to_be_visible()
    assert page.violations() == []
    second = train_and_save(page, "csp fast", 0.3)
    assert page.violations() == []

    body = page.locator("body")
    pages = {
        "/experiments/": lambda: expect(page.locator("input[name=e]").first).to_be_visible(),
        f"/experiments/{second}/": lambda: (
            expect(page.locator("#snapshots-pending")).to_have_count(0, timeout=TIMEOUT),
            expect(body).to_have_attribute("data-figures", "ready"),
            page.locator("[data-figure=loss] .nsewdrag").first.hover(),
        ),
        f"/experiments/compare/?e={first}&e={second}": lambda: (
            expect(body).to_have_attribute("data-figures", "ready", timeout=TIMEOUT),
            expect(page.locator("[data-figure=loss] .main-svg").first).to_be_visible(),
        ),
        "/datasets/": lambda: expect(page.locator("#dataset-table tbody tr").first).to_be_visible(),
        "/datasets/circle/": lambda: (
            expect(page.locator("#preview")).to_have_attribute("data-rendered", "points"),
            expect(page.locator("#classes-chart .main-svg").first).to_be_visible(),
        ),
        "/datasets/digits/": lambda: expect(page.locator("#preview")).to_have_attribute("data-rendered", "images"),
        "/accounts/login/": lambda: expect(page.locator("form input[name=username]")).to_be_visible(),
        "/accounts/signup/": lambda: expect(page.locator("form input[name=password2]")).to_be_visible(),
    }
    for url, works in pages.items():
        response = page.goto(url)
        policy = dict(d.strip().split(" ", 1) for d in response.headers.get("content-security-policy", "").split(";"))
        assert (policy["default-src"], policy["script-src"], policy["style-src"], policy["object-src"]) == (
            "'self'",
            "'self'",
            "'self'",
            "'none'",
        ), url
        works()
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") == "flex"
        )  # our stylesheet applies
        assert page.violations() == [], url
    assert outside(page) == [], "the pages requested resources from outside the server"
    assert any(u.startswith("ws://") for u in page.requested)
    assert page.errors == []
