"""What keeps one run honest while its task trains it, wherever that runs (the web process
or a Celery worker):

- `db_retry`: a run's database write, retried while the database is briefly unreachable.
- `Heartbeat`: a thread that stamps Run.heartbeat while the run's task is alive, paused or not.
- `hold` / `stop_all`: the runs this process holds, so a worker told to shut down (SIGTERM)
  can stop each of them at its next chunk boundary.
- `RunLimits`: stops a run at its wall-clock limit, or once it has been paused, untouched,
  for the idle limit; `wait_for_slot`: a worker's run waits for a compute slot.

The reconciler, which fails runs whose worker is gone and sends lost tasks again, is
playground.supervision. Plain Django: no JAX, no Celery, and nothing that enqueues a task.
"""

import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, connections
from django.utils.translation import gettext_noop

from playground import records

logger = logging.getLogger(__name__)

SHUTDOWN_MESSAGE = gettext_noop(
    "The worker running it shut down, so the run stopped after its last chunk; "
    "its history and weights are kept. Train again to start it anew."
)


def db_retry(write, *args, **kwargs):
    """write(*args, **kwargs), retried with backoff for up to PLAYGROUND_DB_RETRY_S while the
    database is unreachable (OperationalError, InterfaceError), then raised. An IntegrityError on
    a retry means the attempt that lost its connection had been committed: nothing more to do."""
    deadline, delay, retried = time.monotonic() + settings.PLAYGROUND_DB_RETRY_S, 0.2, False
    while True:
        try:
            return write(*args, **kwargs)
        except IntegrityError:
            if not retried:
                raise
            return None
        except (OperationalError, InterfaceError) as exc:
            if time.monotonic() + delay > deadline:
                raise
            logger.warning("database unreachable (%s); retrying %s in %.1f s", str(exc).strip(), write.__name__, delay)
            connection.close()  # this thread's broken connection; the next try opens a fresh one
            time.sleep(delay)
            delay, retried = min(delay * 2, 2.0), True


class Heartbeat:
    """Stamps the run's heartbeat every PLAYGROUND_HEARTBEAT_S from a thread of its own, so a
    paused run (no frames, no writes) still looks alive. A failed stamp is logged and retried
    at the next beat: the reconciler only acts after PLAYGROUND_WORKER_LOST_AFTER_S."""

    def __init__(self, run):
        self.run, self.stopped = run, threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{run.pk}", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(timeout=30)  # a write stuck on a dead connection must not hold the run

    def _beat(self):
        try:
            while not self.stopped.wait(settings.PLAYGROUND_HEARTBEAT_S):
                try:
                    records.run_record_progress(self.run)
                except (OperationalError, InterfaceError) as exc:
                    logger.warning("run %s: heartbeat not written (%s)", self.run.pk, str(exc).strip())
                    connection.close()
        finally:
            connections.close_all()  # this thread's connections


# A run's stop messages are stored in English (Run.message) and translated where they are shown
# (playground.messages.run_message, which recognizes these templates and their parameters).
HOURS, AN_HOUR = gettext_noop("%(n)g hours"), gettext_noop("an hour")
MINUTES, SECONDS = gettext_noop("%(n)g minutes"), gettext_noop("%(n)g seconds")
WALL_CLOCK = gettext_noop(
    "This run reached the time limit of %(limit)s, so it was stopped; its history and weights "
    "are kept. Train again (a smaller network or fewer epochs) to go on."
)
IDLE = gettext_noop(
    "This run was paused for %(limit)s with no control from you, so it was stopped to free its place; "
    "its history and weights are kept."
)
# The reconciler's (playground.supervision), here beside the others: playground.messages reads them all
# from this module, which enqueues nothing.
LOST = gettext_noop(
    "Worker lost: the worker running this run stopped answering (no heartbeat for %(age)s s; "
    "killed, crashed or cut off). Its history up to the last saved point is kept; train again to continue."
)
RUN_MESSAGES = (WALL_CLOCK, IDLE, LOST, HOURS, MINUTES, SECONDS)


def _duration(seconds):
    if seconds >= 3600 and seconds % 3600 == 0:
        return HOURS % {"n": seconds / 3600} if seconds > 3600 else AN_HOUR
    if seconds >= 60:
        return MINUTES % {"n": round(seconds / 60, 1)}
    return SECONDS % {"n": round(seconds, 2)}


def wall_clock_message(seconds):
    return WALL_CLOCK % {"limit": _duration(seconds)}


def idle_message(seconds):
    return IDLE % {"limit": _duration(seconds)}


class RunLimits:
    """Stops a run (as stop_all does: a stop in its inbox, the reason kept in `held`) once it has
    run PLAYGROUND_RUN_WALL_CLOCK_S, or has been paused PLAYGROUND_RUN_IDLE_S with no control
    message (inbox.last_put). paused_since(): time.monotonic() when it paused, or None.
    Checks from a thread of its own; a limit of 0 is off."""

    def __init__(self, inbox, held, paused_since):
        self.inbox, self.held, self.paused_since = inbox, held, paused_since
        self.wall_s, self.idle_s = settings.PLAYGROUND_RUN_WALL_CLOCK_S, settings.PLAYGROUND_RUN_IDLE_S
        self.started, self.stopped = time.monotonic(), threading.Event()
        self.every = min(1.0, *(limit / 10 for limit in (self.wall_s, self.idle_s) if limit))
        self.thread = threading.Thread(target=self._watch, name="run-limits", daemon=True)

    def __enter__(self):
        if self.wall_s or self.idle_s:
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()

    def reason(self, now):
        if self.wall_s and now - self.started >= self.wall_s:
            return wall_clock_message(self.wall_s)
        since = self.paused_since()
        if self.idle_s and since is not None and now - max(since, self.inbox.last_put) >= self.idle_s:
            return idle_message(self.idle_s)
        return None

    def _watch(self):
        while not self.stopped.wait(self.every):
            if reason := self.reason(time.monotonic()):
                if not self.held.get("reason"):
                    self.held["reason"] = reason
                self.inbox.put({"action": "stop"})
                return


# Set when a Celery worker begins a warm shutdown: runs still waiting for a compute slot give up.
SHUTTING_DOWN = threading.Event()


def wait_for_slot(slot, poll_s=1.0):
    """Block until `slot` (a slots.RunSlot) is held: True; False (nothing held) if the worker
    shuts down meanwhile, leaving the run queued for another worker."""
    while not slot.acquire(timeout=poll_s):
        if SHUTTING_DOWN.is_set():
            return False
    if SHUTTING_DOWN.is_set():
        slot.release()
        return False
    return True


_held = {}  # run id -> (inbox, stop reason holder) of the runs this process is training
_held_lock = threading.Lock()


@contextmanager
def hold(run_id, inbox):
    """Register a run's control inbox for stop_all while its task runs. Yields a dict whose
    "reason" is set when the process asked the run to stop."""
    state = {"reason": None}
    with _held_lock:
        _held[run_id] = (inbox, state)
    try:
        yield state
    finally:
        with _held_lock:
            _held.pop(run_id, None)


def stop_all(reason=SHUTDOWN_MESSAGE):
    """Ask every run this process holds to stop at its next chunk boundary (a warm shutdown).
    Safe to call from a signal handler: it only puts to queues. Returns the run ids."""
    with _held_lock:
        held = list(_held.items())
    for _, (inbox, state) in held:
        state["reason"] = reason
        inbox.put({"action": "stop"})
    return [run_id for run_id, _ in held]
