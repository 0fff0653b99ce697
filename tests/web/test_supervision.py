"""The scaled-out mode's pieces that need no PostgreSQL, Redis or worker process: database
retries, the lost-worker reconciler, the shutdown registry, the Celery task backend, the
per-owner run limit. tests/integration drives the real processes."""

import json
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, OperationalError
from django.utils import timezone

from playground import jobs, ratelimits, records, runguard, services, streams, supervision
from playground.models import Run

pytestmark = pytest.mark.django_db


class Flaky:
    """A database write that fails with the given errors first, then returns "ok"."""

    def __init__(self, *errors):
        self.errors, self.calls = list(errors), 0
        self.__name__ = "flaky_write"

    def __call__(self):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def test_db_retry_waits_out_a_database_outage(settings):
    settings.PLAYGROUND_DB_RETRY_S = 5
    write = Flaky(OperationalError("server closed the connection"), OperationalError("connection refused"))
    assert runguard.db_retry(write) == "ok" and write.calls == 3


def test_db_retry_gives_up_after_its_window(settings):
    settings.PLAYGROUND_DB_RETRY_S = 0.5
    write = Flaky(*[OperationalError("connection refused")] * 100)
    with pytest.raises(OperationalError):
        runguard.db_retry(write)
    assert 2 <= write.calls < 10


def test_db_retry_takes_a_duplicate_after_a_lost_reply_as_done(settings):
    settings.PLAYGROUND_DB_RETRY_S = 5
    assert runguard.db_retry(Flaky(OperationalError("lost"), IntegrityError("duplicate"))) is None
    with pytest.raises(IntegrityError):  # a duplicate on the first try is a real error
        runguard.db_retry(Flaky(IntegrityError("duplicate")))


class RecordingLayer:
    def __init__(self):
        self.sent = []

    async def group_send(self, group, message):
        self.sent.extend((group, frame) for frame in message["frames"])


def test_reconcile_fails_only_runs_whose_heartbeat_stopped_and_tells_their_viewers(make_run, small_spec, monkeypatch):
    layer = RecordingLayer()
    monkeypatch.setattr(supervision, "get_channel_layer", lambda: layer)
    lost, alive, paused_lost, queued, finished = (make_run(small_spec) for _ in range(5))
    for run in (lost, alive, paused_lost, finished):
        records.run_start(run.pk)
    records.run_finish(finished, status="completed")
    old = timezone.now() - timedelta(seconds=django_settings.PLAYGROUND_WORKER_LOST_AFTER_S + 5)
    Run.objects.filter(pk__in=[lost.pk, paused_lost.pk, finished.pk]).update(heartbeat=old)
    Run.objects.filter(pk=paused_lost.pk).update(status="paused")

    assert sorted(supervision.reconcile_lost()) == sorted([lost.pk, paused_lost.pk])
    statuses = dict(Run.objects.values_list("pk", "status"))
    assert statuses == {
        lost.pk: "failed",
        alive.pk: "running",
        paused_lost.pk: "failed",
        queued.pk: "queued",
        finished.pk: "completed",
    }
    message = Run.objects.get(pk=lost.pk).message
    assert message.startswith("Worker lost") and "history" in message
    told = [frame for group, frame in layer.sent if group == streams.group_name(lost.pk)]
    assert told == [
        {"type": "status", "status": "failed", "message": message},
        {"type": "done", "status": "failed", "metrics": {}, "message": message},
    ]
    assert {group for group, _ in layer.sent} == {streams.group_name(lost.pk), streams.group_name(paused_lost.pk)}
    assert supervision.reconcile_lost() == []  # once


def test_reconcile_command_lost_only(make_run, small_spec, capsys):
    fresh = make_run(small_spec)
    records.run_start(fresh.pk)
    call_command("reconcile", "--lost")
    assert "0 runs without a heartbeat" in capsys.readouterr().out
    assert Run.objects.get(pk=fresh.pk).status == "running"
    with pytest.raises(CommandError):
        call_command("reconcile", "--every", "5")


