"""Losses by name. Each takes (pre-activation z, activation name, target y)
so that sigmoid + binary cross-entropy and softmax + categorical cross-entropy
are computed from logits, which stays finite where the probabilities round to
0 or 1. Every loss returns one value per sample (shape (batch,))."""

from __future__ import annotations

from typing import TYPE_CHECKING

import jax.numpy as jnp
import optax

from trainer.activations import ACTIVATIONS

if TYPE_CHECKING:
    import jax


def _output(z, act):
    return ACTIVATIONS[act](z)


def mse(z: jax.Array, act: str, y: jax.Array) -> jax.Array:
    return jnp.mean((_output(z, act) - y) ** 2, axis=-1)


def half_mse(z: jax.Array, act: str, y: jax.Array) -> jax.Array:
    """TensorFlow Playground's error: ½(output − target)²."""
    return 0.5 * mse(z, act, y)


def mae(z: jax.Array, act: str, y: jax.Array) -> jax.Array:
    return jnp.mean(jnp.abs(_output(z, act) - y), axis=-1)


def binary_crossentropy(z: jax.Array, act: str, y: jax.Array) -> jax.Array:
    # sigmoid or linear output: both read z as logits (spec validation allows only these)
    return jnp.mean(optax.sigmoid_binary_cross_entropy(z, y), axis=-1)


def categorical_crossentropy(z: jax.Array, act: str, y: jax.Array) -> jax.Array:
    return optax.softmax_cross_entropy(z, y)


LOSSES = {f.__name__: f for f in [mse, half_mse, mae, binary_crossentropy, categorical_crossentropy]}
