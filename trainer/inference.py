"""Predict with a trained run's weights: a drawing, a typed sentence, points.

Inputs go through exactly the preprocessing the training data had (images.preprocess,
the dataset's text pipeline), so what the page sends is judged like a test sample.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import jax
import jax.numpy as jnp
import numpy as np

from trainer import datasets, engine, images
from trainer import layers as L

if TYPE_CHECKING:
    from trainer.spec import Spec
    from trainer.text import Pipeline


def params_from_weights(spec: Spec, weights: dict[str, np.ndarray]) -> list[dict[str, jax.Array]]:
    """The flat {"<index>_<type>.<param>": array} of RunResult.weights -> the engine's params list."""
    params = [{} for _ in spec.layers]
    for name, array in weights.items():
        layer, param = name.split(".", 1)
        params[int(layer.split("_", 1)[0])][param] = jnp.asarray(array)
    return params


@functools.lru_cache(maxsize=32)
def _forward(layers):
    return jax.jit(lambda params, x: L.apply_stack(layers, params, x)[-1][1])


@functools.lru_cache(maxsize=32)
def _activations(layers):
    return jax.jit(lambda params, x: [a for _, a in L.apply_stack(layers, params, x)])


def activations(spec: Spec, params: list, x: np.ndarray) -> list[jax.Array]:
    """Every layer's activation for inputs x (a batch: (n, *spec.input_shape), or (n, steps) token
    ids): a list with one (n, ...) array per layer of spec.layers, the network's output last.
    It is the `forward(params, x)` that probes.feature_maps / hidden_states take."""
    return _activations(spec.layers)(params, jnp.asarray(x))


def _classes(spec, out):
    info = spec.dataset.info
    model = engine.Model.from_spec(spec)
    if spec.task == "regression":
        return {"value": float(out[0, 0])}
    if spec.task == "multiclass":
        probs = out[0]
    else:  # one output unit: the probability (or tanh score) of class 1
        p1 = (out[0, 0] + 1) / 2 if model.out_activation == "tanh" else out[0, 0]
        probs = np.array([1 - p1, p1])
    names = list(info.class_names) or [str(i) for i in range(len(probs))]
    return {
        "classes": names,
        "probabilities": [float(p) for p in np.clip(probs, 0, 1)],
        "predicted": int(np.argmax(probs)),
    }


def predict_image(spec: Spec, weights: dict[str, np.ndarray], pixels: np.ndarray | list) -> dict:
    """pixels: (h, w) or (h, w, c), 0-255 or 0-1 -> class probabilities and the
    preprocessed image the network saw (so the page can show it). Digits are
    cropped to the ink first, as scikit-learn's were; other sets are only resized."""
    x = images.preprocess(pixels, spec.input_shape, fit_to_content=spec.dataset.info.fit_drawings)
    out = np.asarray(_forward(spec.layers)(params_from_weights(spec, weights), jnp.asarray(x[None])))
    return {**_classes(spec, out), "input": x[..., 0].round(3).tolist() if x.shape[2] == 1 else x.round(3).tolist()}


def predict_text(spec: Spec, weights: dict[str, np.ndarray], sentence: str, pipeline: Pipeline | None = None) -> dict:
    """A typed sentence -> probability, with each pipeline step (OOV tokens marked) and,
    in `levels`, the sentence at each token level with that level's OOV rate and coverage
    (an uploaded set, whose `pipeline` is passed: its own level only)."""
    builtin = pipeline is None
    pipeline = pipeline or datasets.text_split(spec.dataset)[1]
    steps = pipeline.explain(sentence)
    x = np.array([steps["padded"]], np.int32)
    if spec.dataset.representation == "bag_of_words":
        x = datasets.text.bag_of_words(x, len(pipeline.vocab))
    out = np.asarray(_forward(spec.layers)(params_from_weights(spec, weights), jnp.asarray(x)))
    levels = datasets.text_levels(spec.dataset, [sentence]) if builtin else [pipeline.level(sentence)]
    return {
        **_classes(spec, out),
        "steps": steps,
        "levels": [
            {**{k: v for k, v in level.items() if k != "sentences"}, "tokens": level["sentences"][0]}
            for level in levels
        ],
    }
