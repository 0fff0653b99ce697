"""The "show me the code" scripts: each preset's script, run with `python
script.py` in its own process, ends at the engine's final test loss."""

import concurrent.futures
import copy
import math
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from trainer import codegen, datasets, loop, presets
from trainer.keras import Sequential
from trainer.spec import SpecError, parse

ROOT = Path(__file__).resolve().parents[2]
FAST_EPOCHS = {"shapes_cnn": 1, "digits_cnn": 3}  # slow on a CPU: fewer epochs, in the script and the engine alike
MAX_EPOCHS = 10  # the property (same numbers) does not need long runs
# The real review sets: a few hundred samples at the word level, one epoch (morphemes for 24,000 reviews take a minute).
SMALL_TEXT = {"nsmc_lstm", "nsmc_bow", "sentiment_en_gru"}
DIVERGES = {"lr_too_large"}  # the engine stops as diverged (no final loss); the script's loop ends at nan
NAMES = [p["name"] for p in presets.PRESETS]


def preset(name):
    d = copy.deepcopy(presets.load(name))
    d["epochs"] = FAST_EPOCHS.get(name, min(d["epochs"], MAX_EPOCHS))
    if name in SMALL_TEXT:
        d["dataset"].update(samples=300, tokens="word")
        d["epochs"] = 1
    return d


