"""Task backends. InProcessBackend, the embedded default, runs tasks in the web process;
CeleryBackend (at the end) sends them to Celery workers.

Like django.tasks' ImmediateBackend, but enqueue() returns at once: the task is
scheduled as a coroutine on the ASGI server's event loop, waits on a semaphore
(PLAYGROUND_MAX_CONCURRENT_RUNS; waiting runs stay "queued"), then runs in a
worker thread via sync_to_async. From that thread asgiref routes async_to_sync
back to the server loop, which the in-memory channel layer needs: its asyncio
queues belong to that loop.
"""

import asyncio
import logging
import threading
import weakref

from asgiref.sync import sync_to_async
from django.conf import settings
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskResult, TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string

logger = logging.getLogger(__name__)

# Module state, not instance state: django.tasks builds one backend per context.
_server_loop = None
_private_loop = None
_private_lock = threading.Lock()
_semaphores = weakref.WeakKeyDictionary()  # loop -> asyncio.Semaphore (bound to that loop)
_pending = set()  # keep scheduled futures referenced until they finish


def remember_server_loop():
    """Called by playground.asgi on every connection (cheap); the latest live loop wins."""
    global _server_loop
    _server_loop = asyncio.get_running_loop()


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


async def _execute(task, args, kwargs):
    loop = asyncio.get_running_loop()
    semaphore = _semaphores.setdefault(loop, asyncio.Semaphore(settings.PLAYGROUND_MAX_CONCURRENT_RUNS))
    async with semaphore:
        try:
            await sync_to_async(task.call, thread_sensitive=False)(*args, **kwargs)
        except Exception:
            logger.exception("task %s failed", task.module_path)


class InProcessBackend(BaseTaskBackend):
    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        result = TaskResult(
            task=task, id=get_random_string(32), status=TaskResultStatus.READY, enqueued_at=None, started_at=None,
            last_attempted_at=None, finished_at=None, args=args, kwargs=kwargs, backend=self.alias, errors=[],
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
            task=task, id=result_id, status=TaskResultStatus.READY, enqueued_at=timezone.now(), started_at=None,
            last_attempted_at=None, finished_at=None, args=args, kwargs=kwargs, backend=self.alias, errors=[],
            worker_ids=[],
        )
        app.send_task(RUN_TASK, args=[task.module_path, result.args, result.kwargs], task_id=result_id,
                      queue=settings.PLAYGROUND_TASK_QUEUE)
        return result
