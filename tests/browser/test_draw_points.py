"""Your own data on the plane (issue #16): click to add points of two classes, shift-click to remove
one, the URL carries them, a reload keeps them, Train runs on exactly them; a finger paints."""

import base64
import json
import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import open_page

SOCKET_TIMEOUT = 60_000  # ms: a cold JAX compile plus the first chunk
CHART_READY = "() => { const el = document.getElementById('boundary-chart'); return Boolean(el._fullLayout && el._fullLayout._size); }"
# A plane point -> where it is on the page (client pixels), from the chart's own axes.
TO_CLIENT = """([x, y]) => {
    const el = document.getElementById('boundary-chart'), L = el._fullLayout, s = L._size, box = el.getBoundingClientRect();
    const [ax0, ax1] = L.xaxis.range, [ay0, ay1] = L.yaxis.range;
    return [box.left + s.l + (x - ax0) / (ax1 - ax0) * s.w, box.top + s.t + (ay1 - y) / (ay1 - ay0) * s.h, box.left, box.top];
}"""


def decode_points(url):
    """state.js's "points" value -> [[x1, x2, label], ...] (the classes form: 3 bytes a point)."""
    value = parse_qs(urlsplit(url).fragment)["points"][0]
    assert value[0] == "c", value
    raw = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
    out = []
    for i in range(0, len(raw), 3):
        n = int.from_bytes(raw[i : i + 3], "big")
        out.append([((n >> 13) - 600) / 100, (((n >> 2) & 0x7FF) - 600) / 100, n & 3])
    return out


def chart_at(page, x, y):
    """{x, y} for locator.click(position=...): a plane point relative to the chart's box."""
    cx, cy, left, top = page.evaluate(TO_CLIENT, [x, y])
    return {"x": cx - left, "y": cy - top}


def near(points, expected, tol=0.06):
    return len(points) == len(expected) and all(
        abs(p[0] - e[0]) <= tol and abs(p[1] - e[1]) <= tol and p[2] == e[2] for p, e in zip(points, expected)
    )


def test_click_to_add_shift_click_to_remove_reload_and_train(page):
    page.goto("/")
    expect(page.locator("#train")).to_be_enabled()
    page.wait_for_function(CHART_READY)
    chart = page.locator("#boundary-chart")
    chart.scroll_into_view_if_needed()

    page.click("#draw-clear")  # an empty plane of two classes
    expect(page.locator("#draw-pen")).to_be_visible()
    expect(page.locator("#draw-count")).to_have_text("0 points")
    assert "dataset=custom&" in page.url and "points=c&" in page.url
    expect(page.locator("#train")).to_be_disabled()  # two points at least: the spec says so, in red

    page.click(".draw-class[data-label='0']")
    chart.click(position=chart_at(page, -3, 3))
    page.click(".draw-class[data-label='1']")
    expect(page.locator(".draw-class[data-label='1']")).to_have_attribute("aria-pressed", "true")
    chart.click(position=chart_at(page, 3, -3))
    chart.click(position=chart_at(page, 2, 2))
    expect(page.locator("#draw-count")).to_have_text("3 points")
    drawn = decode_points(page.url)
    assert near(drawn, [[-3, 3, 0], [3, -3, 1], [2, 2, 1]]), drawn
    chart.click(position=chart_at(page, 2.05, 2.05), modifiers=["Shift"])  # the nearest point goes
    expect(page.locator("#draw-count")).to_have_text("2 points")
    kept = decode_points(page.url)
    assert kept == drawn[:2]
    # the chart shows them all, train and test (the server's split: one each)
    page.wait_for_function(
        "() => document.getElementById('boundary-chart').data.reduce((n, t) => n + t.x.length, 0) === 2"
    )

    page.reload()
    expect(page.locator("#draw-count")).to_have_text("2 points")
    assert decode_points(page.url) == kept
    page.wait_for_function(CHART_READY)
    page.wait_for_function(
        "() => document.getElementById('boundary-chart').data.reduce((n, t) => n + t.x.length, 0) === 2"
    )
    expect(page.locator("#train")).to_be_enabled()
    assert page.locator("#link-note").count() == 0 or page.locator("#link-note").is_hidden()

    with page.expect_response(lambda r: r.url.endswith("/api/runs/") and r.request.method == "POST") as created:
        page.click("#train", no_wait_after=True)
    run_id = created.value.json()["id"]
    stored = page.request.get(f"/api/runs/{run_id}/").json()["spec"]["dataset"]
    assert (
        stored["name"] == "custom"
        and stored["points"] == kept
        and set(stored) == {"name", "points", "test_fraction", "seed"}
    )
    page.wait_for_function(
        "() => document.getElementById('boundary-chart').dataset.hasBoundary === 'true'", timeout=SOCKET_TIMEOUT
    )
    assert page.errors == []


