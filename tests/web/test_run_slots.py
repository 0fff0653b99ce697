"""Fair use of the in-process backend's compute slots, and the run limits (wall clock, idle
while paused), with real runs on the test's event loop as under daphne."""

import asyncio
import threading
import time

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db.models import Count
from django.tasks import task

from playground import runguard, services, slots, streams
from playground.models import Run
from tests.web.test_consumer import scenario

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]


@pytest.fixture(autouse=True)
def in_process_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "playground.taskbackend.InProcessBackend"}}


@database_sync_to_async
def _runs(ids):
    return {run.pk: run for run in Run.objects.filter(pk__in=ids).annotate(n_frames=Count("frames"))}


async def wait_until(ids, condition, timeout=60):
    """Poll the runs' rows until condition({id: Run}) holds; returns them."""
    deadline = time.monotonic() + timeout
    while not condition(runs := await _runs(ids)):
        assert time.monotonic() < deadline, {pk: (r.status, r.message) for pk, r in runs.items()}
        await asyncio.sleep(0.05)
    return runs


async def tasks_ended(timeout=60):
    """The runs' threads finish after the final status is stored (a short run's snapshot replay)."""
    deadline = time.monotonic() + timeout
    while any(t.name == "playground-run" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "a run's task never ended"
        await asyncio.sleep(0.05)


def statuses(*wanted):
    return lambda runs: sorted(r.status for r in runs.values()) == sorted(wanted)


async def control(run_id, action):
    await get_channel_layer().send(streams.control_channel(run_id), streams.control_message({"action": action}))


@scenario
async def _two_parked_and_one_training(spec, session_key):
    create = database_sync_to_async(services.run_create)
    parked = [await create(spec, session_key=session_key, paused=True) for _ in range(2)]
    ids = [run.pk for run in parked]
    await wait_until(ids, statuses("paused", "paused"))  # both compiled, then let their slots go
    third = await create(spec, session_key=session_key)
    runs = await wait_until([*ids, third.pk], lambda runs: runs[third.pk].status == "completed")
    untouched = {pk: (runs[pk].status, runs[pk].n_frames) for pk in ids}
    for pk in ids:
        await control(pk, "resume")
    resumed = await wait_until(ids, statuses("completed", "completed"))
    await tasks_ended()
    return untouched, runs[third.pk], resumed


def test_paused_runs_hold_no_slot_so_a_third_run_trains_and_they_resume_later(small_spec, session_key, settings):
    settings.PLAYGROUND_MAX_CONCURRENT_RUNS = 2
    untouched, third, resumed = _two_parked_and_one_training(small_spec, session_key)
    assert third.final_metrics["steps"] == 200
    assert untouched == {pk: ("paused", 0) for pk in untouched}  # still paused, not one step taken
    assert all(run.final_metrics["steps"] == 200 for run in resumed.values())


@scenario
async def _idle(spec, session_key):
    run = await database_sync_to_async(services.run_create)(spec, session_key=session_key, paused=True)
    stopped = (await wait_until([run.pk], lambda runs: runs[run.pk].status == "stopped"))[run.pk]
    await tasks_ended()
    return stopped


def test_a_run_paused_too_long_with_no_control_is_stopped_and_kept(small_spec, session_key, settings):
    settings.PLAYGROUND_RUN_IDLE_S = 0.5
    run = _idle(small_spec, session_key)
    assert run.message == runguard.idle_message(0.5) and "paused for 0.5 seconds" in run.message
    assert run.weights and run.final_metrics["steps"] == 0  # saved as it was


@scenario
async def _too_long(spec, session_key):
    run = await database_sync_to_async(services.run_create)(spec, session_key=session_key, steps_per_second=50)
    stopped = (await wait_until([run.pk], lambda runs: runs[run.pk].status == "stopped"))[run.pk]
    await tasks_ended()
    return stopped


def test_a_run_past_its_wall_clock_limit_is_stopped_and_kept(small_spec, session_key, settings):
    settings.PLAYGROUND_RUN_WALL_CLOCK_S = 1.5
    run = _too_long({**small_spec, "epochs": 1000}, session_key)
    assert run.message == runguard.wall_clock_message(1.5) and "time limit" in run.message
    assert run.weights and 0 < run.final_metrics["steps"] < 10_000 and run.n_frames > 0


def test_slots_go_first_come_first_served_to_threads_and_coroutines():
    pool, order = slots.Slots(1), []
    assert pool.acquire(timeout=0) and not pool.acquire(timeout=0.01)  # none free: the time runs out

    def in_thread():
        assert pool.acquire(timeout=30)
        order.append("thread")
        pool.release()

    async def body():
        thread = threading.Thread(target=in_thread)
        thread.start()
        while not pool.waiters:  # the thread queued first
            await asyncio.sleep(0.01)
        waiting = asyncio.ensure_future(pool.acquire_async())
        await asyncio.sleep(0)
        pool.release()  # to the thread, which passes it on to the coroutine
        await asyncio.wait_for(waiting, 30)
        order.append("coroutine")
        thread.join()
        pool.release()

    asyncio.run(body())
    assert order == ["thread", "coroutine"] and pool.in_use == 0


def test_a_worker_run_waits_for_its_compute_slot_unless_the_worker_shuts_down():
    from playground.celery import run_task

    pool = slots.Slots(1)
    assert runguard.wait_for_slot(slots.RunSlot(pool)) and pool.in_use == 1
    runguard.SHUTTING_DOWN.set()
    try:
        assert runguard.wait_for_slot(slots.RunSlot(pool), poll_s=0.01) is False  # stays queued, sent again
    finally:
        runguard.SHUTTING_DOWN.clear()
    with pytest.MonkeyPatch.context() as patch:  # the worker hands its task a slot of its own pool
        patch.setattr("django.utils.module_loading.import_string", lambda path: _spy)
        run_task.run("playground.jobs.train_run", [0], {})
    assert isinstance(_seen[0], slots.RunSlot) and _seen[0].slots.size == 2 and slots.current.get() is None


_seen = []


@task
def _spy(run_id):
    _seen.append(slots.current.get())
