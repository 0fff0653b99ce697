"""The JSON API: 201 and every kind of 400, ownership, CSRF, methods, size limits."""

import json

import pytest
from django.conf import settings
from django.tasks import default_task_backend
from django.test import Client

from playground.models import Run

pytestmark = pytest.mark.django_db


def post(client, url, body, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **extra)


def test_create_run_stores_it_queued_and_enqueues_the_task(client, small_spec, django_capture_on_commit_callbacks):
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "/api/runs/", small_spec)
    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "ws": f"/ws/runs/{body['id']}/"}
    run = Run.objects.get(pk=body["id"])
    assert run.status == "queued" and run.steps_per_second is None
    assert run.experiment.owner is None
    assert run.experiment.owner_session == client.session.session_key  # the session was created for it
    assert run.experiment.spec["layers"] == small_spec["layers"]
    [result] = default_task_backend.results
    assert result.task.module_path == "playground.jobs.train_run" and result.args == [run.pk]


def test_envelope_sets_the_pace(client, small_spec):
    response = post(client, "/api/runs/", {"spec": small_spec, "steps_per_second": 250})
    assert response.status_code == 201
    assert Run.objects.get(pk=response.json()["id"]).steps_per_second == 250.0


def test_logged_in_user_owns_the_run(client, small_spec, django_user_model):
    user = django_user_model.objects.create_user("ada", password="pw")
    client.force_login(user)
    run = Run.objects.get(pk=post(client, "/api/runs/", small_spec).json()["id"])
    assert run.experiment.owner == user and run.experiment.owner_session == ""
    assert client.get(f"/api/runs/{run.pk}/").status_code == 200
    client.logout()
    assert client.get(f"/api/runs/{run.pk}/").status_code == 404


def _errors(response, status=400):
    assert response.status_code == status, response.content
    return response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "path", "words"),
    [
        ("{not json", "", "not valid JSON"),
        ('{"a": NaN}', "", "NaN"),
        ("[" * 16000 + "]" * 16000, "", "nested too deeply"),
        ("[1, 2]", "", "JSON object"),
        ('"spec"', "", "JSON object"),
        ({"spec": [1]}, "spec", "JSON object"),
        ({"spec": {}, "colour": "red"}, "colour", "unknown key"),
        ({"spec": {}, "steps_per_second": -1}, "", ""),  # the spec's own errors come first
    ],
)
def test_malformed_bodies_are_400_naming_the_problem(client, body, path, words):
    errors = _errors(post(client, "/api/runs/", body))
    if words:
        assert errors[0]["path"] == path and words in errors[0]["message"]
    assert Run.objects.count() == 0


def test_unknown_key_bad_layer_and_output_mismatch_name_the_field(client, small_spec):
    unknown = {**small_spec, "colour": "red"}
    assert _errors(post(client, "/api/runs/", unknown))[0]["path"] == "colour"

    bad_layer = json.loads(json.dumps(small_spec))
    bad_layer["layers"][0]["units"] = 0
    assert [e["path"] for e in _errors(post(client, "/api/runs/", bad_layer))] == ["layers[0].units"]

    bad_type = json.loads(json.dumps(small_spec))
    bad_type["layers"][1] = {"type": "transformer"}
    assert _errors(post(client, "/api/runs/", bad_type))[0]["path"] == "layers[1].type"

    mismatch = json.loads(json.dumps(small_spec))
    mismatch["layers"][-1]["units"] = 3
    [error] = _errors(post(client, "/api/runs/", mismatch))
    assert error["path"] == f"layers[{len(mismatch['layers']) - 1}].units" and "output layer" in error["message"]
    assert Run.objects.count() == 0


@pytest.mark.parametrize("pace", [0, -5, "fast", True, 1e9])
def test_bad_pace_is_400(client, small_spec, pace):
    [error] = _errors(post(client, "/api/runs/", {"spec": small_spec, "steps_per_second": pace}))
    assert error["path"] == "steps_per_second"


