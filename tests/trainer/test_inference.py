"""Prediction from stored weights: the same numbers the run's evaluation saw."""

import numpy as np
import pytest

from trainer import datasets, engine, inference, loop, presets
from trainer.spec import parse


@pytest.fixture(scope="module")
def digits_run():
    d = presets.load("digits_dense")
    d["epochs"] = 5
    spec = parse(d)
    return spec, loop.run(spec, emit=lambda frames: None)


def test_weights_round_trip_to_params(digits_run):
    spec, result = digits_run
    params = inference.params_from_weights(spec, result.weights)
    model = engine.Model.from_spec(spec)
    evaluate = engine.compiled(model).evaluate
    metrics, _ = evaluate(params, engine.to_device(model, datasets.generate(spec.dataset), spec.features))
    assert float(metrics["test"]["loss"]) == pytest.approx(result.metrics["test_loss"], rel=1e-6)


def test_a_test_digit_redrawn_big_is_classified_like_the_original(digits_run):
    spec, result = digits_run
    split = datasets.generate(spec.dataset)
    digit = split.x_test[0, :, :, 0]
    big = np.kron(digit, np.ones((32, 32)))  # an 8x8 digit blown up to a 256x256 "canvas"
    out = inference.predict_image(spec, result.weights, (big * 255).astype(np.uint8))
    assert len(out["probabilities"]) == 10 and sum(out["probabilities"]) == pytest.approx(1, abs=1e-4)
    assert np.shape(out["input"]) == (8, 8)
    direct = inference.predict_image(spec, result.weights, digit)
    assert out["predicted"] == direct["predicted"]


def test_text_prediction_shows_tokens_and_oov():
    spec = parse(presets.load("sentiment_rnn"))
    result = loop.run(spec, emit=lambda frames: None)
    good = inference.predict_text(spec, result.weights, "The movie was wonderful!")
    bad = inference.predict_text(spec, result.weights, "the movie was terrible")
    assert good["probabilities"][1] > 0.5 > bad["probabilities"][1]
    odd = inference.predict_text(spec, result.weights, "the zorblax was wonderful")
    assert odd["steps"]["oov"] == ["zorblax"] and odd["classes"] == ["negative", "positive"]


def test_activations_are_every_layers_output_the_last_the_prediction(digits_run):
    spec, result = digits_run
    params = inference.params_from_weights(spec, result.weights)
    x = datasets.generate(spec.dataset).x_test[:3]
    acts = inference.activations(spec, params, x)
    model = engine.Model.from_spec(spec)
    assert len(acts) == len(spec.layers) and all(a.shape[0] == 3 for a in acts)
    forward = engine.compiled(model).forward  # what the run loop's probes use
    for mine, loops in zip(acts, forward(params, x)):
        np.testing.assert_allclose(np.asarray(mine), np.asarray(loops), rtol=1e-5, atol=1e-6)
