"""Conv, pooling, flatten and dropout: Keras shapes, values against XLA's own
ops, gradients against finite differences, and the digits lesson."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from trainer import engine, images, loop, presets
from trainer import layers as L
from trainer.spec import Conv2D, Pool2D, SpecError, parse

GRID = list(itertools.product([5, 8, 9], [1, 2, 3], [1, 2, 3], ["valid", "same"]))


def keras_length(n, k, s, padding):
    """Keras' documented formula: valid floor((n - k) / s) + 1, same ceil(n / s)."""
    return int(np.floor((n - k) / s)) + 1 if padding == "valid" else int(np.ceil(n / s))


@pytest.mark.parametrize("n, k, s, padding", GRID)
def test_conv_matches_keras_shape_and_xla_values(n, k, s, padding):
    rng = np.random.default_rng(0)
    layer = Conv2D(filters=3, kernel_size=k, strides=s, padding=padding)
    out_shape, param_shapes = layer.shapes((n, n, 2))
    assert out_shape == (keras_length(n, k, s, padding),) * 2 + (3,)
    x = jnp.asarray(rng.normal(size=(2, n, n, 2)), jnp.float32)
    params = {"kernel": jnp.asarray(rng.normal(size=param_shapes["kernel"]), jnp.float32), "bias": jnp.zeros(3)}
    ours, _ = L.apply_conv2d(layer, params, x, None, False)
    xla = jax.lax.conv_general_dilated(
        x, params["kernel"], (s, s), padding.upper(), dimension_numbers=("NHWC", "HWIO", "NHWC")
    )
    assert ours.shape == xla.shape == (2, *out_shape)
    np.testing.assert_allclose(ours, xla, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("n, k, s, padding", GRID)
@pytest.mark.parametrize("kind", ["maxpool2d", "avgpool2d"])
def test_pool_matches_keras_shape_and_values(kind, n, k, s, padding):
    layer = Pool2D(kind, pool_size=k, strides=s, padding=padding)
    out_shape, _ = layer.shapes((n, n, 2))
    assert out_shape == (keras_length(n, k, s, padding),) * 2 + (2,)
    x = jnp.asarray(np.random.default_rng(1).normal(size=(2, n, n, 2)), jnp.float32)
    ours, _ = L.apply_pool(layer, {}, x, None, False)
    window, strides = (1, k, k, 1), (1, s, s, 1)
    if kind == "maxpool2d":
        ref = jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, window, strides, padding.upper())
    else:
        ref = jax.lax.reduce_window(x, 0.0, jax.lax.add, window, strides, padding.upper()) / jax.lax.reduce_window(
            jnp.ones_like(x), 0.0, jax.lax.add, window, strides, padding.upper()
        )
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-6)


def test_conv_gradient_matches_finite_differences():
    import jax.flatten_util  # noqa: PLC0415

    with jax.enable_x64(True):
        rng = np.random.default_rng(2)
        stack = (Conv2D(2, 3, 2, "same", "tanh"), Pool2D("maxpool2d", 2), L_flatten(), dense(1))
        x = jnp.asarray(rng.normal(size=(3, 7, 7, 1)))
        params = [
            {"kernel": jnp.asarray(rng.normal(size=(3, 3, 1, 2))), "bias": jnp.asarray(rng.normal(size=2))},
            {},
            {},
            {"kernel": jnp.asarray(rng.normal(size=(8, 1))), "bias": jnp.zeros(1)},
        ]

        def f(p):
            return (L.apply_stack(stack, p, x)[-1][1] ** 2).sum()

        flat, unravel = jax.flatten_util.ravel_pytree(params)
        analytic = jax.flatten_util.ravel_pytree(jax.grad(f)(params))[0]
        eps = 1e-6
        numeric = [
            (f(unravel(flat.at[i].add(eps))) - f(unravel(flat.at[i].add(-eps)))) / (2 * eps) for i in range(flat.size)
        ]
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def L_flatten():
    from trainer.spec import Flatten  # noqa: PLC0415

    return Flatten()


