"""The training task: the one module that knows both Django and the engine.

It loads a Run, hands `trainer.loop.run` its side effects (emit: persist and
publish a frame; inbox: control messages from the websocket) and records the
result. The engine is imported inside the task, so web processes that only
enqueue runs never load JAX.
"""

import asyncio
import contextlib
import logging
import queue
import threading
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connections
from django.tasks import task
from redis.exceptions import RedisError

from playground import services, slots, snapshots
from playground import supervision
from playground.uploads import selectors as dataset_selectors
from playground.uploads import store as dataset_store
from trainer import datasets, events
from trainer import spec as specs

logger = logging.getLogger(__name__)

LOOP_CALL_TIMEOUT_S = 10.0
# The live stream carries every frame at display rate; the database gets one write of each kind a
# second: the metrics frames since the last (all of them, for replay) and the latest probes.
STORE_EVERY_S = 1.0
STORE_SOON_S, STORE_SOON_FRAMES = 0.1, 30
# The channel layer unreachable (a Redis restart): live frames are dropped, not the run; viewers
# who reconnect replay them from the database. Publishing is tried again after LAYER_RETRY_S.
LAYER_ERRORS = (OSError, TimeoutError, RedisError)
LAYER_RETRY_S = 1.0


def group_name(run_id):
    return f"run.{run_id}"


def control_channel(run_id):
    return f"runctl.{run_id}"


class _Inbox(queue.Queue):
    """The run's control inbox; remembers when the last message came (the idle limit)."""

    def __init__(self):
        super().__init__()
        self.last_put = time.monotonic()

    def put(self, item, block=True, timeout=None):
        self.last_put = time.monotonic()
        super().put(item, block, timeout)


async def _receive_controls(layer, run_id, inbox):
    while True:
        try:
            message = await layer.receive(control_channel(run_id))
        except LAYER_ERRORS as exc:  # Redis restarting: listen again once it is back
            logger.warning("run %s: control channel unreachable (%s); retrying", run_id, exc)
            await asyncio.sleep(LAYER_RETRY_S)
            continue
        inbox.put({k: v for k, v in message.items() if k != "type"})


async def _running_loop():
    return asyncio.get_running_loop()


class _LoopBridge:
    """The event loop that owns the channel layer, seen from the run's thread.

    Under the in-process backend asgiref routes async_to_sync to the server's
    loop, which the in-memory layer's queues belong to. Elsewhere (a worker
    process, a test calling the task directly) that call gets a throwaway loop,
    so the task keeps a private loop thread for its lifetime instead."""

    def __init__(self):
        self.loop, self.thread = async_to_sync(_running_loop)(), None
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

    def spawn(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop)  # cancel() cancels the task on its loop

    def close(self):
        if self.thread:
            self.call(asyncio.sleep(0))  # let cancelled tasks finish before the loop stops
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join()
            self.loop.close()


