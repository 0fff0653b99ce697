"""The Keras-style API: the course's workflow, Keras' summary numbers, exact
spec round trips, the same numbers as the engine, save/load, the data API and
Keras-style errors."""

import copy
import io
import json

import numpy as np
import pytest

from trainer import codegen, datasets, loop, presets
from trainer.keras import (
    GRU,
    LSTM,
    SGD,
    AveragePooling2D,
    Conv2D,
    Dataset,
    Dense,
    Dropout,
    EarlyStopping,
    Embedding,
    Flatten,
    Input,
    MaxPooling2D,
    Sequential,
    SimpleRNN,
    load_model,
    read_csv,
)
from trainer.spec import parse


def xor_data(samples=200):
    split = datasets.generate(
        parse(
            {
                "dataset": {"name": "xor", "samples": samples},
                "layers": [{"type": "dense", "units": 1}],
                "loss": "mse",
                "optimizer": {"name": "sgd", "learning_rate": 0.1},
            }
        ).dataset
    )
    return split.x_train, split.y_train, split.x_test, split.y_test


def course_model(optimizer="SGD"):
    model = Sequential(
        [Dense(10, activation="sigmoid", input_dim=2), Dense(10, activation="sigmoid"), Dense(1, activation="sigmoid")]
    )
    model.compile(loss="mean_squared_error", optimizer=optimizer, metrics=["accuracy"])
    return model


# --- the course's snippet ----------------------------------------------------------------


def test_course_snippet_batched_dataset_and_arrays_train_alike(capsys):
    """2 inputs, 10-10-1 sigmoid, MSE, SGD, 100 epochs on batched data, then evaluate and predict."""
    x, y, x_test, y_test = xor_data()
    # "SGD" (0.01) stays at chance on XOR in 100 epochs (loss 0.25, accuracy 0.49): 1.0 learns it.
    by_dataset = course_model(SGD(learning_rate=1.0))
    ds = Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=0).batch(10)
    h1 = by_dataset.fit(ds, epochs=100, verbose=0)
    by_arrays = course_model(SGD(learning_rate=1.0))
    h2 = by_arrays.fit(x, y, epochs=100, batch_size=10, verbose=0)
    assert h1.history == h2.history  # the dataset's shuffle seed 0 is the model's own stream
    assert len(h1.history["loss"]) == 100 and set(h1.history) == {"loss", "accuracy"}
    assert h1.history["loss"][-1] < h1.history["loss"][0]
    loss, accuracy = by_dataset.evaluate(x_test, y_test)
    assert "loss:" in capsys.readouterr().out
    assert 0 < loss < 0.05 and accuracy >= 0.9  # it learned XOR: chance is 0.5 (MSE 0.25)
    out = by_dataset.predict(x_test[:4])
    assert out.shape == (4, 1) and ((0 < out) & (out < 1)).all()


def test_fit_gives_the_engines_numbers():
    """A hand-built model and its spec (to_spec) train to the same test loss in the engine's run loop."""
    x, y, x_test, y_test = xor_data()
    model = Sequential([Input(shape=(2,)), Dense(4, activation="tanh"), Dense(1, activation="sigmoid")], seed=3)
    model.compile(optimizer=SGD(learning_rate=0.1, momentum=0.5), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=30, batch_size=16, validation_data=(x_test, y_test), verbose=0)
    spec = model.to_spec(dataset={"name": "xor", "samples": 200})
    assert spec["optimizer"] == {"name": "momentum", "learning_rate": 0.1, "momentum": 0.5}
    assert (spec["epochs"], spec["batch_size"], spec["seed"]) == (30, 16, 3)
    result = loop.run(parse(spec), emit=lambda frames: None)
    assert history.history["val_loss"][-1] == pytest.approx(result.metrics["test_loss"], abs=1e-6)
    assert model.evaluate(x_test, y_test, verbose=0)[0] == pytest.approx(result.metrics["test_loss"], abs=1e-6)


