"""Gradients and distributions: per weighted layer, the gradient's L2 norm and
histograms of its weights, biases and weight gradients (TensorBoard's
histograms), so vanishing and exploding gradients show while a network trains.

The gradient is that of the training objective (the mean loss plus the L1/L2
penalty; the perceptron's surrogate for Rosenblatt's rule) on a fixed batch:
the first SAMPLES training samples (the whole training set when it is smaller;
generated sets come shuffled). Dropout is off, so one set of weights always
gives the same gradient: the series moves only because the weights do.

The `gradients` frame payload (without its type; trainer/events.py):

    {"iteration": int,                       # added by the run loop
     "samples": int,                         # the batch the gradient is taken on
     "bins": BINS,
     "layers": [                             # the layers with weights, in order
        {"layer": int,                       # index into spec.layers
         "type": str,                        # "dense", "conv2d", "embedding", "lstm", ...
         "kernel_norm": float | None,        # ||dJ/dW||_2 over the layer's weights (None: not finite)
         "bias_norm": float | None,          # ||dJ/db||_2; absent where the layer has no bias
         "histograms": {
            "kernel": H, "kernel_grad": H,   # the weights' values and their gradients
            "bias": H,                       # absent where the layer has no bias
         }}]}

    H = {"range": [lo, hi], "counts": [BINS ints]}: the finite values counted in
    BINS equal bins between lo and hi (edges numpy.linspace(lo, hi, BINS + 1),
    the last bin closed, as numpy.histogram; lo - 0.5, hi + 0.5 where all are equal).

"Weights" are every array of a layer but its bias: a dense or conv kernel, an
embedding table, a recurrent layer's kernel and recurrent kernel together.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from trainer import engine

BINS = 30
SAMPLES = 256


def batch(data: dict, samples: int = SAMPLES) -> tuple:
    """The fixed batch (x, t): the first `samples` training samples."""
    return data["x_train"][:samples], data["t_train"][:samples]


def histogram(values: np.ndarray, bins: int = BINS) -> dict:
    """H (see above) of an array's finite values: numpy.histogram's counts and range."""
    return histograms([values], bins)[0]


def histograms(arrays: list[np.ndarray], bins: int = BINS) -> list[dict]:
    """[H] for several arrays in one pass: numpy.histogram's bins (its own index arithmetic,
    corrected against the linspace edges), one bincount for all; ten calls of
    numpy.histogram cost more than the gradient of a small network."""
    values = [np.asarray(a, np.float64).ravel() for a in arrays]
    values = [v[np.isfinite(v)] for v in values]
    lo = np.array([v.min() if v.size else 0.0 for v in values])
    hi = np.array([v.max() if v.size else 0.0 for v in values])
    lo, hi = np.where(lo == hi, lo - 0.5, lo), np.where(lo == hi, hi + 0.5, hi)
    edges = np.linspace(lo, hi, bins + 1, axis=1)  # (arrays, bins + 1)
    which = np.repeat(np.arange(len(values)), [v.size for v in values])
    flat = np.concatenate(values) if values else np.zeros(0)
    index = np.clip(((flat - lo[which]) * (bins / (hi - lo))[which]).astype(np.intp), 0, bins - 1)
    index -= flat < edges[which, index]
    index += (flat >= edges[which, index + 1]) & (index != bins - 1)
    counts = np.bincount(which * bins + index, minlength=len(values) * bins).reshape(len(values), bins)
    return [
        {"range": [_number(a), _number(b)], "counts": c.tolist()} for a, b, c in zip(edges[:, 0], edges[:, -1], counts)
    ]


def _weights(p):
    """A layer's arrays but its bias, flattened into one vector."""
    return np.concatenate([np.ravel(v) for k, v in sorted(p.items()) if k != "bias"])


@functools.lru_cache(maxsize=64)
def compiled(model: engine.Model, samples: int = SAMPLES) -> Callable[[list, dict], jax.Array]:
    """measure(params, data) -> every param then every gradient (the objective's, on
    batch(data, samples)), raveled into one vector: one copy to the host. jit'd, cached
    by model. Only this runs on the device: histograms there took seconds to compile and
    longer to run than numpy takes on the host at these sizes."""

    @jax.jit
    def measure(params, data):
        x, t = batch(data, samples)
        grads = jax.grad(lambda p: engine.objective(model, p, x, t, train=False)[0])(params)
        return jnp.concatenate([leaf.ravel() for leaf in jax.tree.leaves((params, grads))])

    return measure


def warm(model: engine.Model, params: list, data: dict, samples: int = SAMPLES) -> threading.Event:
    """Compile measure for these shapes on a thread, while the training step compiles: its
    first call compiles for about as long as the evaluation does, which would hold back a
    run's first frame. Returns a threading.Event, set once it is ready (or failed: the first
    real call then says why)."""
    ready = threading.Event()

    def compile_it():
        try:
            jax.block_until_ready(compiled(model, samples)(params, data))
        finally:
            ready.set()

    threading.Thread(target=compile_it, name="gradients-warm", daemon=True).start()
    return ready


def _unravel(flat, params):
    """measure's vector -> (params, grads) as lists of dicts of numpy arrays, params' shapes."""
    leaves, tree = jax.tree.flatten(params)
    chunks = np.split(flat, np.cumsum([leaf.size for leaf in leaves * 2])[:-1])
    parts = [chunk.reshape(leaf.shape) for chunk, leaf in zip(chunks, leaves * 2)]
    return jax.tree.unflatten(tree, parts[: len(leaves)]), jax.tree.unflatten(tree, parts[len(leaves) :])


def _norm(g):
    return _number(np.sqrt(np.sum(np.square(g, dtype=np.float64))))


def _number(v):
    v = float(v)
    return float(f"{v:.6g}") if np.isfinite(v) else None


def payload(model: engine.Model, params: list, data: dict, samples: int = SAMPLES, bins: int = BINS) -> dict:
    """The `gradients` frame payload, without iteration (see the module's docstring)."""
    params, grads = _unravel(np.asarray(compiled(model, samples)(params, data)), params)
    layers, arrays = [], []
    for i, (layer, p, g) in enumerate(zip(model.layers, params, grads)):
        if not p:
            continue
        gw = _weights(g)
        entry = {"layer": i, "type": layer.type, "kernel_norm": _norm(gw)}
        names = ["kernel", "kernel_grad"]
        arrays += [_weights(p), gw]
        if "bias" in p:
            entry["bias_norm"] = _norm(g["bias"])
            names.append("bias")
            arrays.append(p["bias"])
        layers.append((entry, names))
    hists = iter(histograms(arrays, bins))
    layers = [{**entry, "histograms": {name: next(hists) for name in names}} for entry, names in layers]
    return {"samples": min(samples, int(data["x_train"].shape[0])), "bins": bins, "layers": layers}
