"""Classroom mode (issue #16), as TensorFlow Playground's URL hides parts of its page: a link
hides parts (hide=...), locks settings (lock=...: shown, disabled, unchangeable from the mouse
or the keyboard), has an embed view for slides (embed=1) and the page a full-screen boundary
for presenters. The Classroom dialog builds such links; unknown names are dropped with a note."""

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from .conftest import open_page

TIMEOUT = 90_000  # ms: a cold JAX compile plus the first chunk, on a busy machine
HAS_BOUNDARY = "() => document.getElementById('boundary-chart').dataset.hasBoundary === 'true'"
# One element of each part a link can hide (static/js/classroom.js PARTS), on a 2-D dataset.
PARTS = {
    "lessons": ".lessons",
    "data": ".data-column",
    "features": "#network .input-col",
    "layers": "#add-layer",
    "hyper": "#hyper",
    "loss": "#loss-chart",
    "accuracy": "#accuracy-chart",
    "confusion": "#confusion-chart",
    "code": "#code",
}
INJECTED = "[...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => a.name))"


def hash_params(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).fragment, keep_blank_values=True).items()}


def expect_hidden_exactly(page, hidden):
    for name, selector in PARTS.items():
        if name in hidden:
            expect(page.locator(selector).first).to_be_hidden()
        else:
            expect(page.locator(selector).first).to_be_visible()


def test_a_classroom_link_hides_and_locks_what_it_says(page, shots):
    page.goto(
        "/#dataset=xor&learningRate=0.01&hide=lessons,features,layers,loss,code&lock=learningRate,activation,layers"
    )
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    assert page.get_attribute("html", "data-hide") == "lessons features layers loss code"
    expect_hidden_exactly(page, {"lessons", "features", "layers", "loss", "code"})
    for selector in ["#network .col-tools .tiny-button", "#network .units .tiny-button", "#remove-layer"]:
        expect(page.locator(selector).first).to_be_hidden()
    expect(page.locator("#classroom-note")).to_be_visible()

    # Locked: shown but disabled; the rest stays editable.
    expect(page.locator("#learning-rate")).to_be_visible()
    expect(page.locator("#learning-rate")).to_be_disabled()
    expect(page.locator("#learning-rate")).to_have_value("0.01")
    activations = page.locator("#network select[data-action=activation]")
    expect(activations).to_have_count(3)
    for i in range(3):
        expect(activations.nth(i)).to_be_disabled()
    expect(page.locator("#network .units-input").first).to_be_disabled()
    expect(page.locator(".preset").first).to_be_disabled()  # a lesson would replace the locked values
    for free in [
        "#optimizer",
        "#loss",
        "[data-bind='spec.epochs']",
        "#noise-slider",
        ".dataset-card[data-name=circle]",
    ]:
        expect(page.locator(free)).to_be_enabled()

    # Trying anyway: the mouse, typing, the keyboard's Tab order.
    try:
        page.locator("#learning-rate").fill("0.3", force=True, timeout=2000)
    except Exception:  # Playwright refuses a disabled field: as good
        pass
    try:
        activations.first.select_option("relu", force=True, timeout=2000)
    except Exception:
        pass
    page.focus("#optimizer")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") != "learning-rate"
    page.keyboard.press("ArrowUp")
    expect(page.locator("#learning-rate")).to_have_value("0.01")
    expect(activations.first).to_have_value("tanh")
    params = hash_params(page.url)
    assert params["learningRate"] == "0.01" and params["layers"].startswith("4:tanh,2:tanh,")

    # An allowed edit that redraws the network (another dataset) keeps the locks on the new controls.
    page.click(".dataset-card[data-name=circle]")
    expect(page.locator(".dataset-card.selected")).to_have_attribute("data-name", "circle")
    expect(page.locator("#network select[data-action=activation]").first).to_be_disabled()
    expect(page.locator("#network .units-input").first).to_be_disabled()
    expect(page.locator("#learning-rate")).to_be_disabled()
    params = hash_params(page.url)
    assert params["hide"] == "lessons,features,layers,loss,code" and params["lock"] == "learningRate,activation,layers"
    shots(page, "classroom-locked.png")
    assert page.errors == []


