"""The run socket: history from the database, then the live stream; control to the run's inbox."""

import json

from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.generic.websocket import AsyncWebsocketConsumer

from playground import controls, selectors
from playground.jobs import control_channel, group_name
from trainer import events


@database_sync_to_async
def _access(run_id, user, session_key):
    """"owner" (watches and steers), "viewer" (a saved public experiment's run: watches) or None."""
    run = selectors.run_get(run_id)
    return run and selectors.run_access(run, user=user, session_key=session_key)


@database_sync_to_async
def _history(run_id):
    run = selectors.run_get(run_id)
    return selectors.run_history_frames(run) if run else ([], 0)  # deleted meanwhile: nothing to replay


class RunConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.run_id = self.scope["url_route"]["kwargs"]["run_id"]
        session = self.scope.get("session")
        self.access = await _access(self.run_id, self.scope.get("user"), session.session_key if session else None)
        await self.accept()  # accept first, so the browser sees the close code
        if not self.access:
            await self.close(code=4404)  # missing or not yours: the same answer, as over HTTP
            return
        self.group = group_name(self.run_id)
        # Join, then read the history: frames published meanwhile wait in our channel,
        # and frame() drops those the history already holds (seq <= last_seq).
        await self.channel_layer.group_add(self.group, self.channel_name)
        frames, self.last_seq = await _history(self.run_id)
        for frame in frames:
            await self.send_frame(frame)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if not hasattr(self, "group"):
            return
        if self.access != "owner":
            await self.send_frame(events.error("only the run's owner can steer it"))
            return
        try:
            control = controls.parse_control(text_data)
        except ValueError as exc:
            await self.send_frame(events.error(str(exc)))
            return
        try:
            await self.channel_layer.send(control_channel(self.run_id), {"type": "control", **control})
        except ChannelFull:
            await self.send_frame(events.error("too many control messages at once; wait a moment"))

    async def frame(self, event):
        """A frame published by the run (jobs._Recorder) to the group."""
        seq = event.get("seq")
        if seq is not None:
            if seq <= self.last_seq:
                return
            self.last_seq = seq
        await self.send_frame(event["frame"])

    async def send_frame(self, frame):
        await self.send(text_data=json.dumps(frame))
