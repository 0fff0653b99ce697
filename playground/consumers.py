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

from playground import controls, messages, ratelimits, selectors, streams
from playground.outbox import Outbox
from trainer import events


@database_sync_to_async
def _access(run_id, user, session_key):
    """ "owner" (watches and steers), "viewer" (a saved public experiment's run: watches) or None."""
    run = selectors.run_get(run_id)
    return run and selectors.run_access(run, user=user, session_key=session_key)


@database_sync_to_async
def _history(run_id):
    run = selectors.run_get(run_id)
    return selectors.run_history_frames(run) if run else ([], 0)  # deleted meanwhile: nothing to replay


@database_sync_to_async
def _check_edit(run_id, control):
    """ValueError (translated) unless the edit names a number of the run's own network; a re-run
    repeats its experiment's edits and takes none of its own."""
    run = selectors.run_get(run_id)
    if run is None or not selectors.run_is_first(run):
        raise ValueError(_("weights are set by hand in an experiment's first run; a re-run repeats them"))
    controls.check_edit(selectors.run_spec(run), control)


@database_sync_to_async
def _check_dataset(run_id, control):
    """set_dataset's control, its points checked against the run's network (ValueError, translated)."""
    run = selectors.run_get(run_id)
    if run is None or not selectors.run_is_first(run):
        raise ValueError(_("points are drawn anew in an experiment's first run; a re-run repeats them"))
    return controls.check_dataset(selectors.run_spec(run), run.experiment.spec, control)


@database_sync_to_async
def _metrics_after(run_id, seq):
    run = selectors.run_get(run_id)
    return selectors.run_metrics_frames(run, after=seq) if run else ([], seq)


def scope_language(scope):
    """The socket's language, chosen as LocaleMiddleware chooses a page's: the language cookie
    (the header's switch), then Accept-Language, then LANGUAGE_CODE."""
    headers = dict(scope.get("headers") or ())
    request = SimpleNamespace(
        COOKIES=scope.get("cookies") or {},
        path_info=scope.get("path", "/"),
        META={"HTTP_ACCEPT_LANGUAGE": headers.get(b"accept-language", b"").decode("latin-1")},
    )
    return translation.get_language_from_request(request)


TOO_MANY = 4429  # close code: too many sockets, or messages too fast


class RunConsumer(AsyncWebsocketConsumer):
    holder = None  # counted among its session's sockets (ratelimits.socket_opened)
    flooded = False  # closed for sending too fast
    outbox = None

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
            await self.send_frame(
                events.error(_("Too many open connections from this browser: close some tabs, then reload."))
            )
            await self.close(code=TOO_MANY)
            return
        self.holder = holder
        self.group = streams.group_name(self.run_id)
        self.outbox, self.held = Outbox(self.send_frames), []
        # Join, then read the history: frames published meanwhile wait in our channel,
        # and frame() drops those the history already holds (seq <= last_seq).
        await self.channel_layer.group_add(self.group, self.channel_name)
        frames, self.last_seq = await _history(self.run_id)
        for frame in frames:
            self.outbox.put(frame)

    async def disconnect(self, code):
        if self.outbox:
            await self.outbox.close()
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
            await self.send_frame(
                events.error(
                    _("Too many messages: at most %(limit)s a second. Reconnect to go on.") % {"limit": self.rate.limit}
                )
            )
            await self.close(code=TOO_MANY)
            return
        if self.access != "owner":
            await self.send_frame(events.error(_("only the run's owner can steer it")))
            return
        try:
            control = controls.parse_control(text_data)
            if control["action"] == "edit_weight":
                await _check_edit(self.run_id, control)
            elif control["action"] == "set_dataset":
                control = await _check_dataset(self.run_id, control)
        except ValueError as exc:
            await self.send_frame(events.error(str(exc)))
            return
        try:
            await self.channel_layer.send(streams.control_channel(self.run_id), streams.control_message(control))
        except ChannelFull:
            await self.send_frame(events.error(_("too many control messages at once; wait a moment")))

    async def dispatch(self, message):
        # Channels closes stale database connections (a thread hop) before every handler; the
        # live stream's frames touch no database, and come 50 to 100 times a second.
        if message["type"] == "frames":
            for frame in message["frames"]:
                await self.frame(frame)
        else:
            await super().dispatch(message)

    async def frame(self, frame):
        """A frame published by the run (playground.recorder) to the group (streams.frames_message)."""
        if frame.get("type") == "metrics":
            seq = frame["seq"]
            if seq <= self.last_seq:
                return
            if seq > self.last_seq + 1 or self.held:  # some went out before we joined: wait until stored
                self.held.append(frame)
                return
            self.last_seq = seq
        elif frame.get("type") == "done" and self.held:  # the run stored everything before `done`
            await self.stored(None)
        self.outbox.put(frame)

    async def stored(self, event):
        """The run wrote its metrics frames up to event["seq"] (streams.stored_message), or ended
        (event None): fill a gap from the database."""
        if not self.held:
            return
        frames, self.last_seq = await _metrics_after(self.run_id, self.last_seq)
        for frame in [*frames, *(f for f in self.held if f["seq"] > self.last_seq)]:
            self.outbox.put(frame)
            self.last_seq = max(self.last_seq, frame.get("seq") or 0)
        self.held = []

    async def send_frame(self, frame):
        await self.send_frames([frame])

    async def send_frames(self, frames):
        """One message: a frame, or a list of the frames that waited together (the page takes both)."""
        frames = [self.localized(frame) for frame in frames]
        await self.send(text_data=json.dumps(frames[0] if len(frames) == 1 else frames))

    def localized(self, frame):
        if frame.get("message"):  # a run's messages are English (stored so): this socket's language
            with translation.override(getattr(self, "language", None)):
                return {**frame, "message": messages.run_message(frame["message"])}
        return frame
