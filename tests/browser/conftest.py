"""Debian's Chromium driven by Playwright against the real server
(tests/conftest.py's live_server_url: daphne, static files, websockets)."""
import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


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


@pytest.fixture
def page(browser, live_server_url):
    """A fresh page that records every URL it requests (page.requested)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, base_url=live_server_url)
    pg = context.new_page()
    pg.requested = []
    pg.errors = []
    pg.on("request", lambda r: pg.requested.append(r.url))
    pg.on("websocket", lambda ws: pg.requested.append(ws.url))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


@pytest.fixture
def shots():
    """Where screenshots go: $SCREENSHOT_DIR if set, else nowhere."""
    target = os.environ.get("SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
    return lambda pg, name: pg.screenshot(path=str(Path(target) / name), full_page=True) if target else None
