"""The Keras-style API over the engine:

    model = Sequential([Dense(10, activation="sigmoid", input_dim=2), Dense(1, activation="sigmoid")])
    model.compile(optimizer="SGD", loss="mean_squared_error", metrics=["accuracy"])
    history = model.fit(x, y, epochs=100, batch_size=10)

model (Sequential: compile, fit, evaluate, predict, summary, from_spec / to_spec),
saving (save / load_model), callbacks (History, EarlyStopping, TargetLoss),
layers and declared (the layer classes, one per declared layer type), initializers,
regularizers, optimizers, losses (Keras' names for the engine's), data (Dataset,
read_csv), arrays (what fit takes, checked), parts (the base: repr is code).

`from trainer.keras import Dense, Sequential, ...` loads a name's module on first
use: trainer.codegen builds exported scripts from the layer and optimizer classes
on the web side, which never loads JAX, and only model (and saving) need it.
"""

import importlib

_HOMES = {  # module -> the names it gives `from trainer.keras import ...`
    "model": ("Sequential",),
    "saving": ("load_model", "save_model"),
    "callbacks": ("Callback", "EarlyStopping", "History", "TargetLoss"),
    "layers": (
        "Layer",
        "Dense",
        "Conv2D",
        "MaxPooling2D",
        "AveragePooling2D",
        "MaxPool2D",
        "AvgPool2D",
        "Flatten",
        "Dropout",
        "Embedding",
        "SimpleRNN",
        "LSTM",
        "GRU",
        "Input",
        "InputLayer",
    ),
    "initializers": (
        "Initializer",
        "GlorotUniform",
        "GlorotNormal",
        "HeNormal",
        "HeUniform",
        "LecunNormal",
        "Zeros",
        "Ones",
        "RandomUniform",
        "RandomNormal",
        "Constant",
    ),
    "regularizers": ("L1", "L2", "l1", "l2"),
    "optimizers": ("Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad"),
    "data": ("Dataset", "read_csv"),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}
__all__ = list(_HOME)


def __getattr__(name: str) -> object:
    """A name of the API from its module, or the Keras class of a declared layer type by its Keras name."""
    if name in _HOME:
        return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    if not name[:1].isupper():  # a submodule being imported (`from trainer.keras import layers`), a dunder
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from trainer.keras.declared import keras_class  # AttributeError where no type declares that name

    return keras_class(name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
