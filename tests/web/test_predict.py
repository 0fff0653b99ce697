"""Predict with a run's stored weights (POST /api/runs/<id>/predict/): a finished
run's, or a live run's latest checkpoint; and runs that start paused (the page's
Step before any run)."""

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from playground import compute, jobs, predict, services, taskbackend
from playground.asgi import application
from playground.models import Run
from tests.conftest import example_spec
from tests.web.sockets import next_frame
from trainer import loop
from trainer import spec as specs


def post(client, url, body):
    return client.post(
        url, data=json.dumps(body) if not isinstance(body, (str, bytes)) else body, content_type="application/json"
    )


def small(name, **dataset):
    spec = example_spec(name)
    spec["dataset"].update(dataset)
    spec["epochs"] = 2
    return spec


_trained = {}


def trained_weights(spec):
    """The weights of a short real training of `spec` (cached per spec)."""
    key = json.dumps(spec, sort_keys=True)
    if key not in _trained:
        _trained[key] = loop.run(specs.parse(spec), emit=lambda frames: None).weights
    return _trained[key]


@pytest.fixture
def finished_run(client):
    """A run of `spec` owned by `client`'s session, finished with real weights."""

    def make(spec):
        response = post(client, "/api/runs/", spec)
        assert response.status_code == 201, response.content
        run = Run.objects.get(pk=response.json()["id"])
        services.run_finish(run, status="completed", weights=trained_weights(spec))
        return run

    return make


DIGITS = small("digits_cnn", samples=300)
SENTIMENT = small("sentiment_rnn", samples=200)


def seven(size=64):
    """A drawn 7: a bar on top and a slanted stroke, ink 255 on 0."""
    rows = [[0] * size for _ in range(size)]
    for x in range(12, 52):
        for t in range(5):
            rows[10 + t][x] = 255
    for y in range(10, 56):
        x = 50 - (y - 10) * 24 // 46
        for t in range(5):
            rows[y][x + t] = 255
    return rows


