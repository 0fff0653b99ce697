"""The scaled-out mode end to end: runs created over HTTP execute on Celery worker processes and
stream through Redis to websocket viewers of a daphne process; controls reach the worker; faults
(SIGKILL, SIGTERM, a web restart, PostgreSQL unreachable for a while) lose no history and never
leave a run hanging as `running`; PostgreSQL unreachable for longer fails the run.

No timings are asserted here: `make load` (scripts/load.py) prints the latency figures."""

import asyncio
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import websockets

from tests.conftest import example_spec
from tests.integration.stack import REDIS_URL, ROOT, Client, is_status, is_type, run_async

pytestmark = pytest.mark.timeout(150)

PACE = 200  # steps a second, in chunks of 20 steps: about 10 metrics frames a second


def seqs(frames):
    return [f["seq"] for f in frames if f["type"] == "metrics"]


def stored_seqs(client, run_id):
    detail = client.run(run_id)
    return detail, [m["seq"] for m in detail["metrics"]]


def metrics_from(seq):
    return lambda f: f["type"] == "metrics" and f["seq"] >= seq


async def stop(viewer):
    await viewer.send("stop")
    return await viewer.next(is_type("done"))


def test_a_run_streams_to_its_viewer_and_obeys_controls(live, paced_spec):
    client = Client(live.url)
    run = client.create_run(paced_spec, steps_per_second=PACE)

    async def scenario():
        viewer = await client.watch(run["id"])
        await viewer.next(is_type("metrics"), timeout=60)  # a cold worker imports JAX and compiles first
        for _ in range(5):  # each control reaches the worker, and its answer comes back
            await viewer.next(is_type("metrics"))
            await viewer.send("pause")
            await viewer.next(is_status("paused"))
            await viewer.send("resume")
            await viewer.next(is_status("running"))
        await viewer.send("pause")
        await viewer.next(is_status("paused"))
        last = viewer.of("metrics")[-1]["iteration"]
        await viewer.send("step")
        stepped = await viewer.next(is_type("metrics"))
        await viewer.send("resume")
        await viewer.send("set_learning_rate", 0.5)
        await viewer.next(lambda f: f["type"] == "metrics" and f["learning_rate"] == pytest.approx(0.5))
        done = await stop(viewer)
        await viewer.close()
        return viewer, last, stepped, done

    viewer, last, stepped, done = run_async(scenario())
    assert stepped["iteration"] == last + 1
    assert done["status"] == "stopped"
    seen = seqs(viewer.frames)
    assert seen == list(range(1, len(seen) + 1))  # none lost, none twice, in order
    detail, stored = stored_seqs(client, run["id"])
    assert detail["status"] == "stopped" and stored == seen
    # The training happened in the worker: the web process never even loaded JAX.
    assert "jaxlib" in Path(f"/proc/{live.workers[live.worker_of(run['id'])][0].pid}/maps").read_text()
    assert "jaxlib" not in Path(f"/proc/{live.web[0].pid}/maps").read_text()


