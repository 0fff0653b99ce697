"""A spec -> the Python script that builds and trains the same model with the
Keras-style API (trainer.keras): imports, data loading through
trainer.datasets, the Sequential model, compile, fit, evaluate, predict.

Run from the repository root, the script reproduces the playground's run:
same data, weights, shuffle order and final test loss. The layer and
optimizer code is the repr of the very objects `Sequential.from_spec` builds
(trainer.keras.layers, .optimizers), so the two cannot drift apart. No JAX here: the web
side imports this module for the "Code" tab.
"""

from __future__ import annotations

import json
import re

from trainer import spec as S
from trainer.keras.declared import layer_from_spec
from trainer.keras.losses import KERAS_LOSS, default_metrics
from trainer.keras.optimizers import optimizer_from_spec
from trainer.keras.parts import Part, source
from trainer.text import TOKEN_LEVELS


def script(
    spec_dict: dict,
    title: str | None = None,
    description: str | None = None,
    uploads: dict | None = None,
    arrays_file: str | None = None,
) -> str:
    """The script's text for a spec dict (validated with trainer.spec.parse;
    raises SpecError for a bad one).

    uploads: {name: datasets.DatasetInfo} of uploaded sets, as for spec.parse.
    An uploaded set's script loads the processed arrays the playground
    stored (x, y: an .npz), from `arrays_file` (default "<name>.npz")."""
    spec = S.parse(spec_dict, uploads=uploads)
    names = sorted(_imported_names(spec))
    uploaded = not spec.dataset.info.builtin
    morphemes = spec.dataset.info.kind == "text" and spec.dataset.tokens == "morpheme"
    parts = [
        _docstring(spec, title, description),
        *(["import numpy as np", ""] if uploaded else []),
        *(["from kiwipiepy import Kiwi  # Korean morphemes (pip install kiwipiepy)", ""] if morphemes else []),
        "from trainer import datasets, morphemes" if morphemes else "from trainer import datasets",
        f"from trainer.keras import {', '.join(names)}",
        *([] if uploaded else ["from trainer.spec import DatasetSpec"]),
        "",
        _data(spec, arrays_file),
        "",
        "# 2. The model: the layers from input to output, weights drawn from the seed.",
        model_code(spec),
        "model.summary()",
        "",
        _fit(spec),
        "",
        _evaluate(spec),
    ]
    return "\n".join(parts) + "\n"


def model_code(spec: dict | S.Spec, uploads: dict | None = None) -> str:
    """`model = Sequential([...])` and `model.compile(...)` for a spec (dict or parsed)."""
    spec = spec if isinstance(spec, S.Spec) else S.parse(spec, uploads=uploads)
    layers = "".join(f"    {layer!r},\n" for layer in _layers(spec))
    seed = f", seed={spec.seed}" if spec.seed else ""
    optimizer = optimizer_from_spec(spec.optimizer)
    metrics = default_metrics(spec.task)
    return (
        f"model = Sequential([\n{layers}]{seed})\n"
        f"model.compile(optimizer={optimizer!r}, loss={source(KERAS_LOSS[spec.loss])}, metrics={json.dumps(metrics)})"
    )


def _layers(spec):
    return [
        layer_from_spec(layer, spec.input_shape if i == 0 else None, spec.regularization)
        for i, layer in enumerate(spec.layers)
    ]


def _imported_names(spec):
    names = {"Sequential", type(optimizer_from_spec(spec.optimizer)).__name__}
    for layer in _layers(spec):
        names.add(type(layer).__name__)
        _, kw = layer.arguments()
        names.update(type(v).__name__ for v in kw.values() if isinstance(v, Part))
    if spec.stop.early_stopping_patience is not None:
        names.add("EarlyStopping")
    if spec.stop.target_loss is not None:
        names.add("TargetLoss")
    return names


def _in_docstring(text):
    """Someone's title or notes, unable to end the docstring (a shared experiment's
    script is run by others: its text must never become code)."""
    return _printable(text.replace("\\", "\\\\").replace('"', '\\"'))


def _one_line(text):
    """Text for a comment: a line break would start a line of code."""
    return _printable(" ".join(str(text).split()))


_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _printable(text):
    """Control characters (NUL: Python refuses the source), CR (read as a line break) and
    lone surrogates (UTF-8 cannot encode the file) written as their escapes, e.g. \\x00."""
    return _UNPRINTABLE.sub(lambda m: ascii(m[0])[1:-1], text)


def _docstring(spec, title, description):
    head = (
        _in_docstring(_one_line(title))
        if title
        else f"{_in_docstring(_one_line(spec.dataset.info.title))}: a model from the Neural Network Playground"
    )
    lines = [f'"""{head}', ""]
    if description:
        lines += [_in_docstring(description), ""]
    lines += [
        "Generated from the playground's spec. Save it in the repository root and run",
        "    python script.py",
        "(or run it from anywhere with PYTHONPATH set to the repository root). It trains",
        "the same network on the same data with the same seed as the playground, so",
        "its final test loss matches the run in the browser.",
    ]
    if spec.edits:  # trainer.keras trains without stopping at an iteration: say so rather than differ silently
        lines += [
            "",
            f"In the playground the run was changed by hand {len(spec.edits)} time(s) (weights set, or",
            "points drawn anew); this script does not repeat that, so its numbers differ from that",
            "run's after the first change.",
        ]
    lines.append('"""')
    return "\n".join(lines)