def test_edit_points_copies_the_shown_set_and_a_bad_link_is_ignored(page):
    page.goto("/#dataset=circle&samples=40")
    expect(page.locator("#train")).to_be_enabled()
    page.wait_for_function(
        "() => document.getElementById('boundary-chart').data.reduce((n, t) => n + t.x.length, 0) > 0"
    )
    page.click("#draw-edit")
    expect(page.locator("#draw-count")).to_have_text("40 points")
    copied = decode_points(page.url)
    assert len(copied) == 40 and "dataset=custom&" in page.url
    page.wait_for_function(CHART_READY)
    x, y, _ = copied[0]
    page.locator("#boundary-chart").click(
        position=chart_at(page, x, y), button="right"
    )  # right-click removes the nearest
    expect(page.locator("#draw-count")).to_have_text("39 points")
    left = decode_points(page.url)
    assert len(left) == 39 and all(p in copied for p in left)
    page.click("#draw-erase")
    expect(page.locator("#boundary-chart")).to_have_class(re.compile(r"\berasing\b"))

    page.goto("/#dataset=plane&samples=40")  # a regression set: its points keep their values
    page.wait_for_function(
        "() => document.getElementById('boundary-chart').data.reduce((n, t) => n + t.x.length, 0) > 0"
    )
    page.click("#draw-edit")
    expect(page.locator("#draw-count")).to_have_text("40 points")
    assert "dataset=custom_regression&" in page.url and "points=v" in page.url
    expect(page.locator("#draw-value-row")).to_be_visible()
    expect(page.locator("#draw-classes")).to_be_hidden()
    page.fill("#draw-value", "-2.5")
    page.wait_for_function(CHART_READY)
    page.locator("#boundary-chart").click(position=chart_at(page, 1, 1))
    expect(page.locator("#draw-count")).to_have_text("41 points")
    value = parse_qs(urlsplit(page.url).fragment)["points"][0]
    raw = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
    *_, last = [
        [(int.from_bytes(raw[i + k : i + k + 2], "big") - off) / 100 for k, off in ((0, 600), (2, 600), (4, 10000))]
        for i in range(0, len(raw), 6)
    ]
    assert abs(last[0] - 1) <= 0.06 and abs(last[1] - 1) <= 0.06 and last[2] == -2.5
    expect(page.locator("#train")).to_be_enabled()

    page.goto("/#dataset=custom&points=cZZZ")  # 2 bytes: not whole points
    expect(page.locator("#link-note")).to_contain_text("points")
    expect(page.locator("#draw-count")).to_have_text("0 points")


