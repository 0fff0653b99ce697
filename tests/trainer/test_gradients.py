"""Gradients and distributions (trainer/gradients.py): the payload against a direct
computation (finite differences, numpy.histogram), its frames in a run, and the
vanishing-gradient lesson."""

import json
import queue

import jax
import numpy as np
import pytest

from playground import snapshots
from trainer import datasets, engine, gradients, loop
from trainer.spec import parse

TINY = {
    "dataset": {"name": "gauss", "samples": 40, "test_fraction": 0.5},
    "layers": [
        {"type": "dense", "units": 3, "activation": "tanh"},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ],
    "loss": "binary_crossentropy",
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
    "regularization": {"type": "l2", "rate": 0.01},
    "batch_size": 5,
    "epochs": 4,
    "seed": 3,
}


def setup(d):
    spec = parse(d)
    model = engine.Model.from_spec(spec)
    data = engine.to_device(model, datasets.generate(spec.dataset), spec.features)
    return spec, model, data, engine.init_state(model, spec.optimizer, spec.seed)["params"]


def numpy_objective(params, x, t, rate):
    """The tiny net's training objective in float64: mean BCE from logits + rate * ½ sum w² (kernels)."""
    (w1, b1), (w2, b2) = params
    z = np.tanh(x @ w1 + b1) @ w2 + b2
    bce = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
    return bce.mean() + rate * 0.5 * ((w1**2).sum() + (w2**2).sum())


def finite_difference_grads(params, x, t, rate, h=1e-6):
    grads = []
    for layer in range(2):
        for which in range(2):
            g = np.zeros_like(params[layer][which])
            for index in np.ndindex(g.shape):
                plus = [[a.copy() for a in p] for p in params]
                minus = [[a.copy() for a in p] for p in params]
                plus[layer][which][index] += h
                minus[layer][which][index] -= h
                g[index] = (numpy_objective(plus, x, t, rate) - numpy_objective(minus, x, t, rate)) / (2 * h)
            grads.append(g)
    return grads  # [dW1, db1, dW2, db2]


def test_payload_against_finite_differences_and_numpy_histograms():
    spec, model, data, params = setup(TINY)
    out = gradients.payload(model, params, data, samples=16, bins=30)
    assert out["samples"] == 16 and out["bins"] == 30
    assert [(entry["layer"], entry["type"]) for entry in out["layers"]] == [(0, "dense"), (1, "dense")]
    host = [[np.asarray(p["kernel"], np.float64), np.asarray(p["bias"], np.float64)] for p in params]
    x, t = (np.asarray(a, np.float64) for a in gradients.batch(data, 16))
    dw1, db1, dw2, db2 = finite_difference_grads(host, x, t, spec.regularization.rate)
    for entry, (dw, db), (w, b) in zip(out["layers"], [(dw1, db1), (dw2, db2)], host):
        assert entry["kernel_norm"] == pytest.approx(np.linalg.norm(dw), rel=1e-3)
        assert entry["bias_norm"] == pytest.approx(np.linalg.norm(db), rel=1e-3)
        for name, values in (("kernel", w), ("bias", b)):
            counts, edges = np.histogram(values.astype(np.float32), bins=30)
            assert entry["histograms"][name]["counts"] == counts.tolist()
            assert entry["histograms"][name]["range"] == pytest.approx([edges[0], edges[-1]], rel=1e-5)
        h = entry["histograms"]["kernel_grad"]  # against finite differences: the range, and every value counted
        assert len(h["counts"]) == 30 and sum(h["counts"]) == dw.size
        assert h["range"] == pytest.approx([dw.min(), dw.max()], rel=1e-3, abs=1e-7)
    json.dumps(out, allow_nan=False)


def test_histogram_is_numpys_over_the_finite_values():
    values = np.random.default_rng(0).normal(size=1000).astype(np.float32)
    h = gradients.histogram(values, 30)
    counts, edges = np.histogram(values, bins=30)
    assert h["counts"] == counts.tolist() and h["range"] == pytest.approx([edges[0], edges[-1]], rel=1e-5)
    assert gradients.histogram(np.zeros(4), 30)["range"] == [-0.5, 0.5]  # all equal: numpy's unit-wide range
    assert gradients.histogram(np.array([0.0, 0.0, 0.0]), 30)["counts"][15] == 3
    bad = gradients.histogram(np.array([1.0, np.nan, np.inf, 2.0]), 30)
    assert sum(bad["counts"]) == 2 and bad["range"] == [1.0, 2.0]


