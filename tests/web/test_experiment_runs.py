"""Saved experiments with real training: saving mid-run keeps recording, the stored
history is what was streamed, the time slider's snapshots, the socket's owner and
visibility rules, and a re-run that reproduces the saved final test loss."""

import threading
import time

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from playground import jobs, selectors, services, snapshots
from playground.asgi import application
from playground.models import Run, RunSnapshot
from tests.web.sockets import next_frame
from tests.web.test_consumer import is_done, of_type, scenario, until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]


@pytest.fixture(autouse=True)
def in_process_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "playground.taskbackend.InProcessBackend"}}


def socket(run_id, session_key=None):
    headers = [(b"origin", b"http://testserver")]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    return WebsocketCommunicator(application, f"/ws/runs/{run_id}/", headers=headers)


def task_running():
    return any(t.name == "playground-run" for t in threading.enumerate())  # taskbackend's run threads


def wait_for_snapshots(run, at_least, timeout=30):
    """The task replays a short run for its slider after `done` is out, and writes its
    snapshots in one transaction: wait until they are there and the task has ended."""
    deadline = time.monotonic() + timeout
    while (
        RunSnapshot.objects.filter(run=run).count() < at_least or Run.objects.get(pk=run.pk).is_active or task_running()
    ):
        assert time.monotonic() < deadline, "the snapshots never came"
        time.sleep(0.1)
    return selectors.run_snapshots(run)


@scenario
async def _save_mid_run(spec, owner_key, others):
    run = await database_sync_to_async(services.run_create)(spec, session_key=owner_key, steps_per_second=150)
    owner = socket(run.pk, owner_key)
    assert (await owner.connect())[0]
    streamed = []
    await until(owner, of_type("metrics"), streamed)
    experiment = await database_sync_to_async(services.experiment_save)(run, title="mid-run", visibility="private")
    refusals = []
    for key in others:  # another user and an anonymous visitor: a private run is not there
        stranger = socket(run.pk, key)
        await stranger.connect()
        refusals.append(await stranger.receive_output(timeout=5))
    await database_sync_to_async(services.experiment_update)(experiment, visibility="public")
    viewer = socket(run.pk, others[0])
    assert (await viewer.connect())[0]
    viewed = [await next_frame(viewer, timeout=5)]
    await viewer.send_json_to({"action": "stop"})  # a viewer cannot steer
    refused_control = await until(viewer, of_type("error"), viewed)
    await until(owner, is_done, streamed)
    await viewer.disconnect()
    await owner.disconnect()
    return run, experiment, streamed, refusals, viewed, refused_control


def test_save_mid_run_keeps_recording_and_the_stored_history_is_the_stream(small_spec, session_key, django_user_model):
    bob = django_user_model.objects.create_user("bob")
    bob_client = Client()
    bob_client.force_login(bob)
    others = [bob_client.session.session_key, None]
    run, experiment, streamed, refusals, viewed, refused_control = _save_mid_run(small_spec, session_key, others)

    assert refusals == [{"type": "websocket.close", "code": 4404}] * 2
    assert viewed[0]["type"] == "status"  # a public run's viewer gets the history, then the stream
    assert refused_control["message"] == "only the run's owner can steer it"
    run.refresh_from_db()
    assert run.status == "completed"  # the viewer's stop did nothing

    stored = selectors.experiment_as_dict(experiment, "owner")
    streamed_metrics = [f for f in streamed if f["type"] == "metrics"]
    assert stored["metrics"] == streamed_metrics and streamed_metrics[-1]["iteration"] == 200
    assert stored["runs"][0]["final"]["steps"] == 200 and stored["runs"][0]["status"] == "completed"
    assert set(run.probes) >= {"boundary", "neurons", "confusion"} and run.weights
    assert run.probes["boundary"] == [f for f in streamed if f["type"] == "boundary"][-1]  # the final picture

    taken = wait_for_snapshots(run, snapshots.MIN_SNAPSHOTS)
    its = [s["iteration"] for s in taken]
    assert len(its) >= snapshots.MIN_SNAPSHOTS and its == sorted(its) and its[-1] <= 200
    assert max(b - a for a, b in zip([0, *its], its)) <= 2 * 200 / snapshots.MIN_SNAPSHOTS  # spread over the run
    assert all(set(s["frames"]) == {"boundary", "neurons", "confusion", "gradients"} for s in taken)

    page = Client().get(f"/experiments/{experiment.slug}/")  # public: anyone
    assert page.status_code == 200
    boundary = page.context["figures"]["boundary"]
    assert len(boundary.frames) >= snapshots.MIN_SNAPSHOTS + 1 and boundary.frames[-1].name == "200"
    assert [s.label for s in boundary.layout.sliders[0].steps] == [f.name for f in boundary.frames]


def test_a_rerun_reproduces_the_saved_final_test_loss(small_spec, session_key, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # the test runs them
    spec = {**small_spec, "epochs": 30}
    first = services.run_create(spec, session_key=session_key, steps_per_second=600)  # paced: small chunks
    jobs.train_run.call(first.pk)
    first.refresh_from_db()
    experiment = services.experiment_save(first, title="reproducible")
    rerun = services.experiment_rerun(experiment)  # full speed: whole-epoch chunks
    jobs.train_run.call(rerun.pk)
    rerun.refresh_from_db()
    assert first.status == rerun.status == "completed" and rerun.experiment_id == experiment.pk
    saved_loss, new_loss = first.final_metrics["test_loss"], rerun.final_metrics["test_loss"]
    assert abs(saved_loss - new_loss) <= 1e-6
    assert rerun.final_metrics["test_accuracy"] == first.final_metrics["test_accuracy"]
    client = Client()
    client.cookies["sessionid"] = session_key
    page = client.get(f"/experiments/{experiment.slug}/")
    [row] = page.context["reruns"]
    assert row["run"].pk == rerun.pk and row["matches"] and "same result" in page.content.decode()
