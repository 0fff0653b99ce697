"""Where a Run meets the engine: train it, replay it for the time slider, predict with its weights.

The one module on the Django side that calls the engine's JAX side (trainer.loop,
trainer.inference). It loads a Run, hands `trainer.loop.run` its side effects (emit: the
recorder, which persists and publishes a frame; inbox: control messages from the websocket)
and records the result. The engine is imported inside the functions, so web processes
that only enqueue runs and ask for predictions never load JAX. The tasks (playground.jobs)
call `run_train` and `predict`, where runs train.
"""

import contextlib
import logging
import queue

from channels.layers import get_channel_layer
from django.db import connections

from playground import records, runguard, selectors, snapshots
from playground.inbox import Inbox, receive_controls
from playground.loopbridge import LoopBridge
from playground.recorder import Recorder
from playground.uploads import selectors as dataset_selectors
from playground.uploads import store as dataset_store
from trainer import datasets, events

logger = logging.getLogger(__name__)


def _training_data(spec):
    """loop.run's split= and vocabulary= for an uploaded dataset: its stored arrays (never the
    upload itself), split by the spec's test_fraction and seed. {} for a built-in set."""
    if spec.dataset.info.builtin:
        return {}
    x, y, vocabulary = dataset_store.training_arrays(dataset_selectors.dataset_arrays(spec.dataset.name))
    return {
        "split": datasets.split_arrays(x, y, spec.dataset.test_fraction, spec.dataset.seed),
        "vocabulary": vocabulary,
    }


def load_engine():
    """Import the engine's JAX side now (taskbackend.warm: the embedded server does so at its first page)."""
    from trainer import loop  # noqa: F401, PLC0415


def run_train(run_id, slot):
    """Train a queued run to its end, holding `slot` (a playground.slots.RunSlot, or None:
    unlimited). Under Celery the run waits for the slot here, still `queued`; the in-process
    backend hands it over held. Returns at once if the run is gone or no longer queued, or
    (leaving it queued, to be sent again) if the worker shuts down while it waits."""
    if slot is not None and not runguard.wait_for_slot(slot):
        return
    try:
        _train(run_id, slot)
    finally:
        if slot is not None:
            slot.release()


def _train(run_id, slot):
    run = runguard.db_retry(records.run_start, run_id)
    if run is None:
        return
    layer, bridge, inbox = get_channel_layer(), LoopBridge(), Inbox()
    emit = Recorder(run, layer, bridge)
    receiver = bridge.spawn(receive_controls(layer, run_id, inbox))
    try:
        # Heartbeat: proof of life for the reconciler; hold: a worker's warm shutdown stops the run;
        # RunLimits: its wall-clock limit, and the idle limit while it is paused.
        with (
            runguard.Heartbeat(run),
            runguard.hold(run_id, inbox) as emit.held,
            runguard.RunLimits(inbox, emit.held, lambda: emit.paused_since),
        ):
            emit.publish(events.status("running"))  # viewers learn at once; importing JAX takes a second
            from trainer import loop  # noqa: PLC0415 (JAX loads only where runs execute)

            spec = selectors.run_spec(run)
            result = loop.run(
                spec,
                emit=emit,
                inbox=inbox,
                steps_per_second=run.steps_per_second,
                paused=run.start_paused,
                slot=slot,
                **_training_data(spec),
            )
        emit.store()
        stopped_by_worker = result.status == "stopped" and emit.held.get("reason")
        runguard.db_retry(
            records.run_finish,
            run,
            status=result.status,
            message=emit.held["reason"] if stopped_by_worker else result.message,
            metrics=result.metrics,
            probes=emit.probes,
            weights=result.weights,
        )
        runguard.db_retry(records.run_record_snapshot, run, emit.picker.flush())
        if selectors.run_is_saved(run):  # a scratch run needs no time slider: saving it later fills one
            _backfill_snapshots(run, result.status, result.metrics, emit.picker.count)  # before `done`: all stored
        emit.publish_done(result.status, result.metrics)
    except Exception as exc:  # a bug in the engine or here: the run fails, the server goes on
        logger.exception("run %s failed", run_id)
        message = f"{type(exc).__name__}: {exc}"
        with contextlib.suppress(Exception):  # the frames so far, if the database takes them
            emit.store()
        runguard.db_retry(records.run_finish, run, status="failed", message=message, probes=emit.probes)
        emit.publish(events.status("failed", message))
        emit.done = None
        emit.publish_done("failed", {}, message)
    finally:
        receiver.cancel()
        bridge.close()
        connections.close_all()  # this pool thread may serve another run or nothing for a long time


