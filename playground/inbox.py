"""A run's control inbox (what trainer.loop reads between chunks), and the coroutine that
fills it from the run's control channel (playground.streams)."""

import asyncio
import logging
import queue
import time

from playground import streams

logger = logging.getLogger(__name__)


class Inbox(queue.Queue):
    """The run's control inbox; remembers when the last message came (the idle limit)."""

    def __init__(self):
        super().__init__()
        self.last_put = time.monotonic()

    def put(self, item, block=True, timeout=None):
        self.last_put = time.monotonic()
        super().put(item, block, timeout)


async def receive_controls(layer, run_id, inbox):
    """Put every control message on the run's control channel into `inbox`, until cancelled."""
    while True:
        try:
            message = await layer.receive(streams.control_channel(run_id))
        except streams.LAYER_ERRORS as exc:  # Redis restarting: listen again once it is back
            logger.warning("run %s: control channel unreachable (%s); retrying", run_id, exc)
            await asyncio.sleep(streams.LAYER_RETRY_S)
            continue
        inbox.put(streams.control_from_message(message))
