"""The run loop: chunks of steps, the control inbox, stop rules, frames.

Its side effects are handed in: `emit(frames)` publishes the frames of one moment together, `inbox` (a
`queue.Queue` of control dicts) steers, `clock` tells time, `slot` is the
compute slot it holds while it trains. It runs in the caller's thread and
blocks on the inbox while paused or pacing (without its slot), so control
messages take effect at the next chunk boundary (a chunk lasts at most about
one frame interval).
"""

from __future__ import annotations

import functools
import math
import os
import queue
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import jax
import jax.numpy as jnp
import numpy as np

from trainer import datasets, edits, engine, events, gradients, messages, probes
from trainer.pictures import gradient_frame, live_frames, probe_frames, sample_frames
from trainer.spec import DatasetSpec, Spec

POINTS_PER_FRAME = 32  # batch losses are averaged into at most this many points a frame
MIN_FRAMES = 50  # even a run that ends in a blink is evaluated at about this many evenly spaced steps
FRAME_INTERVAL = 1 / 30  # seconds between frames: the display rate (TensorFlow Playground draws every animation frame)
# Where the page draws the pictures from the streamed weights (a dense network on points), the
# server's own pictures go out this often, for storage and the experiment page; elsewhere with every frame.
PROBE_INTERVAL = 1.0
# Gradients and weight histograms (trainer/gradients.py) go out with a metrics frame this often, and with
# every frame that carries the server's pictures, a single step's, and the last: a time series of about
# ten points a second, at about a percent of the training time on the default network. None go out
# before their function has compiled (on a thread, while training starts), but a single step's and the last.
GRADIENT_INTERVAL = 0.1
CHECKPOINT_EVERY = 3.0  # seconds of training between checkpoints (the weights a live run predicts with)
# Frames come at most this often: an evaluation (metrics and the pictures that need the test set)
# costs at most about this share of the time; the live pictures between them another PICTURE_SHARE.
EVAL_SHARE = 0.1
POINTS_EVAL_SHARE = 0.25  # a dense network on points evaluates in a few milliseconds: 30 frames a second cost this
PICTURE_SHARE = 0.1
CATCH_UP_S = 0.25  # a paced run behind its pace (waiting for a slot) trains at most this much of it per call
MAX_WAIT_S = 3600.0  # a pacing wait never blocks longer than this (a tiny pace must not overflow the timeout)
SLOT_POLL_S = 0.5  # while waiting for a slot, the inbox is read this often (stop and pause still work)
WAITING_MESSAGE = "Waiting for a free training slot: other runs are computing."


class Slot:
    """A compute slot. The loop holds it while it computes and lets it go while it waits
    (paused, or pacing between chunks), so a waiting run never keeps another from training.
    acquire(timeout): True once held (timeout None: however long it takes), False if the
    time ran out; both calls are idempotent. This one is always free; a server hands in a
    slot shared by its runs (playground.slots)."""

    def acquire(self, timeout: float | None = None) -> bool:
        return True

    def release(self) -> None:
        pass


@dataclass
class RunResult:
    status: str
    message: str | None
    metrics: dict
    weights: dict = field(default_factory=dict)  # "<layer>.<param>" -> np.ndarray


def enable_persistent_cache(path: str | None = None) -> None:
    """Keep compiled XLA programs on disk so a second process skips compiling.
    The thresholds are zero because these programs compile in well under a second."""
    path = path or os.environ.get("TRAINER_CACHE_DIR") or os.path.expanduser("~/.cache/nn-playground/jax")
    jax.config.update("jax_compilation_cache_dir", path)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)


def _bin(losses, first_iteration):
    """Batch losses of consecutive iterations -> at most POINTS_PER_FRAME [iteration, mean]."""
    if not len(losses):
        return []
    edges = np.linspace(0, len(losses), min(POINTS_PER_FRAME, len(losses)) + 1).astype(int)
    means = np.add.reduceat(np.asarray(losses, np.float64), edges[:-1]) / np.diff(edges)  # one pass, not one call a bin
    return [
        [first_iteration + hi, mean] for hi, mean in zip(edges[1:].tolist(), np.round(means, 6).tolist(), strict=True)
    ]