@pytest.mark.django_db
def test_a_drawing_gets_class_probabilities_and_the_8x8_the_network_saw(client, finished_run):
    run = finished_run(DIGITS)
    response = post(client, f"/api/runs/{run.pk}/predict/", {"pixels": seven()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["classes"] == list("0123456789")
    assert sum(body["probabilities"]) == pytest.approx(1, abs=1e-3)
    assert body["predicted"] == max(range(10), key=body["probabilities"].__getitem__)
    assert len(body["input"]) == 8 and all(len(row) == 8 for row in body["input"])
    assert max(max(row) for row in body["input"]) == pytest.approx(1.0)  # scaled like the training digits
    maps = body["feature_maps"]
    assert [layer["type"] for layer in maps["layers"]] == ["conv2d", "maxpool2d"]
    assert maps["layers"][0]["shape"] == [8, 8, 8] and len(maps["layers"][0]["maps"]) == 8


@pytest.mark.django_db
def test_a_typed_sentence_gets_a_probability_with_its_tokens(client, finished_run):
    run = finished_run(SENTIMENT)
    response = post(client, f"/api/runs/{run.pk}/predict/", {"text": "The acting was great, not bad at all! zzqx"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["classes"] == ["negative", "positive"] and len(body["probabilities"]) == 2
    steps = body["steps"]
    assert steps["cleaned"] == "the acting was great not bad at all zzqx"
    assert "zzqx" in steps["oov"] and "the" in steps["tokens"] and "the" not in steps["kept"]
    hidden = body["hidden_states"]
    assert hidden["tokens"] == [t if t not in steps["oov"] else "<oov>" for t in steps["kept"]]
    assert len(hidden["states"]) == len(steps["kept"]) and len(hidden["states"][0]) == 32


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "path", "words"),
    [
        ({"pixels": [[0] * 201] * 3}, "pixels", "at most 200×200"),
        ({"pixels": [[0, 0], [0]]}, "pixels", "same length"),
        ({"pixels": [[0, 300]]}, "pixels[0]", "0 (no ink) to 255"),
        ({"pixels": [[0, "x"]]}, "pixels[0]", "0 (no ink) to 255"),
        ({"pixels": "abc"}, "pixels", "list of rows"),
        ({"text": "hello"}, "text", "unknown key"),
        ({}, "pixels", "is required"),
    ],
)
def test_bad_drawings_get_a_clear_400(client, finished_run, body, path, words):
    run = finished_run(DIGITS)
    response = post(client, f"/api/runs/{run.pk}/predict/", body)
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["path"] == path and words in error["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "words"), [("x" * 1001, "at most 1000"), ("   ", "type a sentence"), (5, "a string")])
def test_bad_sentences_get_a_clear_400(client, finished_run, text, words):
    run = finished_run(SENTIMENT)
    response = post(client, f"/api/runs/{run.pk}/predict/", {"text": text})
    assert response.status_code == 400
    assert words in response.json()["errors"][0]["message"]


@pytest.mark.django_db
def test_predict_is_the_owners_and_needs_weights(client, small_spec):
    response = post(client, "/api/runs/", DIGITS)
    run = Run.objects.get(pk=response.json()["id"])
    early = post(client, f"/api/runs/{run.pk}/predict/", {"pixels": seven()})
    assert early.status_code == 409 and "when it pauses" in early.json()["errors"][0]["message"]
    assert post(Client(), f"/api/runs/{run.pk}/predict/", {"pixels": seven()}).status_code == 404  # a stranger
    assert post(client, "/api/runs/999999/predict/", {"pixels": seven()}).status_code == 404
    assert client.get(f"/api/runs/{run.pk}/predict/").status_code == 405
    points = Run.objects.get(pk=post(client, "/api/runs/", small_spec).json()["id"])
    refused = post(client, f"/api/runs/{points.pk}/predict/", {"pixels": seven()})
    assert refused.status_code == 400 and "image and text" in refused.json()["errors"][0]["message"]
    big = post(client, f"/api/runs/{run.pk}/predict/", '{"text": "' + "a" * predict.MAX_BODY + '"}')
    assert big.status_code == 413 and str(predict.MAX_BODY) in big.json()["errors"][0]["message"]
    services.run_finish(run, status="diverged", weights=trained_weights(DIGITS))
    diverged = post(client, f"/api/runs/{run.pk}/predict/", {"pixels": seven()})
    assert diverged.status_code == 409 and "diverged" in diverged.json()["errors"][0]["message"]


@pytest.mark.django_db
def test_the_envelope_can_start_a_run_paused(client, small_spec):
    response = post(client, "/api/runs/", {"spec": small_spec, "paused": True})
    assert response.status_code == 201
    assert Run.objects.get(pk=response.json()["id"]).start_paused is True
    assert Run.objects.get(pk=post(client, "/api/runs/", small_spec).json()["id"]).start_paused is False
    bad = post(client, "/api/runs/", {"spec": small_spec, "paused": "yes"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["path"] == "paused"


def _on_own_loop(body):
    """An async scenario on a loop in its own thread (see test_consumer.scenario)."""

    async def wrapped():
        taskbackend.remember_server_loop()
        return await body()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(async_to_sync(wrapped)).result()


async def owner_socket(run, session_key):
    """The run's socket, connected as its owner (the session that created it)."""
    comm = WebsocketCommunicator(
        application,
        f"/ws/runs/{run.pk}/",
        headers=[(b"origin", b"http://testserver"), (b"cookie", f"sessionid={session_key}".encode())],
    )
    assert (await comm.connect())[0]
    return comm


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
def test_a_run_started_paused_waits_for_step(small_spec, session_key, settings):
    settings.TASKS = {"default": {"BACKEND": "playground.taskbackend.InProcessBackend"}}

    async def body():
        run = await database_sync_to_async(services.run_create)(small_spec, session_key=session_key, paused=True)
        comm = await owner_socket(run, session_key)
        seen = []
        async with asyncio.timeout(30):
            while not (seen and seen[-1]["type"] == "status" and seen[-1]["status"] == "paused"):
                seen.append(await next_frame(comm, timeout=30))
            await comm.send_json_to({"action": "step"})
            while seen[-1]["type"] != "metrics":
                seen.append(await next_frame(comm, timeout=30))
            await comm.send_json_to({"action": "stop"})
            while seen[-1]["type"] != "done":
                seen.append(await next_frame(comm, timeout=30))
        await comm.disconnect()
        return seen

    seen = _on_own_loop(body)
    metrics = [f for f in seen if f["type"] == "metrics"]
    assert metrics[0]["iteration"] == 1  # nothing trained before the step
    assert seen[-1]["status"] == "stopped"


@pytest.mark.django_db
def test_a_live_run_predicts_with_its_latest_checkpoint(client):
    response = post(client, "/api/runs/", DIGITS)
    run = Run.objects.get(pk=response.json()["id"])
    Run.objects.filter(pk=run.pk).update(status="running")
    services.run_record_weights(run, 40, trained_weights(DIGITS))
    live = post(client, f"/api/runs/{run.pk}/predict/", {"pixels": seven()})
    assert live.status_code == 200 and live.json()["iteration"] == 40
    assert abs(sum(live.json()["probabilities"]) - 1) < 1e-4
    services.run_finish(run, status="completed", metrics={"steps": 58}, weights=trained_weights(DIGITS))
    assert post(client, f"/api/runs/{run.pk}/predict/", {"pixels": seven()}).json()["iteration"] == 58


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(90)
def test_a_paused_run_stores_its_weights_and_its_live_maps_follow_a_chosen_sample(session_key, settings):
    settings.TASKS = {"default": {"BACKEND": "playground.taskbackend.InProcessBackend"}}
    from playground import compute

    async def weights_iteration(run):
        return (await Run.objects.aget(pk=run.pk)).weights_iteration

    async def body():
        run = await database_sync_to_async(services.run_create)(DIGITS, session_key=session_key, paused=True)
        comm = await owner_socket(run, session_key)
        seen = []

        async def until(predicate):
            while not (seen and predicate(seen[-1])):
                seen.append(await next_frame(comm, timeout=30))
            return seen[-1]

        async with asyncio.timeout(60):
            await until(lambda f: f.get("status") == "paused")
            at_start = await weights_iteration(run)
            prediction = await database_sync_to_async(compute.run_predict)(
                await Run.objects.aget(pk=run.pk), pixels=seven()
            )
            await comm.send_json_to({"action": "step"})
            await until(lambda f: f["type"] == "metrics")
            while await weights_iteration(run) != 1:  # stored as the run pauses again
                await asyncio.sleep(0.05)
            await comm.send_json_to({"action": "probe_sample", "value": 3})
            maps = await until(lambda f: f["type"] == "feature_maps" and f["sample"] == 3)
            await comm.send_json_to({"action": "probe_sample", "value": -1})
            refused = await until(lambda f: f["type"] == "error")
            await comm.send_json_to({"action": "stop"})
            await until(lambda f: f["type"] == "done")
        await comm.disconnect()
        return at_start, prediction, maps, refused

    at_start, prediction, maps, refused = _on_own_loop(body)
    assert at_start == 0 and prediction["iteration"] == 0  # the initial weights already predict
    assert len(prediction["probabilities"]) == 10
    assert [layer["type"] for layer in maps["layers"]] == ["conv2d", "maxpool2d"]
    assert "test sample" in refused["message"]


@pytest.mark.django_db(transaction=True)  # the prediction's thread reads the run through its own connection
def test_the_embedded_server_predicts_in_a_thread_of_its_own_outside_the_run_slots(
    client, finished_run, settings, monkeypatch
):
    run = finished_run(DIGITS)  # enqueued to the DummyBackend: no training thread left running at exit
    settings.TASKS = {"default": {"BACKEND": "playground.taskbackend.InProcessBackend"}}
    monkeypatch.setattr(taskbackend, "run_slots", lambda loop=None: pytest.fail("a prediction waits for no run slot"))
    threads, predict_run = [], compute.run_predict

    def spy(run, **data):
        threads.append(threading.current_thread().name)
        return predict_run(run, **data)

    monkeypatch.setattr(compute, "run_predict", spy)
    response = post(client, f"/api/runs/{run.pk}/predict/", {"pixels": seven()})
    assert response.status_code == 200, response.content
    assert threads == ["playground-run"] and len(response.json()["probabilities"]) == 10


@pytest.mark.django_db(transaction=True)
def test_no_answer_in_time_is_a_503_that_says_so(client, finished_run, settings, monkeypatch):
    run = finished_run(DIGITS)
    settings.TASKS = {"default": {"BACKEND": "playground.taskbackend.InProcessBackend"}}
    settings.PLAYGROUND_PREDICT_TIMEOUT_S = 0.3
    monkeypatch.setattr(compute, "run_predict", lambda run, **data: time.sleep(1))
    started = time.monotonic()
    response = post(client, f"/api/runs/{run.pk}/predict/", {"pixels": seven()})
    assert time.monotonic() - started < 0.9
    assert response.status_code == 503 and response["Retry-After"]
    assert response.json()["errors"][0]["message"] == "no worker answered within 0.3 s; try again in a moment"


@pytest.mark.django_db
def test_a_run_deleted_while_its_prediction_waits_is_a_404(client, finished_run, monkeypatch):
    run = finished_run(DIGITS)
    monkeypatch.setattr(compute.selectors, "run_get", lambda run_id: None)  # gone by the time the task reads it
    response = post(client, f"/api/runs/{run.pk}/predict/", {"pixels": seven()})
    assert response.status_code == 404 and "no such run" in response.json()["errors"][0]["message"]


def test_a_prediction_travels_as_json():
    with pytest.raises(TypeError):  # what a worker could not receive fails here too
        taskbackend.ask(jobs.predict, 1, pixels=object(), timeout=1)