@pytest.mark.parametrize("name", ["tfp_default", "perceptron_separable", "blobs_softmax"])
def test_the_gradient_is_the_trainings(example, name):
    """The frame's norms are those of the gradient the engine's step descends (penalty and the
    perceptron's surrogate included), on the fixed batch with dropout off."""
    d = example(name)
    d["regularization"] = (
        {"type": "l1", "rate": 0.003}
        if name == "blobs_softmax"
        else d.get("regularization", {"type": "none", "rate": 0})
    )
    _, model, data, params = setup(d)
    x, t = gradients.batch(data)
    training = jax.grad(lambda p: engine.objective(model, p, x, t, train=False)[0])(params)
    sent = gradients.payload(model, params, data)["layers"]
    expected = [(i, g) for i, g in enumerate(training) if g]
    assert [layer["layer"] for layer in sent] == [i for i, _ in expected]
    for layer, (_, g) in zip(sent, expected, strict=True):
        assert layer["kernel_norm"] == pytest.approx(float(np.linalg.norm(np.asarray(g["kernel"]))), rel=1e-4)
        assert layer["bias_norm"] == pytest.approx(float(np.linalg.norm(np.asarray(g["bias"]))), rel=1e-4, abs=1e-12)


def test_layers_without_weights_are_skipped_and_an_embedding_has_no_bias():
    d = {
        "dataset": {"name": "digits", "test_fraction": 0.25},
        "layers": [
            {"type": "conv2d", "filters": 2, "kernel_size": 3, "activation": "relu"},
            {"type": "maxpool2d", "pool_size": 2},
            {"type": "flatten"},
            {"type": "dropout", "rate": 0.5},
            {"type": "dense", "units": 10, "activation": "softmax"},
        ],
        "loss": "categorical_crossentropy",
        "optimizer": {"name": "adam", "learning_rate": 0.01},
        "batch_size": 32,
        "epochs": 1,
    }
    _, model, data, params = setup(d)
    out = gradients.payload(model, params, data)
    assert out["samples"] == gradients.SAMPLES
    assert [(e["layer"], e["type"]) for e in out["layers"]] == [(0, "conv2d"), (4, "dense")]
    assert sum(out["layers"][0]["histograms"]["kernel"]["counts"]) == 3 * 3 * 1 * 2
    assert gradients.payload(model, params, data) == out  # dropout is off: the same weights, the same gradient


def test_frames_in_a_run():
    d = dict(TINY, epochs=40)
    frames = []
    result = loop.run(parse(d), emit=frames.extend)
    assert result.status == "completed"
    kinds = [f["type"] for f in frames]
    grads = [f for f in frames if f["type"] == "gradients"]
    assert grads and grads[-1]["iteration"] == result.metrics["steps"]
    its = [f["iteration"] for f in grads]
    assert its == sorted(its)
    for i, kind in enumerate(kinds):  # each after the metrics frame of its iteration
        if kind == "gradients":
            before = [f for f in frames[:i] if f["type"] == "metrics"]
            assert before and before[-1]["iteration"] == frames[i]["iteration"]
    assert all(len(f["layers"]) == 2 and f["bins"] == gradients.BINS for f in grads)
    json.dumps(grads, allow_nan=False)
    # the experiment page's snapshots keep them beside the pictures
    picker, kept = snapshots.Picker(), []
    for frame in frames:
        if snap := picker.offer(frame):
            kept.append(snap)
    # (from the first gradients frame on: their function compiles on a thread while training starts)
    later = [s for s in kept if s["iteration"] >= grads[0]["iteration"]]
    assert later and all("gradients" in s["frames"] and "boundary" in s["frames"] for s in later)


def test_a_single_step_sends_its_gradients():
    inbox, frames = queue.Queue(), []

    def emit(moment):
        frames.extend(moment)
        if any(frame["type"] == "gradients" for frame in moment):
            inbox.put({"action": "stop"})

    inbox.put({"action": "step"})
    loop.run(parse(dict(TINY, epochs=50)), emit=emit, inbox=inbox, paused=True)
    assert [f["iteration"] for f in frames if f["type"] == "gradients"][:1] == [1]


