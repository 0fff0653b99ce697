"""Layers as pure (init, apply) pairs, after JAX's stax.

`init(layer, key, in_shape) -> params` builds arrays of the shapes that
`spec` inferred; `apply(layer, params, x, key, train) -> (z, a)` returns the
pre-activation and the activation, so losses can work from logits and probes
can show every unit. Images are NHWC. Each layer type's declaration
(trainer.spec.builtin_layers) names its init and apply functions here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp

from trainer.activations import ACTIVATIONS
from trainer.spec import Conv2D, Dense, Dropout, Embedding, Flatten, Initializer, Pool2D, Recurrent, layer_type

_KERAS_INITS = {
    "glorot_uniform": jax.nn.initializers.glorot_uniform,
    "glorot_normal": jax.nn.initializers.glorot_normal,
    "he_normal": jax.nn.initializers.he_normal,
    "he_uniform": jax.nn.initializers.he_uniform,
    "lecun_normal": jax.nn.initializers.lecun_normal,
    "zeros": lambda: jax.nn.initializers.zeros,
    "ones": lambda: jax.nn.initializers.ones,
}


def initializer(spec_init: Initializer) -> Callable[[jax.Array, tuple[int, ...]], jax.Array]:
    """spec.Initializer -> fn(key, shape) with Keras' semantics (conv kernels
    are (kh, kw, in, out), so fan-in/out count the receptive field as Keras does)."""
    o = dict(spec_init.options)
    if spec_init.name == "random_uniform":
        return lambda key, shape: jax.random.uniform(key, shape, jnp.float32, o["minval"], o["maxval"])
    if spec_init.name == "random_normal":
        return lambda key, shape: o["stddev"] * jax.random.normal(key, shape, jnp.float32)
    if spec_init.name == "constant":
        return lambda key, shape: jnp.full(shape, o["value"], jnp.float32)
    init = _KERAS_INITS[spec_init.name]()
    return lambda key, shape: init(key, shape, jnp.float32)


def init_weighted(layer: Dense | Conv2D, key: jax.Array, in_shape: tuple[int, ...]) -> dict[str, jax.Array]:
    _, shapes = layer.shapes(in_shape)
    k_kernel, k_bias = jax.random.split(key)
    return {
        "kernel": initializer(layer.kernel_initializer)(k_kernel, shapes["kernel"]),
        "bias": initializer(layer.bias_initializer)(k_bias, shapes["bias"]),
    }


def apply_dense(
    layer: Dense, params: dict, x: jax.Array, key: jax.Array | None, train: bool, mask: jax.Array | None = None
) -> tuple[jax.Array, jax.Array]:
    z = x @ params["kernel"] + params["bias"]
    return z, ACTIVATIONS[layer.activation](z)


def _pad_same(size, kernel, stride):
    """TensorFlow's 'same' padding along one axis: (before, after)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def _windows(x, k, stride, padding, fill=0.0):
    """The k*k strided views of x that a conv or pool window covers:
    a list of (n, oh, ow, c) in (kh, kw) order. 'same' pads with `fill`."""
    _, h, w, _ = x.shape
    if padding == "same":
        x = jnp.pad(x, ((0, 0), _pad_same(h, k, stride), _pad_same(w, k, stride), (0, 0)), constant_values=fill)
    oh, ow = (x.shape[1] - k) // stride + 1, (x.shape[2] - k) // stride + 1
    return [
        x[:, i : i + stride * (oh - 1) + 1 : stride, j : j + stride * (ow - 1) + 1 : stride, :]
        for i in range(k)
        for j in range(k)
    ]


def apply_conv2d(
    layer: Conv2D, params: dict, x: jax.Array, key: jax.Array | None, train: bool, mask: jax.Array | None = None
) -> tuple[jax.Array, jax.Array]:
    """A conv as a sum over the kernel's positions of (shifted input @ that
    position's weights): on small images this runs ~2x faster here than XLA's
    convolution, and ~30% faster than one im2col matmul (trainer.bench, W3)."""
    kernel, k = params["kernel"], layer.kernel_size
    weights = kernel.reshape(k * k, kernel.shape[2], kernel.shape[3])
    windows = _windows(x, k, layer.strides, layer.padding)
    z = sum(windows[i] @ weights[i] for i in range(k * k)) + params["bias"]
    return z, ACTIVATIONS[layer.activation](z)


