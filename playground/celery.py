"""The Celery app of the scaled-out mode: `celery -A playground worker -Q training`.

playground.taskbackend.CeleryBackend sends each django.tasks task (the run task,
playground.jobs.train_run) as one Celery message, `playground.run_task`, naming the task by
its module path; a worker imports and calls it. Configuration comes from Django's settings
(the CELERY_* names in playground/settings/base.py): Redis broker, a pool of threads,
late acks with a prefetch of one.

Compute slots: a worker holds up to CELERY_WORKER_CONCURRENCY runs (threads, PLAYGROUND_WORKER_RUNS),
of which PLAYGROUND_WORKER_CONCURRENCY compute at once (playground.slots, as in the embedded
mode): a paused run, or a paced one between chunks, lets its slot go and keeps its thread. A run
waiting for a slot stays `queued`; if it waits longer than PLAYGROUND_REQUEUE_AFTER_S, the
reconciler sends it again and whichever worker starts it first trains it.

Each worker also
- fails orphaned runs: at start-up and every PLAYGROUND_RECONCILE_EVERY_S, running runs whose
  heartbeat is older than PLAYGROUND_WORKER_LOST_AFTER_S ("worker lost", playground.supervision);
- on a warm shutdown (SIGTERM) asks its runs to stop at their next chunk boundary; each is
  stored as `stopped` with its history and weights, then the worker exits. Not handed back
  to the queue: the engine cannot resume a run mid-way, so a requeued run would start over
  from step 0 under the same id, rewriting the history its viewers already saw.
"""

import logging
import os
import threading

from celery import Celery, signals

from playground import slots

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings.dev")

logger = logging.getLogger("playground.celery")
RUN_TASK = "playground.run_task"

app = Celery("playground")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name=RUN_TASK)
def run_task(module_path, args, kwargs):
    """Run the django.tasks Task at `module_path` (only playground's own tasks)."""
    from django.tasks import Task  # noqa: PLC0415 (Django is set up by the time a task runs)
    from django.utils.module_loading import import_string  # noqa: PLC0415

    if not module_path.startswith("playground."):
        raise ValueError(f"refusing to run {module_path!r}: not a playground task")
    task = import_string(module_path)
    if not isinstance(task, Task):
        raise ValueError(f"{module_path!r} is not a django.tasks Task")
    logger.info("%s: %s%r", run_task.request.hostname, module_path, tuple(args))
    token = slots.current.set(slots.RunSlot(_compute_slots()))  # the run task waits for one
    try:
        task.call(*args, **kwargs)
    finally:
        slots.current.reset(token)


_slots, _slots_lock = None, threading.Lock()


def _compute_slots():
    global _slots
    from django.conf import settings  # noqa: PLC0415

    with _slots_lock:
        if _slots is None:
            _slots = slots.Slots(settings.PLAYGROUND_WORKER_CONCURRENCY)
        return _slots


_reconciler_stop = threading.Event()


@signals.worker_ready.connect
def _start_reconciler(sender=None, **kwargs):
    from playground import supervision  # noqa: PLC0415

    threading.Thread(target=supervision.reconcile_forever, kwargs={"stop": _reconciler_stop},
                     name="reconcile-lost-runs", daemon=True).start()


@signals.worker_shutting_down.connect
def _stop_runs(sig=None, how=None, **kwargs):
    """SIGTERM (warm shutdown): Celery stops taking tasks and waits for the running ones,
    which this makes short."""
    from playground import runguard  # noqa: PLC0415

    _reconciler_stop.set()
    runguard.SHUTTING_DOWN.set()  # runs waiting for a compute slot give up and stay queued
    stopped = runguard.stop_all()
    if stopped:
        logger.warning("%s shutdown: stopping runs %s at their next chunk", how, stopped)
