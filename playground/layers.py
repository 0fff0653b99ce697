"""The embedded server's channel layer: Channels' in-memory layer, publishing as the run loop
needs it.

Channels' own group_send deep-copies the message for every viewer and starts a task per
viewer; `make fps` with 20 learners found that, and the run thread's wait for it, to be most of
a frame's cost on the event loop. A run's frames are built once and never changed after they
are published (the recorder keeps them as they are; consumers copy what they localize), so
here a viewer gets the message itself, put on its queue at once, and a run's thread hands it
over without waiting (playground.loopbridge.LoopBridge.post). The Redis layer of the
scaled-out mode serializes every message anyway and is used as it is.
"""

import asyncio
import time

from channels.layers import InMemoryChannelLayer

CLEAN_EVERY_S = 1.0  # expired messages (60 s old) and group memberships are looked for this often


class PlaygroundInMemoryChannelLayer(InMemoryChannelLayer):
    cleaned_at = 0.0

    async def group_send(self, group, message):
        self.group_send_nowait(group, message)

    def group_send_nowait(self, group, message):
        """group_send without awaiting: on the layer's event loop. A viewer whose queue is full
        misses the message, as with Channels' group_send."""
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        for channel in self.groups.get(group, {}):
            queue = self.channels.setdefault(channel, asyncio.Queue(maxsize=self.get_capacity(channel)))
            try:
                queue.put_nowait((time.time() + self.expiry, message))
            except asyncio.QueueFull:
                pass

    def _clean_expired(self):
        # Channels looks through every queue and group on every send and receive: 40 channels,
        # 600 times a second here. Expiry is a minute; a second late is as good.
        now = time.monotonic()
        if now - self.cleaned_at >= CLEAN_EVERY_S:
            self.cleaned_at = now
            super()._clean_expired()