def apply_pool(
    layer: Pool2D, params: dict, x: jax.Array, key: jax.Array | None, train: bool, mask: jax.Array | None = None
) -> tuple[jax.Array, jax.Array]:
    """Pooling over stacked strided views: its gradient is elementwise, where
    XLA's reduce_window max back-propagates through a slow select-and-scatter."""
    k, s = layer.pool_size, layer.stride
    n, h, w, c = x.shape
    if k == s and h % k == 0 and w % k == 0:  # the usual case: tiles, pooled by a reshape
        tiles = x.reshape(n, h // k, k, w // k, k, c)
        y = tiles.max(axis=(2, 4)) if layer.type == "maxpool2d" else tiles.mean(axis=(2, 4))
        return y, y
    if layer.type == "maxpool2d":
        y = functools.reduce(jnp.maximum, _windows(x, k, s, layer.padding, -jnp.inf))
    else:  # Keras averages over the window's real pixels only, at 'same' borders too
        count = sum(_windows(jnp.ones_like(x[:1, ..., :1]), k, s, layer.padding))
        y = sum(_windows(x, k, s, layer.padding)) / count
    return y, y


def apply_flatten(
    layer: Flatten, params: dict, x: jax.Array, key: jax.Array | None, train: bool, mask: jax.Array | None = None
) -> tuple[jax.Array, jax.Array]:
    y = x.reshape(x.shape[0], -1)
    return y, y


def apply_dropout(
    layer: Dropout, params: dict, x: jax.Array, key: jax.Array | None, train: bool, mask: jax.Array | None = None
) -> tuple[jax.Array, jax.Array]:
    """Inverted dropout: scaled in training so evaluation needs nothing."""
    if not train or layer.rate == 0:
        return x, x
    keep = jax.random.bernoulli(key, 1 - layer.rate, x.shape)
    y = jnp.where(keep, x / (1 - layer.rate), 0.0)
    return y, y


def init_embedding(layer: Embedding, key: jax.Array, in_shape: tuple[int, ...]) -> dict[str, jax.Array]:
    # Keras' default: uniform in [-0.05, 0.05]
    return {"embeddings": jax.random.uniform(key, (layer.input_dim, layer.output_dim), jnp.float32, -0.05, 0.05)}


def apply_embedding(
    layer: Embedding, params: dict, x: jax.Array, key: jax.Array | None, train: bool, mask: jax.Array | None = None
) -> tuple[jax.Array, jax.Array]:
    """(n, steps) token indices -> (n, steps, dim); padding (index 0) gives zeros."""
    y = params["embeddings"][x] * (x != 0)[..., None]
    return y, y


def init_recurrent(layer: Recurrent, key: jax.Array, in_shape: tuple[int, ...]) -> dict[str, jax.Array]:
    """Keras' defaults: glorot_uniform kernel, orthogonal recurrent kernel,
    zero bias (LSTM: forget-gate bias 1)."""
    _, shapes = layer.shapes(in_shape)
    k1, k2 = jax.random.split(key)
    bias = jnp.zeros(shapes["bias"], jnp.float32)
    if layer.type == "lstm":
        bias = bias.at[layer.units : 2 * layer.units].set(1.0)
    return {
        "kernel": jax.nn.initializers.glorot_uniform()(k1, shapes["kernel"], jnp.float32),
        "recurrent_kernel": jax.nn.initializers.orthogonal()(k2, shapes["recurrent_kernel"], jnp.float32),
        "bias": bias,
    }


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _gates(g, n):
    """g (batch, n * units) -> its n gate blocks. The gradient concatenates the
    blocks' gradients, where slicing's would pad each and add them up: that made
    every LSTM/GRU time step's backward pass 2x slower here (W4: LSTM +19%, GRU +31%)."""
    return tuple(jnp.split(g, n, axis=-1))


_gates.defvjp(lambda g, n: (_gates(g, n), None), lambda n, _, grads: (jnp.concatenate(grads, axis=-1),))


def _cell(layer, params):
    """One time step: (carry, x_t projected by the kernel) -> (carry, h)."""
    act, rk = ACTIVATIONS[layer.activation], params["recurrent_kernel"]
    if layer.type == "simple_rnn":

        def step(h, xw):
            h = act(xw + h @ rk)
            return h, h
    elif layer.type == "lstm":  # Keras gate order: input, forget, cell, output

        def step(carry, xw):
            h, c = carry
            i, f, candidate, o = _gates(xw + h @ rk, 4)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * act(candidate)
            h = jax.nn.sigmoid(o) * act(c)
            return (h, c), h
    else:  # GRU, Keras' reset_after=True: gates update, reset, candidate

        def step(h, xw):
            hz, hr, hc = _gates(h @ rk + params["bias"][1], 3)
            xz, xr, xc = _gates(xw, 3)
            z, r = jax.nn.sigmoid(xz + hz), jax.nn.sigmoid(xr + hr)
            h = z * h + (1 - z) * act(xc + r * hc)
            return h, h

    return step


def recurrent_states(
    layer: Recurrent, params: dict, x: jax.Array, mask: jax.Array | None = None, every_step: bool = True
) -> jax.Array:
    """(n, steps, features) -> every step's hidden state (n, steps, units), or
    with every_step=False only the last (n, units), which spares the scan its
    outputs. lax.scan over time; a masked (padded) step keeps the previous state,
    so the last state is the one after the last real token."""
    n, steps, _ = x.shape
    bias = params["bias"][0] if layer.type == "gru" else params["bias"]
    xw = jnp.swapaxes(x @ params["kernel"] + bias, 0, 1)  # time-major: (steps, n, gates*units)
    keep = jnp.ones((steps, n, 1), bool) if mask is None else jnp.swapaxes(mask, 0, 1)[..., None]
    zeros = jnp.zeros((n, layer.units), xw.dtype)
    step = _cell(layer, params)
    hidden = (lambda carry: carry[0]) if layer.type == "lstm" else (lambda carry: carry)

    def masked(carry, inputs):
        xw_t, keep_t = inputs
        new, _ = step(carry, xw_t)
        carry = jax.tree.map(lambda a, b: jnp.where(keep_t, a, b), new, carry)
        return carry, hidden(carry) if every_step else None

    last, hs = jax.lax.scan(masked, (zeros, zeros) if layer.type == "lstm" else zeros, (xw, keep))
    return jnp.swapaxes(hs, 0, 1) if every_step else hidden(last)


def apply_recurrent(
    layer: Recurrent, params: dict, x: jax.Array, key: jax.Array | None, train: bool, mask: jax.Array | None = None
) -> tuple[jax.Array, jax.Array]:
    y = recurrent_states(layer, params, x, mask, every_step=layer.return_sequences)
    return y, y


def _engine(name):
    """A function of this module named by a layer type's declaration (trainer.spec.layer_types)."""
    return globals()[name]


def init_stack(layers: Sequence[Any], key: jax.Array, in_shape: tuple[int, ...]) -> list[dict]:
    """The whole stack's params: a list of dicts, one per layer ({} if it has none)."""
    params = []
    for layer, k in zip(layers, jax.random.split(key, len(layers))):
        init = layer_type(layer).init
        params.append(_engine(init)(layer, k, in_shape) if init else {})
        in_shape, _ = layer.shapes(in_shape)
    return params


def apply_stack(
    layers: Sequence[Any], params: list[dict], x: jax.Array, key: jax.Array | None = None, train: bool = False
) -> list[tuple[jax.Array, jax.Array]]:
    """x -> [(z, a) of every layer]; the last pair is the network's output.
    key: a PRNG key, needed only when train is True and the stack has dropout."""
    outputs, mask = [], None
    for i, (layer, p) in enumerate(zip(layers, params)):
        layer_key = jax.random.fold_in(key, i) if key is not None else None
        if layer.type == "embedding":
            mask = x != 0  # padding: recurrent layers skip these steps
        z, x = _engine(layer_type(layer).apply)(layer, p, x, layer_key, train, mask)
        if x.ndim != 3:
            mask = None  # the sequence is gone (an RNN's last state, flatten)
        outputs.append((z, x))
    return outputs
