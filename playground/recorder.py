"""A run's storage and publishing policy: the `emit(frames)` the engine's run loop is handed.

The live stream carries every frame at display rate, to the run's group (playground.streams);
the database gets one write of each kind a second: the metrics frames since the last (all of
them, for replay) and the latest probes. After each metrics write the viewers' consumers are
told (a `stored` message), so one who joined after some of those frames went out reads them.
"""

import logging
import time

from playground import records, runguard, snapshots, streams
from trainer import edits, events

logger = logging.getLogger(__name__)

STORE_EVERY_S = 1.0
STORE_SOON_S, STORE_SOON_FRAMES = 0.1, 30


class Recorder:
    """emit(frames) for the engine: persist, then publish to the run's group.
    layer: the channel layer; bridge: a playground.loopbridge.LoopBridge to its event loop."""

    def __init__(self, run, layer, bridge):
        self.run, self.layer, self.bridge = run, layer, bridge
        self.seq, self.probes, self.stored_at = 0, dict(run.probes or {}), time.monotonic()
        self.unstored = []  # (seq, metrics frame) not yet written
        self.done = None
        self.held = {}  # runguard.hold's state: "reason" once the worker asked the run to stop
        self.paused_since = None  # time.monotonic() of the latest `paused` status, None while not paused
        self.layer_down_until = 0.0
        self.picker = snapshots.Picker()  # probe snapshots spread over the run, for the time slider

    def __call__(self, frames):
        """The frames of one moment (trainer.loop's emit): each kept as its kind is, then the ones
        for the browsers published together."""
        published = [frame for frame in map(self.keep, frames) if frame is not None]
        if published:
            self.send(streams.frames_message(published))
        # Often in the first second: the page that started the run joins after its first frames,
        # and fills that gap from the database once they are stored.
        if time.monotonic() - self.stored_at >= (STORE_EVERY_S if self.seq > STORE_SOON_FRAMES else STORE_SOON_S):
            self.store()

    def keep(self, frame):
        """Store what `frame` changes; returns it as the browsers get it, or None if they do not."""
        if frame.get("status") == "stopped" and self.held.get("reason"):  # status and done frames
            frame = {**frame, "message": self.held["reason"]}  # the worker's shutdown stopped it, not the user
        kind = frame.get("type")
        if kind == "status":
            self.paused_since = (self.paused_since or time.monotonic()) if frame["status"] == "paused" else None
        if kind == "done":  # published by publish_done() once the result is stored
            self.done = frame
            return None
        if kind == "checkpoint":  # stored for predictions, never published
            runguard.db_retry(records.run_record_weights, self.run, frame["iteration"], frame["weights"])
            return None
        if kind == "edit":  # a weight set by hand now joins the experiment's spec (a re-run repeats it)
            if frame["live"]:
                edit = {k: v for k, v in frame.items() if k in ("iteration", "dataset", *edits.KEYS)}
                runguard.db_retry(records.run_record_edit, self.run, edit)
        elif kind == "metrics":
            # seq (the stored order) and the worker's clock let a viewer spot lost frames and latency.
            self.seq += 1
            frame = {**frame, "seq": self.seq, "sent_at": round(time.time(), 4)}
            self.unstored.append((self.seq, frame))
        elif kind not in ("status", "error"):  # boundary, neurons, weights, confusion, ...: the latest of each
            self.probes[kind] = frame
        elif kind == "status" and frame["status"] not in events.FINAL:  # run_finish stores the final one
            self.store()
            runguard.db_retry(
                records.run_record_progress, self.run, status=frame["status"], message=frame.get("message")
            )
        if snapshot := self.picker.offer(frame):
            runguard.db_retry(records.run_record_snapshot, self.run, snapshot)
        return frame

    def store(self):
        """Write the metrics frames not yet stored, the latest probes and the heartbeat; then tell
        the viewers (a viewer who joined after some of those frames went out reads them now)."""
        self.stored_at = time.monotonic()
        if self.unstored:
            runguard.db_retry(records.run_record_metrics, self.run, self.unstored)
            self.unstored = []
            self.send(streams.stored_message(self.seq))
        runguard.db_retry(records.run_record_progress, self.run, probes=self.probes)

    def publish(self, frame):
        """A frame to the browsers, alone."""
        self.send(streams.frames_message([frame]))

    def send(self, message):
        """A message to the run's group; dropped while the channel layer is unreachable."""
        if time.monotonic() < self.layer_down_until:
            return
        group = streams.group_name(self.run.pk)
        try:
            if publish_now := getattr(self.layer, "group_send_nowait", None):  # playground.layers
                self.bridge.post(publish_now, group, message)
            else:
                self.bridge.call(self.layer.group_send(group, message))
        except streams.LAYER_ERRORS as exc:
            if not self.layer_down_until:
                logger.warning(
                    "run %s: channel layer unreachable (%s); dropping live frames until it is back", self.run.pk, exc
                )
            self.layer_down_until = time.monotonic() + streams.LAYER_RETRY_S
            return
        if self.layer_down_until:
            logger.warning("run %s: channel layer back; publishing again", self.run.pk)
            self.layer_down_until = 0.0

    def publish_done(self, status, metrics, message=None):
        # After run_finish, so a viewer who connects once `done` is out finds the run finished.
        self.publish(self.done or events.done(status, metrics or {}, message))
