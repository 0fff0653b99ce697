"""One viewer's outgoing frames, coalesced: a viewer that falls behind gets the newest
state, never a growing queue.

Metrics frames are history (every one draws a piece of the loss curve) and all go out,
in order, as do the other trainer.events.ORDERED types; of every picture type (boundary,
weights, neurons, ...) only the newest one waiting is sent. Pushing never waits, so the
channel layer's queue for this viewer never fills while a slow socket drains.
"""

import asyncio
import logging

from trainer import events

logger = logging.getLogger(__name__)


class Outbox:
    def __init__(self, send):
        self.send = send  # async send(frames): the frames waiting together, in one message
        self.pending = []  # frames in arrival order; at most one of each picture type
        self.ready = asyncio.Event()
        self.sender = asyncio.ensure_future(self._drain())
        self.sent = self.dropped = 0

    def put(self, frame):
        kind = frame.get("type")
        if kind not in events.ORDERED:
            before = len(self.pending)
            self.pending = [f for f in self.pending if f.get("type") != kind]
            self.dropped += before - len(self.pending)
        self.pending.append(frame)
        self.ready.set()

    async def _drain(self):
        while True:
            await self.ready.wait()
            self.ready.clear()
            while self.pending:
                frames, self.pending = self.pending, []
                try:
                    await self.send(frames)
                except Exception as exc:  # the socket closed under us (the viewer left): nothing more to send
                    logger.debug("outbox stops: %s", exc)
                    return
                self.sent += len(frames)

    async def close(self):
        self.sender.cancel()
        try:
            await self.sender
        except asyncio.CancelledError:
            pass
