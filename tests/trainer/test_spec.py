"""Spec validation: every rule names the path at fault; valid specs round-trip."""

import copy
import math

import numpy as np
import pytest

from trainer import presets
from trainer.spec import SpecError, catalog, describe, parse

BASE = presets.load("tfp_default")


def errors_of(mutate):
    d = copy.deepcopy(BASE)
    mutate(d)
    with pytest.raises(SpecError) as info:
        parse(d)
    return {e["path"]: e["message"] for e in info.value.errors}


def put(path, value):
    """A mutation that sets d[path...] = value, path as a tuple of keys/indices."""

    def mutate(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


@pytest.mark.parametrize(
    "mutate, path, fragment",
    [
        (put(("layers", 2, "units"), 0), "layers[2].units", "between 1 and 512"),
        (put(("layers", 0, "units"), 513), "layers[0].units", "between 1 and 512"),
        (put(("layers", 0, "units"), 2.5), "layers[0].units", "whole number"),
        (put(("layers", 0, "units"), True), "layers[0].units", "whole number"),
        (put(("layers", 0, "units"), "4"), "layers[0].units", "whole number"),
        (put(("layers", 0, "activation"), "swish"), "layers[0].activation", "must be one of"),
        (put(("layers", 1, "type"), "convolution"), "layers[1].type", "must be one of"),
        (put(("layers", 1, "extra"), 1), "layers[1].extra", "unknown key"),
        (put(("layers",), []), "layers", "non-empty"),
        (
            put(("layers",), [{"type": "dense", "units": 4}] * 17 + [{"type": "dense", "units": 1}]),
            "layers",
            "at most 16",
        ),
        (
            put(("layers",), [{"type": "dense", "units": 512}] * 12 + [{"type": "dense", "units": 1}]),
            "layers",
            "parameters",
        ),
        (put(("layers", 2, "units"), 3), "layers[2].units", "must have 1 unit"),
        (put(("bogus",), 1), "bogus", "unknown key"),
        (put(("epochs",), 0), "epochs", "between 1 and 10000"),
        (put(("epochs",), 10**6), "epochs", "between"),
        (put(("batch_size",), 4096), "batch_size", "between 1 and 1024"),
        (put(("seed",), -1), "seed", "between"),
        (put(("optimizer", "learning_rate"), math.nan), "optimizer.learning_rate", "finite"),
        (put(("optimizer", "learning_rate"), math.inf), "optimizer.learning_rate", "finite"),
        (put(("optimizer", "learning_rate"), 0), "optimizer.learning_rate", "between"),
        (put(("optimizer", "name"), "lbfgs"), "optimizer.name", "must be one of"),
        (put(("optimizer", "b1"), 0.9), "optimizer.b1", "not a knob of sgd"),
        (put(("optimizer",), {"name": "adam", "learning_rate": 0.1, "b1": 1.5}), "optimizer.b1", "between"),
        (put(("dataset", "name"), "mnist-1m"), "dataset.name", "must be one of"),
        (put(("dataset", "samples"), 10**7), "dataset.samples", "between 20 and 5000"),
        (put(("dataset", "noise"), -0.1), "dataset.noise", "between 0 and 0.5"),
        (put(("dataset", "test_fraction"), 1.0), "dataset.test_fraction", "between"),
        (put(("dataset", "classes"), 3), "dataset.classes", "blobs dataset only"),
        (put(("dataset",), "circle"), "dataset", "JSON object"),
        (put(("features",), ["x1", "x3"]), "features[1]", "must be one of"),
        (put(("features",), []), "features", "non-empty"),
        (put(("features",), ["x1", "x1"]), "features", "twice"),
        (put(("loss",), "hinge"), "loss", "must be one of"),
        (put(("loss",), "categorical_crossentropy"), "loss", "several classes"),
        (put(("loss",), "binary_crossentropy"), "layers[2].activation", "sigmoid output"),
        (put(("regularization", "type"), "l3"), "regularization.type", "must be one of"),
        (put(("regularization", "rate"), -1), "regularization.rate", "between"),
        (put(("stop",), {"early_stopping_patience": 0}), "stop.early_stopping_patience", "between"),
        (put(("stop",), {"target_loss": math.nan}), "stop.target_loss", "finite"),
        (put(("version",), 2), "version", "must be 1"),
        (
            put(("layers", 0, "kernel_initializer"), {"name": "random_uniform", "minval": 1, "maxval": 0}),
            "layers[0].kernel_initializer.maxval",
            "greater than minval",
        ),
        (put(("layers", 0, "kernel_initializer"), "orthogonal"), "layers[0].kernel_initializer.name", "must be one of"),
        (put(("layers", 0, "activation"), "softmax"), "layers[0].activation", "output layer only"),
        (put(("layers", 0, "activation"), "step"), "layers[0].activation", "perceptron"),
    ],
)
def test_each_rule_names_its_path(mutate, path, fragment):
    errors = errors_of(mutate)
    assert path in errors, errors
    assert fragment in errors[path]


def test_not_an_object():
    with pytest.raises(SpecError) as info:
        parse([1, 2])
    assert info.value.errors[0]["message"] == "must be a JSON object"


def test_all_errors_are_reported_at_once():
    errors = errors_of(lambda d: d.update(epochs=-1, batch_size=0, loss="x"))
    assert {"epochs", "batch_size", "loss"} <= set(errors)


def test_too_many_steps():
    errors = errors_of(lambda d: d.update(epochs=10_000, batch_size=1, dataset={"name": "circle", "samples": 5000}))
    assert "steps" in errors["epochs"]


def test_multiclass_output_must_match_classes():
    d = presets.load("blobs_softmax")
    d["layers"][-1]["units"] = 3
    with pytest.raises(SpecError) as info:
        parse(d)
    assert "4 classes" in str(info.value) and info.value.errors[0]["path"] == "layers[1].units"


def test_regression_rejects_classification_loss():
    d = presets.load("regression_plane")
    d["loss"] = "binary_crossentropy"
    with pytest.raises(SpecError) as info:
        parse(d)
    assert "loss" in {e["path"] for e in info.value.errors}


@pytest.mark.parametrize("name", [p["name"] for p in presets.PRESETS])
def test_examples_parse_and_round_trip(name):
    spec = parse(presets.load(name))
    assert parse(spec.to_dict()) == spec
    assert parse(spec.to_dict()).to_dict() == spec.to_dict()


def test_describe_shapes_and_counts():
    info = describe(parse(BASE))
    assert info["input_shape"] == [2]
    assert [layer["output_shape"] for layer in info["layers"]] == [[4], [2], [1]]
    assert [layer["params"] for layer in info["layers"]] == [2 * 4 + 4, 4 * 2 + 2, 2 + 1]
    assert info["total_params"] == 25
    assert info["steps_per_epoch"] == 25 and info["total_steps"] == 25 * 200


def test_defaults_fill_optional_fields():
    spec = parse(
        {
            "dataset": {"name": "xor"},
            "layers": [{"type": "dense", "units": 1, "activation": "sigmoid"}],
            "loss": "binary_crossentropy",
            "optimizer": {"name": "adam", "learning_rate": 0.01},
        }
    )
    assert spec.features == ("x1", "x2") and spec.batch_size == 10 and dict(spec.optimizer.options)["b1"] == 0.9


def test_catalog_lists_registries_and_presets():
    c = catalog()
    assert "tanh" in c["activations"] and "adam" in c["optimizers"] and "blobs" in {d["name"] for d in c["datasets"]}
    assert {p["name"] for p in c["presets"]} >= {
        "perceptron_separable",
        "perceptron_xor",
        "mlp_xor",
        "tfp_default",
        "spiral_deep",
    }


def test_registries_match_the_spec_vocabulary():
    from trainer import activations, losses, optimizers, spec

    assert set(activations.ACTIVATIONS) == set(spec.ACTIVATIONS)
    assert set(losses.LOSSES) == set(spec.LOSSES)
    assert set(optimizers.RECIPES) == set(spec.OPTIMIZERS)


def test_layer_schema_fields_are_accepted_by_the_parsers():
    from trainer.spec import LAYER_TYPES

    schema = catalog()["layer_types"]
    assert set(schema) == set(LAYER_TYPES)
    for kind, fields in schema.items():
        assert set(fields) <= {knob.name for knob in LAYER_TYPES[kind].knobs}, kind


def test_uploaded_datasets_resolve_through_the_given_infos():
    from trainer import datasets
    from trainer.spec import parse

    info = datasets.DatasetInfo(
        "upload-iris", "Iris", "tabular", "multiclass", "uploaded", 3, (4,), ("a", "b", "c"), 150, 150, builtin=False
    )
    d = {
        "dataset": {"name": "upload-iris", "test_fraction": 0.2},
        "layers": [
            {"type": "dense", "units": 8, "activation": "relu"},
            {"type": "dense", "units": 3, "activation": "softmax"},
        ],
        "loss": "categorical_crossentropy",
        "optimizer": {"name": "adam", "learning_rate": 0.01},
    }
    spec = parse(d, uploads={"upload-iris": info})
    assert spec.input_shape == (4,) and spec.n_train == 120
    assert spec.to_dict()["dataset"] == {"name": "upload-iris", "test_fraction": 0.2, "seed": 0}
    assert parse(spec.to_dict(), uploads={"upload-iris": info}) == spec
    with pytest.raises(SpecError, match="dataset.name"):
        parse(d)  # not offered: not accepted
    d["dataset"]["samples"] = 10
    with pytest.raises(SpecError, match="dataset.samples: unknown key"):
        parse(d, uploads={"upload-iris": info})
    x, y = np.arange(40).reshape(10, 4), np.arange(10) % 3
    split = datasets.split_arrays(x, y, 0.2, seed=1)
    assert split.x_train.shape == (8, 4) and sorted(np.concatenate([split.y_train, split.y_test]).tolist()) == sorted(
        y.tolist()
    )
