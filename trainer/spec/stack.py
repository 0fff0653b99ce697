"""Rules that need the whole spec (the stack's shapes, its output against the
dataset, activations against the loss, the embedding's vocabulary), and the
summary of a parsed stack that the builder shows."""

from __future__ import annotations

import math
from dataclasses import replace

from trainer import datasets
from trainer.messages import Problem, entry, gettext_noop
from trainer.spec.objects import DatasetSpec, Spec
from trainer.spec.vocabulary import LIMITS, REGRESSION_LOSSES


def with_vocabulary(layers: list, dataset: DatasetSpec, errors: list) -> list:
    """An embedding's input size is the dataset's vocabulary: filled in, or checked if given."""
    out = []
    for i, layer in enumerate(layers):
        if layer.type == "embedding":
            sequences = dataset.info.kind == "text" and dataset.representation != "bag_of_words"
            vocab = datasets.vocab_size(dataset) if sequences else None
            if vocab is None:
                errors.append(
                    entry(
                        f"layers[{i}].type",
                        gettext_noop("an embedding needs a text dataset with representation 'sequence'"),
                    )
                )
            elif layer.input_dim not in (None, vocab):
                errors.append(
                    entry(
                        f"layers[{i}].input_dim",
                        gettext_noop("must be the vocabulary size, %(vocab)s (or left out)"),
                        vocab=vocab,
                    )
                )
            else:
                layer = replace(layer, input_dim=vocab)
        out.append(layer)
    return out


def check_stack(spec: Spec, errors: list) -> None:
    """Rules that need the whole spec: shapes, output size, activation and loss fit."""

    def fail(path, template, **params):
        errors.append(entry(path, template, **params))

    total, shape, last = 0, spec.input_shape, len(spec.layers) - 1
    ds = spec.dataset
    if ds.info.kind == "text" and ds.representation != "bag_of_words" and spec.layers[0].type != "embedding":
        fail(
            "layers[0].type",
            gettext_noop(
                "token indices are categories, not quantities: start with an embedding layer "
                "(or use representation 'bag_of_words' for a dense network)"
            ),
        )
    if spec.layers[last].type != "dense":
        return fail(
            f"layers[{last}].type",
            gettext_noop("the output layer must be dense: it gives one unit per target (add a dense layer at the end)"),
        )
    for i, layer in enumerate(spec.layers):
        try:
            shape, params = layer.shapes(shape)
        except Problem as e:
            return fail(f"layers[{i}]", e.template, **e.params)
        total += sum(math.prod(s) for s in params.values())
        act = getattr(layer, "activation", None)
        if act == "softmax" and i != last:
            fail(f"layers[{i}].activation", gettext_noop("softmax belongs on the output layer only"))
        if act == "step" and not spec.is_perceptron:
            fail(
                f"layers[{i}].activation",
                gettext_noop(
                    "step has no gradient: it trains only as Rosenblatt's perceptron, a single "
                    "dense layer of 1 unit; use sigmoid or tanh in a deeper network"
                ),
            )
    if total > LIMITS["params"]:
        fail(
            "layers",
            gettext_noop("the network has %(count)s parameters; at most %(limit)s are allowed"),
            count=f"{total:,}",
            limit=f"{LIMITS['params']:,}",
        )
    task, classes = spec.task, spec.dataset.n_classes
    want = classes if task == "multiclass" else 1
    out = f"layers[{last}]"
    if shape != (want,):
        if task == "multiclass":
            fail(
                f"{out}.units",
                gettext_noop(
                    "the output layer must have %(units)s units: the dataset %(dataset)s has %(classes)s classes"
                ),
                units=want,
                dataset=spec.dataset.name,
                classes=classes,
            )
        elif task == "regression":
            fail(
                f"{out}.units",
                gettext_noop("the output layer must have 1 unit: the dataset %(dataset)s has one target value"),
                dataset=spec.dataset.name,
            )
        else:
            fail(
                f"{out}.units",
                gettext_noop(
                    "the output layer must have 1 unit: the dataset %(dataset)s has two classes "
                    "(one output unit: the probability of class 1)"
                ),
                dataset=spec.dataset.name,
            )
    act = spec.layers[last].activation
    if task == "regression" and spec.loss not in REGRESSION_LOSSES:
        fail(
            "loss",
            gettext_noop("%(loss)s is for classification; a regression dataset takes %(losses)s"),
            loss=spec.loss,
            losses=", ".join(REGRESSION_LOSSES),
        )
    if spec.loss == "binary_crossentropy":
        if task == "multiclass":
            fail("loss", gettext_noop("use categorical_crossentropy for a dataset of more than two classes"))
        elif act not in ("sigmoid", "linear"):
            fail(
                f"{out}.activation",
                gettext_noop("binary_crossentropy needs a sigmoid output (or linear, read as logits)"),
            )
    if spec.loss == "categorical_crossentropy":
        if task != "multiclass":
            fail(
                "loss",
                gettext_noop(
                    "categorical_crossentropy needs several classes; use binary_crossentropy with one sigmoid output"
                ),
            )
        elif act not in ("softmax", "linear"):
            fail(
                f"{out}.activation",
                gettext_noop("categorical_crossentropy needs a softmax output (or linear, read as logits)"),
            )
    if spec.is_perceptron and task != "binary":
        fail(f"{out}.activation", gettext_noop("the step perceptron classifies two classes only"))
    if spec.epochs * spec.steps_per_epoch > LIMITS["steps"]:
        fail(
            "epochs",
            gettext_noop(
                "%(epochs)s epochs of %(steps)s steps is more than %(limit)s steps; lower epochs or raise batch_size"
            ),
            epochs=spec.epochs,
            steps=spec.steps_per_epoch,
            limit=f"{LIMITS['steps']:,}",
        )


def describe(spec: Spec) -> dict:
    """Shapes, parameter counts and step counts, for the builder and the CLI."""
    layers = [
        {"type": layer.type, "output_shape": list(out), "params": sum(math.prod(s) for s in params.values())}
        for layer, (_, out, params) in zip(spec.layers, spec.layer_shapes())
    ]
    return {
        "input_shape": list(spec.input_shape),
        "layers": layers,
        "total_params": sum(x["params"] for x in layers),
        "task": spec.task,
        "classes": spec.dataset.n_classes if spec.task != "regression" else None,
        "n_train": spec.n_train,
        "steps_per_epoch": spec.steps_per_epoch,
        "total_steps": spec.steps_per_epoch * spec.epochs,
    }