def test_the_dialog_builds_a_link_that_round_trips(page, browser, live_server_url, shots):
    page.goto("/")
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    page.click("#classroom-open")
    dialog = page.locator("#classroom-dialog")
    expect(dialog).to_be_visible()
    for name in ["data", "accuracy", "code"]:
        dialog.locator(f"input[data-group=hide][value={name}]").check()
    for name in ["learningRate", "optimizer"]:
        dialog.locator(f"input[data-group=lock][value={name}]").check()
    shots(page, "classroom-dialog.png")
    url = page.input_value("#classroom-url")
    params = hash_params(url)
    assert (
        params["hide"] == "data,accuracy,code" and params["lock"] == "optimizer,learningRate" and "embed" not in params
    )
    assert dialog.locator("#classroom-preview").get_attribute("href") == url
    page.click("#classroom-copy")
    expect(page.locator("#classroom-status")).not_to_be_empty()
    page.click("#classroom-close")
    expect(dialog).to_be_hidden()
    assert page.get_attribute("html", "data-hide") is None  # the teacher's own page is unchanged
    expect(page.locator("#learning-rate")).to_be_enabled()

    context, student = open_page(browser, live_server_url, bypass_csp=True)  # another browser: the student's
    student.goto(url)
    expect(student.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    assert student.get_attribute("html", "data-hide") == "data accuracy code"
    expect_hidden_exactly(student, {"data", "accuracy", "code"})
    expect(student.locator("#learning-rate")).to_be_disabled()
    expect(student.locator("#optimizer")).to_be_disabled()
    expect(student.locator("#loss")).to_be_enabled()
    after = hash_params(student.url)
    assert (after["hide"], after["lock"]) == (params["hide"], params["lock"])
    # The dialog there starts from the link's sets and builds the same link.
    student.click("#classroom-open")
    checked = student.eval_on_selector_all(
        "#classroom-dialog input[data-group]:checked", "(els) => els.map((e) => e.dataset.group + ':' + e.value)"
    )
    assert sorted(checked) == sorted(["hide:data", "hide:accuracy", "hide:code", "lock:learningRate", "lock:optimizer"])
    again = hash_params(student.input_value("#classroom-url"))
    assert (again["hide"], again["lock"]) == (params["hide"], params["lock"])
    assert page.errors == [] and student.errors == []
    context.close()


def test_unknown_part_names_are_ignored_with_a_note(csp_page):
    page = csp_page
    page.goto(
        "/#hide=data,%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E,bogus&lock=nonsense,learningRate,__proto__&embed=maybe"
    )
    note = page.locator("#link-note")
    expect(note).to_be_visible()
    assert set(note.get_attribute("data-ignored").split(",")) == {"hide", "lock", "embed"}
    for name in ["bogus", "nonsense", "<img src=x"]:
        expect(note).to_contain_text(name)  # named as text
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    assert page.get_attribute("html", "data-hide") == "data"  # the known names still apply
    assert page.get_attribute("html", "data-embed") is None
    expect(page.locator(".data-column")).to_be_hidden()
    expect(page.locator("#learning-rate")).to_be_disabled()
    expect(page.locator(".topbar")).to_be_visible()
    params = hash_params(page.url)
    assert params["hide"] == "data" and params["lock"] == "learningRate" and "embed" not in params
    assert page.evaluate("window.__xss") is None
    assert page.evaluate(INJECTED) == []
    assert page.violations() == []
    assert page.errors == []


def no_sideways_scroll(pg):
    return pg.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")


def test_the_embed_view_fits_a_slide(browser, live_server_url, shots):
    context, pg = open_page(browser, live_server_url, bypass_csp=True)
    try:
        pg.set_viewport_size({"width": 800, "height": 450})
        for url, name in [
            ("/#embed=1", "embed.png"),
            ("/#embed=1&hide=data,hyper,accuracy,confusion", "embed-slide.png"),
        ]:
            pg.goto(url)
            expect(pg.locator("#train")).to_be_enabled(timeout=TIMEOUT)
            assert pg.get_attribute("html", "data-embed") == ""
            expect(pg.locator(".topbar")).to_be_hidden()
            expect(pg.locator(".lessons")).to_be_hidden()
            expect(pg.locator("#code")).to_be_hidden()
            expect(pg.locator("#train")).to_be_visible()
            expect(pg.locator("#boundary-chart")).to_be_visible()
            pg.wait_for_function("() => document.querySelector('#boundary-chart .main-svg')")
            width, client = no_sideways_scroll(pg)
            assert width <= client == 800, (url, width, client)
            shots(pg, name)
        box = pg.locator("#boundary-chart").bounding_box()
        assert box["y"] + box["height"] <= 450 and box["width"] >= 200, (
            box
        )  # the slide version: the boundary on the first screen
        assert pg.errors == []
    finally:
        context.close()


def test_a_classroom_link_trains_and_presents_the_boundary_full_screen(page, shots):
    page.goto("/#epochs=30&hide=lessons,data,hyper,loss,accuracy,confusion,code&lock=learningRate,layers,activation")
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    page.click("#train", no_wait_after=True)
    page.wait_for_function(HAS_BOUNDARY, timeout=TIMEOUT)
    expect(page.locator("#c-iteration")).not_to_have_text("0")
    expect(page.locator(".hidden-col .neuron canvas").first).to_be_visible()
    shots(page, "classroom-training.png")

    before = page.locator("#boundary-chart").bounding_box()
    page.click("#present")
    page.wait_for_function(
        "() => document.fullscreenElement?.id === 'boundary-wrap' || document.getElementById('boundary-wrap').classList.contains('presenting')"
    )
    expect(page.locator("#present")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(
        f"() => document.getElementById('boundary-chart').getBoundingClientRect().width > {before['width'] + 50}"
    )
    page.wait_for_function(
        "() => { const c = document.getElementById('boundary-chart'); const svg = c.querySelector('.main-svg');"
        " return svg && svg.getBoundingClientRect().width > c.getBoundingClientRect().width * 0.9; }"
    )  # Plotly followed
    shots(page, "classroom-presenter.png")
    page.click("#present")
    expect(page.locator("#present")).to_have_attribute("aria-pressed", "false")
    page.wait_for_function(
        "() => !document.fullscreenElement && !document.getElementById('boundary-wrap').classList.contains('presenting')"
    )
    # Ends the run if it still runs; a disabled button ignores the click (no check, then act).
    page.evaluate("document.getElementById('stop').click()")
    assert page.errors == []


def test_locks_cover_the_layer_stack_of_images(page):
    page.goto("/#dataset=digits&lock=layers,activation&hide=layers")
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    expect(page.locator("body")).to_have_attribute("data-kind", "images")
    fields = page.locator("#stack [data-action=field]")
    expect(fields.first).to_be_disabled()
    assert page.eval_on_selector_all(
        "#stack [data-action=field]", "(els) => els.length > 3 && els.every((e) => e.disabled)"
    )
    expect(page.locator("#stack .layer-add")).to_be_hidden()
    expect(page.locator("#stack .layer-tools").first).to_be_hidden()
    expect(page.locator("#stack .layer-add button")).to_be_disabled()
    assert page.errors == []
