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
- answers quick tasks (predict: playground.taskbackend.ask) in PLAYGROUND_WORKER_PREDICT_THREADS
  threads of its own, outside Celery's pool and the compute slots, so a prediction is answered
  while every slot trains; they wait on a Redis list of the broker for each queue the worker reads;
- fails orphaned runs: at start-up and every PLAYGROUND_RECONCILE_EVERY_S, running runs whose
  heartbeat is older than PLAYGROUND_WORKER_LOST_AFTER_S ("worker lost", playground.supervision);
- on a warm shutdown (SIGTERM) asks its runs to stop at their next chunk boundary; each is
  stored as `stopped` with its history and weights, then the worker exits. Not handed back
  to the queue: the engine cannot resume a run mid-way, so a requeued run would start over
  from step 0 under the same id, rewriting the history its viewers already saw.
"""

import json
import logging
import os
import threading
import time

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
    task = _playground_task(module_path)
    logger.info("%s: %s%r", run_task.request.hostname, module_path, tuple(args))
    token = slots.current.set(slots.RunSlot(_compute_slots()))  # the run task waits for one
    try:
        task.call(*args, **kwargs)
    finally:
        slots.current.reset(token)


def _playground_task(module_path):
    from django.tasks import Task  # noqa: PLC0415 (Django is set up by the time a task runs)
    from django.utils.module_loading import import_string  # noqa: PLC0415

    if not module_path.startswith("playground."):
        raise ValueError(f"refusing to run {module_path!r}: not a playground task")
    task = import_string(module_path)
    if not isinstance(task, Task):
        raise ValueError(f"{module_path!r} is not a django.tasks Task")
    return task


_slots, _slots_lock = None, threading.Lock()


def _compute_slots():
    global _slots
    from django.conf import settings  # noqa: PLC0415

    with _slots_lock:
        if _slots is None:
            _slots = slots.Slots(settings.PLAYGROUND_WORKER_CONCURRENCY)
        return _slots


# --- Quick tasks (predict): playground.taskbackend.ask() through CeleryBackend ---
# Not Celery messages: a worker's pool threads may all hold runs, and a prediction must not wait
# for one. The request goes on a Redis list of the broker, ask_key(queue), that threads of every
# worker reading that queue wait on (answer_forever); the answer comes back on a list of its own.
# A request no worker took in time is withdrawn; one taken too late is dropped, and an answer
# nobody waits for any longer expires.

ASK_KEEP_S = 60  # a request list no worker reads, or a reply nobody reads, expires after this


def ask_key(queue):
    """The Redis list of the quick tasks for the workers that read Celery queue `queue`."""
    return f"playground.ask.{queue}"


_client, _client_lock = None, threading.Lock()


def redis_client():
    """This process's client of the broker's Redis (its pool is thread-safe)."""
    global _client
    import redis  # noqa: PLC0415

    with _client_lock:
        if _client is None:
            _client = redis.Redis.from_url(app.conf.broker_url, socket_connect_timeout=2, health_check_interval=10)
        return _client


def ask(module_path, args, kwargs, timeout):
    """The caller's half: send the task to PLAYGROUND_TASK_QUEUE's workers and wait up to `timeout`
    seconds. Returns {"result": ...} or {"error": "..."}; None when no answer came (or Redis is away)."""
    import redis  # noqa: PLC0415
    from django.conf import settings  # noqa: PLC0415
    from django.utils.crypto import get_random_string  # noqa: PLC0415

    key, client = ask_key(settings.PLAYGROUND_TASK_QUEUE), redis_client()
    reply = f"{key}.reply.{get_random_string(24)}"
    request = json.dumps(
        {"task": module_path, "args": args, "kwargs": kwargs, "reply": reply, "deadline": time.time() + timeout}
    )
    try:
        with client.pipeline() as pipe:
            pipe.rpush(key, request).expire(key, ASK_KEEP_S).execute()
        got = client.blpop([reply], timeout=timeout)
        if got is None:
            client.lrem(key, 1, request)  # still waiting: nobody will take it now
            return None
    except redis.RedisError as exc:
        logger.warning("ask %s: Redis: %s", module_path, exc)
        return None
    return json.loads(got[1])


def _answer(task, args, kwargs):
    try:
        return {"result": task.call(*args, **kwargs)}
    finally:
        from django.db import connections  # noqa: PLC0415

        connections.close_all()  # this thread serves no request; a run's database may restart meanwhile


def answer_forever(keys, stop):
    """The worker's half: answer the requests waiting on the Redis lists `keys` until `stop` is
    set, one at a time, in this thread. A request whose caller gave up is dropped."""
    import redis  # noqa: PLC0415
    from django.core.serializers.json import DjangoJSONEncoder  # noqa: PLC0415

    client = redis_client()
    while not stop.is_set():
        try:
            got = client.blpop(keys, timeout=1)
        except redis.RedisError as exc:  # Redis restarting: wait for it, as the broker connection does
            logger.warning("quick tasks: Redis: %s", exc)
            stop.wait(1)
            continue
        if got is None:
            continue
        try:
            request = json.loads(got[1])
            reply, deadline = request["reply"], float(request["deadline"])
            if not reply.startswith(got[0].decode() + ".reply."):
                raise ValueError(f"reply list {reply!r} is not one of {got[0]!r}")
        except (ValueError, TypeError, KeyError) as exc:
            logger.error("quick tasks: a malformed request on %s: %s", got[0], exc)
            continue
        if time.time() > deadline:
            logger.warning("quick tasks: %s came after its caller gave up; dropped", request.get("task"))
            continue
        started = time.monotonic()
        try:
            message = json.dumps(
                _answer(_playground_task(request["task"]), request["args"], request["kwargs"]), cls=DjangoJSONEncoder
            )
        except Exception as exc:  # the caller is told (TaskFailed); the thread goes on
            logger.exception("quick task %s failed", request.get("task"))
            message = json.dumps({"error": f"{type(exc).__name__}: {exc}"})
        try:
            with client.pipeline() as pipe:
                pipe.rpush(reply, message).expire(reply, ASK_KEEP_S).execute()
        except redis.RedisError as exc:
            logger.warning("quick tasks: could not answer %s: %s", request["task"], exc)
        logger.info("answered %s%r in %.2f s", request["task"], tuple(request["args"]), time.monotonic() - started)


_reconciler_stop = threading.Event()
_answering_stop = threading.Event()


@signals.worker_ready.connect
def _start_reconciler(sender=None, **kwargs):
    from playground import supervision  # noqa: PLC0415

    threading.Thread(
        target=supervision.reconcile_forever, kwargs={"stop": _reconciler_stop}, name="reconcile-lost-runs", daemon=True
    ).start()


@signals.worker_ready.connect
def _start_answering(sender=None, **kwargs):
    from django.conf import settings  # noqa: PLC0415

    keys = [ask_key(queue) for queue in sorted(app.amqp.queues.consume_from)]  # the queues of -Q
    for i in range(settings.PLAYGROUND_WORKER_PREDICT_THREADS):
        threading.Thread(
            target=answer_forever, args=(keys, _answering_stop), name=f"quick-tasks-{i}", daemon=True
        ).start()
    logger.info("answering quick tasks on %s", ", ".join(keys))


@signals.worker_shutting_down.connect
def _stop_runs(sig=None, how=None, **kwargs):
    """SIGTERM (warm shutdown): Celery stops taking tasks and waits for the running ones,
    which this makes short."""
    from playground import runguard  # noqa: PLC0415

    _reconciler_stop.set()
    _answering_stop.set()  # predictions in flight finish; no new ones are taken
    runguard.SHUTTING_DOWN.set()  # runs waiting for a compute slot give up and stay queued
    stopped = runguard.stop_all()
    if stopped:
        logger.warning("%s shutdown: stopping runs %s at their next chunk", how, stopped)
