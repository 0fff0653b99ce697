"""The arrays fit, evaluate and predict take, checked against the engine's model
and put on the device as the engine wants them."""

import jax.numpy as jnp
import numpy as np

from trainer import engine
from trainer.keras.data import Dataset


def labels(y: object, n: int, model: engine.Model) -> np.ndarray:
    """y as the engine's targets for n samples: (n,) float32 values (regression) or
    int32 class indices (one-hot rows and a tanh output's ±1 labels read as such)."""
    if y is None:
        raise ValueError("Missing the targets y")
    y = np.asarray(y)
    if len(y) != n:
        raise ValueError(f"x and y hold different numbers of samples: {n} and {len(y)}")
    units = model.layers[-1].units
    if model.task == "multiclass" and y.ndim == 2 and y.shape[1] == units > 1:
        y = y.argmax(1)  # one-hot rows -> class indices
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y must hold one target per sample, shape ({n},); got shape {y.shape}")
    if model.task == "regression":
        return y.astype(np.float32)
    classes = units if model.task == "multiclass" else 2
    if model.task == "binary" and model.out_activation == "tanh" and np.isin(y, (-1, 1)).all():
        y = (y > 0).astype(np.int32)  # ±1 labels for a tanh output read as 0/1
    if not (np.isin(y, np.arange(classes))).all():
        want = "0 or 1" if classes == 2 else f"class indices 0 to {classes - 1} (or one-hot rows)"
        raise ValueError(f"Labels must be {want}; got values such as {np.unique(y)[:6].tolist()}")
    return y.astype(np.int32)


def pairs(data: object, what: str) -> tuple:
    """(features, labels) from a tuple or a Dataset; what names the argument in the error."""
    if isinstance(data, Dataset):
        arrays = data.arrays()
    elif isinstance(data, (tuple, list)):
        arrays = tuple(data)
    else:
        arrays = ()
    if len(arrays) != 2:
        raise ValueError(
            f"{what} must be (features, labels): a tuple of two arrays or Dataset.from_tensor_slices((x, y))"
        )
    return arrays


def device_data(model: engine.Model, train: tuple, test: tuple) -> dict:
    """The engine's data dict (as engine.to_device builds it) from (x, y) arrays."""
    out = {}
    for part, (x, y) in (("train", train), ("test", test)):
        out.update(
            {
                f"x_{part}": jnp.asarray(x),
                f"t_{part}": jnp.asarray(engine.encode_targets(model, y)),
                f"y_{part}": jnp.asarray(y),
            }
        )
    return out