def dense(units):
    from trainer.spec import Dense  # noqa: PLC0415

    return Dense(units)


@pytest.mark.parametrize(
    "layers, path, fragment",
    [
        (
            [
                {"type": "conv2d", "filters": 4, "kernel_size": 9},
                {"type": "flatten"},
                {"type": "dense", "units": 10, "activation": "softmax"},
            ],
            "layers[0]",
            "larger than its 8×8 input",
        ),
        (
            [
                {"type": "flatten"},
                {"type": "conv2d", "filters": 4},
                {"type": "dense", "units": 10, "activation": "softmax"},
            ],
            "layers[1]",
            "conv and pooling layers go before flatten",
        ),
        (
            [{"type": "conv2d", "filters": 4}, {"type": "dense", "units": 10, "activation": "softmax"}],
            "layers[1]",
            "add a flatten layer",
        ),
        ([{"type": "flatten"}, {"type": "dropout", "rate": 0.5}], "layers[1].type", "output layer must be dense"),
        (
            [
                {"type": "flatten"},
                {"type": "dropout", "rate": 1.5},
                {"type": "dense", "units": 10, "activation": "softmax"},
            ],
            "layers[1].rate",
            "between 0 and 0.95",
        ),
    ],
)
def test_impossible_stacks_name_the_layer(layers, path, fragment):
    d = presets.load("digits_cnn")
    d["layers"] = layers
    with pytest.raises(SpecError) as info:
        parse(d)
    errors = {e["path"]: e["message"] for e in info.value.errors}
    assert path in errors and fragment in errors[path], errors


def test_features_are_rejected_for_images():
    d = presets.load("digits_cnn")
    d["features"] = ["x1"]
    with pytest.raises(SpecError, match="features: input features apply to 2-D point datasets only"):
        parse(d)


def test_dropout_only_in_training():
    from trainer.spec import Dropout  # noqa: PLC0415

    x = jnp.ones((4, 100))
    layer = Dropout(0.5)
    assert np.array_equal(L.apply_dropout(layer, {}, x, None, False)[1], x)
    y = np.asarray(L.apply_dropout(layer, {}, x, jax.random.PRNGKey(0), True)[1])
    assert set(np.unique(y)) == {0.0, 2.0} and 0.3 < (y == 0).mean() < 0.7


def test_digits_cnn_reaches_95_percent_deterministically():
    d = presets.load("digits_cnn")
    assert d["epochs"] <= 30
    frames_a, frames_b = [], []
    a = loop.run(parse(d), emit=frames_a.extend)
    b = loop.run(parse(d), emit=frames_b.extend)
    assert a.metrics["test_accuracy"] >= 0.95
    assert a.metrics["test_loss"] == b.metrics["test_loss"]

    kinds = {f["type"] for f in frames_a}
    assert {"filters", "feature_maps", "confusion", "predictions"} <= kinds and "boundary" not in kinds
    filters = [f for f in frames_a if f["type"] == "filters"][-1]["layers"]
    assert len(filters) == 1 and np.shape(filters[0]["filters"]) == (8, 3, 3)
    maps = [f for f in frames_a if f["type"] == "feature_maps"][-1]
    assert [(m["type"], m["shape"], len(m["maps"])) for m in maps["layers"]] == [
        ("conv2d", [8, 8, 8], 8),
        ("maxpool2d", [4, 4, 8], 8),
    ]
    confusion = np.array([f for f in frames_a if f["type"] == "confusion"][-1]["matrix"])
    assert (
        confusion.shape == (10, 10) and confusion.sum() == 449 and np.trace(confusion) >= 0.95 * 449
    )  # 1797 digits, a quarter for test


