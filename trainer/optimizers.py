"""Optimizers by name: short optax recipes. The learning rate is an injected
hyper-parameter so the run loop can change it between chunks without
resetting the optimizer state."""
import optax

RECIPES = {
    "sgd": lambda learning_rate: optax.sgd(learning_rate),
    "momentum": lambda learning_rate, momentum: optax.sgd(learning_rate, momentum=momentum),
    "nesterov": lambda learning_rate, momentum: optax.sgd(learning_rate, momentum=momentum, nesterov=True),
    "rmsprop": lambda learning_rate, decay, eps, momentum: optax.rmsprop(learning_rate, decay=decay, eps=eps, momentum=momentum or None),
    "adagrad": lambda learning_rate, initial_accumulator_value, eps: optax.adagrad(learning_rate, initial_accumulator_value, eps),
    "adam": optax.adam,
    "adamw": optax.adamw,
}


def make(optimizer):
    """spec.Optimizer -> optax.GradientTransformation with `learning_rate` injectable."""
    knobs = dict(optimizer.options)
    recipe = optax.inject_hyperparams(RECIPES[optimizer.name], static_args=tuple(knobs))
    return recipe(learning_rate=optimizer.learning_rate, **knobs)
