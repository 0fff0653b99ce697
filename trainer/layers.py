"""Layers as pure (init, apply) pairs, after JAX's stax.

`init(layer, key, in_shape) -> params` builds arrays of the shapes that
`spec` inferred; `apply(layer, params, x) -> (z, a)` returns the
pre-activation and the activation, so losses can work from logits and probes
can show every unit. New layer types add one entry to each table.
"""
import jax
import jax.numpy as jnp

from trainer.activations import ACTIVATIONS

_KERAS_INITS = {
    "glorot_uniform": jax.nn.initializers.glorot_uniform,
    "glorot_normal": jax.nn.initializers.glorot_normal,
    "he_normal": jax.nn.initializers.he_normal,
    "he_uniform": jax.nn.initializers.he_uniform,
    "lecun_normal": jax.nn.initializers.lecun_normal,
    "zeros": lambda: jax.nn.initializers.zeros,
    "ones": lambda: jax.nn.initializers.ones,
}


def initializer(spec_init):
    """spec.Initializer -> fn(key, shape) with Keras' semantics."""
    o = dict(spec_init.options)
    if spec_init.name == "random_uniform":
        return lambda key, shape: jax.random.uniform(key, shape, jnp.float32, o["minval"], o["maxval"])
    if spec_init.name == "random_normal":
        return lambda key, shape: o["stddev"] * jax.random.normal(key, shape, jnp.float32)
    if spec_init.name == "constant":
        return lambda key, shape: jnp.full(shape, o["value"], jnp.float32)
    init = _KERAS_INITS[spec_init.name]()
    return lambda key, shape: init(key, shape, jnp.float32)


def init_dense(layer, key, in_shape):
    _, shapes = layer.shapes(in_shape)
    k_kernel, k_bias = jax.random.split(key)
    return {
        "kernel": initializer(layer.kernel_initializer)(k_kernel, shapes["kernel"]),
        "bias": initializer(layer.bias_initializer)(k_bias, shapes["bias"]),
    }


def apply_dense(layer, params, x):
    z = x @ params["kernel"] + params["bias"]
    return z, ACTIVATIONS[layer.activation](z)


INIT = {"dense": init_dense}
APPLY = {"dense": apply_dense}


def init_stack(layers, key, in_shape):
    """The whole stack's params: a list of dicts, one per layer."""
    params = []
    for layer, k in zip(layers, jax.random.split(key, len(layers))):
        params.append(INIT[layer.type](layer, k, in_shape))
        in_shape, _ = layer.shapes(in_shape)
    return params


def apply_stack(layers, params, x):
    """x -> [(z, a) of every layer]; the last pair is the network's output."""
    outputs = []
    for layer, p in zip(layers, params):
        z, x = APPLY[layer.type](layer, p, x)
        outputs.append((z, x))
    return outputs
