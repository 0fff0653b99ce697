"""Which pictures fit a model, as frames (trainer.events): the boundary and neurons of a 2-D network,
the kernels, feature maps and predictions of a CNN, the embedding and hidden states of a text network,
a confusion matrix for every classifier, gradients for every network. The run loop sends them; a
saved run's time slider replays them (playground.compute)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from trainer import datasets, engine, events, gradients, probes

if TYPE_CHECKING:
    from trainer.spec import Spec


def probe_frames(
    spec: Spec,
    model: engine.Model,
    forward: Callable,
    params: list,
    data: dict,
    test_pred: np.ndarray,
    vocabulary: Sequence[str] | None = None,
    sample: int = 0,
) -> Iterator[dict]:
    """The pictures that fit this model: boundary and neurons for 2-D points;
    filters, feature maps and a strip of predictions for images; the embedding
    and hidden states for text; a confusion matrix for every classifier.
    sample: the test sample the feature maps / hidden states follow."""
    info = spec.dataset.info
    if info.kind == "points":
        yield events.probe("boundary", probes.boundary(model, forward, params, spec.features))
        yield events.probe("neurons", probes.neurons(model, forward, params, spec.features))
    yield from live_frames(spec, forward, params, data, vocabulary, sample)
    if info.kind == "images":
        yield events.probe(
            "predictions", probes.predictions(data["x_test"], np.asarray(data["y_test"]), test_pred, info.class_names)
        )
    if model.task != "regression":
        yield events.probe(
            "confusion",
            probes.confusion(np.asarray(data["y_test"]), test_pred, spec.dataset.n_classes, info.class_names),
        )


def gradient_frame(model: engine.Model, params: list, data: dict, iteration: int) -> dict:
    """Per weighted layer, the gradient norms and the histograms of weights, biases and
    weight gradients after `iteration` (trainer/gradients.py documents the payload)."""
    return events.probe("gradients", {"iteration": iteration, **gradients.payload(model, params, data)})


def live_frames(
    spec: Spec, forward: Callable, params: list, data: dict, vocabulary: Sequence[str] | None, sample: int
) -> Iterator[dict]:
    """The pictures of an image or text network that need no pass over the test set (its kernels
    or embedding, and one sample inside it): cheap, so they go out between evaluations too."""
    info = spec.dataset.info
    if info.kind == "text" and spec.layers[0].type == "embedding":
        yield events.probe("embedding", probes.embedding(params[0]["embeddings"], vocabulary or _corpus_vocab(spec)))
    elif info.kind == "images" and any(layer.type == "conv2d" for layer in spec.layers):
        yield events.probe("filters", probes.filters(spec, params))
    yield from sample_frames(spec, forward, params, data, vocabulary, sample)


def sample_frames(
    spec: Spec, forward: Callable, params: list, data: dict, vocabulary: Sequence[str] | None, sample: int
) -> Iterator[dict]:
    """What one test sample looks like inside the network: its feature maps
    (a CNN) or its hidden state over time (an RNN); nothing for other models."""
    kind = spec.dataset.info.kind
    if kind == "images" and any(layer.type == "conv2d" for layer in spec.layers):
        label = int(data["y_test"][sample])
        yield events.probe("feature_maps", probes.feature_maps(spec, forward, params, data["x_test"], label, sample))
    elif kind == "text" and spec.layers[0].type == "embedding":
        hidden = probes.hidden_states(spec, forward, params, data["x_test"], vocabulary or _corpus_vocab(spec), sample)
        if hidden:
            yield events.probe("hidden_states", {**hidden, "sample": sample, "label": int(data["y_test"][sample])})


def _corpus_vocab(spec):
    return datasets.text_split(spec.dataset)[1].vocab
