"""What the page draws: the output over a grid of the input plane (the
decision boundary), every hidden unit over a coarser grid (TensorFlow
Playground's neuron thumbnails), and the weights between them.

Grids travel quantized to uint8 and base64-encoded: a value is
lo + (hi - lo) * q / 255 with the (lo, hi) sent beside it.

The `gradients` payload (gradient norms and histograms of weights, biases and
weight gradients per weighted layer) is built and documented in trainer/gradients.py.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import jax
import jax.numpy as jnp
import numpy as np

from trainer import layers as L
from trainer.datasets import EXTENT, expand_features
from trainer.spec import Spec, layer_type

if TYPE_CHECKING:
    from trainer.engine import Model

_recurrent_states = jax.jit(L.recurrent_states, static_argnums=0)  # the layer (hashable) picks the cell
BOUNDARY_SIZE = 80
NEURON_SIZE = 32


@functools.lru_cache(maxsize=32)
def grid_inputs(features: Sequence[str], size: int) -> jax.Array:
    """The network inputs of a size x size grid over EXTENT, row 0 at ymin."""
    xs = np.linspace(EXTENT[0], EXTENT[1], size, dtype=np.float32)
    ys = np.linspace(EXTENT[2], EXTENT[3], size, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)
    return jnp.asarray(expand_features(np.stack([gx.ravel(), gy.ravel()], 1), features))


def quantize(values: Any, lo: float | None = None, hi: float | None = None) -> tuple[str, list[float]]:
    """float array -> (base64 of uint8, [lo, hi])."""
    values = np.asarray(values, np.float32)
    lo = float(values.min()) if lo is None else lo
    hi = float(values.max()) if hi is None else hi
    scale = 255 / (hi - lo) if hi > lo else 0.0
    q = np.clip(np.rint((values - lo) * scale), 0, 255).astype(np.uint8)
    return base64.b64encode(q.tobytes()).decode("ascii"), [lo, hi]


def boundary(model: Model, forward: Callable, params: list, features: Sequence[str], size: int = BOUNDARY_SIZE) -> dict:
    """The `boundary` frame payload (without its type)."""
    out = np.asarray(forward(params, grid_inputs(features, size))[-1])
    payload = {"size": size, "extent": list(EXTENT)}
    if model.task == "multiclass":
        payload["classes"] = out.shape[1]
        payload["labels"] = base64.b64encode(out.argmax(1).astype(np.uint8).tobytes()).decode("ascii")
        payload["data"], payload["range"] = quantize(out.max(1), 0.0, 1.0)
    else:
        payload["data"], payload["range"] = quantize(out[:, 0], *_output_range(model.out_activation))
    return payload


def _output_range(activation):
    """A fixed colour scale where the activation is bounded, else the data's own."""
    return {"sigmoid": (0.0, 1.0), "step": (0.0, 1.0), "tanh": (-1.0, 1.0)}.get(activation, (None, None))


def neurons(model: Model, forward: Callable, params: list, features: Sequence[str], size: int = NEURON_SIZE) -> dict:
    """The `neurons` frame payload: hidden units' grids plus all weights."""
    acts = forward(params, grid_inputs(features, size))[:-1]
    layers = []
    for layer, a in zip(model.layers, acts):
        if layer.type != "dense":
            continue  # dropout repeats its input at evaluation
        a = np.asarray(a)
        lo, hi = _output_range_of(a)
        layers.append({"range": [lo, hi], "units": [quantize(a[:, j], lo, hi)[0] for j in range(a.shape[1])]})
    return {"size": size, "layers": layers, **dense_weights(params)}


def drawn_by_page(spec: Spec) -> bool:
    """True where the page computes the pictures from `weights` frames: a stack of dense
    layers (dropout passes its input on at evaluation) on 2-D points."""
    return spec.dataset.info.kind == "points" and all(layer.type in ("dense", "dropout") for layer in spec.layers)


def dense_weights(params: list) -> dict:
    """Every dense layer's kernel (rows: inputs) and bias, as lists of floats (one device copy)."""
    params = jax.device_get([p for p in params if "kernel" in p])
    return {
        "weights": [p["kernel"].round(5).tolist() for p in params],
        "biases": [p["bias"].round(5).tolist() for p in params],
    }


def _output_range_of(a):
    """One symmetric scale per layer, so units of a layer compare by colour."""
    m = float(np.abs(a).max()) or 1.0
    return -m, m