def _data(spec, arrays_file):
    ds = spec.to_dict()["dataset"]
    info = spec.dataset.info
    if info.drawn:
        lines = _drawn_points(spec)
    elif info.builtin:
        args = ", ".join(f"{k}={source(v)}" for k, v in ds.items())
        lines = [f"# 1. Data: the playground's built-in {_one_line(info.title)} set, split into train and test."]
        if info.kind == "text":
            lines += [
                f"#    Text: cleaned, split into tokens: {_one_line(TOKEN_LEVELS[spec.dataset.tokens])};",
                f"#    the {spec.dataset.vocab_size} most frequent training tokens kept "
                "(others become <oov>), padded to one length.",
            ]
        if spec.dataset.tokens == "morpheme":
            lines.append("morphemes.use(Kiwi())  # the analyser trainer.text splits the texts with")
        lines.append(f"split = datasets.generate(DatasetSpec({args}))")
    else:
        path = source(arrays_file or f"{spec.dataset.name}.npz")
        lines = [
            f"# 1. Data: the uploaded {_one_line(info.title)} set as the playground processed it "
            "(download its arrays from",
            f"#    the dataset's page as {path[1:-1]}, in the folder you run this from), split into train and test.",
            f"with np.load({path}, allow_pickle=False) as arrays:",
            '    x, y = arrays["x"], arrays["y"]',
            "if x.dtype == np.uint8:  # pictures are stored as bytes",
            "    x = x.astype(np.float32) / 255.0",
            f"split = datasets.split_arrays(x, y, test_fraction={spec.dataset.test_fraction!r}, "
            f"seed={spec.dataset.seed})",
        ]
    if info.kind == "points":
        features = ", ".join(f'"{f}"' for f in spec.features)
        lines += [
            f"features = [{features}]  # what the first layer sees, computed from each point's (x1, x2)",
            "x_train = datasets.network_inputs(split.x_train, features)",
            "x_test = datasets.network_inputs(split.x_test, features)",
        ]
    else:
        if info.kind == "images":
            what = f"images of {' x '.join(map(str, info.input_shape))} (height, width, channels), values in [0, 1]"
        elif info.kind == "text":
            what = (
                "token indices, padded with 0" if spec.layers[0].type == "embedding" else "word counts (bag of words)"
            )
        else:
            what = "one row of numbers per sample"
        lines += [f"x_train, x_test = split.x_train, split.x_test  # {what}"]
    if spec.task == "regression":
        target = "a number per sample"
    else:
        target = f"class indices 0 to {spec.dataset.n_classes - 1}" if spec.task == "multiclass" else "0 or 1"
    lines.append(f"y_train, y_test = split.y_train, split.y_test  # {target}")
    if spec.task == "binary" and spec.layers[-1].activation == "tanh":
        lines.append("# The output is tanh, so the 0/1 labels train as -1/+1 (as in TensorFlow Playground).")
    return "\n".join(lines)


POINTS_PER_LINE = 4


def _drawn_points(spec):
    """The drawn points written out in the script (the spec's own numbers, so the split is the run's)."""
    ds = spec.dataset
    what = "value" if spec.task == "regression" else "class"
    rows = [ds.points[i : i + POINTS_PER_LINE] for i in range(0, len(ds.points), POINTS_PER_LINE)]
    return [
        f"# 1. Data: the {len(ds.points)} points drawn on the playground's plane, [x1, x2, {what}] each,",
        "#    shuffled by the seed and split into train and test as the playground splits them.",
        "points = [",
        *("    " + " ".join(f"[{', '.join(map(repr, p))}]," for p in row) for row in rows),
        "]",
        (
            f"split = datasets.generate(DatasetSpec(name={source(ds.name)}, "
            + (f"classes={ds.classes}, " if ds.classes is not None else "")
            + f"points=points, test_fraction={ds.test_fraction!r}, seed={ds.seed}))"
        ),
    ]


def _fit(spec):
    lines = ["# 3. Training: epochs of shuffled mini-batches; the test set is the validation data."]
    callbacks = []
    if spec.stop.early_stopping_patience is not None:
        callbacks.append(f'EarlyStopping(monitor="val_loss", patience={spec.stop.early_stopping_patience})')
    if spec.stop.target_loss is not None:
        callbacks.append(f"TargetLoss({spec.stop.target_loss!r})")
    extra = f", callbacks=[{', '.join(callbacks)}]" if callbacks else ""
    lines.append(
        f"history = model.fit(x_train, y_train, epochs={spec.epochs}, batch_size={spec.batch_size}, "
        f"validation_data=(x_test, y_test){extra})"
    )
    return "\n".join(lines)


def _evaluate(spec):
    metric = "test_rmse" if spec.task == "regression" else "test_accuracy"
    lines = [
        "# 4. Evaluation on the test set, and predictions for a few test samples.",
        f"test_loss, {metric} = model.evaluate(x_test, y_test, verbose=0)",
        'print("test loss:", test_loss)',
        f'print("{metric.replace("_", " ")}:", {metric})',
        "predictions = model.predict(x_test[:5])",
        "for output, target in zip(predictions, y_test[:5]):",
        '    print("output", output.round(3), "target", target)',
    ]
    return "\n".join(lines)
