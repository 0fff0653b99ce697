"""Points drawn on the plane (issue #16): a drawn set's spec, its validation by path, its split
(exactly the drawn points, train and test together), a run on them and its exported script."""

import json
import runpy

import numpy as np
import pytest

from trainer import codegen, datasets, loop
from trainer.spec import LIMITS, SpecError, catalog, parse, parse_dataset

DRAWN = [
    [-3.5, 2.25, 0],
    [-2.0, -1.5, 0],
    [-4.0, -4.0, 0],
    [1.0, 1.0, 1],
    [2.5, 3.75, 1],
    [4.0, -2.0, 1],
    [-1.25, 4.5, 0],
    [3.0, 0.5, 1],
    [0.0, -5.0, 0],
    [5.5, 5.5, 1],
]


def spec(points=DRAWN, name="custom", **dataset):
    regression = name == "custom_regression"
    return {
        "version": 1,
        "dataset": {"name": name, "points": points, "test_fraction": 0.3, "seed": 4, **dataset},
        "layers": [
            {"type": "dense", "units": 4, "activation": "tanh"},
            {"type": "dense", "units": 1, "activation": "linear" if regression else "sigmoid"},
        ],
        "loss": "mse" if regression else "binary_crossentropy",
        "optimizer": {"name": "adam", "learning_rate": 0.02},
        "batch_size": 3,
        "epochs": 15,
        "seed": 1,
    }


def errors(dataset):
    with pytest.raises(SpecError) as info:
        parse_dataset(dataset)
    return {e["path"]: e["message"] for e in info.value.errors}


def rows(x, y):
    return sorted(map(tuple, np.column_stack([x.astype(np.float64), y.astype(np.float64)]).round(6).tolist()))


def test_a_drawn_set_is_its_points_and_round_trips():
    s = parse(spec())
    assert s.dataset.samples == len(DRAWN) and s.n_train == 7 and s.task == "binary"
    assert s.to_dict()["dataset"] == {"name": "custom", "points": DRAWN, "test_fraction": 0.3, "seed": 4}
    assert parse(json.loads(json.dumps(s.to_dict()))) == s
    assert isinstance(s.to_dict()["dataset"]["points"][0][2], int)  # a class stays a whole number in JSON


@pytest.mark.parametrize("name", ["custom", "custom_regression"])
def test_the_split_is_exactly_the_drawn_points_shuffled_by_the_seed(name):
    points = DRAWN if name == "custom" else [[x, y, round(0.1 * (x + y), 2)] for x, y, _ in DRAWN]
    ds = parse_dataset({"name": name, "points": points, "test_fraction": 0.3, "seed": 4})
    split = datasets.generate(ds)
    assert len(split.x_train) == 7 and len(split.x_test) == 3
    x = np.concatenate([split.x_train, split.x_test])
    y = np.concatenate([split.y_train, split.y_test])
    assert x.dtype == np.float32 and y.dtype == (np.float32 if name == "custom_regression" else np.int32)
    expected = np.asarray(points, np.float64)
    assert rows(x, y) == rows(expected[:, :2].astype(np.float32), expected[:, 2].astype(y.dtype))
    # the same cut as an uploaded set's rows: the seed's permutation, then test_fraction
    same = datasets.split_arrays(expected[:, :2].astype(np.float32), expected[:, 2].astype(y.dtype), 0.3, 4)
    np.testing.assert_array_equal(split.x_train, same.x_train)
    np.testing.assert_array_equal(split.y_test, same.y_test)
    other = datasets.generate(parse_dataset({"name": name, "points": points, "test_fraction": 0.3, "seed": 5}))
    assert not np.array_equal(split.x_train, other.x_train)


def test_bad_points_are_named_by_path():
    found = errors(
        {
            "name": "custom",
            "points": [[7, 0, 1], [0, float("nan"), 0], [0, 0, 2], [1, 2], "x", [0, 0, 0.5], [0, True, 1]],
        }
    )
    assert found == {
        "dataset.points[0][0]": "must be between -6 and 6",
        "dataset.points[1][1]": "must be finite (not NaN or infinity)",
        "dataset.points[2][2]": "must be between 0 and 1",
        "dataset.points[3]": "must be [x1, x2, label]",
        "dataset.points[4]": "must be [x1, x2, label]",
        "dataset.points[5][2]": "must be a whole number",
        "dataset.points[6][1]": "must be a number",
    }
    assert errors({"name": "custom_regression", "points": [[0, 0, 101], [0, 0, "1"]]}) == {
        "dataset.points[0][2]": "must be between -100 and 100",
        "dataset.points[1][2]": "must be a number",
    }
    assert "dataset.points" in errors({"name": "custom"})
    assert "dataset.points" in errors({"name": "custom", "points": {"0": [0, 0, 0]}})
    assert set(errors({"name": "custom", "points": DRAWN, "samples": 10, "noise": 0.1})) == {
        "dataset.samples",
        "dataset.noise",
    }
    assert "drawn sets only" in errors({"name": "circle", "points": DRAWN})["dataset.points"]


