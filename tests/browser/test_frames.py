"""The live frame path in a real browser: the pictures the page computes from a dense network's
weights equal the server's probes, and a paced run is drawn frame by frame."""

import json

import numpy as np
import pytest

from playground.figures import dequantize
from tests.conftest import example_spec
from trainer import engine, probes
from trainer import spec as specs

SOCKET_TIMEOUT = 60_000  # ms: a cold JAX compile plus the first chunk


def variants():
    """Networks on points covering every feature, every activation, dropout and the three tasks."""
    default = example_spec("tfp_default")
    every_feature = {
        **default,
        "features": ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"],
        "layers": [
            {"type": "dense", "units": 5, "activation": "relu"},
            {"type": "dropout", "rate": 0.3},
            {"type": "dense", "units": 3, "activation": "leaky_relu"},
            {"type": "dense", "units": 1, "activation": "sigmoid"},
        ],
        "loss": "binary_crossentropy",
    }
    blobs = example_spec("blobs_softmax")
    blobs["layers"] = [
        {"type": "dense", "units": 6, "activation": "elu"},
        {"type": "dense", "units": 4, "activation": "gelu"},
        blobs["layers"][-1],
    ]
    regression = example_spec("regression_plane")
    regression["layers"] = [
        {"type": "dense", "units": 3, "activation": "sigmoid"},
        {"type": "dense", "units": 2, "activation": "tanh"},
        {"type": "dense", "units": 1, "activation": "linear"},
    ]
    return {
        "default": default,
        "every_feature": every_feature,
        "blobs": blobs,
        "regression": regression,
        "perceptron": example_spec("perceptron_separable"),
    }


def server_pictures(spec_dict, seed):
    """The server's probes for freshly drawn weights, decoded, and the weights frame the page gets."""
    spec = specs.parse({**spec_dict, "seed": seed})
    assert probes.drawn_by_page(spec)
    model = engine.Model.from_spec(spec)
    params = engine.init_state(model, spec.optimizer, spec.seed)["params"]
    params = [{k: v * 3 for k, v in p.items()} for p in params]  # bigger weights: saturated units, sharp boundaries
    forward = engine.compiled(model).forward
    boundary = probes.boundary(model, forward, params, spec.features)
    neurons = probes.neurons(model, forward, params, spec.features)
    expected = {
        "values": dequantize(boundary["data"], boundary["range"]).tolist(),
        "range": boundary["range"],
        "units": [[dequantize(u, layer["range"]).tolist() for u in layer["units"]] for layer in neurons["layers"]],
        "unit_ranges": [layer["range"] for layer in neurons["layers"]],
    }
    if "labels" in boundary:
        expected["labels"] = np.frombuffer(__import__("base64").b64decode(boundary["labels"]), np.uint8).tolist()
    net = {
        "features": list(spec.features),
        "task": model.task,
        "activations": [layer.activation for layer in spec.layers if layer.type == "dense"],
    }
    return net, probes.dense_weights(params), expected


COMPUTE = """async ([net, weights]) => {
    const forward = await import('/static/js/forward.js');
    const { boundary, neurons } = forward.pictures(net, weights);
    return { values: Array.from(boundary.values), range: boundary.range, labels: boundary.labels ? Array.from(boundary.labels) : null,
             units: neurons.layers.map((l) => l.units.map((u) => Array.from(u))), unit_ranges: neurons.layers.map((l) => l.range) };
}"""


@pytest.mark.parametrize("name", ["default", "every_feature", "blobs", "regression", "perceptron"])
def test_the_page_computes_the_servers_pictures_from_the_weights(page, name):
    page.goto("/")
    net, weights, expected = server_pictures(variants()[name], seed=7)
    got = page.evaluate(COMPUTE, [net, weights])
    step = (expected["range"][1] - expected["range"][0]) / 255  # one quantization level of the server's grid
    assert np.allclose(got["range"], expected["range"], atol=1e-3 * max(1, abs(step) * 255))
    if expected.get("labels"):
        agree = np.mean(np.array(got["labels"]) == np.array(expected["labels"]))
        assert agree > 0.995, agree  # ties between two classes may fall either way
        same = np.array(got["labels"]) == np.array(expected["labels"])
        assert np.abs(np.array(got["values"])[same] - np.array(expected["values"])[same]).max() <= step + 1e-4
    else:
        assert np.abs(np.array(got["values"]) - np.array(expected["values"])).max() <= step + 1e-4
    assert len(got["units"]) == len(expected["units"])
    for got_layer, want_layer, want_range, got_range in zip(
        got["units"], expected["units"], expected["unit_ranges"], got["unit_ranges"]
    ):
        layer_step = (want_range[1] - want_range[0]) / 255
        assert np.allclose(got_range, want_range, atol=1e-4 * max(1, want_range[1]))
        assert np.abs(np.array(got_layer) - np.array(want_layer)).max() <= layer_step + 1e-4


def test_a_paced_run_is_drawn_frame_by_frame(page):
    """The page draws the pictures of (nearly) every weights frame the server sends: counters on
    both sides, no clock. At 5 steps/s (the speed menu's) a frame follows every step (an epoch
    of 25 steps in 5 s), slow enough for a page on a busy machine; faster paces send a frame
    every 1/30 s and a page that falls behind draws the newest (tests/web/test_outbox.py)."""
    page.goto("/#speed=5&epochs=1")
    page.wait_for_function("() => !document.getElementById('train').disabled")
    page.click("#train", no_wait_after=True)
    page.wait_for_function("() => document.body.dataset.run === 'completed'", timeout=SOCKET_TIMEOUT * 2)
    run_id = json.loads(page.evaluate("sessionStorage.getItem('playground.lastRun')"))["id"]
    sent = len(page.request.get(f"/api/runs/{run_id}/").json()["metrics"])  # one weights frame with each metrics frame
    drawn = page.evaluate("window.playgroundDrawn.pictures")
    print(f"\n{drawn} of {sent} picture frames drawn")
    assert sent >= 20
    assert drawn >= 0.8 * sent
