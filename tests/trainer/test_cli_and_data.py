"""The headless CLI and the dataset generators."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from trainer import datasets
from trainer.spec import parse_dataset

ROOT = Path(__file__).resolve().parents[2]


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "trainer", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_cli_trains_and_prints_json():
    out = cli("trainer/examples/mlp_xor.json", "--epochs", "5", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == "completed" and result["epochs"] == 5 and result["steps"] == 5 * 20
    assert {"train_loss", "test_loss", "train_accuracy", "test_accuracy", "steps_per_second"} <= set(result)
    assert "epoch 5/5" in out.stderr


def test_cli_rejects_a_bad_spec(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"dataset": {"name": "circle"}, "layers": [{"type": "dense", "units": 0}]}))
    out = cli(str(bad))
    assert out.returncode == 2 and "layers[0].units: must be between 1 and 512" in out.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    out = cli(str(broken))
    assert out.returncode == 2 and "cannot read" in out.stderr


@pytest.mark.parametrize("name", sorted(datasets.BUILTIN))
def test_datasets_are_deterministic_and_split(name):
    noise = 0.0 if datasets.BUILTIN[name].kind == "text" else 0.2
    spec = parse_dataset({"name": name, "samples": 200, "noise": noise, "test_fraction": 0.3, "seed": 7})
    a, b = datasets.generate(spec), datasets.generate(spec)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    raw = datasets.input_shape(spec, ("x1", "x2"))
    assert a.x_train.shape == (140, *raw) and a.x_test.shape == (60, *raw)
    other = datasets.generate(
        parse_dataset({"name": name, "samples": 200, "noise": noise, "test_fraction": 0.3, "seed": 8})
    )
    assert not np.array_equal(a.x_train, other.x_train)
    labels = np.concatenate([a.y_train, a.y_test])
    if spec.info.task == "regression":
        assert labels.dtype == np.float32 and np.abs(labels).max() <= 1.5
    else:
        assert set(np.unique(labels)) == set(range(spec.n_classes))


def test_features_expand_like_tensorflow_playground():
    xy = np.array([[1.0, 2.0]], np.float32)
    out = datasets.expand_features(xy, ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"))
    np.testing.assert_allclose(out[0], [1, 2, 1, 4, 2, np.sin(1), np.sin(2)], rtol=1e-6)