class _Recorder:
    """emit(frame) for the engine: persist, then publish to the run's group."""

    def __init__(self, run, layer, bridge):
        self.run, self.layer, self.bridge = run, layer, bridge
        self.seq, self.probes, self.stored_at = 0, dict(run.probes or {}), time.monotonic()
        self.unstored = []  # (seq, metrics frame) not yet written
        self.done = None
        self.held = {}  # supervision.hold's state: "reason" once the worker asked the run to stop
        self.paused_since = None  # time.monotonic() of the latest `paused` status, None while not paused
        self.layer_down_until = 0.0
        self.picker = snapshots.Picker()  # probe snapshots spread over the run, for the time slider

    def __call__(self, frame):
        if frame.get("status") == "stopped" and self.held.get("reason"):  # status and done frames
            frame = {**frame, "message": self.held["reason"]}  # the worker's shutdown stopped it, not the user
        kind, seq = frame.get("type"), None
        if kind == "status":
            self.paused_since = (self.paused_since or time.monotonic()) if frame["status"] == "paused" else None
        if kind == "done":  # published by publish_done() once the result is stored
            self.done = frame
            return
        if kind == "checkpoint":  # stored for predictions, never published
            supervision.db_retry(services.run_record_weights, self.run, frame["iteration"], frame["weights"])
            return
        if kind == "metrics":
            # seq (the stored order) and the worker's clock let a viewer spot lost frames and latency.
            self.seq = seq = self.seq + 1
            frame = {**frame, "seq": seq, "sent_at": round(time.time(), 4)}
            self.unstored.append((seq, frame))
        elif kind not in ("status", "error"):  # boundary, neurons, weights, confusion, ...: the latest of each
            self.probes[kind] = frame
        elif kind == "status" and frame["status"] not in events.FINAL:  # run_finish stores the final one
            self.store()
            supervision.db_retry(services.run_record_progress, self.run, status=frame["status"],
                                 message=frame.get("message"))
        if snapshot := self.picker.offer(frame):
            supervision.db_retry(services.run_record_snapshot, self.run, snapshot)
        self.publish(frame, seq)
        # Often in the first second: the page that started the run joins after its first frames,
        # and fills that gap from the database once they are stored.
        if time.monotonic() - self.stored_at >= (STORE_EVERY_S if self.seq > STORE_SOON_FRAMES else STORE_SOON_S):
            self.store()

    def store(self):
        """Write the metrics frames not yet stored, the latest probes and the heartbeat; then tell
        the viewers (a viewer who joined after some of those frames went out reads them now)."""
        self.stored_at = time.monotonic()
        if self.unstored:
            supervision.db_retry(services.run_record_metrics, self.run, self.unstored)
            self.unstored = []
            self.publish({"type": "stored", "seq": self.seq}, kind="stored")
        supervision.db_retry(services.run_record_progress, self.run, probes=self.probes)

    def publish(self, frame, seq=None, kind="frame"):
        """kind: the consumer's handler; "frame" goes to the browser, "stored" only to the consumer."""
        if time.monotonic() < self.layer_down_until:
            return
        message = {"type": "frame", "seq": seq, "frame": frame} if kind == "frame" else frame
        try:
            self.bridge.call(self.layer.group_send(group_name(self.run.pk), message))
        except LAYER_ERRORS as exc:
            if not self.layer_down_until:
                logger.warning("run %s: channel layer unreachable (%s); dropping live frames until it is back",
                               self.run.pk, exc)
            self.layer_down_until = time.monotonic() + LAYER_RETRY_S
            return
        if self.layer_down_until:
            logger.warning("run %s: channel layer back; publishing again", self.run.pk)
            self.layer_down_until = 0.0

    def publish_done(self, status, metrics, message=None):
        # After run_finish, so a viewer who connects once `done` is out finds the run finished.
        self.publish(self.done or events.done(status, metrics or {}, message))


def _parse(run):
    """The run's spec; it may name a ready uploaded dataset (archived versions included)."""
    return specs.parse(run.experiment.spec, uploads=dataset_selectors.dataset_infos())


def _training_data(spec):
    """loop.run's split= and vocabulary= for an uploaded dataset: its stored arrays (never the
    upload itself), split by the spec's test_fraction and seed. {} for a built-in set."""
    if spec.dataset.info.builtin:
        return {}
    x, y, vocabulary = dataset_store.training_arrays(dataset_selectors.dataset_arrays(spec.dataset.name))
    return {"split": datasets.split_arrays(x, y, spec.dataset.test_fraction, spec.dataset.seed), "vocabulary": vocabulary}


