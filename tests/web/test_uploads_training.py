"""An uploaded dataset of each kind trains through the API: POST /api/runs/, then the run
task, which loads the stored .npz (never the upload) and hands split=/vocabulary= to the loop."""

import json

import numpy as np
import pytest
from django.core.files.base import ContentFile

from playground import compute, jobs
from playground.models import Run
from playground.uploads import previews, processing, readers, selectors, services, store
from tests.web import upload_files as f

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

FILES = {
    "points": ("pts.csv", lambda: f.points_csv(60), {"target": "classification"}),
    "tabular": ("iris.csv", lambda: f.tabular_csv(60), {"target": "classification", "label_column": "species"}),
    "images": ("pics.zip", lambda: f.image_zip(12), {"height": 8, "width": 8, "color": "grayscale"}),
    "text": (
        "reviews.csv",
        lambda: f.text_csv(40, korean=True),
        {"max_vocab": 50, "lowercase": True, "remove_stopwords": True},
    ),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def ready_dataset(kind, name=None):
    filename, make, options = FILES[kind]
    data = make()
    checked = readers.check(kind, filename, data, options)
    row = services.dataset_upload(
        name=name or kind,
        title=kind.title(),
        kind=kind,
        upload=ContentFile(data, name=filename),
        options=options,
        checked=checked,
    )
    return processing.dataset_process(row.pk)


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("kind", list(FILES))
def test_an_uploaded_dataset_of_each_kind_trains_through_the_api(client, kind, monkeypatch):
    row = ready_dataset(kind)
    spec = previews.example_spec(selectors.dataset_info(row))
    spec["epochs"] = 50  # enough to learn each set (1.0 here); 3 epochs stayed at chance
    assert post(client, "/api/specs/validate/", spec).status_code == 200
    response = post(client, "/api/runs/", spec)
    assert response.status_code == 201, response.content
    run = Run.objects.get(pk=response.json()["id"])

    def no_reparse(*args, **kwargs):
        raise AssertionError("a run must load the stored arrays, not parse the upload again")

    monkeypatch.setattr(readers, "process", no_reparse)
    jobs.train_run.call(run.pk)
    run.refresh_from_db()
    assert run.status == "completed", run.message
    n_test = round(len(row.metadata["class_names"] and store.load(row.arrays)["y"]) * 0.2)
    assert run.final_metrics["steps"] > 0 and n_test > 0
    # It learned: chance is 1/2 (1/3 for the three species); a few test rows may still be wrong.
    assert run.final_metrics["test_accuracy"] >= 0.8, run.final_metrics
    if kind == "text":
        assert "embedding" in run.probes  # the stored vocabulary labels the embedding projection
        said = compute.run_predict(run, text="정말 재미있어요!")  # through the stored pipeline
        assert said["classes"] == ["neg", "pos"] and said["steps"]["kept"] and "hidden_states" in said
        asked = post(client, f"/api/runs/{run.pk}/predict/", {"text": "정말 재미있어요!"})  # the page's way
        assert asked.status_code == 200 and asked.json()["probabilities"] == said["probabilities"]
    if kind == "images":
        drawn = np.zeros((30, 30), np.uint8)
        drawn[:, :15] = 255
        said = compute.run_predict(run, pixels=drawn)
        assert said["classes"] == ["left", "right"] and np.asarray(said["input"]).shape == (8, 8)
        asked = post(client, f"/api/runs/{run.pk}/predict/", {"pixels": drawn.tolist()})
        assert asked.status_code == 200 and asked.json()["probabilities"] == said["probabilities"]
    if kind in ("points", "tabular"):
        refused = post(client, f"/api/runs/{run.pk}/predict/", {"pixels": [[0]]})
        assert refused.status_code == 400 and f"is {kind}" in refused.json()["errors"][0]["message"]


def test_the_stored_arrays_are_npz_without_pickles():
    row = ready_dataset("text")
    arrays = store.load(row.arrays, ("x", "y", "vocab"))
    assert arrays["x"].dtype == np.int32 and arrays["vocab"].dtype.kind == "U" and arrays["y"].dtype == np.int32
    images = ready_dataset("images")
    x, y, vocab = store.training_arrays(images.arrays)
    assert x.dtype == np.float32 and x.shape == (24, 8, 8, 1) and vocab is None and 0 <= x.min() <= x.max() <= 1


def test_only_ready_datasets_are_accepted(client):
    row = ready_dataset("points")
    spec = previews.example_spec(selectors.dataset_info(row))
    row.status = "processing"
    row.save()
    errors = post(client, "/api/runs/", spec).json()["errors"]
    assert errors[0]["path"] == "dataset.name"
    spec["dataset"]["samples"] = 10  # an uploaded set has its own size
    row.status = "ready"
    row.save()
    assert post(client, "/api/runs/", spec).json()["errors"][0]["path"] == "dataset.samples"


def test_the_picker_preview_of_an_uploaded_points_set(client):
    ready_dataset("points", name="pts")
    body = post(client, "/api/datasets/preview/", {"name": "pts", "test_fraction": 0.5, "seed": 1}).json()
    assert len(body["train"]["x"]) == 30 and len(body["test"]["y"]) == 30 and body["extent"] == [-6, 6, -6, 6]
    catalog = client.get("/api/catalog/").json()
    [entry] = [d for d in catalog["datasets"] if d["name"] == "pts"]
    assert entry["ready"] and entry["uploaded"] and entry["kind"] == "points" and entry["default_samples"] == 60