def run_script(path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    """name -> (the script's process result, the engine's final metrics). The
    scripts run two at a time in subprocesses while the engine runs here."""
    folder = tmp_path_factory.mktemp("scripts")
    paths = {}
    for p in presets.PRESETS:
        paths[p["name"]] = folder / f"{p['name']}.py"
        paths[p["name"]].write_text(codegen.script(preset(p["name"]), p["title"], p["description"]))
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        futures = {name: pool.submit(run_script, path) for name, path in paths.items()}
        engine = {name: loop.run(parse(preset(name)), emit=lambda frames: None).metrics for name in NAMES}
        return {name: (futures[name].result(), engine[name]) for name in NAMES}


@pytest.mark.timeout(900)  # the first test waits for every preset's script
@pytest.mark.parametrize("name", NAMES)
def test_script_reproduces_the_engines_final_test_loss(name, scripts):
    proc, metrics = scripts[name]
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = re.search(r"^test loss: (\S+)$", proc.stdout, re.M)
    assert found, proc.stdout[-2000:]
    if name in DIVERGES:
        assert metrics["status"] == "diverged" and math.isnan(float(found.group(1)))
    else:
        assert float(found.group(1)) == pytest.approx(metrics["test_loss"], abs=1e-6)
    assert "Total params:" in proc.stdout and f"Epoch {preset(name)['epochs']}/" in proc.stdout


@pytest.mark.parametrize("name", NAMES)
def test_script_reads_like_the_keras_workflow(name):
    p = next(p for p in presets.PRESETS if p["name"] == name)
    text = codegen.script(p["spec"], p["title"])
    compile(text, f"{name}.py", "exec")
    assert text.startswith(f'"""{p["title"]}')
    for step in (
        "from trainer import datasets",
        "datasets.generate(DatasetSpec(",
        "model = Sequential([",
        "model.compile(",
        "model.fit(x_train, y_train",
        "model.evaluate(x_test, y_test",
        "model.predict(x_test[:5])",
    ):
        assert step in text, step


def test_the_code_for_the_tf_playground_default():
    text = codegen.script(presets.load("tfp_default"))
    assert (
        'Dense(4, activation="tanh", kernel_initializer=RandomUniform(minval=-0.5, maxval=0.5), '
        'bias_initializer=Constant(0.1), input_dim=2)'
    ) in text
    assert 'model.compile(optimizer=SGD(learning_rate=0.03), loss="half_mse", metrics=["accuracy"])' in text
    assert "labels train as -1/+1" in text
    assert "history = model.fit(x_train, y_train, epochs=200, batch_size=10, validation_data=(x_test, y_test))" in text


def test_a_bad_spec_gets_no_code():
    with pytest.raises(SpecError, match="layers"):
        codegen.script(
            {
                "dataset": {"name": "circle"},
                "layers": [],
                "loss": "mse",
                "optimizer": {"name": "sgd", "learning_rate": 0.1},
            }
        )


def test_codegen_loads_no_jax():
    """The web side builds the Code tab, and it never loads JAX."""
    code = (
        "import sys; from trainer import codegen, presets; codegen.script(presets.load('digits_cnn'));"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jax', 'jaxlib', 'optax')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def uploaded(kind, rng):
    """(DatasetInfo, x as stored, y, x as the server hands it to the loop) for a small uploaded set."""
    if kind == "points":
        x = rng.uniform(-5, 5, (120, 2)).astype(np.float32)
        info = datasets.DatasetInfo(
            "my_points", "My points", "points", "binary", "", 2, (2,), ("a", "b"), 120, 120, builtin=False
        )
        return info, x, (x[:, 0] * x[:, 1] > 0).astype(np.int32), x
    stored = rng.integers(0, 256, (90, 6, 6, 1)).astype(np.uint8)
    info = datasets.DatasetInfo(
        "my_pictures", "My pictures", "images", "multiclass", "", 3, (6, 6, 1), ("x", "y", "z"), 90, 90, builtin=False
    )
    return (
        info,
        stored,
        np.arange(90, dtype=np.int32) % 3,
        stored.astype(np.float32) / 255.0,
    )  # as playground/uploads/store.load


@pytest.mark.parametrize(
    "kind, layers, loss",
    [
        (
            "points",
            [
                {"type": "dense", "units": 4, "activation": "tanh"},
                {"type": "dense", "units": 1, "activation": "sigmoid"},
            ],
            "binary_crossentropy",
        ),
        (
            "images",
            [
                {"type": "conv2d", "filters": 2, "kernel_size": 3},
                {"type": "flatten"},
                {"type": "dense", "units": 3, "activation": "softmax"},
            ],
            "categorical_crossentropy",
        ),
    ],
)
def test_script_for_an_uploaded_set_loads_its_stored_arrays(kind, layers, loss, tmp_path):
    info, stored, y, served = uploaded(kind, np.random.default_rng(0))
    np.savez(tmp_path / "arrays.npz", x=stored, y=y)
    d = {
        "dataset": {"name": info.name, "test_fraction": 0.25, "seed": 2},
        "layers": layers,
        "loss": loss,
        "optimizer": {"name": "adam", "learning_rate": 0.01},
        "batch_size": 8,
        "epochs": 5,
    }
    uploads = {info.name: info}
    result = loop.run(
        parse(d, uploads=uploads), emit=lambda frames: None, split=datasets.split_arrays(served, y, 0.25, 2)
    )
    path = tmp_path / "script.py"
    path.write_text(codegen.script(d, uploads=uploads, arrays_file=str(tmp_path / "arrays.npz")))
    scope = runpy.run_path(str(path))
    assert scope["test_loss"] == pytest.approx(result.metrics["test_loss"], abs=1e-6)
    assert Sequential.from_spec(d, uploads=uploads).to_spec(uploads=uploads) == parse(d, uploads=uploads).to_dict()


def test_titles_and_notes_cannot_become_code():
    evil = 'x"""\nimport os; os.system("echo pwned")\n"""'
    text = codegen.script(presets.load("mlp_xor"), title=evil, description=evil + "\\")
    tree = compile(text, "script.py", "exec", flags=0x400)  # ast.PyCF_ONLY_AST
    imports = [node for node in tree.body if node.__class__.__name__ in ("Import", "ImportFrom")]
    assert not any(getattr(alias, "name", "") == "os" for node in imports for alias in node.names)
    assert "pwned" in tree.body[0].value.value  # it stayed inside the docstring
