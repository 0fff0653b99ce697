"""The run loop: chunks of steps, the control inbox, stop rules, frames.

Its side effects are handed in: `emit(frame)` publishes, `inbox` (a
`queue.Queue` of control dicts) steers, `clock` tells time. It runs in the
caller's thread and blocks on the inbox while paused or pacing, so control
messages take effect at the next chunk boundary (a chunk lasts at most about
one frame interval).
"""
import math
import os
import queue
import time
from dataclasses import dataclass, field

import jax
import numpy as np

from trainer import datasets, engine, events, probes

POINTS_PER_FRAME = 32  # batch losses are averaged into at most this many points a frame
PROBE_EVERY = 2  # boundary and neuron frames go out every this many metric frames


@dataclass
class RunResult:
    status: str
    message: str | None
    metrics: dict
    weights: dict = field(default_factory=dict)  # "<layer>.<param>" -> np.ndarray


def enable_persistent_cache(path=None):
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
    return [[first_iteration + int(hi), round(float(losses[lo:hi].mean()), 6)] for lo, hi in zip(edges[:-1], edges[1:])]


def _divergence_message(what, iteration, epoch, lr):
    return (
        f"The {what} became NaN or infinite at iteration {iteration} (epoch {epoch + 1}), so training stopped. "
        f"The learning rate ({lr:g}) is probably too high: try one ten times smaller. "
        "An activation that saturates (tanh, sigmoid) instead of relu or linear, or L2 regularization, also keeps weights from exploding."
    )


class _Controls:
    """Reads the inbox; what the messages ask for, as plain fields."""

    def __init__(self, inbox, steps_per_second):
        self.inbox = inbox
        self.paused = self.stop = False
        self.single_steps = 0
        self.learning_rate = None  # a requested change not yet applied
        self.steps_per_second = steps_per_second
        self.pace_changed = False

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
        action, value = msg.get("action"), msg.get("value")
        if action == "pause":
            self.paused = True
        elif action == "resume":
            self.paused, self.pace_changed = False, True
        elif action == "step":
            self.single_steps += 1
        elif action == "stop":
            self.stop = True
        elif action == "set_learning_rate" and isinstance(value, (int, float)) and math.isfinite(value) and value > 0:
            self.learning_rate = float(value)
        elif action == "set_speed" and (value is None or (isinstance(value, (int, float)) and value > 0)):
            self.steps_per_second, self.pace_changed = value, True


