"""Gradients and distributions on the playground (static/js/charts/gradients.js): a short run
draws each layer's gradient norm and the histogram heatmap, without page errors."""

from playwright.sync_api import expect

SOCKET_TIMEOUT = 60_000  # ms: a cold JAX compile plus the first chunk

UPDATES = "() => Number(document.getElementById('gradients-chart').dataset.updates)"
NORM_POINTS = "() => document.querySelector('#gradients-chart .gradient-norms').data.map((t) => t.x.length)"
# Painted cells of the heatmap: pixels that are neither white nor transparent.
PAINTED = """() => {
    const c = document.querySelector('#gradients-chart .gradient-heatmap');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200)) n += 1;
    return n;
}"""


def test_a_run_draws_the_gradient_chart(page, shots):
    page.goto("/")
    expect(page.locator("#train")).to_be_enabled()  # the debounced validation answered
    assert page.evaluate(UPDATES) == 0
    page.fill("input[data-bind='spec.epochs']", "10000")  # still running while the chart is checked
    page.press("input[data-bind='spec.epochs']", "Tab")
    expect(page.locator("#train")).to_be_enabled()

    page.click("#train", no_wait_after=True)
    page.wait_for_function(f"() => ({UPDATES})() >= 3", timeout=SOCKET_TIMEOUT)
    seen = page.evaluate(UPDATES)
    page.wait_for_function(f"([n]) => ({UPDATES})() > n", arg=[seen], timeout=SOCKET_TIMEOUT)  # it keeps growing

    layers = len(page.evaluate(NORM_POINTS))
    assert layers == 3  # the default network: 4, 2 and 1 units, each with weights
    assert all(n >= 2 for n in page.evaluate(NORM_POINTS))
    options = page.locator("#gradients-chart select option")
    expect(options).to_have_count(3 * 3)  # weights, biases and weight gradients of each layer
    assert page.eval_on_selector("#gradients-chart select", "s => s.value") == "0:kernel_grad"
    assert page.evaluate(PAINTED) > 0
    expect(page.locator("#gradients-chart .gradient-caption")).to_contain_text("iteration")

    shots(page, "gradients.png")
    page.select_option("#gradients-chart select", "1:kernel")  # the second layer's weights
    assert page.evaluate(PAINTED) > 0

    page.click("#stop", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Stopped", timeout=SOCKET_TIMEOUT)
    assert page.eval_on_selector("#gradients-chart select", "s => s.value") == "1:kernel"  # the choice stays
    assert page.errors == []
