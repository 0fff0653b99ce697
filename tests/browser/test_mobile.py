"""Every page on a phone (issue #16): Chromium emulating a touch phone at 390x844 and 360x740.
No page scrolls sideways (wide things scroll inside their own box), the header's links and
buttons wrap inside the screen, the controls are finger-sized (40 px high at least), the
body text is 14 px at least, and sliders and the drawing pad answer to touch."""

import pytest
from playwright.sync_api import expect

TIMEOUT = 60_000  # ms: a cold JAX compile plus a short run (the saved experiments)
PHONES = [pytest.param((390, 844), id="390x844"), pytest.param((360, 740), id="360x740")]
PASSWORD = "a long test password"

# Two short runs saved as public experiments (any visitor may open them): the detail and compare pages.
SAVE_TWO = """async () => {
  const api = await import('/static/js/api.js');
  const catalog = JSON.parse(document.getElementById('catalog').textContent);
  const spec = { ...catalog.presets.find((p) => p.name === 'mlp_xor').spec, epochs: 2 };
  const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrftoken=')).slice('csrftoken='.length);
  const slugs = [];
  for (const title of ['phone one', 'phone two']) {
    const run = await api.createRun(spec, null);
    if (!run.ok) throw new Error(JSON.stringify(run.body));
    for (;;) {
      const r = await api.getRun(run.body.id);
      if (['completed', 'stopped', 'failed', 'diverged'].includes(r.body.status)) break;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    const saved = await fetch('/api/experiments/', { method: 'POST', body: JSON.stringify({ run: run.body.id, title, visibility: 'public' }),
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf } });
    if (!saved.ok) throw new Error(await saved.text());
    slugs.push((await saved.json()).slug);
  }
  return slugs;
}"""

# What a page must show before it is measured (evaluated with wait_for_function).
PLAYGROUND_READY = "() => !document.getElementById('train').disabled"
PLOTS_READY = "() => document.querySelectorAll('.js-plotly-plot').length > 0"
LOADED = "() => document.readyState === 'complete'"

# Layout facts of the current page, for a phone `width` pixels wide.
MEASURE = """(width) => {
  const shown = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('[hidden], dialog:not([open])'); };
  const name = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.classList.length ? '.' + [...el.classList].join('.') : ''}`
    + ` "${(el.textContent || el.value || el.title || '').trim().slice(0, 30)}"`;
  const header = [...document.querySelectorAll('.topbar a, .topbar button')].filter(shown);
  const outside = header.filter((el) => { const r = el.getBoundingClientRect(); return r.left < -0.5 || r.right > width + 0.5; });
  // Body text: paragraphs, list items, labels, cells, controls and links (not chart internals, thumbnails or code).
  const texts = [...document.querySelectorAll('main p, main li, main label, main td, main button, main select, main input, main textarea, main a, '
    + 'section p, section label, section button, section select, section input, section a, .topbar a, .topbar button, .status-line')]
    .filter((el) => shown(el) && (el.textContent.trim() || el.matches('input, select, textarea'))
      && !el.closest('.js-plotly-plot, .card-plot, pre, .net-columns, .stack, .levels, .data-preview, .probs, .prediction-strip')
      && !el.matches('input[type=checkbox], input[type=radio], input[type=range], input[type=hidden], input[type=file]'));
  const small = texts.filter((el) => parseFloat(getComputedStyle(el).fontSize) < 14);
  return {
    innerWidth: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    header: header.length,
    outside: outside.map(name),
    small: small.map((el) => `${name(el)} ${getComputedStyle(el).fontSize}`).slice(0, 15),
  };
}"""

# Finger-sized: every shown element matching the selector is 40 px high at least.
TARGETS = """([selector]) => [...document.querySelectorAll(selector)]
  .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && !el.closest('[hidden], dialog:not([open])'); })
  .map((el) => [`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} "${(el.textContent || el.value || '').trim().slice(0, 30)}"`,
                el.getBoundingClientRect().height])"""
HEADER_TARGETS = ".topbar a, .topbar button"
PAGE_TARGETS = (
    "main button, main select, main input[type=text], main input[type=search], main input[type=password], "
    "main input[type=email], main input[type=number], main .small-button, main .primary-button, main .lesson-button"
)
PLAYGROUND_TARGETS = (
    "#reset, #train, #pause, #step, #stop, .preset, .hyper select, .hyper input, #regenerate, #add-layer, "
    "#remove-layer, .data-column input[type=number], .data-column select, .dataset-card, #copy-link, "
    "#save-experiment, #import-spec"
)