def run(spec, *, emit, inbox=None, steps_per_second=None, frame_interval=0.1, split=None, clock=time.monotonic):
    """Train `spec` to the end, emitting frames; returns a RunResult.

    steps_per_second paces training so a person can watch (None: full speed).
    split: a datasets.Split to train on instead of generating the spec's dataset.
    """
    enable_persistent_cache()
    model = engine.Model.from_spec(spec)
    advance_epochs, advance_steps, evaluate, forward = engine.compiled(model)
    data = engine.to_device(model, split or datasets.generate(spec.dataset), spec.features)
    state = engine.init_state(model, spec.optimizer, spec.seed)
    spe, total = model.steps_per_epoch, spec.epochs * model.steps_per_epoch
    rules = spec.stop
    per_epoch = rules.early_stopping_patience is not None or rules.target_loss is not None
    ctl = _Controls(inbox, steps_per_second)
    emit(events.status("running"))
    shown = "running"  # the status viewers last saw

    step, pending, frames_sent = 0, [], 0
    sec_per_step, best = None, (math.inf, 0)
    last_frame = pace_time = clock()
    pace_step = 0
    train_time, train_steps, compiled_paths = 0.0, 0, set()
    outcome, message = "completed", None

    def counters():
        return {
            "iteration": step, "epoch": step // spe, "epochs": spec.epochs, "total_steps": total,
            "samples_seen": (step // spe) * model.n_train + (step % spe) * model.batch_size,
        }

    def send_frame(evaluated, now):
        nonlocal pending, last_frame, frames_sent
        evaluation, test_pred = evaluated
        losses = np.concatenate(pending) if pending else np.zeros(0)
        elapsed = max(now - last_frame, 1e-9)
        emit(events.metrics(_bin(losses, step - len(losses)), counters(), evaluation,
                            engine.learning_rate(state), round(len(losses) / elapsed, 1)))
        if frames_sent % PROBE_EVERY == 0:
            for frame in probe_frames(spec, model, forward, state["params"], data, test_pred):
                emit(frame)
        pending, last_frame, frames_sent = [], now, frames_sent + 1

    while step < total:
        ctl.read()
        if ctl.stop:
            outcome, message = "stopped", "Stopped by the user."
            break
        if ctl.learning_rate is not None:
            state, ctl.learning_rate = engine.set_learning_rate(state, ctl.learning_rate), None
        if ctl.pace_changed:
            pace_time, pace_step, ctl.pace_changed = clock(), step, False
        single = ctl.paused and ctl.single_steps > 0
        if ctl.paused and not single:
            if pending:
                send_frame(_evaluate(evaluate, state, data), clock())
            if shown != "paused":
                shown = "paused"
                emit(events.status("paused"))
            while ctl.paused and not ctl.stop and ctl.single_steps == 0:
                ctl.read(timeout=0.5)
            continue
        if not ctl.paused and shown != "running":
            shown = "running"
            emit(events.status("running"))

        n = _chunk_size(step, total, spe, per_epoch, single, sec_per_step, frame_interval, ctl.steps_per_second)
        started = clock()
        path = "epochs" if step % spe == 0 and n >= spe else "steps"
        if path == "epochs":
            n = min(n // spe, engine.epochs_per_call(model)) * spe
            state, losses = advance_epochs(state, data, n // spe)
        else:
            n = min(n, spe - step % spe)
            state, losses = advance_steps(state, data, n)
        losses = np.asarray(losses).ravel()[:n]
        took = clock() - started
        if compiled_paths >= {path}:  # a call that compiled says nothing about speed
            train_time, train_steps = train_time + took, train_steps + n
            sec_per_step = took / n if sec_per_step is None else 0.7 * sec_per_step + 0.3 * took / n
        compiled_paths.add(path)
        if single:
            ctl.single_steps -= 1

        bad = ~np.isfinite(losses)
        if bad.any() or not engine.finite(state["params"]):
            first = step + (int(bad.argmax()) if bad.any() else n - 1)
            what = "training loss" if bad.any() else "weights"
            step += n
            outcome, message = "diverged", _divergence_message(what, first + 1, first // spe, engine.learning_rate(state))
            break
        step += n
        pending.append(losses)

        now = clock()
        due = single or now - last_frame >= frame_interval or step >= total
        evaluation = None
        if due or (per_epoch and step % spe == 0):
            evaluation = _evaluate(evaluate, state, data)
            test_loss = evaluation[0]["test"]["loss"]
            test_loss = math.inf if test_loss is None else test_loss
            stop_message = _stop_rule(rules, test_loss, step // spe, best)
            if test_loss < best[0]:
                best = (test_loss, step // spe)
            if stop_message:
                outcome, message = "completed", stop_message
                send_frame(evaluation, now)
                break
        if due:
            send_frame(evaluation, now)
        if ctl.steps_per_second and not single:
            wait = pace_time + (step - pace_step) / ctl.steps_per_second - clock()
            if wait > 0:
                ctl.read(timeout=wait)

    return _finish(spec, model, forward, evaluate, state, data, outcome, message, step, pending,
                   train_steps / train_time if train_time else None, emit, send_frame, clock)


def _chunk_size(step, total, spe, per_epoch, single, sec_per_step, frame_interval, steps_per_second):
    if single:
        return 1
    if sec_per_step is None:
        n = spe  # the first call compiles; one epoch, so the first frame comes soon
    else:
        n = int(frame_interval / max(sec_per_step, 1e-7))
    if steps_per_second:
        n = min(n, max(1, int(steps_per_second * frame_interval)))
    if per_epoch:
        n = min(n, spe - step % spe)  # the stop rules look at the test loss after each epoch
    return max(1, min(n, total - step))


def _stop_rule(rules, test_loss, epoch, best):
    if rules.target_loss is not None and test_loss <= rules.target_loss:
        return f"Reached the target test loss {rules.target_loss:g} at epoch {epoch} (test loss {test_loss:.4g})."
    best_loss, best_epoch = best
    if rules.early_stopping_patience is not None and test_loss >= best_loss and epoch - best_epoch >= rules.early_stopping_patience:
        return (f"Stopped early: the test loss has not improved for {rules.early_stopping_patience} epochs "
                f"(best {best_loss:.4g} at epoch {best_epoch}).")
    return None


def _evaluate(evaluate, state, data):
    """engine's evaluate -> (metrics as JSON-safe floats, NaN and inf as None; test predictions)."""
    metrics, test_pred = jax.device_get(evaluate(state["params"], data))
    return jax.tree.map(lambda v: float(v) if np.isfinite(v) else None, metrics), test_pred


def probe_frames(spec, model, forward, params, data, test_pred):
    """The pictures that fit this model: boundary and neurons for 2-D points;
    filters, feature maps and a strip of predictions for images; a confusion
    matrix for every classifier."""
    info = spec.dataset.info
    if info.kind == "points":
        yield events.boundary(probes.boundary(model, forward, params, spec.features))
        yield events.neurons(probes.neurons(model, forward, params, spec.features))
    elif info.kind == "text":
        pipeline = datasets.text_split(spec.dataset)[1]
        if spec.layers[0].type == "embedding":
            yield events.embedding(probes.embedding(params[0]["embeddings"], pipeline))
        hidden = probes.hidden_states(spec, forward, params, data["x_test"], pipeline)
        if hidden:
            yield events.hidden_states(hidden)
    else:
        if any(layer.type == "conv2d" for layer in spec.layers):
            yield events.filters(probes.filters(spec, params))
            yield events.feature_maps(probes.feature_maps(spec, forward, params, data["x_test"], data["y_test"][0]))
        yield events.predictions(probes.predictions(data["x_test"], np.asarray(data["y_test"]), test_pred, info.class_names))
    if model.task != "regression":
        yield events.confusion(probes.confusion(np.asarray(data["y_test"]), test_pred, spec.dataset.n_classes, info.class_names))


def _finish(spec, model, forward, evaluate, state, data, outcome, message, step, pending, steps_per_second, emit, send_frame, clock):
    spe = model.steps_per_epoch
    final = {"status": outcome, "epochs": step // spe, "steps": step,
             "steps_per_second": round(steps_per_second, 1) if steps_per_second else None}
    if outcome != "diverged":
        evaluated = _evaluate(evaluate, state, data)
        if pending:
            send_frame(evaluated, clock())
        test, train = evaluated[0]["test"], evaluated[0]["train"]
        final.update(train_loss=train["loss"], test_loss=test["loss"], train_accuracy=train.get("accuracy"),
                     test_accuracy=test.get("accuracy"), test_rmse=test.get("rmse"), test_r2=test.get("r2"))
        for frame in probe_frames(spec, model, forward, state["params"], data, evaluated[1]):
            emit(frame)
    else:
        final.update(train_loss=None, test_loss=None, train_accuracy=None, test_accuracy=None)
    emit(events.status(outcome, message))
    emit(events.done(outcome, final))
    names = [f"{i}_{layer.type}" for i, layer in enumerate(spec.layers)]
    return RunResult(outcome, message, final, probes.weights(state["params"], names))
