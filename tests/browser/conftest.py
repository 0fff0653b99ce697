"""Debian's Chromium driven by Playwright against the real server
(tests/conftest.py's live_server_url: daphne, static files, websockets)."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

# expect() waits for its condition up to this long (Playwright's default is 5 s): on a 2-core CI
# machine with the integration layer in the other process, a first validation of a text spec
# (its vocabulary) took longer. A wait for an event, not a time the test asserts.
expect.set_options(timeout=30_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    """Module-scoped: Playwright's sync API keeps an event loop in this thread,
    which async_to_sync in later test modules must not find."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` (or apt-get install -y chromium) installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, base_url, **options):
    """A new context and page that records every URL it requests (page.requested) and its errors."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, base_url=base_url, **options)
    pg = context.new_page()
    pg.requested = []
    pg.errors = []
    pg.on("request", lambda r: pg.requested.append(r.url))
    pg.on("websocket", lambda ws: pg.requested.append(ws.url))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    return context, pg


@pytest.fixture
def page(browser, live_server_url):
    """A fresh page (open_page). It bypasses the Content-Security-Policy: Playwright's
    wait_for_function evaluates its predicate with eval, which the policy forbids.
    csp_page is the one that enforces it, as a visitor's browser does."""
    context, pg = open_page(browser, live_server_url, bypass_csp=True)
    yield pg
    context.close()


@pytest.fixture
def shots():
    """Where screenshots go: $SCREENSHOT_DIR if set, else nowhere."""
    target = os.environ.get("SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
    return lambda pg, name: pg.screenshot(path=str(Path(target) / name), full_page=True) if target else None


# Recorded in the page itself: every Content-Security-Policy violation of the current document.
CSP_LISTENER = """window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));"""


@pytest.fixture
def csp_page(browser, live_server_url):
    """A page under the server's Content-Security-Policy (no wait_for_function here: see page).
    csp_page.violations() lists the current document's violations plus every console message
    about the policy since the page opened."""
    context, pg = open_page(browser, live_server_url)
    pg.add_init_script(CSP_LISTENER)
    console = []
    pg.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    pg.violations = lambda: pg.evaluate("window.__csp || []") + console
    yield pg
    context.close()


@pytest.fixture
def outside(live_server_url):
    """outside(page): the URLs `page` requested from anywhere but the live server."""
    origin = urlsplit(live_server_url).netloc
    return lambda pg: [u for u in pg.requested if not u.startswith(("data:", "blob:")) and urlsplit(u).netloc != origin]