def _divergence_message(what, iteration, epoch, lr):
    return messages.DIVERGED[what] % {"iteration": iteration, "epoch": epoch + 1, "learning_rate": f"{lr:g}"}


class _Controls:
    """Reads the inbox (controls as trainer.controls defines them); what they ask for, as plain fields."""

    def __init__(self, inbox, steps_per_second):
        self.inbox = inbox
        self.paused = self.stop = False
        self.single_steps = 0
        self.learning_rate = None  # a requested change not yet applied
        self.steps_per_second = steps_per_second
        self.pace_changed = False
        self.sample = None  # a test sample the live feature maps / hidden states should follow, not yet shown
        self.edits = []  # weights and biases set by hand (edit_weight) and points drawn anew (set_dataset), to apply

    def read(self, timeout=0.0):
        """Apply waiting messages; block up to `timeout` seconds for the first."""
        if self.inbox is None:
            if timeout:
                time.sleep(timeout)
            return
        try:
            msg = self.inbox.get(timeout=timeout) if timeout > 0 else self.inbox.get_nowait()
        except queue.Empty:
            return
        while True:
            self._apply(msg)
            try:
                msg = self.inbox.get_nowait()
            except queue.Empty:
                return

    def _apply(self, msg):
        """One control (trainer.controls), already checked where it entered (playground.controls):
        dispatched as it is. An action the loop does not know is ignored."""
        action, value = msg["action"], msg.get("value")
        if action == "pause":
            self.paused = True
        elif action == "resume":
            self.paused, self.pace_changed = False, True
        elif action == "step":
            self.single_steps += 1
        elif action == "stop":
            self.stop = True
        elif action == "set_learning_rate":
            self.learning_rate = value
        elif action == "set_speed":
            self.steps_per_second, self.pace_changed = value, True
        elif action == "probe_sample":
            self.sample = value
        elif action == "edit_weight":
            self.edits.append({key: msg[key] for key in edits.KEYS})
        elif action == "set_dataset":
            self.edits.append({"dataset": msg["dataset"]})


def run(
    spec: Spec,
    *,
    emit: Callable[[list[dict]], object],
    inbox: queue.Queue | None = None,
    steps_per_second: float | None = None,
    paused: bool = False,
    frame_interval: float = FRAME_INTERVAL,
    split: datasets.Split | None = None,
    vocabulary: Sequence[str] | None = None,
    clock: Callable[[], float] = time.monotonic,
    slot: Slot | None = None,
    probe_interval: float | None = None,
    replay: bool = False,
) -> RunResult:
    """Train `spec` to the end, emitting frames; returns a RunResult.

    steps_per_second paces training so a person can watch (None: full speed).
    paused: start paused (after compiling), waiting for step or resume.
    split: a datasets.Split to train on instead of generating the spec's dataset
    (an uploaded set); vocabulary: its words by index, for an uploaded text set.
    slot: a Slot taken before building the model and each chunk, let go while
    paused or pacing and at the end. The final evaluation of a run stopped while
    it waits takes no slot: one pass over the test set, so a stop is never queued.
    probe_interval: seconds between the server's picture frames (None: PROBE_INTERVAL where
    the page draws from `weights` frames, else every frame; 0: every frame).
    replay: a run trained again for its time slider (playground.compute): nobody waits for its
    first frame, so every picture goes out with its gradients (a live run sends none before
    their function has compiled, on a thread).
    """
    enable_persistent_cache()
    controls = _Controls(inbox, steps_per_second)
    controls.paused = paused
    slot = slot or Slot()
    slot.acquire()
    try:
        run = _Run(spec, emit, controls, frame_interval, split, vocabulary, clock, slot, probe_interval, replay)
        return run.train()
    finally:
        slot.release()


