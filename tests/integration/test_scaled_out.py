"""The scaled-out mode end to end: runs created over HTTP execute on Celery worker processes and
stream through Redis to websocket viewers of a daphne process; controls reach the worker; faults
(SIGKILL, SIGTERM, a web restart, PostgreSQL unreachable for a while) lose no history and never
leave a run hanging as `running`; PostgreSQL unreachable for longer fails the run.

No timings are asserted here: `make load` (scripts/load.py) prints the latency figures."""

import asyncio
import signal
import time
from pathlib import Path

import pytest
import websockets

from tests.integration.stack import Client, is_status, is_type, run_async

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
    assert len(stored) >= 1 and stored == list(range(1, len(stored) + 1)) and seen[:len(stored)] == stored


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