def deep(activation):
    return {
        "dataset": {"name": "spiral", "samples": 400},
        "layers": [{"type": "dense", "units": 8, "activation": activation}] * 6
        + [{"type": "dense", "units": 1, "activation": "sigmoid"}],
        "loss": "binary_crossentropy",
        "optimizer": {"name": "sgd", "learning_rate": 0.1},
        "batch_size": 10,
        "epochs": 1,
        "seed": 0,
    }


def test_a_deep_sigmoid_stack_has_vanishing_gradients_where_relu_has_not():
    """The same shape and seed at init: the sigmoid stack's first layer gets a gradient
    orders of magnitude below its last layer's, and far below the ReLU stack's first."""
    norms = {}
    for activation in ("sigmoid", "relu"):
        _, model, data, params = setup(deep(activation))
        norms[activation] = [e["kernel_norm"] for e in gradients.payload(model, params, data)["layers"]]
    sigmoid, relu = norms["sigmoid"], norms["relu"]
    assert sigmoid[0] < relu[0] / 10
    assert sigmoid[0] < sigmoid[-1] / 100
    assert relu[0] > relu[-1] / 10


def test_the_experiment_page_figure_from_snapshots():
    """playground/figures/distributions.py: the norms per layer over the snapshots, and a histogram heatmap per layer and quantity."""
    from playground import figures

    frames = []
    loop.run(parse(dict(TINY, epochs=40)), emit=frames.extend, probe_interval=0)
    picker, kept = snapshots.Picker(), []
    for frame in frames:
        if snap := picker.offer(frame):
            kept.append(snap)
    grads = [f for f in frames if f["type"] == "gradients"]
    fig = figures.gradients(grads[-1], kept, grads[-1]["iteration"])
    lines, heat = fig.data[:-1], fig.data[-1]
    assert len(lines) == 2 and heat.type == "heatmap"
    shown = sorted({s["iteration"] for s in kept if "gradients" in s["frames"]} | {grads[-1]["iteration"]})
    assert list(lines[0].x) == shown
    assert list(lines[1].y)[-1] == grads[-1]["layers"][1]["kernel_norm"]
    assert len(fig.layout.updatemenus[0].buttons) == 2 * 3  # weights, biases and weight gradients of each layer
    assert heat.z.shape == (figures.GRADIENT_ROWS, len(shown)) and heat.z.max() == 1.0
    y, z = figures.histogram_grid([([0.0, 1.0], [1, 0, 3]), ([None, None], [])], rows=7)
    assert list(y) == pytest.approx(np.linspace(0, 1, 7)) and z[:, 1].tolist() == [0.0] * 7
    assert z[:, 0].tolist() == pytest.approx([1 / 3, 1 / 3, 0, 0, 1, 1, 1])


def test_gradients_frames_join_a_snapshot_but_never_open_one():
    picker = snapshots.Picker(total=100, slots=4)
    stream = [
        {"type": "metrics", "iteration": 10},
        {"type": "gradients", "iteration": 10},
        {"type": "metrics", "iteration": 20},
        {"type": "boundary"},
        {"type": "gradients", "iteration": 20},
    ]
    kept = [s for s in map(picker.offer, stream) if s] + [picker.flush()]
    assert kept == [{"iteration": 20, "frames": {"boundary": {"type": "boundary"}, "gradients": stream[-1]}}]


def test_a_replay_sends_every_picture_with_its_gradients_even_before_they_compile(monkeypatch):
    """A live run sends no gradients before their function compiled on its thread (its first frames must
    not wait); a replay for the time slider waits, so each of its snapshots holds them."""
    import threading

    from trainer import gradients as G
    from trainer import loop, presets
    from trainer.spec import parse

    monkeypatch.setattr(G, "warm", lambda *args, **kwargs: threading.Event())  # never ready
    spec = parse({**presets.load("tfp_default"), "epochs": 20})
    for replay in (False, True):
        frames = []
        loop.run(spec, emit=frames.extend, probe_interval=0, replay=replay)
        kinds = [f["type"] for f in frames]
        pictures, grads = kinds.count("boundary"), kinds.count("gradients")
        assert pictures > 5
        # live: only the last frame's; a replay: each frame's (the final pictures go out once more at the end)
        assert grads == (pictures - 1 if replay else 1), (replay, pictures, grads)
