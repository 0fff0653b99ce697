"""Activation functions by name (the names are `spec.ACTIVATIONS`)."""

import jax
import jax.numpy as jnp


def step(x: jax.Array) -> jax.Array:
    """Heaviside step, as in Rosenblatt's perceptron: 1 where x >= 0, else 0."""
    return (x >= 0).astype(x.dtype)


ACTIVATIONS = {
    "linear": lambda x: x,
    "step": step,
    "sigmoid": jax.nn.sigmoid,
    "tanh": jnp.tanh,
    "relu": jax.nn.relu,
    "leaky_relu": lambda x: jax.nn.leaky_relu(x, 0.01),
    "elu": jax.nn.elu,
    "gelu": jax.nn.gelu,
    "softmax": lambda x: jax.nn.softmax(x, axis=-1),
}

# The range an output activation can reach, which sets how binary labels are
# encoded: tanh outputs train on -1/+1 (TF Playground), everything else on 0/1.
SYMMETRIC = {"tanh"}
