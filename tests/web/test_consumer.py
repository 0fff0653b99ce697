"""The run socket, driven with Channels' WebsocketCommunicator against real runs.

Runs go through the in-process task backend on the test's event loop, exactly as
under daphne: the engine in a worker thread, frames back through the loop."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore

from playground import recorder, records, services, taskbackend
from playground.asgi import application
from playground.models import Run, RunFrame
from tests.web.sockets import next_frame

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]
FINAL = {"completed", "stopped", "failed", "diverged"}


@pytest.fixture(autouse=True)
def in_process_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "playground.taskbackend.InProcessBackend"}}


def scenario(fn):
    """Run an async test body on its own loop; runs enqueued inside it use that loop.
    In a thread of its own: the browser tests' session-wide sync Playwright keeps a
    loop running in the main thread, where async_to_sync refuses to run."""

    def wrapper(*args, **kwargs):
        async def body():
            taskbackend.remember_server_loop()  # what playground.asgi does on a server's first request
            return await fn(*args, **kwargs)

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(async_to_sync(body)).result()

    return wrapper


def connect_as(session_key, run_id, origin=b"http://testserver"):
    headers = [(b"origin", origin), (b"cookie", f"sessionid={session_key}".encode())]
    return WebsocketCommunicator(application, f"/ws/runs/{run_id}/", headers=headers)


async def start(spec, session_key, steps_per_second=None):
    run = await database_sync_to_async(services.run_create)(
        spec, session_key=session_key, steps_per_second=steps_per_second
    )
    comm = connect_as(session_key, run.pk)
    connected, _ = await comm.connect()
    assert connected
    return run, comm


async def until(comm, predicate, seen=None, timeout=30):
    """Receive frames until one matches; returns it (all frames go into `seen`)."""
    async with asyncio.timeout(timeout):
        while True:
            frame = await next_frame(comm, timeout=timeout)
            if seen is not None:
                seen.append(frame)
            if predicate(frame):
                return frame


def is_done(frame):
    return frame["type"] == "done"


def of_type(kind, status=None):
    return lambda f: f["type"] == kind and (status is None or f.get("status") == status)


def paced(spec, epochs=100):
    return {**spec, "epochs": epochs}  # 10 steps an epoch: with pacing it lasts while we steer it


@scenario
async def _frames_in_order(spec, session_key):
    run, comm = await start(spec, session_key)
    frames = []
    done = await until(comm, is_done, frames)
    await comm.disconnect()
    return run, frames, done


def test_frames_arrive_in_order_and_are_stored(small_spec, session_key):
    run, frames, done = _frames_in_order(small_spec, session_key)
    assert frames[0]["type"] == "status" and frames[0]["status"] in ("queued", "running")  # history first
    metrics = [f for f in frames if f["type"] == "metrics"]
    iterations = [m["iteration"] for m in metrics]
    assert iterations == sorted(set(iterations)) and iterations[-1] == 200  # 20 epochs x 10 steps
    points = [p[0] for m in metrics for p in m["points"]]
    assert points == sorted(points) and points[-1] == 200
    assert any(f["type"] == "boundary" for f in frames) and any(f["type"] == "neurons" for f in frames)
    assert done["status"] == "completed" and frames[-1] is done
    run.refresh_from_db()
    assert run.status == "completed" and run.weights and set(run.probes) >= {"boundary", "neurons"}
    stored = list(RunFrame.objects.filter(run=run).values_list("payload", flat=True))
    assert stored == metrics


@scenario
async def _pause_step_resume_stop(spec, session_key):
    run, comm = await start(spec, session_key, steps_per_second=200)
    seen = []
    await until(comm, of_type("metrics"), seen)
    await comm.send_json_to({"action": "pause"})
    await until(comm, of_type("status", "paused"), seen)
    last = [f for f in seen if f["type"] == "metrics"][-1]["iteration"]
    assert await comm.receive_nothing(timeout=0.8)  # paused: nothing at all, metrics included
    assert (await database_sync_to_async(Run.objects.get)(pk=run.pk)).status == "paused"

    await comm.send_json_to({"action": "step"})
    stepped = await until(comm, of_type("metrics"))
    await comm.send_json_to({"action": "step"})
    stepped_again = await until(comm, of_type("metrics"))

    await comm.send_json_to({"action": "resume"})
    resumed = await until(comm, of_type("metrics"))
    await comm.send_json_to({"action": "stop"})
    tail = []
    done = await until(comm, is_done, tail)
    await comm.disconnect()
    return last, stepped, stepped_again, resumed, tail, done, run


def test_pause_step_resume_and_stop(small_spec, session_key):
    last, stepped, stepped_again, resumed, tail, done, run = _pause_step_resume_stop(paced(small_spec), session_key)
    assert stepped["iteration"] == last + 1 and stepped["points"] == [[last + 1, stepped["points"][0][1]]]
    assert stepped_again["iteration"] == last + 2
    assert resumed["iteration"] > last + 2
    assert {"type": "status", "status": "stopped", "message": "Stopped by the user."} in tail
    assert done["status"] == "stopped"
    run.refresh_from_db()
    assert run.status == "stopped" and run.finished is not None


@scenario
async def _reconnect(spec, session_key):
    run, first = await start(spec, session_key, steps_per_second=400)
    before = []
    for _ in range(3):
        await until(first, of_type("metrics"), before)
    await first.disconnect()  # closing the page does not stop the run
    second = connect_as(session_key, run.pk)
    assert (await second.connect())[0]
    after = []
    await until(second, is_done, after)
    await second.disconnect()
    third = connect_as(session_key, run.pk)
    assert (await third.connect())[0]
    replay = []
    await until(third, is_done, replay)
    await third.disconnect()
    return before, after, replay


def test_reconnect_replays_history_then_live_without_gaps_or_repeats(small_spec, session_key):
    before, after, replay = _reconnect(paced(small_spec, epochs=30), session_key)
    seen_before = [f["iteration"] for f in before if f["type"] == "metrics"]
    seen_after = [f["iteration"] for f in after if f["type"] == "metrics"]
    assert seen_after[: len(seen_before)] == seen_before  # the history replays what the first socket saw
    assert seen_after == sorted(set(seen_after)) and seen_after[-1] == 300
    points = [p[0] for f in after if f["type"] == "metrics" for p in f["points"]]
    assert points == sorted(set(points))  # no frame twice, none lost between history and live
    assert after[0]["type"] == "status"
    # A finished run replays the same curve, its final probes and `done`.
    assert [f for f in replay if f["type"] == "metrics"] == [f for f in after if f["type"] == "metrics"]
    last_metrics = max(i for i, f in enumerate(replay) if f["type"] == "metrics")
    tail = [f["type"] for f in replay[last_metrics + 1 :]]
    assert tail[-1] == "done" and {"boundary", "neurons"} <= set(tail[:-1])  # the latest probes, once each
    assert len(tail[:-1]) == len(set(tail[:-1]))
    assert replay[0] == {"type": "status", "status": "completed", "message": None}


@scenario
async def _stranger(spec, owner_key):
    run, owner = await start(spec, owner_key, steps_per_second=200)
    await until(owner, of_type("metrics"))
    stranger_key = await database_sync_to_async(lambda: (s := SessionStore(), s.create(), s.session_key)[-1])()
    stranger = connect_as(stranger_key, run.pk)
    await stranger.connect()
    refused = await stranger.receive_output(timeout=5)
    anonymous = WebsocketCommunicator(application, f"/ws/runs/{run.pk}/", headers=[(b"origin", b"http://testserver")])
    await anonymous.connect()
    refused_anonymous = await anonymous.receive_output(timeout=5)
    missing = connect_as(owner_key, run.pk + 999)
    await missing.connect()
    refused_missing = await missing.receive_output(timeout=5)
    bad_origin = connect_as(owner_key, run.pk, origin=b"http://evil.example")
    origin_ok, _ = await bad_origin.connect()
    still_running = await until(owner, of_type("metrics"))  # the owner's stream goes on
    await owner.send_json_to({"action": "stop"})
    done = await until(owner, is_done)
    await owner.disconnect()
    return refused, refused_anonymous, refused_missing, origin_ok, still_running, done


def test_a_stranger_can_neither_watch_nor_control(small_spec, session_key):
    refused, refused_anonymous, refused_missing, origin_ok, still_running, done = _stranger(
        paced(small_spec), session_key
    )
    assert refused == {"type": "websocket.close", "code": 4404}  # as for a missing run: no hint it exists
    assert refused_anonymous == {"type": "websocket.close", "code": 4404}
    assert refused_missing == {"type": "websocket.close", "code": 4404}
    assert origin_ok is False
    assert still_running["type"] == "metrics" and done["status"] == "stopped"


@scenario
async def _malformed(spec, session_key):
    run, comm = await start(spec, session_key, steps_per_second=200)
    await until(comm, of_type("metrics"))
    answers = []
    for text in [
        "not json",
        "[1]",
        "{}",
        '{"action": "explode"}',
        '{"action": "pause", "now": 1}',
        '{"action": "set_learning_rate", "value": NaN}',
        '{"action": "set_learning_rate", "value": -1}',
        '{"action": "set_learning_rate", "value": "0.1"}',
        '{"action": "set_learning_rate", "value": 1e9}',
        '{"action": "set_speed", "value": 0}',
        '{"action": "set_speed", "value": 1e-300}',
        '{"action": "set_speed", "value": %s}' % ("9" * 400),
        '{"action": "set_learning_rate", "value": %s}' % ("1" * 400),
        "x" * 5000,
    ]:
        await comm.send_to(text_data=text)
        answers.append(await until(comm, of_type("error")))
    await comm.send_to(bytes_data=b"\x00\x01")
    answers.append(await until(comm, of_type("error")))
    await comm.send_json_to({"action": "set_learning_rate", "value": 0.5})
    changed = await until(comm, lambda f: f["type"] == "metrics" and f["learning_rate"] == pytest.approx(0.5))
    await comm.send_json_to({"action": "stop"})
    done = await until(comm, is_done)
    await comm.disconnect()
    return answers, changed, done


def test_malformed_messages_get_an_error_frame_and_the_socket_stays_open(small_spec, session_key):
    answers, changed, done = _malformed(paced(small_spec), session_key)
    assert len(answers) == 15 and all(a["message"] for a in answers)
    expected = [
        "not JSON",
        "JSON object",
        "unknown action",
        "unknown action",
        "unexpected key 'now'",
        "NaN",
        "above 0",
        "finite number",
        "at most",
        "from 1 to",
        "from 1 to",
        "finite number",
        "finite number",
        "at most 1024",
        "JSON text",
    ]
    for answer, words in zip(answers, expected):
        assert answer["type"] == "error" and words in answer["message"]
    assert changed["learning_rate"] == pytest.approx(0.5)  # applied at once, no reset
    assert done["status"] == "stopped"


def test_a_crash_in_the_engine_fails_the_run_and_tells_the_viewer(small_spec, session_key, monkeypatch):
    from trainer import loop

    def explode(spec, **kwargs):
        kwargs["emit"]([{"type": "metrics", "iteration": 1, "points": []}])
        raise RuntimeError("boom")

    monkeypatch.setattr(loop, "run", explode)
    run, frames, done = _frames_in_order(small_spec, session_key)
    assert {"type": "status", "status": "failed", "message": "RuntimeError: boom"} in frames
    assert done == {"type": "done", "status": "failed", "metrics": {}, "message": "RuntimeError: boom"}
    run.refresh_from_db()
    assert run.status == "failed" and run.message == "RuntimeError: boom" and run.frames.count() == 1


@scenario
async def _one_at_a_time(spec, session_key):
    pool = taskbackend.run_slots()
    await pool.acquire_async()  # the only slot, taken as a computing run takes it
    run, socket = await start({**spec, "epochs": 5}, session_key)
    waiting = await next_frame(socket, timeout=5)
    still_waiting = await socket.receive_nothing(timeout=0.5)
    queued = (await database_sync_to_async(Run.objects.get)(pk=run.pk)).status
    threads = [t.name for t in threading.enumerate() if t.name == "playground-run"]
    pool.release()
    done = await until(socket, is_done)
    await socket.disconnect()
    return waiting, still_waiting, queued, threads, done


def test_runs_beyond_the_limit_wait_queued_without_a_thread(small_spec, session_key, settings):
    settings.PLAYGROUND_MAX_CONCURRENT_RUNS = 1
    waiting, still_waiting, queued, threads, done = _one_at_a_time(small_spec, session_key)
    assert waiting == {"type": "status", "status": "queued", "message": None}
    assert still_waiting and queued == "queued"
    assert threads == []  # a queued run waits on the event loop, not in a thread
    assert done["status"] == "completed"


@scenario
async def _joins_before_anything_is_stored(spec, session_key):
    run, first = await start(spec, session_key, steps_per_second=2000)
    for _ in range(5):
        await until(first, of_type("metrics"))
    late = connect_as(session_key, run.pk)  # joins while every frame so far waits to be written
    assert (await late.connect())[0]
    seen = []
    await until(late, is_done, seen)
    await late.disconnect()
    await first.disconnect()
    return run, seen


def test_metrics_are_written_in_batches_and_a_late_viewer_still_gets_them_all(small_spec, session_key, monkeypatch):
    writes = []
    record = records.run_record_metrics
    monkeypatch.setattr(
        records, "run_record_metrics", lambda run, frames: (writes.append(len(frames)), record(run, frames))[1]
    )
    monkeypatch.setattr(recorder, "STORE_EVERY_S", 3600.0)  # nothing is written until the run ends
    monkeypatch.setattr(recorder, "STORE_SOON_FRAMES", 0)
    run, seen = _joins_before_anything_is_stored(paced(small_spec, epochs=20), session_key)
    metrics = [f for f in seen if f["type"] == "metrics"]
    stored = list(RunFrame.objects.filter(run=run).values_list("payload", flat=True))
    assert writes == [len(stored)] and len(stored) >= 20  # one write for the whole run
    assert [f["seq"] for f in metrics] == list(range(1, len(stored) + 1))  # the gap filled from the database, in order
    assert metrics == stored and seen[-1]["type"] == "done"
