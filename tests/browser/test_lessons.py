"""The course in a real browser, in Korean: the list, a lesson, its preset opened on the
playground and trained, back to mark it finished, the progress on the list; the text
lesson trains a small NSMC model and predicts a typed Korean review."""

import pytest
from playwright.sync_api import expect

from playground.lessons import content_ko
from tests.browser.conftest import open_page

pytestmark = pytest.mark.timeout(300)  # two runs, and a fresh server analyses the NSMC reviews into morphemes first
RUN_TIMEOUT = 120_000  # ms: a cold JAX compile (an LSTM's is the slowest) plus the run
# The text lesson's preset with few reviews and one epoch: the test's own spec through the URL state.
SMALL_NSMC = "/#preset=nsmc_lstm&samples=400&epochs=1&batchSize=32"


def finish_and_check(page, slug):
    """On the lesson page: mark it finished, then see it so on the page and on the list."""
    page.click("#mark-finished")
    expect(page.locator("h1 .lesson-state")).to_have_attribute("data-progress", "finished")
    expect(page.locator(".lesson-done")).to_be_visible()
    page.click("main a[href='/lessons/']")  # back to all the lessons
    expect(page.locator(f'li[data-lesson="{slug}"] .lesson-state')).to_have_attribute("data-progress", "finished")


def test_two_lessons_end_to_end_in_korean(browser, live_server_url):
    context, page = open_page(browser, live_server_url, bypass_csp=True, locale="ko-KR")
    try:
        page.goto("/")
        page.click("header .lessons-nav a")
        expect(page).to_have_url(f"{live_server_url}/lessons/")
        expect(page.locator(".lesson-section h2").first).to_have_text(content_ko.SECTIONS["perceptron"])
        expect(page.locator('li[data-lesson="perceptron"] .lesson-state')).to_have_attribute("data-progress", "new")

        # The perceptron: open the lesson, its preset on the playground, train to the end, back, finish.
        page.click(f'text={content_ko.LESSONS["perceptron"]["title"]}')
        expect(page.locator("h1")).to_contain_text(content_ko.LESSONS["perceptron"]["title"])
        expect(page.locator(".lesson-answer p")).to_be_hidden()
        page.click(".lesson-answer summary")  # the answer, on demand
        expect(page.locator(".lesson-answer p")).to_have_text(content_ko.LESSONS["perceptron"]["answer"])
        page.click("#open-preset")
        page.wait_for_function(
            "() => location.pathname === '/' && location.hash.includes('dataset=gauss')"
            " && location.hash.includes('1:step')"
        )  # the preset's spec, now the URL state
        expect(page.locator("#train")).to_be_enabled()
        page.click("#train", no_wait_after=True)
        expect(page.locator("#status")).to_have_attribute("data-status", "completed", timeout=RUN_TIMEOUT)
        page.go_back()
        expect(page.locator("h1")).to_contain_text(content_ko.LESSONS["perceptron"]["title"])
        finish_and_check(page, "perceptron")
        expect(page.locator('li[data-lesson="bow-vs-rnn"] .lesson-state')).to_have_attribute("data-progress", "new")

        # Embeddings and RNNs on Korean reviews: the preset opens on NSMC; a small variant trains, then predicts.
        page.click(f'text={content_ko.LESSONS["bow-vs-rnn"]["title"]}')
        expect(page.locator("h1")).to_contain_text(content_ko.LESSONS["bow-vs-rnn"]["title"])
        page.click("#open-preset")
        page.wait_for_function(
            "() => location.hash.includes('dataset=nsmc') && location.hash.includes('lstm(units=64)')"
        )
        page.goto(SMALL_NSMC)
        page.wait_for_function("() => location.hash.includes('samples=400') && location.hash.includes('epochs=1&')")
        # Validated once the server has the reviews' lengths (a cold start tokenizes the full preset's 30,000 first).
        expect(page.locator("#train")).to_be_enabled(timeout=RUN_TIMEOUT)
        page.click("#train", no_wait_after=True)
        expect(page.locator("#status")).to_have_attribute("data-status", "completed", timeout=RUN_TIMEOUT)
        page.fill("#predict-input", "정말 재미있는 영화였다")
        page.press("#predict-input", "Enter")
        expect(page.locator("#predict-probs .prob")).to_have_count(2, timeout=60_000)
        total = page.evaluate(
            "() => [...document.querySelectorAll('#predict-probs .prob-value')]"
            ".reduce((a, e) => a + parseFloat(e.textContent), 0)"
        )
        assert abs(total - 100) < 1.5 or abs(total - 1) < 0.015  # shown as percentages (or fractions) summing to one
        expect(page.locator(".predict-tokens .token").first).to_be_visible()  # the review's tokens
        page.goto("/lessons/bow-vs-rnn/")
        expect(page.locator("h1 .lesson-state")).to_have_attribute("data-progress", "opened")
        finish_and_check(page, "bow-vs-rnn")
        expect(page.locator('li[data-lesson="perceptron"] .lesson-state')).to_have_attribute(
            "data-progress", "finished"
        )
        expect(page.locator('li[data-lesson="mlp-xor"] .lesson-state')).to_have_attribute("data-progress", "new")
        assert page.errors == []
    finally:
        context.close()