def test_default_clocks_fail_a_lost_run_within_a_minute():
    worst = (
        django_settings.PLAYGROUND_HEARTBEAT_S
        + django_settings.PLAYGROUND_WORKER_LOST_AFTER_S
        + django_settings.PLAYGROUND_RECONCILE_EVERY_S
    )
    assert worst <= 60
    # a run waiting out a database outage is not declared lost while it still retries
    assert django_settings.PLAYGROUND_DB_RETRY_S < django_settings.PLAYGROUND_WORKER_LOST_AFTER_S


def test_stop_all_asks_each_held_run_to_stop_with_the_reason():
    import queue

    first, second = queue.Queue(), queue.Queue()
    with runguard.hold(1, first) as one, runguard.hold(2, second) as two:
        assert sorted(runguard.stop_all("going down")) == [1, 2]
        assert first.get_nowait() == second.get_nowait() == {"action": "stop"}
        assert one["reason"] == two["reason"] == "going down"
    assert runguard.stop_all() == []


def test_celery_backend_sends_the_run_to_the_training_queue(settings, monkeypatch, make_run, small_spec):
    from playground import celery

    settings.TASKS = {"default": {"BACKEND": "playground.taskbackend.CeleryBackend"}}
    sent = []
    monkeypatch.setattr(celery.app, "send_task", lambda name, **kw: sent.append((name, kw)))
    result = jobs.train_run.enqueue(42)
    ((name, options),) = sent
    assert name == "playground.run_task" and options["queue"] == "training" and options["task_id"] == result.id
    assert options["args"] == ["playground.jobs.train_run", [42], {}]
    json.dumps(options["args"])  # what goes over the broker is plain JSON


def test_the_worker_task_runs_only_playground_tasks():
    from playground.celery import run_task

    with pytest.raises(ValueError, match="not a playground task"):
        run_task.run("os.system", ["true"], {})
    with pytest.raises(ValueError, match="not a django.tasks Task"):
        run_task.run("playground.services.runs_reconcile", [], {})


def test_an_owner_may_have_only_so_many_runs_going(settings, client, small_spec, make_run):
    settings.PLAYGROUND_MAX_ACTIVE_RUNS_ANONYMOUS = 2
    first, _ = make_run(small_spec), make_run(small_spec)
    with pytest.raises(ratelimits.RunLimitReached):
        make_run(small_spec)
    make_run(small_spec, key="another-session")  # others are not counted
    records.run_finish(first, status="completed")
    make_run(small_spec)  # one finished: room again
    answers = [client.post("/api/runs/", small_spec, content_type="application/json") for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert "2 runs going" in answers[2].json()["error"] and answers[2]["Retry-After"]


def test_reconcile_sends_again_the_tasks_of_runs_queued_too_long(
    settings, monkeypatch, make_run, small_spec, django_capture_on_commit_callbacks
):
    from types import SimpleNamespace

    sent = []
    monkeypatch.setattr(services, "jobs", SimpleNamespace(train_run=SimpleNamespace(enqueue=sent.append)))
    with django_capture_on_commit_callbacks(execute=True):
        created = make_run(small_spec)
    assert sent == [created.pk] and Run.objects.get(pk=created.pk).enqueued is not None  # stamped when sent
    sent.clear()
    supervision.reconcile_lost()
    assert sent == []  # just sent: not again
    waiting, fresh, started, legacy = (make_run(small_spec) for _ in range(4))
    records.run_start(started.pk)
    long_ago = timezone.now() - timedelta(seconds=settings.PLAYGROUND_REQUEUE_AFTER_S + 5)
    Run.objects.filter(pk__in=[waiting.pk, started.pk]).update(enqueued=long_ago)
    Run.objects.filter(pk=fresh.pk).update(enqueued=timezone.now())
    Run.objects.filter(pk=legacy.pk).update(enqueued=None, created=long_ago)  # queued before runs were stamped
    supervision.reconcile_lost()
    assert sorted(sent) == sorted([waiting.pk, legacy.pk])  # a lost message: sent again; the others left alone
    assert Run.objects.get(pk=waiting.pk).enqueued > long_ago
    supervision.reconcile_lost()
    assert len(sent) == 2  # not again until another PLAYGROUND_REQUEUE_AFTER_S has passed
    assert records.run_start(waiting.pk) is not None and records.run_start(waiting.pk) is None  # one copy starts it
