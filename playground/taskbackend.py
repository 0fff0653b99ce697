"""Task backends. InProcessBackend, the embedded default, runs tasks in the web process;
CeleryBackend (at the end) sends them to Celery workers. Both also answer a quick task while
the caller waits (ask(): predict), outside the runs' compute slots; see ask() below.

Like django.tasks' ImmediateBackend, but enqueue() returns at once: the task is
scheduled as a coroutine on the ASGI server's event loop, waits there for a compute
slot (playground.slots, PLAYGROUND_MAX_CONCURRENT_RUNS of them; waiting runs stay
"queued" and hold no thread), then runs in a thread of its own via sync_to_async.
The run lets its slot go while it is paused or sleeps between paced chunks, and waits
for one again before it computes, in its thread, which keeps its state: so a parked run
holds a thread (not one of asgiref's small default pool) but no slot. From that thread
asgiref routes async_to_sync back to the server loop, which the in-memory channel
layer needs: its asyncio queues belong to that loop.
"""

import asyncio
import logging
import threading
import weakref
from concurrent.futures import Executor, Future

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskResult, TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.json import normalize_json

from playground import slots

logger = logging.getLogger(__name__)

# Module state, not instance state: django.tasks builds one backend per context.
_server_loop = None
_private_loop = None
_private_lock = threading.Lock()
_slots = weakref.WeakKeyDictionary()  # loop -> slots.Slots for the runs scheduled on that loop
_pending = set()  # keep scheduled futures referenced until they finish


def remember_server_loop():
    """Called by playground.asgi on every connection (cheap); the latest live loop wins. The first
    one also has the engine loaded on a thread where runs train in this process (see warm)."""
    global _server_loop
    if _server_loop is None:
        warm()
    _server_loop = asyncio.get_running_loop()


def warm():
    """Where runs train in the web process (the embedded default), load the engine (JAX: a second or
    more) on a thread once the first page is served, so the first Train does not wait for it."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend.endswith(".InProcessBackend"):
        from playground import compute  # noqa: PLC0415 (the tasks' service; it imports JAX only when asked)

        threading.Thread(target=compute.load_engine, name="engine-warm", daemon=True).start()


def _usable(loop):
    return loop is not None and loop.is_running() and not loop.is_closed()


def _private():
    # Outside any server (a shell, a management command): one background loop thread.
    global _private_loop
    with _private_lock:
        if not _usable(_private_loop):
            _private_loop = asyncio.new_event_loop()
            threading.Thread(target=_private_loop.run_forever, name="playground-tasks", daemon=True).start()
        return _private_loop


def _target_loop():
    if _usable(_server_loop):
        return _server_loop
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return _private()


class _ThreadPerCall(Executor):
    """A thread for each call: a parked run keeps its thread for as long as it is paused,
    so runs must not share a bounded pool (asgiref's default one has cpu+4 threads)."""

    def submit(self, fn, /, *args, **kwargs):
        future = Future()

        def work():
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as exc:  # noqa: BLE001 (handed to the awaiting coroutine)
                    future.set_exception(exc)

        threading.Thread(target=work, name="playground-run", daemon=True).start()
        return future


_threads = _ThreadPerCall()


def run_slots(loop=None):
    """The compute slots of the runs scheduled on `loop` (default: the running one)."""
    loop = loop or asyncio.get_running_loop()
    if loop not in _slots:
        _slots[loop] = slots.Slots(settings.PLAYGROUND_MAX_CONCURRENT_RUNS)
    return _slots[loop]


async def _execute(task, args, kwargs):
    pool = run_slots()
    await pool.acquire_async()  # queued: a future on the loop, no thread
    slot = slots.RunSlot(pool, held=True)
    token = slots.current.set(slot)  # copied into the thread's context by sync_to_async
    try:
        await sync_to_async(task.call, thread_sensitive=False, executor=_threads)(*args, **kwargs)
    except Exception:
        logger.exception("task %s failed", task.module_path)
    finally:
        slots.current.reset(token)
        slot.release()  # the task returned early (the run was gone) or failed holding it


class NoAnswer(Exception):
    """ask(): no worker answered in time (none is running, or none took the task)."""


class TaskFailed(Exception):
    """ask(): the task raised on the worker; the message names the exception."""


def ask(task, *args, timeout, **kwargs):
    """Run a quick django.tasks task (playground.jobs.predict) where the runs train and wait up to
    `timeout` seconds for its return value: in a thread of this process (InProcessBackend), or on a
    Celery worker (CeleryBackend), never in a compute slot or a Celery pool thread, so an answer
    comes while every slot is busy training. Arguments and the answer are JSON. Raises NoAnswer
    when none comes in time. Other backends (the tests' DummyBackend, ImmediateBackend) run it
    here, in the caller's thread."""
    backend = task.get_backend()
    args, kwargs = normalize_json(args), normalize_json(kwargs)  # as they travel to a worker
    if isinstance(backend, (InProcessBackend, CeleryBackend)):
        backend.validate_task(task)
        return backend.ask(task, args, kwargs, timeout)
    return task.call(*args, **kwargs)


def _answer(task, args, kwargs):
    """A quick task in a thread of its own: it serves no request, so it closes its database
    connections itself."""
    try:
        return task.call(*args, **kwargs)
    finally:
        connections.close_all()


class InProcessBackend(BaseTaskBackend):
    def ask(self, task, args, kwargs, timeout):
        future = _threads.submit(_answer, task, args, kwargs)  # not a run slot: a predict never waits for one
        try:
            return future.result(timeout)
        except TimeoutError:
            raise NoAnswer from None

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        future = asyncio.run_coroutine_threadsafe(_execute(task, result.args, result.kwargs), _target_loop())
        _pending.add(future)
        future.add_done_callback(_pending.discard)
        return result


class CeleryBackend(BaseTaskBackend):
    """The scaled-out mode's backend (PLAYGROUND_TASK_BACKEND=playground.taskbackend.CeleryBackend):
    enqueue() sends the task to Celery's queue PLAYGROUND_TASK_QUEUE ("training") on the Redis
    broker, and `celery -A playground worker -Q training` runs it on any machine
    (playground/celery.py). The web process only publishes a message: no JAX, no training."""

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        from playground.celery import RUN_TASK, app  # noqa: PLC0415 (the embedded mode never loads Celery)

        result_id = get_random_string(32)
        result = TaskResult(
            task=task,
            id=result_id,
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        app.send_task(
            RUN_TASK,
            args=[task.module_path, result.args, result.kwargs],
            task_id=result_id,
            queue=settings.PLAYGROUND_TASK_QUEUE,
        )
        return result

    def ask(self, task, args, kwargs, timeout):
        """Through the broker's Redis to a thread of a worker that reads PLAYGROUND_TASK_QUEUE
        (playground.celery.ask): not through Celery, whose pool threads may all hold runs."""
        from playground.celery import ask  # noqa: PLC0415

        message = ask(task.module_path, args, kwargs, timeout)
        if message is None:
            raise NoAnswer
        if "error" in message:
            raise TaskFailed(message["error"])
        return message["result"]