@pytest.fixture(scope="module")
def experiments(browser, live_server_url):
    """The slugs of two public saved experiments (short runs trained on the live server)."""
    context = browser.new_context(base_url=live_server_url, bypass_csp=True)
    pg = context.new_page()
    pg.goto("/")
    expect(pg.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    pg.set_default_timeout(TIMEOUT)
    slugs = pg.evaluate(SAVE_TWO)
    context.close()
    return slugs


@pytest.fixture(scope="module")
def staff(live_manage):
    live_manage(
        "createsuperuser",
        "--noinput",
        "--username",
        "phone-staff",
        "--email",
        "phone-staff@example.com",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    return "phone-staff"


def phone(browser, live_server_url, size):
    """A touch phone's context and page: its CSS pixels are `size`, and a page wider than
    that would make it zoom out (window.innerWidth grows), as a real phone does."""
    width, height = size
    context = browser.new_context(
        base_url=live_server_url,
        viewport={"width": width, "height": height},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    return context, pg


def check_page(pg, url, ready, width, *, targets=PAGE_TARGETS, fonts=True, header=True):
    """Open url on the phone, wait for `ready`, return the problems found (empty: fine)."""
    pg.goto(url)
    pg.wait_for_function(ready, timeout=TIMEOUT)
    m = pg.evaluate(MEASURE, width)
    problems = []
    if m["innerWidth"] != width or m["scrollWidth"] > width:
        problems.append(
            f"scrolls sideways: scrollWidth {m['scrollWidth']}, innerWidth {m['innerWidth']} on a {width} px phone"
        )
    if header and not m["header"]:
        problems.append("no header links or buttons shown")
    if m["outside"]:
        problems.append(f"header items outside the screen: {m['outside']}")
    if fonts and m["small"]:
        problems.append(f"text under 14 px: {m['small']}")
    low = [
        (what, round(h, 1))
        for what, h in pg.evaluate(TARGETS, [f"{HEADER_TARGETS}, {targets}" if targets else HEADER_TARGETS])
        if h < 40
    ]
    if low:
        problems.append(f"tap targets under 40 px high: {low[:12]}")
    return [f"{url}: {p}" for p in problems]


@pytest.mark.parametrize("size", PHONES)
def test_every_page_fits_a_phone(browser, live_server_url, experiments, staff, size, shots):
    width = size[0]
    one, two = experiments
    pages = [
        ("/", PLAYGROUND_READY, PLAYGROUND_TARGETS),
        (
            "/#dataset=digits",
            "() => document.body.dataset.kind === 'images' && !document.getElementById('train').disabled",
            PLAYGROUND_TARGETS,
        ),
        (
            "/#dataset=sentiment",
            "() => document.body.dataset.kind === 'text' && !document.getElementById('train').disabled",
            PLAYGROUND_TARGETS,
        ),
        ("/lessons/", LOADED, PAGE_TARGETS + ", .lesson-list a"),
        ("/lessons/perceptron/", LOADED, PAGE_TARGETS),
        ("/experiments/", LOADED, PAGE_TARGETS),
        (f"/experiments/{one}/", PLOTS_READY, PAGE_TARGETS),
        (f"/experiments/compare/?e={one}&e={two}", PLOTS_READY, PAGE_TARGETS),
        ("/datasets/", LOADED, PAGE_TARGETS),
        ("/datasets/digits/", LOADED, PAGE_TARGETS + ", .ds-use"),
        ("/accounts/login/", LOADED, PAGE_TARGETS),
        ("/accounts/signup/", LOADED, PAGE_TARGETS),
    ]
    problems = []
    context, pg = phone(browser, live_server_url, size)
    try:
        for url, ready, targets in pages:
            problems += check_page(pg, url, ready, width, targets=targets)
            if url == "/":
                shots(pg, f"mobile-playground-{width}.png")
            if url == "/#dataset=digits":
                shots(pg, f"mobile-playground-digits-{width}.png")
        # Logged in: the password page, and the staff's upload form (Django's admin, its own stylesheet:
        # only the width is ours to keep).
        pg.goto("/admin/login/?next=/admin/playground/dataset/add/")
        pg.fill("#id_username", staff)
        pg.fill("#id_password", PASSWORD)
        pg.click("input[type=submit]")
        expect(pg.locator("#id_file")).to_be_attached()
        problems += check_page(
            pg, "/admin/playground/dataset/add/", LOADED, width, targets=None, fonts=False, header=False
        )
        problems += check_page(pg, "/accounts/password_change/", LOADED, width)
        shots(pg, f"mobile-password-{width}.png")
        assert pg.errors == []
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_the_network_scrolls_in_its_own_box_and_touch_works(browser, live_server_url, shots):
    context, pg = phone(browser, live_server_url, (360, 740))
    try:
        # Four wide hidden layers: the diagram is wider than the phone, the page is not.
        pg.goto("/#layers=8:tanh,8:tanh,8:tanh,8:tanh,1:tanh")
        pg.wait_for_function(PLAYGROUND_READY, timeout=TIMEOUT)
        expect(pg.locator(".hidden-col")).to_have_count(4)
        box = pg.evaluate("""() => { const n = document.getElementById('network');
            return { scroll: n.scrollWidth, client: n.clientWidth, overflow: getComputedStyle(n).overflowX,
                     page: document.documentElement.scrollWidth, inner: window.innerWidth }; }""")
        assert box["scroll"] > box["client"], box  # the diagram is wider than its box ...
        assert box["overflow"] in ("auto", "scroll"), box  # ... which scrolls it
        assert box["page"] <= 360 and box["inner"] == 360, box  # and the page does not
        right = "() => document.querySelector('#network .output-col').getBoundingClientRect().right"
        assert pg.evaluate(right) > 360  # the output layer is off to the right ...
        pg.locator("#network").evaluate("(n) => { n.scrollLeft = n.scrollWidth; }")
        assert pg.evaluate(right) <= 360  # ... until the box is scrolled
        shots(pg, "mobile-network-scrolled-360.png")

        # A tap on a slider moves it (the Samples slider: the count beside it follows).
        before = pg.inner_text("#samples-out")
        slider = pg.locator("#samples")
        slider.scroll_into_view_if_needed()
        b = slider.bounding_box()
        assert b["height"] >= 40, b
        pg.touchscreen.tap(b["x"] + b["width"] * 0.9, b["y"] + b["height"] / 2)
        expect(pg.locator("#samples-out")).not_to_have_text(before)

        # The drawing pad keeps the finger's moves for itself (no page scroll while drawing).
        pg.goto("/#dataset=digits")
        pg.wait_for_function("() => document.body.dataset.kind === 'images'", timeout=TIMEOUT)
        pad = pg.locator(".draw-pad")
        expect(pad).to_be_attached()
        assert pad.evaluate("(el) => getComputedStyle(el).touchAction") == "none"
    finally:
        context.close()