def a_drawn_seven(size=64):
    rows = [[0] * size for _ in range(size)]
    for x in range(12, 52):
        rows[12][x] = 255
    for y in range(12, 56):
        rows[y][50 - (y - 12) // 2] = 255
    return rows


_digits = {}


def digits_run(stack):
    """A small digits CNN trained on a worker, and its owner (one per stack)."""
    if stack.tag not in _digits:
        client, spec = Client(stack.url), example_spec("digits_cnn")
        spec["dataset"]["samples"], spec["epochs"] = 300, 2
        run = client.create_run(spec)
        assert client.wait_until_finished(run["id"])["status"] == "completed"
        _digits[stack.tag] = client, run["id"]
    return _digits[stack.tag]


def heavy_maps(pid):
    maps = Path(f"/proc/{pid}/maps").read_text()
    return sorted({name for name in ("jaxlib", "xla_extension", "libjax") if name in maps})


def test_a_prediction_is_answered_by_a_worker_while_every_worker_trains(live, paced_spec):
    """Predict runs on a worker, not in daphne, and is answered while each worker's only pool thread
    (-c 1) holds a training run: a Celery message would wait for one."""
    client, digits = digits_run(live)
    busy = [client.create_run(paced_spec, steps_per_second=PACE) for _ in live.workers]

    async def scenario():
        viewers = [await client.watch(run["id"]) for run in busy]
        await asyncio.gather(*(v.next(is_type("metrics"), timeout=60) for v in viewers))
        timed = []
        for _ in range(3):  # the first one imports the engine's inference and compiles on its worker
            started = time.monotonic()
            timed.append(
                (
                    *await asyncio.to_thread(client.predict, digits, {"pixels": a_drawn_seven()}),
                    time.monotonic() - started,
                )
            )
        running = [client.run(run["id"])["status"] for run in busy]
        await asyncio.gather(*(stop(v) for v in viewers))
        return timed, running

    timed, running = run_async(scenario())
    print(
        "\npredict round trips, scaled out, every worker training: "
        + ", ".join(f"{t * 1000:.0f} ms" for *_, t in timed)
    )
    assert running == ["running", "running"] and {live.worker_of(run["id"]) for run in busy} == set(live.workers)
    for status, body, _ in timed:
        assert status == 200, body
        assert len(body["probabilities"]) == 10 and body["feature_maps"]["layers"] and body["iteration"] > 0
    assert sum(log.count("answered playground.jobs.predict") for log in map(live.log, live.workers)) >= 3
    assert heavy_maps(live.web[0].pid) == []  # the web process never loaded JAX


PREDICT_IN_A_FRESH_PROCESS = """
import json, os, sys, time
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
client.cookies["sessionid"] = os.environ["TEST_SESSION"]
started = time.monotonic()
response = client.post(os.environ["TEST_URL"], data=os.environ["TEST_BODY"], content_type="application/json")
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("jax", "jaxlib", "optax")
               or m in ("trainer.inference", "trainer.loop", "trainer.probes"))
print(json.dumps({"status": response.status_code, "body": response.json(), "took": time.monotonic() - started,
                  "heavy": heavy}))
"""


def predict_in_a_fresh_process(stack, client, run_id, **env):
    """The predict view in a new Python process with the stack's settings (Celery backend)."""
    session = next(c.value for c in client.jar if c.name == "sessionid")
    out = subprocess.run(
        [sys.executable, "-c", PREDICT_IN_A_FRESH_PROCESS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **stack.env,
            "TEST_SESSION": session,
            "TEST_URL": f"/api/runs/{run_id}/predict/",
            "TEST_BODY": json.dumps({"pixels": a_drawn_seven()}),
            **env,
        },
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_web_side_of_a_prediction_loads_no_jax_and_answers_503_when_no_worker_does(live):
    client, digits = digits_run(live)
    answered = predict_in_a_fresh_process(live, client, digits)
    assert answered["status"] == 200 and len(answered["body"]["probabilities"]) == 10
    assert answered["heavy"] == []  # the view asked a worker; it imported nothing of the engine's JAX side

    nobody = f"nobody.{live.tag}"  # a queue no worker reads
    refused = predict_in_a_fresh_process(
        live, client, digits, PLAYGROUND_TASK_QUEUE=nobody, PLAYGROUND_PREDICT_TIMEOUT_S="1.5"
    )
    print(
        f"\npredict in a fresh web process: {answered['took'] * 1000:.0f} ms; no worker: 503 after {refused['took']:.1f} s"
    )
    assert refused["status"] == 503 and refused["heavy"] == []
    assert refused["body"]["errors"][0]["message"] == "no worker answered within 1.5 s; try again in a moment"
    assert refused["took"] >= 1.5  # it waited out its timeout (a lower bound only: no clock limit in a test)
    assert redis.Redis.from_url(REDIS_URL).llen(f"playground.ask.{nobody}") == 0  # the request was withdrawn


def test_two_runs_on_two_workers_reach_only_their_own_viewers(live, paced_spec):
    alice, bob = Client(live.url), Client(live.url)
    run_a = alice.create_run(paced_spec, steps_per_second=PACE)
    run_b = bob.create_run({**paced_spec, "epochs": 1100}, steps_per_second=PACE)

    async def scenario():
        va, vb = await alice.watch(run_a["id"]), await bob.watch(run_b["id"])
        await asyncio.gather(va.next(metrics_from(10), timeout=60), vb.next(metrics_from(10), timeout=60))
        await asyncio.gather(stop(va), stop(vb))
        return va, vb

    va, vb = run_async(scenario())
    assert {live.worker_of(run_a["id"]), live.worker_of(run_b["id"])} == {"w1", "w2"}
    assert {f["total_steps"] for f in va.of("metrics")} == {10_000}
    assert {f["total_steps"] for f in vb.of("metrics")} == {11_000}
    for client, run, viewer in ((alice, run_a, va), (bob, run_b, vb)):
        assert stored_seqs(client, run["id"])[1] == seqs(viewer.frames)


def test_a_web_server_restart_loses_nothing(live, paced_spec):
    client = Client(live.url)
    run = client.create_run(paced_spec, steps_per_second=PACE)

    async def scenario():
        before = await client.watch(run["id"])
        await before.next(metrics_from(5), timeout=60)
        await asyncio.to_thread(live.stop_web)
        with pytest.raises(websockets.ConnectionClosed):
            await before.next(lambda frame: False, timeout=10)  # frames already on their way are read first
        await asyncio.to_thread(live.start_web)  # same port; the run went on meanwhile
        after = await client.watch(run["id"])  # as the page does: reconnect, replay, then live
        await after.next(metrics_from(seqs(before.frames)[-1] + 10), timeout=30)
        await stop(after)
        return before, after

    before, after = run_async(scenario())
    seen_before, seen_after = seqs(before.frames), seqs(after.frames)
    assert seen_after == list(range(1, len(seen_after) + 1)) and seen_after[: len(seen_before)] == seen_before
    assert stored_seqs(client, run["id"])[1] == seen_after


def test_postgres_unreachable_for_a_while_loses_no_history(live, paced_spec):
    client = Client(live.url)
    run = client.create_run(paced_spec, steps_per_second=PACE)

    async def scenario():
        viewer = await client.watch(run["id"])
        await viewer.next(metrics_from(5), timeout=60)
        worker = live.worker_of(run["id"])
        since = len(live.log(worker))
        live.proxy.cut()  # the workers' connections drop; new ones are refused until restore()
        try:  # the run's writes fail and retry (for PLAYGROUND_DB_RETRY_S, 25 s) ...
            await asyncio.to_thread(live.wait_for_log, worker, "database unreachable", since)
        finally:
            live.proxy.restore()  # ... and succeed once the database is back
        await viewer.next(metrics_from(seqs(viewer.frames)[-1] + 10), timeout=30)  # it carried on
        done = await stop(viewer)
        return viewer, done

    viewer, done = run_async(scenario())
    assert done["status"] == "stopped"
    detail, stored = stored_seqs(client, run["id"])
    seen = seqs(viewer.frames)
    assert detail["status"] == "stopped" and seen == list(range(1, len(seen) + 1)) and stored == seen


def test_sigterm_stops_the_run_after_its_chunk_and_keeps_it(live, paced_spec):
    client = Client(live.url)
    run = client.create_run(paced_spec, steps_per_second=PACE)

    async def scenario():
        viewer = await client.watch(run["id"])
        await viewer.next(metrics_from(5), timeout=60)
        started = time.monotonic()
        code = await asyncio.to_thread(live.stop_worker, live.worker_of(run["id"]), signal.SIGTERM, 60)
        took = time.monotonic() - started
        stopped = await viewer.next(is_status("stopped"), timeout=5)
        done = await viewer.next(is_type("done"), timeout=5)
        return viewer, code, took, stopped, done

    viewer, code, took, stopped, done = run_async(scenario())
    print(f"\nSIGTERM: the worker stopped its run and exited (code {code}) in {took:.1f} s")
    assert code == 0 and "shut down" in stopped["message"] and done["status"] == "stopped"
    assert done.get("message", stopped["message"]) == stopped["message"]
    detail, stored = stored_seqs(client, run["id"])
    assert detail["status"] == "stopped" and detail["message"] == stopped["message"]
    assert stored == seqs(viewer.frames) and detail["final"]["steps"] >= viewer.of("metrics")[-1]["iteration"]


def test_sigkill_fails_the_run_within_a_minute_and_keeps_its_history(live, paced_spec):
    client = Client(live.url)
    run = client.create_run(paced_spec, steps_per_second=PACE)

    async def scenario():
        viewer = await client.watch(run["id"])
        await viewer.next(metrics_from(5), timeout=60)
        await asyncio.to_thread(live.stop_worker, live.worker_of(run["id"]), signal.SIGKILL)
        # Told by the other worker's reconciler (heartbeat every 1 s here, lost after 6 s).
        failed = await viewer.next(is_status("failed"), timeout=60)
        done = await viewer.next(is_type("done"), timeout=5)
        return viewer, failed, done

    viewer, failed, done = run_async(scenario())
    assert failed["message"].startswith("Worker lost") and done["status"] == "failed"
    detail, stored = stored_seqs(client, run["id"])
    assert detail["status"] == "failed" and detail["message"] == failed["message"]
    # Metrics frames are written once a second: what a killed worker had not written yet (at most
    # its last second) is lost; what was written is the start of what the viewer saw, with no gap.
    seen = seqs(viewer.frames)
    assert len(stored) >= 1 and stored == list(range(1, len(stored) + 1)) and seen[: len(stored)] == stored


def test_postgres_unreachable_for_longer_fails_the_run_and_the_worker_goes_on(impatient, paced_spec):
    client = Client(impatient.url)
    run = client.create_run(paced_spec, steps_per_second=PACE)

    async def scenario():
        viewer = await client.watch(run["id"])
        await viewer.next(metrics_from(5), timeout=60)
        since = len(impatient.log("impatient"))
        impatient.proxy.cut()  # until the run's retries have given up
        try:
            await asyncio.to_thread(impatient.wait_for_log, "impatient", f"run {run['id']} failed", since, 60)
        finally:
            impatient.proxy.restore()
        # The worker stores the failure once the database is back, or (if its own retry gave up too)
        # a reconciler fails the run whose heartbeat stopped: either way its viewers are told.
        failed = await viewer.next(is_status("failed"), timeout=60)
        done = await viewer.next(is_type("done"), timeout=10)
        return viewer, failed, done

    viewer, failed, done = run_async(scenario())
    assert done["status"] == "failed" and failed["message"].startswith(("OperationalError", "Worker lost"))
    detail, stored = stored_seqs(client, run["id"])
    assert detail["status"] == "failed" and detail["message"] == failed["message"]
    assert stored == list(range(1, len(stored) + 1)) and seqs(viewer.frames) == stored  # its history up to the outage

    second = client.create_run(paced_spec, steps_per_second=PACE)  # the worker took up the queue again

    async def second_run():
        viewer = await client.watch(second["id"])
        await viewer.next(is_type("metrics"), timeout=60)
        return await stop(viewer)

    assert run_async(second_run())["status"] == "stopped"
