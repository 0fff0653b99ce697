"""The spec's words and bounds: the names a spec may use and the limits on its sizes.

The engine's registries (`trainer.activations`, `losses`, `optimizers`) hold the same
names; tests/trainer/test_spec.py keeps them equal. Plain data: the parser, the
layer declarations and the builder's catalog all read it from here.
"""

VERSION = 1
ACTIVATIONS = ("linear", "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "softmax")
LOSSES = ("mse", "half_mse", "mae", "binary_crossentropy", "categorical_crossentropy")
REGRESSION_LOSSES = ("mse", "half_mse", "mae")
INITIALIZERS = {  # name -> its optional knobs with defaults (Keras names)
    "glorot_uniform": {},
    "glorot_normal": {},
    "he_normal": {},
    "he_uniform": {},
    "lecun_normal": {},
    "random_uniform": {"minval": -0.05, "maxval": 0.05},
    "random_normal": {"stddev": 0.05},
    "zeros": {},
    "ones": {},
    "constant": {"value": 0.0},
}
OPTIMIZERS = {  # name -> knobs with defaults, passed to the optax recipe of the same name
    "sgd": {},
    "momentum": {"momentum": 0.9},
    "nesterov": {"momentum": 0.9},
    "rmsprop": {"decay": 0.9, "eps": 1e-7, "momentum": 0.0},
    "adagrad": {"initial_accumulator_value": 0.1, "eps": 1e-7},
    "adam": {"b1": 0.9, "b2": 0.999, "eps": 1e-8},
    "adamw": {"b1": 0.9, "b2": 0.999, "eps": 1e-8, "weight_decay": 1e-4},
}
OPTIMIZER_LIMITS = {  # an optimizer knob -> (low, high)
    "momentum": (0, 0.9999),
    "b1": (0, 0.9999),
    "b2": (0, 0.99999),
    "decay": (0, 0.9999),
    "eps": (1e-12, 1),
    "weight_decay": (0, 1),
    "initial_accumulator_value": (0, 10),
}
LIMITS = {
    "layers": 16,
    "units": 512,
    "filters": 128,
    "kernel_size": 11,
    "params": 2_000_000,
    "vocab_size": 5000,
    "sequence_length": 200,
    "embedding_dim": 128,
    "epochs": 10_000,
    "batch_size": 1024,
    "samples": (20, 5000),
    "steps": 5_000_000,
    "learning_rate": (1e-7, 1e4),
    "blob_classes": (3, 5),
    "drawn_points": (2, 1000),
    "drawn_value": 100,  # a drawn set (datasets.DRAWN): its number of points, |target value|
}