class _ReplayClock:
    """The snapshot replay's clock: half a frame interval (1) per reading, so every
    chunk ends with a frame, pacing (steps_per_second = chunk) caps every chunk at
    `chunk` steps, and the replay never really waits: frames at fixed steps, whatever the machine."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 0.5
        return self.now


def fill_snapshots(run_id):
    """The time slider of a run saved after it ended (services.experiment_save enqueues it)."""
    run = selectors.run_get(run_id)
    if run is not None and not run.is_active:
        _backfill_snapshots(run, run.status, run.final_metrics or {}, len(selectors.run_snapshots(run)))


def _backfill_snapshots(run, status, metrics, kept):
    """A short run streams too few probe frames for the time slider. Replay it
    (spec + seed give the same numbers whatever the pacing) in small chunks,
    each followed by a frame, and keep snapshots spread over the steps it ran.
    Costs about what the run did: only short runs of saved experiments need it."""
    steps = int(metrics.get("steps") or 0)
    if status not in ("completed", "stopped") or kept >= snapshots.wanted(steps):
        return
    from trainer import loop  # noqa: PLC0415

    picker, taken, inbox = snapshots.Picker(total=steps), [], queue.Queue()

    def collect(frames):
        for frame in frames:
            if frame.get("type") == "metrics" and frame["iteration"] >= steps:
                inbox.put({"action": "stop"})  # where the original run stopped
            if snapshot := picker.offer(frame):
                taken.append(snapshot)

    chunk = max(1, steps // (3 * snapshots.SLOTS))  # three frames a slot; probes go out every other frame
    try:
        spec = selectors.run_spec(run)
        loop.run(
            spec,
            emit=collect,
            inbox=inbox,
            steps_per_second=chunk,
            frame_interval=1.0,
            clock=_ReplayClock(),
            replay=True,
            **_training_data(spec),
        )
        taken = [s for s in (*taken, picker.flush()) if s and s["frames"]]
        if len(taken) > kept:
            records.run_replace_snapshots(run, taken)
    except Exception:  # the run itself is stored (or deleted meanwhile); only its slider stays coarse
        logger.exception("snapshot replay of run %s failed", run.pk)


def predict(run_id, *, pixels=None, text=None):
    """The predict task's work: run_predict on the run `run_id` as stored now; None if it is gone
    or has no weights (the view checked, but it may have been deleted since)."""
    run = selectors.run_get(run_id)
    if run is None or not run.weights:
        return None
    return run_predict(run, pixels=pixels, text=text)


def run_predict(run, *, pixels=None, text=None):
    """Predict with a run's stored weights (a live run's latest checkpoint, or its
    final weights): a drawing (pixels: (h, w) array, 0-255 ink) or a typed sentence.
    Both go through the preprocessing the training data had (trainer.inference).
    Returns the inference dict, the weights' iteration and, for a CNN, the feature
    maps of the preprocessed drawing or, for an RNN, the typed sentence's hidden
    states, so the page shows what the network made of the user's input."""
    import numpy as np  # noqa: PLC0415

    from trainer import inference, probes  # noqa: PLC0415 (JAX loads only where it is needed)

    spec = selectors.run_spec(run)
    weights = records.weights_from_npz(run.weights)
    params = inference.params_from_weights(spec, weights)

    def forward(p, x):
        return inference.activations(spec, p, x)

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