def test_a_finger_paints_points(browser, live_server_url):
    context, pg = open_page(browser, live_server_url, bypass_csp=True, has_touch=True)
    try:
        pg.goto("/#dataset=custom&points=c")
        pg.wait_for_function(CHART_READY)
        expect(pg.locator("#draw-count")).to_have_text("0 points")
        pg.locator("#boundary-chart").scroll_into_view_if_needed()
        pg.click(".draw-class[data-label='1']")
        x, y, _, _ = pg.evaluate(TO_CLIENT, [0, 4])
        pg.touchscreen.tap(x, y)  # a tap adds one
        expect(pg.locator("#draw-count")).to_have_text("1 point")
        x, y, _, _ = pg.evaluate(TO_CLIENT, [1, 4])
        pg.touchscreen.tap(x, y)
        # Two points make a valid spec: the status line above the chart changes ("Fix the settings marked
        # in red" -> "Ready"), which can move the chart. The stroke's screen positions are read once that has
        # happened: on a busy machine it happened mid-stroke, and the rest of the stroke landed elsewhere.
        expect(pg.locator("#train")).to_be_enabled()
        expect(pg.locator("#status")).to_contain_text("Ready")
        pg.wait_for_function(
            "() => document.getElementById('boundary-chart').data.reduce((n, t) => n + t.x.length, 0) === 2"
        )
        cdp = context.new_cdp_session(pg)  # a drag: touch events, which the page sees as pointer events
        steps = [pg.evaluate(TO_CLIENT, [-4 + 0.4 * i, -4]) for i in range(21)]
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": steps[0][0], "y": steps[0][1]}]}
        )
        for sx, sy, _, _ in steps[1:]:
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": sx, "y": sy}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        pg.wait_for_function(
            "() => /points/.test(document.getElementById('draw-count').textContent) && "
            "parseInt(document.getElementById('draw-count').textContent) >= 14"
        )
        painted = decode_points(pg.url)
        assert near(painted[:2], [[0, 4, 1], [1, 4, 1]]), painted[:2]
        stroke = painted[2:]
        off = [p for p in stroke if abs(p[1] + 4) > 0.06 or p[2] != 1]
        assert len(stroke) >= 12 and not off, (off, stroke)
        assert stroke[0][0] < -3.9 and stroke[-1][0] > 3 and [p[0] for p in stroke] == sorted(p[0] for p in stroke)
        pg.wait_for_function(
            "() => document.getElementById('boundary-chart').data.reduce((n, t) => n + t.x.length, 0) === "
            f"{len(painted)}"
        )
        assert pg.errors == [] and json.loads(json.dumps(painted)) == painted
    finally:
        context.close()


def test_several_classes_copy_blobs_add_a_point_of_the_fifth_class_reload_and_train(page):
    page.goto("/#dataset=blobs&classes=5&samples=60")
    expect(page.locator("#train")).to_be_enabled()
    page.wait_for_function(CHART_READY)
    page.wait_for_function(
        "() => document.getElementById('boundary-chart').data.reduce((n, t) => n + t.x.length, 0) > 0"
    )
    page.click("#draw-edit")  # the five blobs become your own points, of five classes
    expect(page.locator("#draw-count")).to_have_text("60 points")
    assert "dataset=custom_multiclass&" in page.url and "classes=5" in page.url
    expect(page.locator(".draw-class")).to_have_count(5)
    page.click(".draw-class[data-label='4']")
    expect(page.locator(".draw-class[data-label='4']")).to_have_attribute("aria-pressed", "true")
    chart = page.locator("#boundary-chart")
    chart.click(position=chart_at(page, 5.5, -5.5))
    expect(page.locator("#draw-count")).to_have_text("61 points")
    value = parse_qs(urlsplit(page.url).fragment)["points"][0]
    assert value[0] == "m"  # a class past 3 takes the 4-byte form
    raw = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
    last = int.from_bytes(raw[-4:], "big")
    assert [((last >> 14) - 600) / 100, (((last >> 3) & 0x7FF) - 600) / 100, last & 7] == [5.5, -5.5, 4]

    page.reload()  # the link keeps them all
    expect(page.locator("#draw-count")).to_have_text("61 points")
    expect(page.locator(".draw-class")).to_have_count(5)
    expect(page.locator("#train")).to_be_enabled()
    with page.expect_response(lambda r: r.url.endswith("/api/runs/") and r.request.method == "POST") as created:
        page.click("#train", no_wait_after=True)
    stored = page.request.get(f"/api/runs/{created.value.json()['id']}/").json()["spec"]
    assert stored["dataset"]["name"] == "custom_multiclass" and stored["dataset"]["classes"] == 5
    assert stored["dataset"]["points"][-1] == [5.5, -5.5, 4] and len(stored["dataset"]["points"]) == 61
    assert stored["layers"][-1]["units"] == 5 and stored["layers"][-1]["activation"] == "softmax"
    page.wait_for_function(
        "() => document.getElementById('boundary-chart').dataset.hasBoundary === 'true'", timeout=SOCKET_TIMEOUT
    )
    assert page.errors == []
