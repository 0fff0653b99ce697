"""Hands on a paused run in a real browser (issue #16): a neuron's formula turns into fields (a click
on a neuron, or Enter on it, or a click on a connection); a number typed there redraws the boundary at
once, marks the loss curve, and the saved experiment keeps it. Points drawn while paused are what the
run goes on with."""

from playwright.sync_api import expect

from tests.browser.test_draw_points import CHART_READY, chart_at

TIMEOUT = 60_000  # ms: a cold JAX compile plus the first chunk


def boundary_pixels(page):
    return page.evaluate("() => document.querySelector('#boundary-chart .boundary-canvas').toDataURL()")


def test_set_a_weight_by_hand_while_paused_and_keep_it_in_the_saved_experiment(page, shots):
    page.goto("/#speed=30")
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    hidden = page.locator('#network .neuron[data-layer="0"][data-unit="0"]')
    expect(hidden).to_have_attribute("role", "button")
    page.click("#step", no_wait_after=True)  # no run yet: it starts paused and takes one step
    expect(page.locator("#status")).to_contain_text("Paused", timeout=TIMEOUT)
    expect(page.locator("#network")).to_have_class("network editing", timeout=TIMEOUT)

    hidden.focus()  # the keyboard way: Enter on a neuron opens its formula with fields
    page.keyboard.press("Enter")
    field = page.locator('.explain input.weight-input[data-input="1"]')
    expect(field).to_have_attribute("aria-label", "weight x₂ → hidden 1, neuron 1")
    before, pictures = boundary_pixels(page), page.evaluate("() => window.playgroundDrawn.pictures")
    field.fill("3.5")
    field.press("Enter")
    expect(page.locator("#status")).to_contain_text("set to 3.500 by hand", timeout=TIMEOUT)
    page.wait_for_function(f"() => window.playgroundDrawn.pictures > {pictures}", timeout=TIMEOUT)
    assert boundary_pixels(page) != before  # the forward pass of the new weights, no step
    expect(page.locator("#loss-chart")).to_have_attribute("data-marks", "1")
    expect(page.locator("#c-iteration")).to_have_text("1")  # no step was taken

    # A click on a connection opens its weight; a bias goes the same way.
    page.locator('#network path.link-hit[data-layer="1"][data-unit="0"][data-input="2"]').dispatch_event("click")
    link_field = page.locator('.explain input.weight-input[data-input="2"]')
    expect(link_field).to_be_focused()
    bias = page.locator('.explain input.weight-input[data-input="bias"]')
    bias.fill("-20000")  # out of range: the field says so, nothing is sent
    bias.press("Enter")
    assert (
        page.evaluate("() => document.querySelector('.explain input[data-input=bias]').validity.rangeOverflow") is False
    )
    assert page.evaluate("() => document.querySelector('.explain input[data-input=bias]').validity.rangeUnderflow")
    bias.fill("-1.25")
    bias.press("Enter")
    expect(page.locator("#loss-chart")).to_have_attribute("data-marks", "2", timeout=TIMEOUT)
    shots(page, "edit-weights.png")

    page.click("#train", no_wait_after=True)  # resume: the run goes on from the edited weights
    expect(page.locator("#network")).not_to_have_class("network editing", timeout=TIMEOUT)
    page.click("#stop", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Stopped", timeout=TIMEOUT)
    page.click("#save-experiment")
    page.fill("#save-title", "edited by hand")
    page.click("#save-submit")
    expect(page.locator("#experiment-toast")).to_contain_text("Saved", timeout=TIMEOUT)
    page.click("#experiment-link")
    expect(page.locator("body")).to_have_attribute("data-figures", "ready", timeout=TIMEOUT)
    marked = page.evaluate(
        "() => document.querySelector('[data-figure=loss]').data.find((t) => t.name === 'set by hand').hovertext"
    )
    assert marked == [
        "weight from input 2 to layer 1, unit 1 set to 3.500",
        "bias of layer 2, unit 1 set to -1.250",
    ]
    assert page.errors == []


def test_set_a_bias_by_hand_before_the_first_step(page):
    page.goto("/#speed=30")
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    page.click('#network .neuron[data-layer="2"][data-unit="0"]')
    page.click(".explain button:has-text('Set them by hand first')", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Paused", timeout=TIMEOUT)
    bias = page.locator('.explain input.weight-input[data-input="bias"]')
    bias.fill("0.75")
    bias.press("Enter")
    expect(page.locator("#status")).to_contain_text("bias of output 1 set to 0.750 by hand", timeout=TIMEOUT)
    expect(page.locator("#c-iteration")).to_have_text("0")
    page.click("#train", no_wait_after=True)  # resume from the weights as set
    page.wait_for_function(
        "() => Number(document.getElementById('c-iteration').textContent.replace(/,/g, '')) > 0", timeout=TIMEOUT
    )
    page.click("#stop", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Stopped", timeout=TIMEOUT)
    assert page.errors == []


def test_points_drawn_while_paused_are_what_the_run_goes_on_with(page):
    page.goto("/#dataset=circle&samples=40&speed=30")
    expect(page.locator("#train")).to_be_enabled(timeout=TIMEOUT)
    page.wait_for_function(CHART_READY)
    page.click("#step", no_wait_after=True)
    expect(page.locator("#c-iteration")).to_have_text("1", timeout=TIMEOUT)
    expect(page.locator("#status")).to_contain_text("Paused", timeout=TIMEOUT)
    page.click("#draw-edit")  # the points on show become your own; the paused run stays
    expect(page.locator("#draw-count")).to_have_text("40 points")
    page.click(".draw-class[data-label='1']")
    chart = page.locator("#boundary-chart")
    chart.click(position=chart_at(page, 5, 5))
    expect(page.locator("#draw-count")).to_have_text("41 points")
    expect(page.locator("#status")).to_contain_text("goes on with these points")
    assert page.evaluate("() => document.body.dataset.run") == "paused"

    page.click("#step", no_wait_after=True)  # the new points first, then the step on them
    expect(page.locator("#loss-chart")).to_have_attribute("data-marks", "1", timeout=TIMEOUT)
    expect(page.locator("#c-iteration")).to_have_text("2", timeout=TIMEOUT)
    run_id = page.evaluate("() => JSON.parse(sessionStorage.getItem('playground.lastRun')).id")
    spec = page.request.get(f"/api/runs/{run_id}/").json()["spec"]
    assert spec["dataset"]["name"] == "circle"  # what the run began with
    [edit] = spec["edits"]
    assert edit["iteration"] == 1 and edit["dataset"]["name"] == "custom" and len(edit["dataset"]["points"]) == 41
    page.click("#stop", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Stopped", timeout=TIMEOUT)
    assert page.errors == []
