"""The event loop that owns the channel layer, seen from a run's thread.

The channel layer's I/O (publishing frames, listening for controls) is done on the loop the
layer belongs to; the run trains in a thread of its own and hands that I/O over through here.
"""

import asyncio
import threading

from asgiref.sync import async_to_sync

LOOP_CALL_TIMEOUT_S = 10.0
POSTS_PER_WAIT = 32  # post() waits for the loop once in this many calls: a backlog never grows past it


async def _running_loop():
    return asyncio.get_running_loop()


class LoopBridge:
    """Under the in-process backend asgiref routes async_to_sync to the server's
    loop, which the in-memory layer's queues belong to. Elsewhere (a worker
    process, a test calling the task directly) that call gets a throwaway loop,
    so the task keeps a private loop thread for its lifetime instead."""

    def __init__(self):
        self.loop, self.thread, self.posted = async_to_sync(_running_loop)(), None, 0
        if self.loop.is_closed():
            self.loop = asyncio.new_event_loop()
            self.thread = threading.Thread(target=self.loop.run_forever, name="run-layer-loop", daemon=True)
            self.thread.start()

    def call(self, coro):
        # Bounded: if the server's loop has stopped (shutdown), the run fails instead of
        # blocking its thread forever and keeping the process from exiting.
        if not self.loop.is_running():
            coro.close()
            raise RuntimeError("the server is shutting down")
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout=LOOP_CALL_TIMEOUT_S)
        except TimeoutError:
            future.cancel()
            raise

    def post(self, callback, *args):
        """callback(*args) on the loop, in the order posted, without waiting for it."""
        if not self.loop.is_running():
            raise RuntimeError("the server is shutting down")
        self.loop.call_soon_threadsafe(callback, *args)
        self.posted += 1
        if self.posted % POSTS_PER_WAIT == 0:  # the loop is behind by at most this many
            self.call(asyncio.sleep(0))

    def spawn(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop)  # cancel() cancels the task on its loop

    def close(self):
        if self.thread:
            self.call(asyncio.sleep(0))  # let cancelled tasks finish before the loop stops
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join()
            self.loop.close()