def weights(params: list, layer_names: Sequence[str]) -> dict[str, np.ndarray]:
    """Flat {"<layer>.<param>": array} for np.savez."""
    return {f"{name}.{k}": np.asarray(v) for name, p in zip(layer_names, params) for k, v in p.items()}


def filters(spec: Spec, params: list) -> dict:
    """The `filters` payload: every conv layer's kernels, one k×k picture per
    filter (averaged over input channels), as plain numbers."""
    out = []
    for i, (layer, p) in enumerate(zip(spec.layers, params)):
        if layer.type == "conv2d":
            k = np.asarray(p["kernel"]).mean(axis=2)  # (k, k, filters)
            out.append(
                {
                    "layer": i,
                    "kernel_size": layer.kernel_size,
                    "filters": [k[:, :, f].round(4).tolist() for f in range(k.shape[2])],
                }
            )
    return {"layers": out}


def feature_maps(spec: Spec, forward: Callable, params: list, x: jax.Array, label: int, sample: int = 0) -> dict:
    """The `feature_maps` payload: one test sample through every conv and pool layer."""
    acts = forward(params, x[sample : sample + 1])
    image = np.asarray(x[sample]).mean(axis=2)
    layers = []
    for i, (layer, a) in enumerate(zip(spec.layers, acts)):
        if layer_type(layer).spatial:
            a = np.asarray(a[0])
            lo, hi = float(a.min()), float(a.max())
            layers.append(
                {
                    "layer": i,
                    "type": layer.type,
                    "shape": list(a.shape),
                    "range": [lo, hi],
                    "maps": [quantize(a[:, :, c], lo, hi)[0] for c in range(a.shape[2])],
                }
            )
    return {
        "sample": sample,
        "label": int(label),
        "input": quantize(image, 0.0, 1.0)[0],
        "input_shape": list(image.shape),
        "layers": layers,
    }


def confusion(y_true: np.ndarray, y_pred: np.ndarray, classes: int, class_names: Sequence[str] = ()) -> dict:
    """The `confusion` payload: matrix[true][predicted] over the test set."""
    matrix = np.zeros((classes, classes), int)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return {
        "classes": classes,
        "labels": list(class_names) or [str(c) for c in range(classes)],
        "matrix": matrix.tolist(),
    }


def predictions(
    x: jax.Array, y_true: np.ndarray, y_pred: np.ndarray, class_names: Sequence[str], count: int = 16
) -> dict:
    """The `predictions` payload: a strip of test images with predicted and true labels."""
    shown = np.asarray(x[:count]).mean(axis=3)
    return {
        "shape": list(shown.shape[1:]),
        "images": [quantize(img, 0.0, 1.0)[0] for img in shown],
        "true": [int(v) for v in y_true[:count]],
        "predicted": [int(v) for v in y_pred[:count]],
        "labels": list(class_names),
    }


def embedding(table: jax.Array, vocab: Sequence[str], words: int = 80) -> dict:
    """The `embedding` payload: the most frequent words' vectors projected on
    their first two principal components (PCA by SVD)."""
    vectors = np.asarray(table)[2 : 2 + words]  # skip <pad> and <oov>
    centered = vectors - vectors.mean(axis=0)
    _, _, vt = np.linalg.svd(centered, full_matrices=False)
    xy = centered @ vt[:2].T if vt.shape[0] >= 2 else np.zeros((len(vectors), 2))
    return {
        "words": list(vocab[2 : 2 + len(vectors)]),
        "x": xy[:, 0].round(4).tolist(),
        "y": xy[:, 1].round(4).tolist() if xy.shape[1] > 1 else [0.0] * len(vectors),
    }


def hidden_states(
    spec: Spec, forward: Callable, params: list, x: jax.Array, vocab: Sequence[str], sample: int = 0
) -> dict | None:
    """The `hidden_states` payload: the first recurrent layer's state after
    each real (unpadded) token of one test sentence, as a steps x units grid."""
    index = next((i for i, layer in enumerate(spec.layers) if layer_type(layer).recurrent), None)
    if index is None:
        return None
    tokens = np.asarray(x[sample])
    acts = forward(params, x[sample : sample + 1])
    states = np.asarray(
        _recurrent_states(spec.layers[index], params[index], acts[index - 1], x[sample : sample + 1] != 0)
    )[0]
    n = max(int((tokens != 0).sum()), 1)
    states = states[:n]
    return {
        "layer": index,
        "tokens": [vocab[t] for t in tokens[:n]],
        "units": states.shape[1],
        "states": states.round(4).tolist(),
    }