class _ReplayClock:
    """The snapshot replay's clock: half a frame interval (1) per reading, so every
    chunk ends with a frame, pacing (steps_per_second = chunk) caps every chunk at
    `chunk` steps, and the replay never really waits: frames at fixed steps, whatever the machine."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 0.5
        return self.now


def _backfill_snapshots(run, result, kept):
    """A short run streams too few probe frames for the time slider. Replay it
    (spec + seed give the same numbers whatever the pacing) in small chunks,
    each followed by a frame, and keep snapshots spread over the steps it ran.
    Costs about what the run did: only short runs need it."""
    steps = int(result.metrics.get("steps") or 0)
    if result.status not in ("completed", "stopped") or kept >= snapshots.wanted(steps):
        return
    from trainer import loop  # noqa: PLC0415

    picker, taken, inbox = snapshots.Picker(total=steps), [], queue.Queue()

    def collect(frame):
        if frame.get("type") == "metrics" and frame["iteration"] >= steps:
            inbox.put({"action": "stop"})  # where the original run stopped
        if snapshot := picker.offer(frame):
            taken.append(snapshot)

    chunk = max(1, steps // (3 * snapshots.SLOTS))  # three frames a slot; probes go out every other frame
    try:
        spec = _parse(run)
        loop.run(spec, emit=collect, inbox=inbox, steps_per_second=chunk, frame_interval=1.0, clock=_ReplayClock(),
                 **_training_data(spec))
        taken = [s for s in (*taken, picker.flush()) if s and s["frames"]]
        if len(taken) > kept:
            services.run_replace_snapshots(run, taken)
    except Exception:  # the run itself is stored (or deleted meanwhile); only its slider stays coarse
        logger.exception("snapshot replay of run %s failed", run.pk)


@task
def train_run(run_id):
    # The compute slot the task backend or the Celery worker gives the run (None: unlimited).
    # Under Celery the run waits for it here, still `queued`; the in-process backend hands it over held.
    slot = slots.current.get()
    if slot is not None and not supervision.wait_for_slot(slot):
        return  # the worker is shutting down: the run stays queued and is sent again
    try:
        _train(run_id, slot)
    finally:
        if slot is not None:
            slot.release()


def _train(run_id, slot):
    run = supervision.db_retry(services.run_start, run_id)
    if run is None:
        return
    layer, bridge, inbox = get_channel_layer(), _LoopBridge(), _Inbox()
    emit = _Recorder(run, layer, bridge)
    receiver = bridge.spawn(_receive_controls(layer, run_id, inbox))
    try:
        # Heartbeat: proof of life for the reconciler; hold: a worker's warm shutdown stops the run;
        # RunLimits: its wall-clock limit, and the idle limit while it is paused.
        with (supervision.Heartbeat(run), supervision.hold(run_id, inbox) as emit.held,
              supervision.RunLimits(inbox, emit.held, lambda: emit.paused_since)):
            emit.publish(events.status("running"))  # viewers learn at once; importing JAX takes a second
            from trainer import loop  # noqa: PLC0415 (JAX loads only where runs execute)

            spec = _parse(run)
            result = loop.run(spec, emit=emit, inbox=inbox, steps_per_second=run.steps_per_second,
                              paused=run.start_paused, slot=slot, **_training_data(spec))
        emit.store()
        stopped_by_worker = result.status == "stopped" and emit.held.get("reason")
        supervision.db_retry(services.run_finish, run, status=result.status,
                             message=emit.held["reason"] if stopped_by_worker else result.message,
                             metrics=result.metrics, probes=emit.probes, weights=result.weights)
        supervision.db_retry(services.run_record_snapshot, run, emit.picker.flush())
        _backfill_snapshots(run, result, emit.picker.count)  # before `done`: then everything is stored
        emit.publish_done(result.status, result.metrics)
    except Exception as exc:  # a bug in the engine or here: the run fails, the server goes on
        logger.exception("run %s failed", run_id)
        message = f"{type(exc).__name__}: {exc}"
        with contextlib.suppress(Exception):  # the frames so far, if the database takes them
            emit.store()
        supervision.db_retry(services.run_finish, run, status="failed", message=message, probes=emit.probes)
        emit.publish(events.status("failed", message))
        emit.done = None
        emit.publish_done("failed", {}, message)
    finally:
        receiver.cancel()
        bridge.close()
        connections.close_all()  # this pool thread may serve another run or nothing for a long time


def run_predict(run, *, pixels=None, text=None):
    """Predict with a run's stored weights (a live run's latest checkpoint, or its
    final weights): a drawing (pixels: (h, w) array, 0-255 ink) or a typed sentence.
    Both go through the preprocessing the training data had (trainer.inference).
    Returns the inference dict, the weights' iteration and, for a CNN, the feature
    maps of the preprocessed drawing or, for an RNN, the typed sentence's hidden
    states, so the page shows what the network made of the user's input."""
    import numpy as np  # noqa: PLC0415
    from trainer import inference, probes  # noqa: PLC0415 (JAX loads only where it is needed)
    from trainer import layers as L  # noqa: PLC0415

    spec = _parse(run)
    weights = services.weights_from_npz(run.weights)
    params = inference.params_from_weights(spec, weights)

    def forward(p, x):
        return [a for _, a in L.apply_stack(spec.layers, p, x)]

    if pixels is not None:
        result = {**inference.predict_image(spec, weights, pixels), "iteration": run.weights_iteration}
        if any(layer.type == "conv2d" for layer in spec.layers):
            x = np.asarray(result["input"], np.float32).reshape(spec.input_shape)[None]
            result["feature_maps"] = probes.feature_maps(spec, forward, params, x, result["predicted"])
        return result
    # an uploaded set's pipeline is the stored one (its vocabulary and options), not a corpus fitted anew
    pipeline = None if spec.dataset.info.builtin else dataset_selectors.dataset_text_pipeline(spec.dataset.name)
    result = {**inference.predict_text(spec, weights, text, pipeline), "iteration": run.weights_iteration}
    if spec.layers[0].type == "embedding":
        vocab = (pipeline or datasets.text_split(spec.dataset)[1]).vocab
        x = np.asarray([result["steps"]["padded"]], np.int32)
        if (x != 0).any():
            result["hidden_states"] = probes.hidden_states(spec, forward, params, x, vocab)
    return result