def test_dropout_network_trains_and_evaluates_deterministically():
    d = presets.load("digits_dense")
    d["layers"].insert(2, {"type": "dropout", "rate": 0.3})
    d["epochs"] = 3
    spec = parse(d)
    model = engine.Model.from_spec(spec)
    evaluate = engine.compiled(model).evaluate
    result = loop.run(spec, emit=lambda frames: None)
    assert result.status == "completed"
    data = engine.to_device(
        model, __import__("trainer.datasets", fromlist=["generate"]).generate(spec.dataset), spec.features
    )
    params = [
        {k.split(".")[1]: jnp.asarray(v) for k, v in result.weights.items() if k.startswith(f"{i}_")}
        for i in range(len(spec.layers))
    ]
    m1, _ = evaluate(params, data)
    m2, _ = evaluate(params, data)
    assert float(m1["test"]["loss"]) == float(m2["test"]["loss"]) == pytest.approx(result.metrics["test_loss"])


def test_a_drawing_is_preprocessed_like_the_digits():
    canvas = np.zeros((200, 200), np.uint8)
    canvas[40:160, 95:105] = 255  # a "1", drawn thick and tall on a big canvas
    x = images.preprocess(canvas, (8, 8, 1), fit_to_content=True)
    digits, labels = images.digits()
    assert x.shape == (8, 8, 1) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() == pytest.approx(1.0)
    ones = digits[labels == 1].mean(axis=0)
    assert np.corrcoef(x.ravel(), ones.ravel())[0, 1] > 0.5  # it looks like the training ones
    assert x[:, :2].max() < 0.2 and x[:, 3:5].mean() > 0.5  # centered: ink in the middle columns
    rgb = np.dstack([canvas] * 3)
    np.testing.assert_allclose(images.preprocess(rgb, (8, 8, 1), fit_to_content=True), x, atol=1e-5)


def test_evaluating_in_chunks_gives_the_whole_sets_numbers(monkeypatch):
    from trainer import datasets

    d = presets.load("shapes_cnn")
    d["dataset"]["samples"] = 300
    spec = parse(d)
    model = engine.Model.from_spec(spec)
    data = engine.to_device(model, datasets.generate(spec.dataset), spec.features)
    params = engine.init_state(model, spec.optimizer, 0)["params"]
    whole = engine.compiled(model).evaluate(params, data)
    monkeypatch.setattr(engine, "EVAL_BYTES", 4 * 28 * 28 * 8 * 40)  # chunks of 40: 225 and 75 samples don't divide
    assert engine.eval_chunk(model) == 40
    engine.compiled.cache_clear()
    chunked = engine.compiled(model).evaluate(params, data)
    engine.compiled.cache_clear()
    for a, b in zip(jax.tree.leaves(whole), jax.tree.leaves(chunked)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)
    assert np.asarray(chunked[1]).shape == (75,)


def test_frames_space_out_where_evaluating_is_slow():
    run = loop._Run(
        parse(presets.load("digits_cnn")),
        lambda frames: None,
        loop._Controls(None, None),
        0.1,
        None,
        None,
        lambda: 0.0,
        loop.Slot(),
        None,
    )
    assert run.interval == 0.1
    run.frame_cost = 0.2  # an evaluation and its pictures take 0.2 s: a frame every 2 s keeps that to a tenth
    assert run.interval == pytest.approx(0.2 / loop.EVAL_SHARE) and run.interval > 0.1


def test_the_digits_file_read_directly_equals_scikit_learns_loader(monkeypatch, tmp_path):
    from sklearn.datasets import load_digits

    x, y = images.digits()
    d = load_digits()
    assert x.shape == (1797, 8, 8, 1) and np.array_equal(x[..., 0], (d.images / 16.0).astype(np.float32))
    assert np.array_equal(y, d.target) and not x.flags.writeable  # shared by every run: read-only
    images.digits.cache_clear()
    fake = type("Spec", (), {"origin": str(tmp_path / "__init__.py")})()  # a layout without the file
    monkeypatch.setattr(images.importlib.util, "find_spec", lambda name: fake)
    try:
        fx, fy = images.digits()  # falls back to the public loader
    finally:
        images.digits.cache_clear()
    assert np.array_equal(fx, x) and np.array_equal(fy, y)
