"""save and load_model: one .npz file holding a JSON header (the layers as spec
dicts, the compile settings, the spec fields the model remembers) and the
weights and optimizer state as arrays. No pickle: a saved file is untrusted
input, so every array is checked against the model its header builds.
"""

import json
from dataclasses import asdict

import jax
import jax.numpy as jnp
import numpy as np

from trainer import engine
from trainer import spec as S
from trainer.keras.declared import layer_from_dict
from trainer.keras.model import Sequential
from trainer.keras.optimizers import optimizer_from_dict
from trainer.keras.parts import count

FORMAT = "nn-playground-keras"
MAX_LOAD_PARAMS = 100_000_000  # a saved file is untrusted input: no model bigger than this is built from one


def save_model(model: Sequential, filepath: str) -> None:
    """Write the model to filepath (what `model.save(filepath)` does)."""
    arrays = {}
    if model.params is not None:
        for i, p in enumerate(model.params):
            arrays.update({f"params/{i}/{k}": np.asarray(v) for k, v in p.items()})
    if model.train_state is not None:
        arrays.update({f"state/{j:05d}": np.asarray(leaf) for j, leaf in enumerate(jax.tree.leaves(model.train_state))})
    opt = model.optimizer.to_spec() if model.optimizer else None
    header = {
        "format": FORMAT,
        "version": 1,
        "name": model.name,
        "seed": model.seed,
        "input_shape": list(model.input_shape) if model.input_shape else None,
        "layers": [S.layer_dict(layer.spec) for layer in model.layers],
        "layer_names": [layer.name for layer in model.layers],
        "regularization": asdict(model.regularization()),
        "settings": model.settings,
        "compile": None
        if model.loss is None
        else {
            "optimizer": {"name": opt.name, "learning_rate": opt.learning_rate, **dict(opt.options)},
            "loss": model.loss,
            "metrics": model.metrics_names[1:],
        },
        "fit": None
        if model.fitted is None
        else {"n_train": model.fitted.n_train, "batch_size": model.fitted.batch_size},
    }
    arrays["header"] = np.frombuffer(json.dumps(header).encode("utf-8"), np.uint8)
    with open(filepath, "wb") as f:
        np.savez(f, **arrays)


def load_model(filepath: str) -> Sequential:
    """A Sequential saved by `save`: layers, compile settings, weights and,
    if it was trained, the optimizer state (so training goes on as it would have)."""
    with np.load(filepath, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    try:
        header = json.loads(bytes(arrays.pop("header")).decode("utf-8"))
        assert header["format"] == FORMAT and header["version"] == 1
    except (KeyError, ValueError, AssertionError, TypeError):
        raise ValueError(f"{filepath} is not a model saved by trainer.keras") from None
    try:
        model = _model_from_header(header)
    except (KeyError, IndexError, TypeError, ValueError) as e:
        raise ValueError(f"{filepath}: the saved model description is damaged ({e})") from None
    if any(k.startswith("params/") for k in arrays):
        fresh = engine.init_state(model.bare_model(), S.Optimizer("sgd", 0.01), model.seed)["params"]
        model.params = [{k: _checked(arrays, f"params/{i}/{k}", v) for k, v in p.items()} for i, p in enumerate(fresh)]
    if header.get("fit") and model.loss and any(k.startswith("state/") for k in arrays):
        trained = model.engine_model(
            count("n_train", header["fit"]["n_train"]), count("batch_size", header["fit"]["batch_size"])
        )
        leaves, treedef = jax.tree.flatten(engine.init_state(trained, model.optimizer.to_spec(), model.seed))
        loaded = [_checked(arrays, f"state/{j:05d}", leaf) for j, leaf in enumerate(leaves)]
        model.train_state, model.fitted = jax.tree.unflatten(treedef, loaded), trained
        model.params = model.train_state["params"]
    return model


def _model_from_header(header):
    reg = header["regularization"]
    if reg["type"] not in ("none", "l1", "l2"):
        raise ValueError(f"unknown regularization {reg['type']!r}")
    reg = S.Regularization(reg["type"], float(reg["rate"]))
    names = header["layer_names"]
    layers = [
        layer_from_dict(
            d, header["input_shape"] if i == 0 else None, reg, names[i] if isinstance(names[i], str) else None
        )
        for i, d in enumerate(header["layers"])
    ]
    model = Sequential(layers, name=str(header["name"]), seed=count("seed", header["seed"], zero=True))
    if model.input_shape is not None and model.count_params() > MAX_LOAD_PARAMS:
        raise ValueError(f"more than {MAX_LOAD_PARAMS:,} parameters")
    settings = header.get("settings") or {}
    model.settings = {
        k: settings[k]
        for k in ("dataset", "features", "batch_size", "epochs", "stop", "regularization")
        if k in settings
    }
    if header["compile"]:
        c = header["compile"]
        model.compile(optimizer=optimizer_from_dict(c["optimizer"]), loss=c["loss"], metrics=c["metrics"])
    return model


def _checked(arrays, key, like):
    if key not in arrays:
        raise ValueError(f"The saved model lacks the array {key}")
    value = arrays[key]
    if value.shape != like.shape or value.dtype != like.dtype:
        raise ValueError(
            f"The saved array {key} has shape {value.shape} {value.dtype}; the model needs {like.shape} {like.dtype}"
        )
    return jnp.asarray(value)
