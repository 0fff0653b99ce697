"""The "show me the code" scripts: each preset's script, run with `python
script.py` in its own process, ends at the engine's final test loss."""
import concurrent.futures
import copy
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from trainer import codegen, loop, presets
from trainer.spec import SpecError, parse

ROOT = Path(__file__).resolve().parents[2]
FAST_EPOCHS = {"shapes_cnn": 1, "digits_cnn": 5}  # slow on a CPU: fewer epochs, in the script and the engine alike
NAMES = [p["name"] for p in presets.PRESETS]


def preset(name):
    d = copy.deepcopy(presets.load(name))
    d["epochs"] = FAST_EPOCHS.get(name, d["epochs"])
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
        engine = {name: loop.run(parse(preset(name)), emit=lambda frame: None).metrics for name in NAMES}
        return {name: (futures[name].result(), engine[name]) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_script_reproduces_the_engines_final_test_loss(name, scripts):
    proc, metrics = scripts[name]
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = re.search(r"^test loss: (\S+)$", proc.stdout, re.M)
    assert found, proc.stdout[-2000:]
    assert float(found.group(1)) == pytest.approx(metrics["test_loss"], abs=1e-6)
    assert "Total params:" in proc.stdout and f"Epoch {preset(name)['epochs']}/" in proc.stdout


@pytest.mark.parametrize("name", NAMES)
def test_script_reads_like_the_keras_workflow(name):
    p = next(p for p in presets.PRESETS if p["name"] == name)
    text = codegen.script(p["spec"], p["title"])
    compile(text, f"{name}.py", "exec")
    assert text.startswith(f'"""{p["title"]}')
    for step in ("from trainer import datasets", "datasets.generate(DatasetSpec(", "model = Sequential([", "model.compile(",
                 "model.fit(x_train, y_train", "model.evaluate(x_test, y_test", "model.predict(x_test[:5])"):
        assert step in text, step


def test_the_code_for_the_tf_playground_default():
    text = codegen.script(presets.load("tfp_default"))
    assert ('Dense(4, activation="tanh", kernel_initializer=RandomUniform(minval=-0.5, maxval=0.5), '
            'bias_initializer=Constant(0.1), input_dim=2)') in text
    assert 'model.compile(optimizer=SGD(learning_rate=0.03), loss="half_mse", metrics=["accuracy"])' in text
    assert "labels train as -1/+1" in text
    assert "history = model.fit(x_train, y_train, epochs=200, batch_size=10, validation_data=(x_test, y_test))" in text


def test_a_bad_spec_gets_no_code():
    with pytest.raises(SpecError, match="layers"):
        codegen.script({"dataset": {"name": "circle"}, "layers": [], "loss": "mse", "optimizer": {"name": "sgd", "learning_rate": 0.1}})


def test_codegen_loads_no_jax():
    """The web side builds the Code tab, and it never loads JAX."""
    code = ("import sys; from trainer import codegen, presets; codegen.script(presets.load('digits_cnn'));"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jax', 'jaxlib', 'optax')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
