"""The playground from the keyboard alone, and for screen readers (issue #16; static/js/keys.js):
Space trains / pauses / resumes, ArrowRight steps a paused run, keys typed into a field stay
there, every control has a name and a role, focus is visible, and a polite live region reads
the training out, at most once every 2 s."""

from playwright.sync_api import expect

SOCKET_TIMEOUT = 60_000  # ms: a cold JAX compile plus the first chunk


def iteration(page):
    return int(page.inner_text("#c-iteration").replace(",", ""))


def focus_body(page):
    """Nothing focused: the keys go to the page itself."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    assert page.evaluate("() => document.activeElement === document.body")


def test_space_trains_pauses_steps_and_resumes(page):
    page.goto("/#speed=30")  # slow enough to be running still when it is paused
    expect(page.locator("#train")).to_be_enabled()
    # Every change of the live region, with its time (the region must not flood a screen reader).
    page.evaluate("""() => { window.__said = [];
        new MutationObserver(() => window.__said.push([performance.now(), document.getElementById('chart-summary').textContent]))
          .observe(document.getElementById('chart-summary'), { childList: true, characterData: true, subtree: true }); }""")
    focus_body(page)

    page.keyboard.press("Space")  # no run yet: Space starts one
    page.wait_for_function("() => document.body.dataset.run === 'running'", timeout=SOCKET_TIMEOUT)
    expect(page.locator("#status")).to_contain_text("Training")
    page.wait_for_function("() => document.getElementById('loss-chart').dataset.updates > 1", timeout=SOCKET_TIMEOUT)
    assert page.evaluate("() => window.scrollY") == 0  # Space did not scroll the page

    page.keyboard.press("Space")  # running: Space pauses
    expect(page.locator("#status")).to_contain_text("Paused", timeout=SOCKET_TIMEOUT)
    assert page.evaluate("() => document.body.dataset.run") == "paused"
    before = iteration(page)
    page.keyboard.press("ArrowRight")  # paused: one step
    expect(page.locator("#c-iteration")).to_have_text(f"{before + 1:,}", timeout=SOCKET_TIMEOUT)
    page.keyboard.press("ArrowRight")
    expect(page.locator("#c-iteration")).to_have_text(f"{before + 2:,}", timeout=SOCKET_TIMEOUT)

    page.keyboard.press("Space")  # paused: Space resumes
    expect(page.locator("#status")).to_contain_text("Training", timeout=SOCKET_TIMEOUT)
    page.wait_for_function(
        f"() => Number(document.getElementById('c-iteration').textContent.replace(/,/g, '')) > {before + 2}",
        timeout=SOCKET_TIMEOUT,
    )

    # The live region read the run out in words: where it is, the loss and the accuracy, politely.
    region = page.locator("#chart-summary")
    expect(region).to_have_attribute("aria-live", "polite")
    page.wait_for_function("() => window.__said.length >= 3", timeout=SOCKET_TIMEOUT)
    said = page.evaluate("() => window.__said")
    text = said[-1][1]
    assert "iteration" in text and "loss" in text and "accuracy" in text, text
    gaps = [b[0] - a[0] for a, b in zip(said, said[1:])]
    assert min(gaps) >= 1900, f"the live region changed {len(said)} times, as close as {min(gaps):.0f} ms apart"
    expect(page.locator("#loss-chart")).to_have_attribute("aria-describedby", "chart-summary")

    page.click("#stop", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Stopped", timeout=SOCKET_TIMEOUT)
    assert page.errors == []


def test_keys_typed_into_a_field_stay_there(page):
    page.goto("/")
    expect(page.locator("#train")).to_be_enabled()
    runs = []
    page.on("request", lambda r: runs.append(r.url) if r.method == "POST" and r.url.endswith("/api/runs/") else None)
    ready = page.inner_text("#status")

    # A run starts synchronously on a key (the status line says "Starting…" at once), so a key that
    # started nothing has left the status line, the run buttons and the network alone.
    page.focus("input[data-bind='spec.epochs']")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.fill("#learning-rate", "")
    page.focus("#learning-rate")
    page.keyboard.type("0.1 ")
    page.focus("#optimizer")
    page.keyboard.press("Space")
    page.keyboard.press("Escape")
    page.evaluate(
        "() => { const d = Object.assign(document.createElement('div'), { contentEditable: 'true', textContent: 'notes' });"
        " document.querySelector('.controls').append(d); d.focus(); }"
    )
    page.keyboard.press("Space")
    expect(page.locator("#status")).to_have_text(ready)
    assert page.evaluate("() => document.body.dataset.run") == "none"
    assert runs == []

    # Space on a focused button presses that button once (the browser's own Space), never twice.
    page.focus("#train")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.body.dataset.run === 'running'", timeout=SOCKET_TIMEOUT)
    expect(page.locator("#status")).to_contain_text("Training")
    assert len(runs) == 1
    page.click("#stop", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Stopped", timeout=SOCKET_TIMEOUT)


# Every control a key can reach: its accessible name (aria-label(ledby), a <label>, its text, a title,
# a placeholder) and its role (native or explicit). .neuron: builder.js's focusable divs (see report).
AUDIT = """() => {
  const shown = (el) => el.getClientRects().length > 0 && !el.closest('[hidden], dialog:not([open]), .js-plotly-plot');
  const NATIVE = { BUTTON: 'button', SELECT: 'combobox', TEXTAREA: 'textbox', A: 'link', SUMMARY: 'button', INPUT: 'input' };
  const named = (el) => (el.getAttribute('aria-label') || '').trim() || el.getAttribute('aria-labelledby')
    || (el.labels && [...el.labels].some((l) => l.textContent.trim())) || (el.textContent || '').trim()
    || (el.title || '').trim() || (el.placeholder || '').trim() || (el.type === 'submit' && el.value);
  return [...document.querySelectorAll('button, input:not([type=hidden]), select, textarea, a[href], summary, [tabindex]:not(.neuron)')]
    .filter(shown)
    .filter((el) => !named(el) || !(el.getAttribute('role') || NATIVE[el.tagName]))
    .map((el) => el.outerHTML.slice(0, 120));
}"""


def test_every_control_has_a_name_a_role_and_a_visible_focus(page):
    page.goto("/")
    expect(page.locator("#train")).to_be_enabled()
    expect(page.locator(".hidden-col")).to_have_count(2)
    assert page.evaluate(AUDIT) == []
    expect(page.get_by_role("button", name="Train")).to_be_visible()  # the ▶ button says what it does
    expect(page.get_by_role("group", name="Run")).to_be_visible()
    assert page.get_attribute("#train", "aria-keyshortcuts") == "Space"
    assert page.get_attribute("#step", "aria-keyshortcuts") == "ArrowRight"
    assert page.get_attribute("#boundary-chart", "role") == "img" and page.get_attribute(
        "#boundary-chart", "aria-label"
    )

    # Tab from Reset lands on Train, with a visible focus ring.
    page.focus("#reset")
    page.keyboard.press("Tab")
    ring = page.evaluate("""() => { const el = document.activeElement; const s = getComputedStyle(el);
        return { id: el.id, style: s.outlineStyle, width: parseFloat(s.outlineWidth) }; }""")
    assert ring["id"] == "train" and ring["style"] != "none" and ring["width"] >= 2, ring
    page.keyboard.press("Tab")  # Pause is disabled: Step is next
    assert page.evaluate("() => document.activeElement.id") == "step"

    for url in ["/lessons/", "/experiments/", "/datasets/", "/accounts/login/"]:
        page.goto(url)
        expect(page.locator(".topbar")).to_be_visible()
        assert page.evaluate(AUDIT) == [], url