class _Run:
    """One run's mutable state between chunks; `train` is the loop."""

    def __init__(
        self, spec, emit, controls, frame_interval, split, vocabulary, clock, slot, probe_interval, replay=False
    ):
        self.spec, self.emit, self.controls, self.frame_interval, self.vocabulary, self.clock = (
            spec,
            emit,
            controls,
            frame_interval,
            vocabulary,
            clock,
        )
        self.slot, self.replay = slot, replay
        self.drawn_by_page = probes.drawn_by_page(spec)
        if probe_interval is None:
            probe_interval = PROBE_INTERVAL if self.drawn_by_page else 0.0
        self.probe_interval, self.last_probe = probe_interval, -math.inf
        self.step, self.pending, self.frames_sent, self.shown = 0, [], 0, None
        self.last_gradients = -math.inf  # when the latest gradients frame went out
        self.use_data(spec.dataset, split)
        self.state = engine.init_state(self.model, spec.optimizer, spec.seed)
        self.gradients_ready = gradients.warm(self.model, self.state["params"], self.data)  # compiles meanwhile
        self.sec_per_step, self.best = None, (math.inf, 0)
        self.last_frame = self.pace_time = self.last_chunk_end = clock()
        self.chunk_period = 0.0  # seconds from one chunk's end to the next's, pacing included
        self.pace_step, self.train_time, self.train_steps, self.compiled_paths = 0, 0.0, 0, set()
        self.sample, self.checkpointed = (
            0,
            (None, clock()),
        )  # the followed test sample; (step, time) of the last checkpoint
        self.frame_cost = 0.0  # seconds (real time) an evaluation and its frames take
        self.picture_cost, self.last_pictures = 0.0, -math.inf  # the same for live_frames between evaluations
        kind, types = spec.dataset.info.kind, {layer.type for layer in spec.layers}
        self.live_pictures = (kind == "images" and "conv2d" in types) or (
            kind == "text" and spec.layers[0].type == "embedding"
        )
        self.scheduled = list(spec.edits)  # the spec's edits by hand, in order, not yet applied

    def use_data(self, dataset, split=None):
        """Train on `dataset` from here (the spec's at the start; points drawn anew while paused later,
        trainer.edits.DataEdit): the epoch under way ends, the epochs left run over the new data."""
        if hasattr(self, "steps_per_epoch"):
            self.base = (self.step, self.epoch, self.samples_seen)
        else:
            self.base = (0, 0, 0)  # (step, epoch, samples seen) where this data began
        self.spec = replace(self.spec, dataset=dataset)
        self.model = engine.Model.from_spec(self.spec)
        self.advance_epochs, self.advance_steps, self.evaluate, self.forward = engine.compiled(self.model)
        self.data = engine.to_device(self.model, split or datasets.generate(dataset), self.spec.features)
        self.steps_per_epoch = spe = self.model.steps_per_epoch
        if hasattr(self, "state"):  # the engine finds its place in an epoch from the state's step count: a new epoch
            self.state = {**self.state, "step": jnp.asarray(-(-int(self.state["step"]) // spe) * spe, jnp.int32)}
        self.total = self.step + (self.spec.epochs - self.base[1]) * self.steps_per_epoch
        self.frame_every = self.steps_per_epoch * -(-self.spec.epochs // MIN_FRAMES)  # steps, in whole epochs

    @property
    def within(self):
        """Steps into the epoch under way."""
        return (self.step - self.base[0]) % self.steps_per_epoch

    @property
    def epoch(self):
        """Whole epochs trained."""
        return self.epoch_of(self.step)

    def epoch_of(self, step):
        return self.base[1] + (step - self.base[0]) // self.steps_per_epoch

    @property
    def samples_seen(self):
        epochs = (self.step - self.base[0]) // self.steps_per_epoch
        return self.base[2] + epochs * self.model.n_train + self.within * self.model.batch_size

    @property
    def interval(self):
        """Seconds between frames: the requested interval, longer where evaluating
        is slow (a 28x28 CNN evaluating 2,000 images ten times a second would
        spend most of its time on that instead of training)."""
        return max(self.frame_interval, self.frame_cost / (POINTS_EVAL_SHARE if self.drawn_by_page else EVAL_SHARE))

    @property
    def picture_interval(self):
        """Seconds between the live pictures of an image or text network (inf: none)."""
        return max(self.frame_interval, self.picture_cost / PICTURE_SHARE) if self.live_pictures else math.inf

    def announce(self, status):
        if self.shown != status:
            self.shown = status
            self.emit([events.status(status)])

    def train(self):
        controls, spec = self.controls, self.spec
        per_epoch = spec.stop.early_stopping_patience is not None or spec.stop.target_loss is not None
        outcome, message = "completed", None
        self.announce("running")
        if self.drawn_by_page:  # the page draws the initial weights' pictures while the training step compiles
            self.emit([events.weights(0, probes.dense_weights(self.state["params"]))])
        while self.step < self.total:
            controls.read()
            if controls.stop:
                outcome, message = "stopped", messages.STOPPED_BY_USER
                break
            if controls.learning_rate is not None:
                self.state, controls.learning_rate = engine.set_learning_rate(self.state, controls.learning_rate), None
            if controls.pace_changed:
                self.pace_time, self.pace_step, controls.pace_changed = self.clock(), self.step, False
                self.last_chunk_end, self.chunk_period = self.pace_time, 0.0  # a pause is no chunk period
            if controls.sample is not None:
                self.follow(controls.sample)
                controls.sample = None
            if controls.edits or (self.scheduled and self.scheduled[0].iteration <= self.step):
                self.apply_edits()
            single = controls.paused and controls.single_steps > 0
            if controls.paused and not single:
                if self.pending:
                    self.send_frame(self.evaluated(), self.clock(), pictures=True)
                self.checkpoint()
                self.announce("paused")
                self.slot.release()  # parked: the params stay here, the slot goes to another run
                while controls.paused and not (
                    controls.stop or controls.single_steps or controls.sample is not None or controls.edits
                ):
                    controls.read(timeout=0.5)
                continue
            if not self.take_slot():
                continue  # stopped or paused while it waited
            if not controls.paused:
                self.announce("running")

            n = _chunk_size(
                self.within,
                self.total - self.step,
                self.steps_per_epoch,
                per_epoch,
                single,
                self.sec_per_step,
                min(self.interval, self.picture_interval),
                controls.steps_per_second,
                min(self.chunk_period, CATCH_UP_S),
            )
            if self.scheduled:  # stop where the next edit by hand belongs
                n = min(n, self.scheduled[0].iteration - self.step)
            losses = self.chunk(min(n, self.frame_every - (self.step - self.base[0]) % self.frame_every))
            if single:
                controls.single_steps -= 1
            bad = ~np.isfinite(losses)
            if bad.any() or not engine.finite(self.state["params"]):
                first = self.step + (int(bad.argmax()) if bad.any() else len(losses) - 1)
                what = "training loss" if bad.any() else "weights"
                self.step += len(losses)
                outcome, message = (
                    "diverged",
                    _divergence_message(what, first + 1, self.epoch_of(first), engine.learning_rate(self.state)),
                )
                break
            self.step += len(losses)
            self.pending.append(losses)

            now = self.clock()
            self.chunk_period = 0.7 * self.chunk_period + 0.3 * (now - self.last_chunk_end)
            self.last_chunk_end = now
            # A frame goes out with the chunk that ends nearest its interval: waiting for the next would
            # overshoot it by more (at 1,000 steps/s the default network's 25-step epochs end every 25 ms:
            # a frame each, not one every 25 or 50 ms as the ends fall either side of 33 ms).
            due = (
                single
                or now - self.last_frame >= self.interval - 0.5 * self.chunk_period
                or self.step >= self.total
                or (self.step - self.base[0]) % self.frame_every == 0
            )
            if due or (per_epoch and self.within == 0):
                started, left_out = time.perf_counter(), 0.0
                evaluated = self.evaluated()
                stop_message = self.check_stop_rules(evaluated[0]["test"]["loss"])
                if due or stop_message:
                    left_out = self.send_frame(evaluated, now, pictures=single)
                    if now - self.checkpointed[1] >= CHECKPOINT_EVERY:
                        self.checkpoint()
                if self.frames_sent > 1:  # the first frames compile what evaluates and draws
                    computing = time.perf_counter() - started - left_out
                    self.frame_cost = 0.5 * self.frame_cost + 0.5 * computing
                if stop_message:
                    outcome, message = "completed", stop_message
                    break
            elif now - self.last_pictures >= self.picture_interval:
                self.send_pictures(now)
            if controls.steps_per_second and not single:
                wait = self.pace_time + (self.step - self.pace_step) / controls.steps_per_second - self.clock()
                if wait > 0:
                    self.slot.release()  # sleeping between chunks: another run may compute meanwhile
                    controls.read(timeout=min(wait, MAX_WAIT_S))
                elif wait < -self.frame_interval:  # behind (compiling, a busy machine): go on at the pace, no sprint
                    self.pace_time, self.pace_step = self.clock(), self.step
        return self.finish(outcome, message)

    def take_slot(self):
        """Hold the slot before computing. While it waits the inbox is read, so stop and pause
        still work: False if one came (nothing to compute then)."""
        controls, waited = self.controls, False
        while not self.slot.acquire(timeout=SLOT_POLL_S):
            if not waited:
                waited, self.shown = True, None  # `running` goes out again, without the message, once it has one
                self.emit([events.status("paused" if controls.paused else "running", WAITING_MESSAGE)])
            controls.read()
            if controls.stop or (controls.paused and controls.single_steps == 0):
                return False
        return True

    def chunk(self, n):
        """Run about n steps (whole epochs on the fast path); returns their batch losses."""
        started = self.clock()
        path = "epochs" if self.within == 0 and n >= self.steps_per_epoch else "steps"
        epoch, per_call = self.epoch, engine.epochs_per_call(self.model)
        if path == "epochs":
            n = min(n // self.steps_per_epoch, per_call) * self.steps_per_epoch
            orders = engine.call_orders(self.model, self.spec.seed, epoch, n // self.steps_per_epoch)
            self.state, losses = self.advance_epochs(self.state, self.data, orders, n // self.steps_per_epoch)
        else:
            n = min(n, self.steps_per_epoch - self.within)
            order = engine.epoch_orders(self.model, self.spec.seed, epoch, 1)[0]
            self.state, losses = self.advance_steps(self.state, self.data, order, n)
        losses = np.asarray(losses).ravel()[:n]
        took = self.clock() - started
        if path in self.compiled_paths:  # a call that compiled says nothing about speed
            self.train_time, self.train_steps = self.train_time + took, self.train_steps + n
            self.sec_per_step = took / n if self.sec_per_step is None else 0.7 * self.sec_per_step + 0.3 * took / n
        self.compiled_paths.add(path)
        return losses

    def check_stop_rules(self, test_loss):
        test_loss = math.inf if test_loss is None else test_loss
        epoch = self.epoch
        message = _stop_rule(self.spec.stop, test_loss, epoch, self.best)
        if test_loss < self.best[0]:
            self.best = (test_loss, epoch)
        return message

    def evaluated(self):
        """(metrics as JSON-safe floats, NaN and inf as None; the test set's predictions;
        the weights, on the host)."""
        (metrics, test_pred), flat = jax.device_get(_frame_call(self.evaluate)(self.state["params"], self.data))
        return (
            jax.tree.map(lambda v: float(v) if np.isfinite(v) else None, metrics),
            test_pred,
            _unflatten(flat, self.state["params"]),
        )

    def counters(self):
        return {
            "iteration": self.step,
            "epoch": self.epoch,
            "epochs": self.spec.epochs,
            "total_steps": self.total,
            "samples_seen": self.samples_seen,
        }

    def send_frame(self, evaluated, now, pictures=False):
        """Emit the frames of this moment; returns the seconds the frame interval's evaluation share
        leaves out: emitting (the web side's publishing and storing), and the pictures and gradients
        that go out on clocks of their own (PROBE_INTERVAL, GRADIENT_INTERVAL), whose cost those
        clocks bound already (counted per frame, a picture a second stretched the next frames)."""
        metrics, test_pred, host_params = evaluated
        losses = np.concatenate(self.pending) if self.pending else np.zeros(0)
        rate = len(losses) / max(now - self.last_frame, 1e-9)
        if self.controls.steps_per_second:  # the last frame comes before its pacing wait
            rate = min(rate, self.controls.steps_per_second)
        frames = [
            events.metrics(
                _bin(losses, self.step - len(losses)),
                self.counters(),
                metrics,
                engine.learning_rate(self.state),
                round(rate, 1),
            )
        ]
        if self.drawn_by_page:
            frames.append(events.weights(self.step, probes.dense_weights(host_params)))
        probing = pictures or now - self.last_probe >= self.probe_interval
        clocked = time.perf_counter()
        if probing:
            self.last_probe = self.last_pictures = now
            frames += probe_frames(
                self.spec,
                self.model,
                self.forward,
                self.state["params"],
                self.data,
                test_pred,
                self.vocabulary,
                self.sample,
            )
        must = pictures or self.step >= self.total  # a single step's and the last: even if it waits for the compile
        if (probing or must or now - self.last_gradients >= GRADIENT_INTERVAL) and (
            must or self.gradients_ready.is_set() or (probing and self.replay)
        ):
            self.last_gradients = now  # after the pictures: a snapshot (playground.snapshots) holds both
            frames.append(gradient_frame(self.model, self.state["params"], self.data, self.step))
        started = time.perf_counter()
        own_clocks = started - clocked if self.probe_interval > 0 else 0.0  # else pictures go with every frame
        self.emit(frames)
        self.pending, self.last_frame, self.frames_sent = [], now, self.frames_sent + 1
        return time.perf_counter() - started + own_clocks

    def send_pictures(self, now):
        """The live pictures alone, between evaluations."""
        started = time.perf_counter()
        frames = list(
            live_frames(self.spec, self.forward, self.state["params"], self.data, self.vocabulary, self.sample)
        )
        self.picture_cost = 0.5 * self.picture_cost + 0.5 * (time.perf_counter() - started)
        if frames:
            self.emit(frames)
        self.last_pictures = now

    def follow(self, sample):
        """Point the live feature maps / hidden states at test sample `sample` (clamped), shown at once."""
        self.sample = min(sample, len(self.data["y_test"]) - 1)
        frames = list(
            sample_frames(self.spec, self.forward, self.state["params"], self.data, self.vocabulary, self.sample)
        )
        if frames:
            self.emit(frames)

    def apply_edits(self):
        """Set the weights and biases asked for by hand and swap in points drawn anew (the spec's edits
        where they belong, then the live ones, here); then show their effect at once: a forward pass,
        no step."""
        due = [edit for edit in self.scheduled if edit.iteration <= self.step]
        self.scheduled, repeated = self.scheduled[len(due) :], len(due)
        due += [_live_edit(self.step, fields) for fields in self.controls.edits]
        self.controls.edits = []
        params, replaced = list(self.state["params"]), []
        for edit in due:
            if isinstance(edit, edits.DataEdit):
                self.use_data(edit.dataset)
                self.sample = min(self.sample, len(self.data["y_test"]) - 1)
                replaced.append(None)
                continue
            name, index = ("bias", (edit.unit,)) if edit.input is None else ("kernel", (edit.input, edit.unit))
            layer = dict(params[edit.layer])
            replaced.append(float(layer[name][index]))
            layer[name] = layer[name].at[index].set(edit.value)
            params[edit.layer] = layer
        self.state = {**self.state, "params": params}
        if any(isinstance(edit, edits.DataEdit) for edit in due):  # new shapes: compile the gradients anew
            self.gradients_ready = gradients.warm(self.model, params, self.data)
        evaluated = self.evaluated()
        frames = [
            events.edit(edit, previous, evaluated[0], live=i >= repeated)
            for i, (edit, previous) in enumerate(zip(due, replaced, strict=True))
        ]
        metrics, test_pred, host_params = evaluated
        if self.drawn_by_page:
            frames.append(events.weights(self.step, probes.dense_weights(host_params)))
        frames += probe_frames(
            self.spec, self.model, self.forward, params, self.data, test_pred, self.vocabulary, self.sample
        )
        if self.gradients_ready.is_set():
            frames.append(gradient_frame(self.model, params, self.data, self.step))
        self.emit(frames)
        self.last_probe = self.last_pictures = self.last_gradients = self.clock()
        self.checkpointed = (None, self.checkpointed[1])  # the weights predictions use changed

    def weights(self):
        names = [f"{i}_{layer.type}" for i, layer in enumerate(self.spec.layers)]
        return probes.weights(self.state["params"], names)

    def checkpoint(self):
        """The current weights, for predictions on a live run: on pausing, and every
        CHECKPOINT_EVERY seconds while training (not the learning: just what is stored)."""
        if self.checkpointed[0] != self.step:
            self.emit([events.checkpoint(self.step, self.weights())])
            self.checkpointed = (self.step, self.clock())

    def finish(self, outcome, message):
        final = {
            "status": outcome,
            "epochs": self.epoch,
            "steps": self.step,
            "steps_per_second": round(self.train_steps / self.train_time, 1) if self.train_time else None,
        }
        if outcome != "diverged":
            evaluated = self.evaluated()
            if self.pending:
                self.send_frame(evaluated, self.clock(), pictures=True)
            else:  # the last frame has the final numbers; make sure the final pictures go out too
                frames = list(
                    probe_frames(
                        self.spec,
                        self.model,
                        self.forward,
                        self.state["params"],
                        self.data,
                        evaluated[1],
                        self.vocabulary,
                        self.sample,
                    )
                )
                if frames:
                    self.emit(frames)
            train, test = evaluated[0]["train"], evaluated[0]["test"]
            final.update(
                train_loss=train["loss"],
                test_loss=test["loss"],
                train_accuracy=train.get("accuracy"),
                test_accuracy=test.get("accuracy"),
                test_rmse=test.get("rmse"),
                test_r2=test.get("r2"),
            )
        else:
            final.update(train_loss=None, test_loss=None, train_accuracy=None, test_accuracy=None)
        self.emit([events.status(outcome, message), events.done(outcome, final, message)])
        return RunResult(outcome, message, final, self.weights())


def _live_edit(iteration, fields):
    """A control's edit (trainer.controls: edit_weight's numbers, or set_dataset's dataset) at `iteration`."""
    if "dataset" in fields:
        return edits.DataEdit(iteration, DatasetSpec(**fields["dataset"]))
    return edits.Edit(iteration, **fields)


@functools.lru_cache(maxsize=64)
def _frame_call(evaluate):
    """A frame's device work as one compiled call: the evaluation and every weight flattened into
    one vector, so the host gets them in one copy (a copy per array cost more than the evaluation)."""

    @jax.jit
    def call(params, data):
        leaves = jax.tree.leaves(params)
        return evaluate(params, data), jnp.concatenate([leaf.ravel() for leaf in leaves]) if leaves else jnp.zeros(0)

    return call


def _unflatten(flat, like):
    """The flat vector of _frame_call as numpy arrays shaped like the pytree `like`."""
    leaves, tree = jax.tree.flatten(like)
    ends = np.cumsum([leaf.size for leaf in leaves])
    return jax.tree.unflatten(tree, [part.reshape(leaf.shape) for part, leaf in zip(np.split(flat, ends[:-1]), leaves)])


def _chunk_size(
    within, remaining, steps_per_epoch, per_epoch, single, sec_per_step, interval, steps_per_second, period=0.0
):
    """Steps for the next call: about a frame interval's computing, and no more than the pace asks for
    in an interval, or in `period` (the seconds between chunks lately) where chunks come less often: a
    run waiting for a compute slot on a busy server then still trains at its pace, in fewer calls."""
    if single:
        return 1
    if sec_per_step is None:
        n = steps_per_epoch  # the first call compiles; one epoch, so the first frame comes soon
    else:
        n = int(interval / max(sec_per_step, 1e-7))
    if steps_per_second:
        n = min(n, max(1, int(steps_per_second * max(interval, period))))
    if per_epoch:
        n = min(n, steps_per_epoch - within)  # the stop rules look at the test loss after each epoch
    return max(1, min(n, remaining))


def _stop_rule(rules, test_loss, epoch, best):
    if rules.target_loss is not None and test_loss <= rules.target_loss:
        return messages.TARGET_REACHED % {
            "target": f"{rules.target_loss:g}",
            "epoch": epoch,
            "loss": f"{test_loss:.4g}",
        }
    best_loss, best_epoch = best
    if (
        rules.early_stopping_patience is not None
        and test_loss >= best_loss
        and epoch - best_epoch >= rules.early_stopping_patience
    ):
        return messages.STOPPED_EARLY % {
            "patience": rules.early_stopping_patience,
            "best": f"{best_loss:.4g}",
            "best_epoch": best_epoch,
        }
    return None
