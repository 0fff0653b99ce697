"""The hard line: playground/ never imports JAX; only playground/compute.py imports the engine's
JAX side; trainer/ never imports Django. Checked on the source (ast) and in a live process."""

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JAX = {"jax", "jaxlib", "optax"}
WEB = {"django", "channels", "daphne", "asgiref", "playground"}


def imports(path):
    """Top-level package names and full module names a file imports (anywhere in it)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def module_name(path):
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def jax_trainer_modules():
    """trainer modules that import JAX directly or through other trainer modules."""
    graph = {module_name(p): imports(p) for p in (ROOT / "trainer").rglob("*.py")}
    heavy = {m for m, deps in graph.items() if {d.split(".")[0] for d in deps} & JAX}
    while True:
        more = {m for m, deps in graph.items() if m not in heavy and deps & heavy}
        if not more:
            return heavy
        heavy |= more


def test_trainer_never_imports_django():
    for path in (ROOT / "trainer").rglob("*.py"):
        assert not {d.split(".")[0] for d in imports(path)} & WEB, path


def test_only_compute_imports_the_jax_side():
    heavy = jax_trainer_modules()
    assert "trainer.loop" in heavy  # the check itself sees JAX where it is
    for path in (ROOT / "playground").rglob("*.py"):
        deps = imports(path)
        assert not {d.split(".")[0] for d in deps} & JAX, f"{path} imports JAX"
        if path.relative_to(ROOT).as_posix() != "playground/compute.py":
            assert not deps & heavy, f"{path} imports the engine's JAX side: {sorted(deps & heavy)}"


def test_the_web_process_does_not_load_jax():
    code = (
        "import django, sys; django.setup();"
        "import playground.asgi, playground.urls, playground.views, playground.consumers, playground.jobs, playground.compute;"
        "from trainer import spec; spec.catalog();"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jax', 'jaxlib', 'optax')))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "playground.settings.test", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_prediction_asked_of_a_worker_loads_no_jax_in_the_asking_process():
    """Scaled out, the predict view hands jobs.predict to a worker (taskbackend.ask with the Celery
    backend): the asking process sends JSON and imports nothing of the engine. The worker's side
    is stubbed here; tests/integration runs it for real (PostgreSQL, Redis, workers)."""
    code = (
        "import django, json, sys; django.setup();"
        "from django.test.utils import override_settings;"
        "override_settings(TASKS={'default': {'BACKEND': 'playground.taskbackend.CeleryBackend'}}).enable();"
        "import playground.celery as c; sent = [];"
        "c.ask = lambda *a: sent.append(a) or {'result': {'predicted': 7}};"
        "from playground import jobs, taskbackend, views;"
        "answer = taskbackend.ask(jobs.predict, 5, pixels=[[0, 255]], timeout=1);"
        "print(json.dumps([answer, sent, sorted(m for m in sys.modules if m.split('.')[0] in ('jax', 'jaxlib', 'optax')"
        " or m in ('trainer.inference', 'trainer.loop', 'trainer.probes'))]))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "playground.settings.test", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    answer, sent, heavy = json.loads(out.stdout.strip().splitlines()[-1])
    assert answer == {"predicted": 7} and heavy == []
    assert sent == [["playground.jobs.predict", [5], {"pixels": [[0, 255]]}, 1]]


def test_the_embedded_server_loads_the_engine_at_its_first_page_and_a_scaled_out_one_never():
    """Where runs train in the web process, its first connection starts loading JAX on a thread, so the
    first Train does not wait for it; where workers train, the web process stays light."""
    code = (
        "import django, sys, threading; django.setup();"
        "from django.test.utils import override_settings;"
        "from playground import taskbackend;"
        "override_settings(TASKS={'default': {'BACKEND': 'playground.taskbackend.%s'}}).enable();"
        "taskbackend.warm();"
        "[t.join(60) for t in threading.enumerate() if t.name == 'engine-warm'];"
        "print('trainer.loop' in sys.modules, 'jax' in sys.modules)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "playground.settings.test", "PATH": "/usr/bin:/bin"}
    for backend, loaded in (("InProcessBackend", "True True"), ("CeleryBackend", "False False")):
        out = subprocess.run(
            [sys.executable, "-c", code % backend], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip().splitlines()[-1] == loaded, (backend, out.stdout)
