"""The playground in Korean in a real browser: the words its JavaScript writes come from the
Korean catalog (/jsi18n/, locale/ko/LC_MESSAGES/djangojs.po), and the Hangul is drawn with our
own web font ("Playground Hangul", static/fonts/), in the page and in the Plotly charts, under
the Content-Security-Policy and with nothing asked of another server."""

from django.conf import settings
from playwright.sync_api import expect

TIMEOUT = 60_000  # ms: a cold JAX compile plus the first chunk
FAMILY = "Playground Hangul"


def test_the_playground_speaks_korean_and_draws_hangul_with_our_font(csp_page, live_server_url, outside, shots):
    page = csp_page
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ko", "url": live_server_url}])
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    # Words main.js, builder.js and panel.js write, and the Plotly charts' axis titles.
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)  # the debounced validation answered
    expect(page.locator("#layer-count")).to_have_text("은닉층 2개")
    expect(page.locator("#total-params")).to_contain_text("파라미터")
    expect(page.locator(".input-col .col-title")).to_have_text("특성")
    expect(page.locator("#progress-text")).to_have_text("시작 전")
    expect(page.locator("#pause")).to_have_text("일시 정지")
    expect(page.locator("#train")).to_have_attribute("title", "학습")
    expect(page.locator("#loss-chart .xtitle")).to_have_text("반복")
    expect(page.locator("#loss-chart .ytitle")).to_have_text("손실")

    # A short run: the status frames' words come through the catalog too.
    page.fill("input[data-bind='spec.epochs']", "3")
    page.press("input[data-bind='spec.epochs']", "Tab")
    page.select_option("#speed", "1000")
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    page.click("#train", no_wait_after=True)
    expect(page.locator("#status")).to_have_text("완료: 모든 에포크를 학습했습니다.", timeout=TIMEOUT)
    expect(page.locator("#loss-chart .legendtext").first).to_have_text("학습 (배치)")

    fonts = page.evaluate(
        """async (family) => {
        await document.fonts.ready;
        const ours = [...document.fonts].filter((f) => f.family.replace(/"/g, "") === family);
        const svgText = document.querySelector("#loss-chart .xtitle");
        return {
            check: document.fonts.check(`16px "${family}"`, "학습"),
            loaded: ours.filter((f) => f.status === "loaded").map((f) => f.weight).sort(),
            page: getComputedStyle(document.body).fontFamily,
            chart: getComputedStyle(svgText).fontFamily,
        };
    }""",
        FAMILY,
    )
    assert fonts["check"], fonts
    assert fonts["loaded"] == ["400", "700"], fonts  # the regular text and the bold headings
    assert fonts["page"].startswith(f'"{FAMILY}"') and fonts["chart"].startswith(f'"{FAMILY}"'), fonts
    assert any(u.endswith("/static/fonts/playground-hangul-regular.woff2") for u in page.requested)
    assert page.violations() == []  # font-src falls back to default-src 'self'
    assert outside(page) == [], "the page requested resources from outside the server"
    assert page.errors == []
    shots(page, "korean-playground.png")
