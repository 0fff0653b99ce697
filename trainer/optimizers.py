"""Optimizers by name: short optax recipes. The learning rate is an injected
hyper-parameter so the run loop can change it between chunks without
resetting the optimizer state."""

from __future__ import annotations

from typing import TYPE_CHECKING

import optax

if TYPE_CHECKING:
    from trainer.spec import Optimizer

RECIPES = {
    "sgd": lambda learning_rate: optax.sgd(learning_rate),
    "momentum": lambda learning_rate, momentum: optax.sgd(learning_rate, momentum=momentum),
    "nesterov": lambda learning_rate, momentum: optax.sgd(learning_rate, momentum=momentum, nesterov=True),
    "rmsprop": lambda learning_rate, decay, eps, momentum: optax.rmsprop(
        learning_rate, decay=decay, eps=eps, momentum=momentum or None
    ),
    "adagrad": lambda learning_rate, initial_accumulator_value, eps: optax.adagrad(
        learning_rate, initial_accumulator_value, eps
    ),
    "adam": optax.adam,
    "adamw": optax.adamw,
}


def make(optimizer: Optimizer) -> optax.GradientTransformation:
    """spec.Optimizer -> optax.GradientTransformation with `learning_rate` injectable.
    optax.flatten runs the update on one vector instead of one per array: small
    networks are bound by the count of operations, not their size."""
    knobs = dict(optimizer.options)
    recipe = optax.inject_hyperparams(RECIPES[optimizer.name], static_args=tuple(knobs))
    return optax.flatten(recipe(learning_rate=optimizer.learning_rate, **knobs))