def test_the_limits_on_drawn_points():
    lo, hi = LIMITS["drawn_points"]
    assert (lo, hi) == (2, 1000) and catalog()["limits"]["drawn_points"] == [2, 1000]
    assert parse_dataset({"name": "custom", "points": [[0, 0, i % 2] for i in range(hi)]}).samples == hi
    assert "at most 1,000" in errors({"name": "custom", "points": [[0, 0, 0]] * (hi + 1)})["dataset.points"]
    assert "at least 2" in errors({"name": "custom", "points": [[0, 0, 0]]})["dataset.points"]
    assert (
        "no test point"
        in errors({"name": "custom", "points": [[0, 0, 0]] * 3, "test_fraction": 0.1})["dataset.test_fraction"]
    )
    many = errors({"name": "custom", "points": [[9, 9, 9]] * 500})  # a flood of bad points names the first few
    assert len(many) <= 3 * 20
    assert parse_dataset({"name": "custom", "points": [[-6, 6, 0], [6, -6, 1]]}).points == (
        (-6.0, 6.0, 0),
        (6.0, -6.0, 1),
    )


def test_the_catalog_offers_the_drawn_sets():
    listed = {d["name"]: d for d in catalog()["datasets"]}
    assert listed["custom"]["task"] == "binary" and listed["custom"]["drawn"] and listed["custom"]["kind"] == "points"
    assert listed["custom_regression"]["task"] == "regression" and listed["custom_regression"]["drawn"]
    assert listed["custom_multiclass"]["task"] == "multiclass" and listed["custom_multiclass"]["classes"] == 3
    assert not listed["circle"]["drawn"] and "custom" not in datasets.BUILTIN  # no dataset page or row of its own


@pytest.mark.parametrize("name", ["custom", "custom_regression"])
def test_a_run_trains_on_them_and_the_script_reproduces_it(name, tmp_path):
    points = DRAWN if name == "custom" else [[x, y, round(0.1 * (x + y), 2)] for x, y, _ in DRAWN]
    d = spec(points, name)
    result = loop.run(parse(d), emit=lambda frames: None)
    assert (
        result.metrics["status"] == "completed" and result.metrics["steps"] == 15 * 3
    )  # 7 training points, batches of 3
    text = codegen.script(d)
    assert "    " + " ".join(f"[{', '.join(map(repr, p))}]," for p in points[:4]) in text  # the drawn numbers, as drawn
    assert f"DatasetSpec(name=\"{name}\", points=points, test_fraction=0.3, seed=4)" in text
    path = tmp_path / "script.py"
    path.write_text(text)
    scope = runpy.run_path(str(path))
    assert scope["test_loss"] == pytest.approx(result.metrics["test_loss"], abs=1e-6)


SEVERAL = [[x, y, i % 4] for i, (x, y, _) in enumerate(DRAWN)]


def several(classes=4, points=SEVERAL):
    d = spec(points, "custom_multiclass", classes=classes)
    d["layers"][-1].update(units=classes, activation="softmax")
    d["loss"] = "categorical_crossentropy"
    return d


def test_several_classes_are_drawn_with_their_count_and_checked_against_it(tmp_path):
    parsed = parse(several())
    assert parsed.dataset.n_classes == 4 and parsed.to_dict()["dataset"]["classes"] == 4
    assert parse(parsed.to_dict()) == parsed
    with pytest.raises(SpecError) as caught:
        parse(several(classes=3))  # a point of class 3 where there are three (0..2)
    assert [e["path"] for e in caught.value.errors] == ["dataset.points[3][2]", "dataset.points[7][2]"]
    with pytest.raises(SpecError, match=r"dataset.classes: must be between 3 and 5"):
        parse(several(classes=6))
    with pytest.raises(SpecError, match="dataset.classes: unknown key"):
        parse(spec(DRAWN, "custom", classes=3))  # two classes is what "custom" is
    result = loop.run(parsed, emit=lambda frames: None)
    assert result.metrics["status"] == "completed"
    text = codegen.script(several())
    assert 'DatasetSpec(name="custom_multiclass", classes=4, points=points' in text
    path = tmp_path / "script.py"
    path.write_text(text)
    assert runpy.run_path(str(path))["test_loss"] == pytest.approx(result.metrics["test_loss"], abs=1e-6)