def test_quiet_fit_runs_many_epochs_a_call_with_the_same_numbers():
    """verbose=0 and nothing to log each epoch: the engine's multi-epoch fast path, same losses."""
    x, y, _, _ = xor_data()
    histories = []
    for verbose in (0, 2):
        model = Sequential([Dense(4, activation="tanh", input_dim=2), Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        histories.append(model.fit(x, y, epochs=20, batch_size=8, verbose=verbose).history)
    assert histories[0] == histories[1] and len(histories[0]["loss"]) == 20


def test_unshuffled_batches_come_in_order():
    """shuffle=False: two SGD steps on x[:n/2] then x[n/2:], checked by hand."""
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(8, 3)).astype(np.float32), rng.normal(size=8).astype(np.float32)
    model = Sequential([Dense(1, input_dim=3)])
    model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
    w, b = [a.astype(np.float64) for a in model.get_weights()]
    model.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    for rows in (slice(0, 4), slice(4, 8)):
        err = x[rows] @ w + b - y[rows, None]
        w, b = w - 0.1 * 2 * x[rows].T @ err / 4, b - 0.1 * 2 * err.mean(0)
    got_w, got_b = model.get_weights()
    np.testing.assert_allclose(got_w, w, atol=1e-5)
    np.testing.assert_allclose(got_b, b, atol=1e-5)


# --- summary -----------------------------------------------------------------------------

SUMMARIES = {
    "mlp": (
        lambda: [
            Dense(10, activation="sigmoid", input_dim=2),
            Dense(10, activation="sigmoid"),
            Dense(1, activation="sigmoid"),
        ],
        [
            ("dense (Dense)", "(None, 10)", "30"),
            ("dense_1 (Dense)", "(None, 10)", "110"),
            ("dense_2 (Dense)", "(None, 1)", "11"),
        ],
        151,
    ),
    "cnn": (
        lambda: [
            Conv2D(8, (3, 3), padding="same", activation="relu", input_shape=(8, 8, 1)),
            MaxPooling2D((2, 2)),
            Conv2D(4, 3, strides=2),
            AveragePooling2D(pool_size=1),
            Flatten(),
            Dropout(0.2),
            Dense(10, activation="softmax"),
        ],
        [
            ("conv2d (Conv2D)", "(None, 8, 8, 8)", "80"),
            ("max_pooling2d (MaxPooling2D)", "(None, 4, 4, 8)", "0"),
            ("conv2d_1 (Conv2D)", "(None, 1, 1, 4)", "292"),
            ("average_pooling2d (AveragePooling2D)", "(None, 1, 1, 4)", "0"),
            ("flatten (Flatten)", "(None, 4)", "0"),
            ("dropout (Dropout)", "(None, 4)", "0"),
            ("dense (Dense)", "(None, 10)", "50"),
        ],
        422,
    ),
    "rnn": (
        lambda: [
            Embedding(100, 16, input_length=20),
            SimpleRNN(8, return_sequences=True),
            LSTM(8, return_sequences=True),
            GRU(4),
            Dense(1, activation="sigmoid"),
        ],
        [
            ("embedding (Embedding)", "(None, 20, 16)", "1,600"),
            ("simple_rnn (SimpleRNN)", "(None, 20, 8)", "200"),
            ("lstm (LSTM)", "(None, 20, 8)", "544"),
            ("gru (GRU)", "(None, 4)", "168"),
            ("dense (Dense)", "(None, 1)", "5"),
        ],
        2517,
    ),
}


@pytest.mark.parametrize("kind", SUMMARIES)
def test_summary_shapes_and_counts_as_keras(kind):
    """Counts by Keras' formulas: conv k·k·c·f + f; LSTM 4(d·u + u² + u); GRU (reset_after) 3(d·u + u² + 2u)."""
    layers, rows, total = SUMMARIES[kind]
    lines = []
    Sequential(layers()).summary(print_fn=lines.append)
    assert lines[0] == 'Model: "sequential"'
    table = [line.split() for line in lines if line.startswith(" ") and "(None" in line]
    assert [(f"{r[0]} {r[1]}", " ".join(r[2:-1]), r[-1]) for r in table] == rows
    assert f"Total params: {total:,}" in lines and "Non-trainable params: 0" in lines


# --- the spec round trip -------------------------------------------------------------------

BASE = {
    "dataset": {"name": "circle"},
    "loss": "binary_crossentropy",
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
    "layers": [{"type": "dense", "units": 1, "activation": "sigmoid"}],
}
TEXT = {"dataset": {"name": "sentiment", "samples": 200, "language": "en"}}
IMAGES = {"dataset": {"name": "digits", "samples": 300}, "loss": "categorical_crossentropy"}
OUT10 = {"type": "dense", "units": 10, "activation": "softmax"}
VARIANTS = {
    "dense_initializers": {
        "layers": [
            {
                "type": "dense",
                "units": 3,
                "activation": "relu",
                "kernel_initializer": "he_normal",
                "bias_initializer": {"name": "constant", "value": 0.1},
            },
            {
                "type": "dense",
                "units": 3,
                "activation": "gelu",
                "kernel_initializer": {"name": "random_uniform", "minval": -0.5, "maxval": 0.5},
            },
            {
                "type": "dense",
                "units": 2,
                "kernel_initializer": {"name": "random_normal", "stddev": 0.2},
                "bias_initializer": "ones",
            },
            {"type": "dense", "units": 1, "activation": "sigmoid", "kernel_initializer": "lecun_normal"},
        ]
    },
    "conv_pool_flatten_dropout": {
        **IMAGES,
        "layers": [
            {"type": "conv2d", "filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "activation": "relu"},
            {"type": "maxpool2d", "pool_size": 2, "strides": 1},
            {"type": "avgpool2d", "pool_size": 2, "padding": "same"},
            {"type": "conv2d", "filters": 2, "kernel_size": 1, "kernel_initializer": "glorot_normal"},
            {"type": "flatten"},
            {"type": "dropout", "rate": 0.3},
            OUT10,
        ],
    },
    "embedding_rnns": {
        **TEXT,
        "layers": [
            {"type": "embedding", "output_dim": 8},
            {"type": "simple_rnn", "units": 4, "return_sequences": True, "activation": "relu"},
            {"type": "lstm", "units": 4, "return_sequences": True},
            {"type": "gru", "units": 3},
            {"type": "dense", "units": 1, "activation": "sigmoid"},
        ],
    },
    "bag_of_words": {"dataset": {"name": "sentiment", "samples": 200, "representation": "bag_of_words"}},
    "features_l2_stop": {
        "features": ["x1", "x2", "x1^2", "sin(x2)"],
        "regularization": {"type": "l2", "rate": 0.003},
        "stop": {"early_stopping_patience": 5, "target_loss": 0.05},
        "batch_size": 7,
        "epochs": 12,
        "seed": 9,
    },
    "l1": {"regularization": {"type": "l1", "rate": 0.01}},
    "none_with_a_rate": {"regularization": {"type": "none", "rate": 0.03}},
    "perceptron_half_mse": {"loss": "half_mse", "layers": [{"type": "dense", "units": 1, "activation": "step"}]},
    "regression_mae": {
        "dataset": {"name": "plane", "noise": 0.1, "samples": 100},
        "loss": "mae",
        "layers": [{"type": "dense", "units": 1}],
    },
    "blobs_mse": {
        "dataset": {"name": "blobs", "classes": 5},
        "loss": "mse",
        "layers": [{"type": "dense", "units": 5, "activation": "softmax"}],
    },
    **{
        f"optimizer_{o['name']}{i}": {"optimizer": o}
        for i, o in enumerate(
            [
                {"name": "momentum", "learning_rate": 0.1, "momentum": 0.0},
                {"name": "momentum", "learning_rate": 0.1},
                {"name": "nesterov", "learning_rate": 0.1, "momentum": 0.5},
                {"name": "rmsprop", "learning_rate": 0.01, "decay": 0.8, "momentum": 0.1},
                {"name": "adagrad", "learning_rate": 0.5},
                {"name": "adam", "learning_rate": 0.01, "b2": 0.99},
                {"name": "adamw", "learning_rate": 0.01, "weight_decay": 0.01},
            ]
        )
    },
}
ROUND_TRIPS = {
    **{name: {**BASE, **v} for name, v in VARIANTS.items()},
    **{p["name"]: p["spec"] for p in presets.PRESETS},
}


@pytest.mark.parametrize("name", ROUND_TRIPS)
def test_from_spec_to_spec_round_trip(name):
    d = copy.deepcopy(ROUND_TRIPS[name])
    expected = parse(d).to_dict()
    assert Sequential.from_spec(d).to_spec() == expected
    assert Sequential.from_spec(expected).to_spec() == expected
    # the generated code builds the same model
    scope = {}
    exec("from trainer.keras import *\n" + codegen.model_code(d), scope)  # noqa: S102 (our own generated code)
    settings = {k: expected.get(k) for k in ("features", "batch_size", "epochs", "stop")}
    rebuilt = scope["model"].to_spec(dataset=expected["dataset"], **settings)
    if name == "none_with_a_rate":  # an unused rate is not worth a line of code
        expected["regularization"]["rate"] = 0.0
    if name == "optimizer_momentum0":  # momentum 0 is plain SGD, and SGD(momentum=0.0) says so
        expected["optimizer"] = {"name": "sgd", "learning_rate": 0.1}
    assert rebuilt == expected


def test_to_spec_needs_a_dataset_and_matching_inputs():
    model = course_model()
    with pytest.raises(ValueError, match="to_spec needs the dataset"):
        model.to_spec()
    with pytest.raises(ValueError, match=r"takes input_shape \(2,\) but the dataset 'digits' gives \(8, 8, 1\)"):
        model.to_spec(dataset="digits")
    assert model.to_spec(dataset="xor")["layers"][0] == {
        "type": "dense",
        "units": 10,
        "activation": "sigmoid",
        "kernel_initializer": "glorot_uniform",
        "bias_initializer": "zeros",
    }


@pytest.mark.parametrize(
    "name, changes",
    [
        ("mlp_xor", {"stop": {"target_loss": 0.2}}),
        ("mlp_xor", {"stop": {"early_stopping_patience": 2}, "epochs": 60}),
        ("regression_plane", {"regularization": {"type": "l2", "rate": 0.01}, "epochs": 20}),
        ("blobs_softmax", {"optimizer": {"name": "nesterov", "learning_rate": 0.05}, "epochs": 10}),
    ],
)
def test_generated_code_follows_stop_rules_and_regularization(name, changes, tmp_path):
    """The script's callbacks and regularizers do what the run loop's stop rules and penalty do."""
    import runpy

    d = {**presets.load(name), **changes}
    result = loop.run(parse(d), emit=lambda frames: None)
    path = tmp_path / "script.py"
    path.write_text(codegen.script(d))
    scope = runpy.run_path(str(path))
    if "stop" in changes:
        assert result.metrics["epochs"] < d["epochs"]  # the rule did stop the run
    assert len(scope["history"].epoch) == result.metrics["epochs"]
    assert scope["test_loss"] == pytest.approx(result.metrics["test_loss"], abs=1e-6)


# --- save and load ---------------------------------------------------------------------------


def test_save_and_load_keep_everything(tmp_path):
    x, y, x_test, y_test = xor_data()
    model = Sequential.from_spec(presets.load("mlp_xor"))
    model.fit(x, y, epochs=3, batch_size=10, verbose=0)
    model.save(tmp_path / "model.keras")
    again = load_model(tmp_path / "model.keras")
    np.testing.assert_array_equal(again.predict(x_test), model.predict(x_test))
    assert again.to_spec() == model.to_spec()
    for m in (model, again):  # the optimizer state came along: training goes on identically
        m.fit(x, y, epochs=2, batch_size=10, verbose=0)
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_save_and_load_beyond_the_webs_limits(tmp_path):
    """A script's model may be bigger than the page allows (units ≤ 512); Keras' own checks apply."""
    model = Sequential([Dense(600, activation="relu", input_dim=3), Dense(1)], name="wide", seed=4)
    model.save(tmp_path / "wide.keras")  # never compiled nor built: layers only
    again = load_model(tmp_path / "wide.keras")
    assert (again.name, again.seed, again.loss, again.params) == ("wide", 4, None, None)
    np.testing.assert_array_equal(again.predict(np.ones((2, 3))), model.predict(np.ones((2, 3))))


def test_load_refuses_other_files(tmp_path):
    np.savez(tmp_path / "other.npz", header=np.frombuffer(b'{"format": "x"}', np.uint8))
    with pytest.raises(ValueError, match="not a model saved by trainer.keras"):
        load_model(tmp_path / "other.npz")
    model = Sequential([Dense(1, input_dim=2)])
    model.save(tmp_path / "model.keras")
    with np.load(tmp_path / "model.keras") as f:
        header = json.loads(bytes(f["header"]))
    header["layers"][0]["units"] = -3
    np.savez(tmp_path / "damaged.npz", header=np.frombuffer(json.dumps(header).encode(), np.uint8))
    with pytest.raises(ValueError, match=r"damaged \(Received an invalid value for `units`"):
        load_model(tmp_path / "damaged.npz")
    np.savez(tmp_path / "pickled.npz", header=np.array([{"format": 1}], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle=False"):  # numpy's own refusal
        load_model(tmp_path / "pickled.npz")


# --- Keras-style errors --------------------------------------------------------------------------


def unbuilt_fit():
    model = Sequential([Dense(4, activation="relu"), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(np.zeros((4, 2)), np.zeros(4), verbose=0)


def compiled(**kwargs):
    model = Sequential([Dense(1, input_dim=2)])
    model.compile(**{"optimizer": "sgd", "loss": "mse", **kwargs})
    return model


@pytest.mark.parametrize(
    "make, error, message",
    [
        (
            lambda: Dense(4, activation="relux"),
            ValueError,
            "Could not interpret activation function identifier: 'relux'",
        ),
        (
            lambda: Dense(-1),
            ValueError,
            r"Received an invalid value for `units`, expected a positive integer. Received: units=-1",
        ),
        (lambda: SimpleRNN(0), ValueError, "expected a positive integer. Received: units=0"),
        (lambda: Dense(2.5), ValueError, "Received: units=2.5"),
        (unbuilt_fit, ValueError, "This model has not yet been built: its first layer has no input shape"),
        (lambda: Sequential([Dense(1)]).summary(), ValueError, "has not yet been built"),
        (lambda: Conv2D(0, 3), ValueError, "Expected a strictly positive value. Received filters=0"),
        (lambda: Conv2D(4, (3, 5)), ValueError, "windows are square"),
        (lambda: Conv2D(4, 3, padding="full"), ValueError, "must be one of 'valid', 'same'. Received: padding='full'"),
        (lambda: Dropout(1.5), ValueError, "Expected a float value between 0 and 1. Received: rate=1.5"),
        (lambda: Dense(3, kernel_initializer="nope"), ValueError, "Could not interpret initializer identifier: 'nope'"),
        (lambda: compiled(loss="hinge"), ValueError, "Could not interpret loss identifier: 'hinge'"),
        (lambda: compiled(optimizer="lbfgs"), ValueError, "Could not interpret optimizer identifier: 'lbfgs'"),
        (lambda: compiled(metrics=["auc"]), ValueError, "Could not interpret metric identifier: 'auc'"),
        (
            lambda: Sequential([Dense(1, input_dim=2)]).fit(np.zeros((2, 2)), np.zeros(2)),
            RuntimeError,
            "You must compile your model",
        ),
        (
            lambda: compiled().fit(np.zeros((4, 3)), np.zeros(4)),
            ValueError,
            r"expected shape=\(None, 2\), found shape=\(4, 3\)",
        ),
        (
            lambda: compiled(metrics=["accuracy"]).fit(np.zeros((4, 2)), np.array([0, 1, 2, 1]), verbose=0),
            ValueError,
            "Labels must be 0 or 1",
        ),
        (lambda: compiled().fit(np.zeros((4, 2)), np.zeros(3)), ValueError, "different numbers of samples: 4 and 3"),
        (lambda: Sequential([Dense(1), Flatten()]).add("dense"), TypeError, "must be an instance of class Layer"),
    ],
)
def test_bad_arguments_raise_keras_style_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


# --- the data API ------------------------------------------------------------------------------


def test_dataset_slices_batches_and_shuffles():
    x, y = np.arange(10).reshape(5, 2), np.arange(5)
    ds = Dataset.from_tensor_slices((x, y))
    assert len(ds) == 5 and [int(b) for _, b in ds] == [0, 1, 2, 3, 4]
    batched = ds.batch(2)
    assert len(batched) == 3 and [b.tolist() for _, b in batched] == [[0, 1], [2, 3], [4]]
    assert len(ds.batch(2, drop_remainder=True)) == 2
    once, twice = list(ds.shuffle(5, seed=1).batch(5)), list(ds.shuffle(5, seed=1).batch(5))
    assert once[0][1].tolist() == twice[0][1].tolist() and sorted(once[0][1].tolist()) == [0, 1, 2, 3, 4]
    single = Dataset.from_tensor_slices(np.arange(3))
    assert [int(v) for v in single] == [0, 1, 2]
    with pytest.raises(ValueError, match="one length"):
        Dataset.from_tensor_slices((x, np.arange(4)))
    with pytest.raises(ValueError, match="When x is a Dataset, leave out y and batch_size"):
        compiled().fit(batched, y)
    with pytest.raises(ValueError, match="Batch the dataset before fit"):
        compiled().fit(Dataset.from_tensor_slices((x.astype(float), y)))


CSV = "age,income,label\n30,2.5,yes\n41,3.0,no\n\n25,1.25,yes\n"


def test_read_csv_with_a_label_column(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(CSV)
    x, y = read_csv(path)
    np.testing.assert_array_equal(x, [[30, 2.5], [41, 3.0], [25, 1.25]])
    table = read_csv(io.StringIO(CSV), label="label", features=["income"])
    assert table.y.tolist() == [1, 0, 1] and table.class_names == ["no", "yes"] and table.feature_names == ["income"]
    regression = read_csv(io.StringIO(CSV.replace("label", "target")), label="income", features=["age"])
    assert regression.class_names is None and regression.y.dtype == np.float32
    classes = read_csv(io.StringIO("a,b\n1,0\n2,1\n3,0\n"), label=-1)
    assert classes.y.tolist() == [0, 1, 0] and classes.class_names == ["0", "1"]
    with pytest.raises(ValueError, match="Column 'label', row 1: 'yes' is not a number"):
        read_csv(io.StringIO(CSV), label="age")
    with pytest.raises(ValueError, match="there is no column 'target'"):
        read_csv(io.StringIO(CSV), label="target")


def test_read_csv_takes_a_pandas_frame():
    import pandas as pd  # noqa: PLC0415 (in requirements.txt: the test must run, not skip)

    table = read_csv(pd.read_csv(io.StringIO(CSV)))
    np.testing.assert_array_equal(table.x, read_csv(io.StringIO(CSV)).x)
    assert table.class_names == ["no", "yes"]


def test_early_stopping_restores_best_weights():
    x, y, x_test, y_test = xor_data()
    model = course_model()
    stop = EarlyStopping(monitor="val_loss", patience=0, restore_best_weights=True)
    model.compile(optimizer=SGD(learning_rate=20.0), loss="mse", metrics=["accuracy"])  # jumpy: the loss soon rises
    history = model.fit(x, y, epochs=50, batch_size=4, validation_data=(x_test, y_test), callbacks=[stop], verbose=0)
    assert len(history.epoch) < 50
    best = min(history.history["val_loss"])
    assert model.evaluate(x_test, y_test, verbose=0)[0] == pytest.approx(best, abs=1e-6)
