"""What a probe of a running server found (issue 17): huge numbers, lone surrogates and
control characters, an uploaded point set's experiment page, unknown socket paths."""

import ast
import json

import pytest
from channels.testing import WebsocketCommunicator

from playground import jobs
from playground.asgi import application
from playground.models import Experiment, Run
from playground.uploads import previews, selectors
from tests.conftest import example_spec
from tests.web.test_consumer import scenario
from tests.web.test_uploads_training import ready_dataset

pytestmark = pytest.mark.django_db


def send(client, url, body, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def the_error(response):
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    return error


def small(name):
    spec = example_spec(name)
    spec["dataset"]["samples"], spec["epochs"] = 200, 2
    return spec


# --- numbers of any size ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "body", "path"),
    [
        ("/api/runs/", {**small("tfp_default"), "epochs": 10**400}, "epochs"),
        ("/api/specs/validate/", {**small("tfp_default"), "batch_size": -(10**400)}, "batch_size"),
        ("/api/runs/", {"spec": small("tfp_default"), "steps_per_second": 10**400}, "steps_per_second"),
        ("/api/datasets/preview/", {"name": "circle", "samples": 10**400}, "dataset.samples"),
    ],
)
def test_a_400_digit_number_is_a_400_naming_the_field(client, url, body, path):
    assert the_error(send(client, url, body))["path"] == path


def test_a_400_digit_pixel_is_a_400_naming_the_row(client):
    run_id = send(client, "/api/runs/", small("digits_cnn")).json()["id"]
    error = the_error(send(client, f"/api/runs/{run_id}/predict/", {"pixels": [[0, 0], [0, 10**400]]}))
    assert error["path"] == "pixels[1]"


# --- text the database or a script cannot take ------------------------------------------


@pytest.fixture
def run_id(client):
    return send(client, "/api/runs/", small("tfp_default")).json()["id"]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("title", "\ud800", "surrogate"),
        ("title", "nul\x00title", "U+0000"),
        ("notes", "bad \udfff notes", "surrogate"),
        ("notes", "bell\x07", "U+0007"),
    ],
)
def test_save_refuses_lone_surrogates_and_control_characters(client, run_id, field, value, words):
    body = {"run": run_id, "title": "ok", field: value}
    error = the_error(send(client, "/api/experiments/", body))
    assert error["path"] == field and words in error["message"]
    assert not Experiment.objects.filter(saved__isnull=False).exists()


@pytest.mark.parametrize(
    ("field", "value"), [("title", "\ud83d"), ("title", "a\x00b"), ("notes", "\udc00"), ("notes", "\x1b[2J")]
)
def test_patch_refuses_them_too_and_keeps_the_old_value(client, run_id, field, value):
    slug = send(client, "/api/experiments/", {"run": run_id, "title": "kept", "notes": "kept"}).json()["slug"]
    assert the_error(send(client, f"/api/experiments/{slug}/", {field: value}, "patch"))["path"] == field
    assert getattr(Experiment.objects.get(slug=slug), field) == "kept"


def test_line_breaks_and_tabs_are_fine_and_the_script_parses(client, run_id):
    notes = "first line\r\nsecond\tcolumn\n\"\"\" not the end"
    slug = send(client, "/api/experiments/", {"run": run_id, "title": 'say "hi"\\', "notes": notes}).json()["slug"]
    assert Experiment.objects.get(slug=slug).notes == notes
    script = client.get(f"/experiments/{slug}/export/script.py").content.decode()
    assert notes.replace("\r", "") in ast.get_docstring(ast.parse(script), clean=False).replace("\r", "")


def test_predict_refuses_a_sentence_with_a_lone_surrogate(client):
    run_id = send(client, "/api/runs/", small("sentiment_rnn")).json()["id"]
    error = the_error(send(client, f"/api/runs/{run_id}/predict/", {"text": "great \ud800 film"}))
    assert error["path"] == "text" and "surrogate" in error["message"]


# --- an uploaded point set's experiment page ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_experiment_page_of_a_run_on_uploaded_points_shows_them(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    row = ready_dataset("points", name="pts")
    spec = previews.example_spec(selectors.dataset_info(row))
    spec["epochs"] = 3
    run_id = send(client, "/api/runs/", spec).json()["id"]
    jobs.train_run.call(run_id)
    assert Run.objects.get(pk=run_id).status == "completed"
    slug = send(client, "/api/experiments/", {"run": run_id, "title": "uploaded points"}).json()["slug"]
    assert client.get(f"/api/experiments/{slug}/").status_code == 200
    page = client.get(f"/experiments/{slug}/")
    assert page.status_code == 200
    shown = {
        trace.name: len(trace.x)
        for trace in page.context["figures"]["boundary"].data
        if trace.name in ("train", "test")
    }
    assert shown == {"train": 48, "test": 12}  # the 60 uploaded points, split 80/20 as the run split them


# --- websocket paths with no consumer -----------------------------------------------------


@pytest.mark.parametrize("path", ["/ws/nope/", "/ws/runs/abc/", "/", "/ws/runs/1/more/"])
def test_an_unknown_socket_path_is_closed_with_4404_and_logs_no_error(path, caplog):
    @scenario
    async def connect():
        comm = WebsocketCommunicator(application, path, headers=[(b"origin", b"http://testserver")])
        connected, _ = await comm.connect()
        closed = await comm.receive_output(timeout=5)
        await comm.wait()
        return connected, closed

    with caplog.at_level("WARNING"):
        connected, closed = connect()
    assert connected and closed == {"type": "websocket.close", "code": 4404}
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
