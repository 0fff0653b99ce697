"""Points drawn on the plane (issue #16) over the API: a run on them, the preview's split, a saved
experiment that keeps them, and its exported script, which reproduces the run's final test loss."""

import json
import runpy

import pytest

from playground import jobs
from playground.models import Run

pytestmark = pytest.mark.django_db

POINTS = [
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


def drawn_spec(points=POINTS):
    return {
        "version": 1,
        "dataset": {"name": "custom", "points": points, "test_fraction": 0.4, "seed": 2},
        "features": ["x1", "x2"],
        "layers": [
            {"type": "dense", "units": 3, "activation": "tanh"},
            {"type": "dense", "units": 1, "activation": "sigmoid"},
        ],
        "loss": "binary_crossentropy",
        "optimizer": {"name": "adam", "learning_rate": 0.03},
        "regularization": {"type": "none", "rate": 0.0},
        "batch_size": 2,
        "epochs": 12,
        "seed": 5,
    }


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_preview_splits_exactly_the_drawn_points(client):
    body = post(client, "/api/datasets/preview/", drawn_spec()["dataset"]).json()
    assert len(body["train"]["x"]) == 6 and len(body["test"]["x"]) == 4 and body["extent"] == [-6, 6, -6, 6]
    shown = sorted([*x, y] for part in ("train", "test") for x, y in zip(body[part]["x"], body[part]["y"]))
    assert shown == sorted(POINTS)


def test_bad_points_get_a_400_naming_the_point(client):
    spec = drawn_spec([*POINTS[:3], [0, 9, 1]])
    response = post(client, "/api/runs/", spec)
    assert response.status_code == 400
    assert [e["path"] for e in response.json()["errors"]] == ["dataset.points[3][1]"]
    too_few = post(client, "/api/specs/validate/", drawn_spec([[0, 0, 0]]))
    assert too_few.status_code == 400 and too_few.json()["errors"][0]["path"] == "dataset.points"


def test_a_thousand_points_fit_the_spec_size_limit(client):
    worst = [[-5.99 + (i % 7) * 0.01, -5.99, i % 2] for i in range(1000)]  # the longest numbers a drawn point has
    response = post(client, "/api/runs/", {"spec": drawn_spec(worst), "steps_per_second": 1})
    assert response.status_code == 201, response.content[:500]
    regression = {**drawn_spec([[-5.99, -5.99, -99.99]] * 1000), "loss": "mse"}
    regression["dataset"]["name"] = "custom_regression"
    regression["layers"][-1]["activation"] = "linear"
    assert post(client, "/api/runs/", {"spec": regression, "steps_per_second": 1}).status_code == 201


@pytest.mark.timeout(180)
@pytest.mark.django_db(transaction=True)  # the task's heartbeat writes from its own thread
def test_a_run_on_drawn_points_is_saved_with_them_and_its_script_reproduces_it(client, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # the test runs it
    created = post(client, "/api/runs/", drawn_spec())
    assert created.status_code == 201, created.content
    run = Run.objects.get(pk=created.json()["id"])
    jobs.train_run.call(run.pk)
    run.refresh_from_db()
    assert run.status == "completed" and run.experiment.spec["dataset"]["points"] == POINTS
    assert client.get(f"/api/runs/{run.pk}/").json()["spec"]["dataset"] == drawn_spec()["dataset"]

    saved = post(client, "/api/experiments/", {"run": run.pk, "title": "my points"})
    assert saved.status_code == 201, saved.content
    slug = saved.json()["slug"]
    stored = client.get(f"/api/experiments/{slug}/").json()
    assert stored["spec"]["dataset"]["points"] == POINTS
    assert json.loads(client.get(f"/experiments/{slug}/export/spec.json").content)["dataset"]["points"] == POINTS
    assert client.get(f"/experiments/{slug}/").status_code == 200  # the page's scatter shows them
    rerun = post(client, f"/api/experiments/{slug}/rerun/", {})
    assert rerun.status_code == 201, rerun.content
    jobs.train_run.call(rerun.json()["id"])
    again = Run.objects.get(pk=rerun.json()["id"])
    assert again.final_metrics["test_loss"] == pytest.approx(run.final_metrics["test_loss"], abs=1e-6)

    script = client.get(f"/experiments/{slug}/export/script.py").content.decode()
    assert "    [-3.5, 2.25, 0], [-2.0, -1.5, 0], [-4.0, -4.0, 0], [1.0, 1.0, 1]," in script
    assert 'DatasetSpec(name="custom", points=points, test_fraction=0.4, seed=2)' in script
    path = tmp_path / "script.py"
    path.write_text(script)
    scope = runpy.run_path(str(path))
    assert scope["test_loss"] == pytest.approx(run.final_metrics["test_loss"], abs=1e-6)

    code = post(client, "/api/specs/code/", drawn_spec())
    assert code.status_code == 200 and "points = [" in code.json()["script"]