def test_oversize_spec_is_413_naming_the_limit(client, small_spec):
    big = {**small_spec, "padding": "x" * settings.PLAYGROUND_MAX_SPEC_BYTES}
    [error] = _errors(post(client, "/api/runs/", big), status=413)
    assert str(settings.PLAYGROUND_MAX_SPEC_BYTES) in error["message"]


def test_oversize_body_is_413(client):
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    [error] = _errors(post(client, "/api/runs/", body), status=413)
    assert str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) in error["message"]


def test_run_detail_for_owner_404_for_stranger_and_missing(client, small_spec):
    run_id = post(client, "/api/runs/", small_spec).json()["id"]
    body = client.get(f"/api/runs/{run_id}/").json()
    assert body["id"] == run_id and body["status"] == "queued" and body["metrics"] == [] and body["final"] is None
    assert body["spec"]["loss"] == small_spec["loss"]
    assert Client().get(f"/api/runs/{run_id}/").status_code == 404
    assert client.get(f"/api/runs/{run_id + 1000}/").status_code == 404


def test_wrong_methods_are_405(client):
    assert client.get("/api/runs/").status_code == 405
    assert client.post("/api/runs/1/").status_code == 405
    assert client.get("/api/specs/validate/").status_code == 405
    assert client.post("/api/catalog/").status_code == 405


def test_csrf_is_enforced_for_session_clients(small_spec):
    strict = Client(enforce_csrf_checks=True)
    page = strict.get("/")
    refused = post(strict, "/api/runs/", small_spec)
    assert refused.status_code == 403 and "CSRF" in refused.json()["errors"][0]["message"]
    token = page.cookies["csrftoken"].value
    assert post(strict, "/api/runs/", small_spec, HTTP_X_CSRFTOKEN=token).status_code == 201


def test_validate_gives_the_summary_or_errors(client, small_spec):
    summary = post(client, "/api/specs/validate/", small_spec).json()["summary"]
    # tfp_default: 2 -> 4 -> 2 -> 1 dense: (2*4+4) + (4*2+2) + (2*1+1) parameters
    assert summary["total_params"] == 12 + 10 + 3
    assert [layer["output_shape"] for layer in summary["layers"]] == [[4], [2], [1]]
    assert _errors(post(client, "/api/specs/validate/", {**small_spec, "epochs": 0}))[0]["path"] == "epochs"


def test_catalog_and_dataset_preview(client):
    catalog = client.get("/api/catalog/").json()
    assert {d["name"] for d in catalog["datasets"]} >= {"circle", "xor", "spiral"}
    preview = post(client, "/api/datasets/preview/", {"name": "xor", "samples": 100, "test_fraction": 0.2}).json()
    assert len(preview["train"]["x"]) == 80 and len(preview["test"]["y"]) == 20
    assert _errors(post(client, "/api/datasets/preview/", {"name": "mnist"}))[0]["path"] == "dataset.name"


def test_page_embeds_the_catalog_and_serves_plotly_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200
    assert b'id="catalog"' in page.content
    from django.contrib.staticfiles import finders

    found = finders.find("vendor/plotly.min.js")
    assert found and found.endswith("plotly/package_data/plotly.min.js")


@pytest.mark.parametrize("url", ["/api/runs/", "/api/specs/validate/"])
@pytest.mark.parametrize("odd", [{}, [], None, 1e308, True])
def test_odd_values_anywhere_are_400_never_500(client, small_spec, url, odd):
    for path in (("layers", 0, "type"), ("layers", 0, "activation"), ("features", 0), ("loss",), ("dataset", "name")):
        spec = json.loads(json.dumps(small_spec))
        target = spec
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = odd
        response = post(client, url, spec)
        assert response.status_code == 400, (path, odd, response.content)
        assert response.json()["errors"]
