"""Compute slots: at most N runs of a process train at once; the others wait for a slot.

A run holds a slot only while it computes: paused, or sleeping between paced chunks,
it lets the slot go (trainer.loop does, through the RunSlot it is handed) and keeps its
state in its thread. Slots are handed over first come, first served, to a waiting thread
(threading.Event) or a waiting coroutine (an asyncio future: the in-process backend
keeps queued runs on the event loop, with no thread until they have a slot).

Plain Python: no Django, no JAX.
"""

import asyncio
import collections
import contextvars
import threading

# The slot of the run the current task executes (set by the task backend or the Celery
# worker around the task; contextvars travel into sync_to_async's thread).
current = contextvars.ContextVar("playground_run_slot", default=None)


class Slots:
    """A fair counting semaphore usable from threads and from coroutines alike."""

    def __init__(self, size):
        self.free, self.size = max(1, int(size)), max(1, int(size))
        self.waiters = collections.deque()  # threading.Event | asyncio.Future, oldest first
        self.lock = threading.Lock()

    def _take(self, waiter):
        """Take a free slot now (True), or queue `waiter` (False). Under the lock."""
        if self.free and not self.waiters:
            self.free -= 1
            return True
        self.waiters.append(waiter)
        return False

    def acquire(self, timeout=None):
        """Block this thread until it holds a slot (True), or `timeout` seconds pass (False)."""
        event = threading.Event()
        with self.lock:
            if self._take(event):
                return True
        if event.wait(timeout):
            return True
        with self.lock:
            if event.is_set():  # handed over as the time ran out
                return True
            self.waiters.remove(event)
            return False

    async def acquire_async(self):
        """Wait on the event loop (no thread) until this coroutine holds a slot."""
        future = asyncio.get_running_loop().create_future()
        with self.lock:
            if self._take(future):
                return
        try:
            await future
        except asyncio.CancelledError:
            with self.lock:
                if future in self.waiters:
                    self.waiters.remove(future)
                    raise
            if future.done() and not future.cancelled():
                self.release()  # handed over just as it was cancelled: pass it on
            raise

    def release(self):
        """Give a slot back: to the oldest waiter, else to the pool."""
        with self.lock:
            while self.waiters:
                waiter = self.waiters.popleft()
                if isinstance(waiter, threading.Event):
                    waiter.set()
                    return
                try:
                    waiter.get_loop().call_soon_threadsafe(self._grant, waiter)
                    return
                except RuntimeError:  # its loop is closed: the next waiter
                    continue
            self.free = min(self.size, self.free + 1)

    def _grant(self, future):
        if future.cancelled():
            self.release()  # its waiter gave up after it was handed over: pass it on
        else:
            future.set_result(True)

    @property
    def in_use(self):
        with self.lock:
            return self.size - self.free


class RunSlot:
    """One run's view of Slots: trainer.loop's Slot protocol, idempotent (acquire when held,
    release when not, do nothing)."""

    def __init__(self, slots, held=False):
        self.slots, self.held = slots, held

    def acquire(self, timeout=None):
        if not self.held:
            self.held = self.slots.acquire(timeout)
        return self.held

    def release(self):
        if self.held:
            self.held = False
            self.slots.release()
