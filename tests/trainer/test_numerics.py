"""Gradients against central finite differences, in float64."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from trainer import layers as L
from trainer.activations import ACTIVATIONS
from trainer.losses import LOSSES
from trainer.spec import Dense


def _combos():
    for act, loss in itertools.product(ACTIVATIONS, LOSSES):
        if act == "step":
            continue  # no gradient; trained by the perceptron rule (test_training)
        if loss == "binary_crossentropy" and act not in ("sigmoid", "linear"):
            continue  # rejected by the spec
        if loss == "categorical_crossentropy" and act not in ("softmax", "linear"):
            continue
        yield act, loss


def _central_difference(f, params, eps=1e-6):
    flat, unravel = jax.flatten_util.ravel_pytree(params)
    grads = np.zeros_like(flat)
    for i in range(flat.size):
        e = np.zeros_like(flat)
        e[i] = eps
        grads[i] = (f(unravel(flat + e)) - f(unravel(flat - e))) / (2 * eps)
    return grads


@pytest.mark.parametrize("act, loss", list(_combos()))
def test_dense_gradient_matches_finite_differences(act, loss):
    import jax.flatten_util  # noqa: F401

    with jax.enable_x64(True):
        rng = np.random.default_rng(0)
        units = 3 if loss == "categorical_crossentropy" or act == "softmax" else 2
        layer = Dense(units, act)
        params = {"kernel": jnp.asarray(rng.normal(size=(4, units))), "bias": jnp.asarray(rng.normal(size=units) * 0.1)}
        x = jnp.asarray(rng.normal(size=(6, 4)))
        if loss == "categorical_crossentropy":
            t = jnp.asarray(np.eye(units)[rng.integers(0, units, 6)])
        else:
            t = jnp.asarray(rng.uniform(0, 1, size=(6, units)))

        def f(p):
            z, _ = L.apply_dense(layer, p, x, None, False)
            return LOSSES[loss](z, act, t).mean()

        analytic, _ = jax.flatten_util.ravel_pytree(jax.grad(f)(params))
        numeric = _central_difference(f, params)
        np.testing.assert_allclose(np.asarray(analytic), numeric, rtol=1e-5, atol=1e-7)


def test_two_layer_stack_gradient():
    import jax.flatten_util  # noqa: F401

    with jax.enable_x64(True):
        rng = np.random.default_rng(1)
        stack = (Dense(5, "tanh"), Dense(1, "sigmoid"))
        params = [
            {"kernel": jnp.asarray(rng.normal(size=(3, 5))), "bias": jnp.asarray(rng.normal(size=5))},
            {"kernel": jnp.asarray(rng.normal(size=(5, 1))), "bias": jnp.asarray(rng.normal(size=1))},
        ]
        x, t = jnp.asarray(rng.normal(size=(8, 3))), jnp.asarray(rng.integers(0, 2, (8, 1)).astype(float))

        def f(p):
            z, _ = L.apply_stack(stack, p, x)[-1]
            return LOSSES["binary_crossentropy"](z, "sigmoid", t).mean()

        analytic, _ = jax.flatten_util.ravel_pytree(jax.grad(f)(params))
        np.testing.assert_allclose(np.asarray(analytic), _central_difference(f, params), rtol=1e-5, atol=1e-8)


def test_cross_entropy_from_logits_stays_finite():
    z = jnp.array([[80.0], [-80.0]])
    t = jnp.array([[0.0], [1.0]])
    loss = LOSSES["binary_crossentropy"](z, "sigmoid", t)
    assert np.all(np.isfinite(loss)) and np.allclose(loss, 80.0, rtol=1e-3)
    g = jax.grad(lambda z: LOSSES["binary_crossentropy"](z, "sigmoid", t).sum())(z)
    assert np.all(np.isfinite(g))


def test_half_mse_is_tensorflow_playgrounds_error():
    z, t = jnp.array([[0.5]]), jnp.array([[1.0]])
    assert float(LOSSES["half_mse"](z, "linear", t)[0]) == pytest.approx(0.5 * 0.25)


def test_step_is_heaviside():
    assert ACTIVATIONS["step"](jnp.array([-1.0, 0.0, 2.0])).tolist() == [0.0, 1.0, 1.0]
