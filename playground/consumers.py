"""The run socket: history from the database, then the live stream; control to the run's inbox.

Limits (playground.ratelimits): at most PLAYGROUND_SOCKETS_PER_SESSION open sockets per session
(the next is closed with 4429), and PLAYGROUND_SOCKET_MESSAGES_PER_SECOND messages a second per
socket (over it: an error frame, then close 4429)."""

import json
from types import SimpleNamespace

from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from playground import controls, messages, ratelimits, selectors
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


def scope_language(scope):
    """The socket's language, chosen as LocaleMiddleware chooses a page's: the language cookie
    (the header's switch), then Accept-Language, then LANGUAGE_CODE."""
    headers = dict(scope.get("headers") or ())
    request = SimpleNamespace(COOKIES=scope.get("cookies") or {}, path_info=scope.get("path", "/"),
                              META={"HTTP_ACCEPT_LANGUAGE": headers.get(b"accept-language", b"").decode("latin-1")})
    return translation.get_language_from_request(request)


TOO_MANY = 4429  # close code: too many sockets, or messages too fast


class RunConsumer(AsyncWebsocketConsumer):
    holder = None  # counted among its session's sockets (ratelimits.socket_opened)
    flooded = False  # closed for sending too fast

    async def connect(self):
        self.run_id = self.scope["url_route"]["kwargs"]["run_id"]
        self.language = scope_language(self.scope)
        translation.activate(self.language)  # this socket's task: its error frames
        session = self.scope.get("session")
        self.access = await _access(self.run_id, self.scope.get("user"), session.session_key if session else None)
        self.rate = ratelimits.MessageRate(settings.PLAYGROUND_SOCKET_MESSAGES_PER_SECOND)
        await self.accept()  # accept first, so the browser sees the close code
        if not self.access:
            await self.close(code=4404)  # missing or not yours: the same answer, as over HTTP
            return
        holder = ratelimits.socket_holder(self.scope)
        if not await ratelimits.socket_opened(holder):
            await self.send_frame(events.error(_("Too many open connections from this browser: close some tabs, then reload.")))
            await self.close(code=TOO_MANY)
            return
        self.holder = holder
        self.group = group_name(self.run_id)
        # Join, then read the history: frames published meanwhile wait in our channel,
        # and frame() drops those the history already holds (seq <= last_seq).
        await self.channel_layer.group_add(self.group, self.channel_name)
        frames, self.last_seq = await _history(self.run_id)
        for frame in frames:
            await self.send_frame(frame)

    async def disconnect(self, code):
        if self.holder:
            await ratelimits.socket_closed(self.holder)
            self.holder = None
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if not hasattr(self, "group") or self.flooded:
            return
        translation.activate(self.language)
        if self.rate.over():  # a flood: told once, then closed (the rest is never parsed)
            self.flooded = True
            await self.send_frame(events.error(_("Too many messages: at most %(limit)s a second. Reconnect to go on.")
                                               % {"limit": self.rate.limit}))
            await self.close(code=TOO_MANY)
            return
        if self.access != "owner":
            await self.send_frame(events.error(_("only the run's owner can steer it")))
            return
        try:
            control = controls.parse_control(text_data)
        except ValueError as exc:
            await self.send_frame(events.error(str(exc)))
            return
        try:
            await self.channel_layer.send(control_channel(self.run_id), {"type": "control", **control})
        except ChannelFull:
            await self.send_frame(events.error(_("too many control messages at once; wait a moment")))

    async def frame(self, event):
        """A frame published by the run (jobs._Recorder) to the group."""
        seq = event.get("seq")
        if seq is not None:
            if seq <= self.last_seq:
                return
            self.last_seq = seq
        await self.send_frame(event["frame"])

    async def send_frame(self, frame):
        if frame.get("message"):  # a run's messages are English (stored so): this socket's language
            with translation.override(getattr(self, "language", None)):
                frame = {**frame, "message": messages.run_message(frame["message"])}
        await self.send(text_data=json.dumps(frame))
