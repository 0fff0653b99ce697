"""Training behaviour: known results, determinism, controls, stop rules, divergence."""

import json
import queue
import threading

import numpy as np

from trainer import datasets, engine, loop
from trainer.spec import parse


def train(d, **kwargs):
    frames = []
    result = loop.run(parse(d), emit=frames.extend, **kwargs)
    return result, frames


def of_type(frames, kind):
    return [f for f in frames if f["type"] == kind]


def test_perceptron_separates_a_separable_set(example):
    """The perceptron convergence theorem: on separable data it ends with no training error."""
    result, _ = train(example("perceptron_separable"))
    assert result.status == "completed"
    assert result.metrics["train_accuracy"] == 1.0 and result.metrics["test_accuracy"] >= 0.97


def test_perceptron_cannot_learn_xor(example):
    result, _ = train(example("perceptron_xor"))
    assert result.metrics["test_accuracy"] <= 0.8


def test_perceptron_rule_is_rosenblatts():
    """One step on one sample: w <- w + lr (t - y) x, b <- b + lr (t - y)."""
    d = {
        "dataset": {"name": "gauss", "samples": 20},
        "layers": [{"type": "dense", "units": 1, "activation": "step"}],
        "loss": "mse",
        "optimizer": {"name": "sgd", "learning_rate": 0.5},
        "batch_size": 1,
        "epochs": 1,
    }
    spec = parse(d)
    model = engine.Model.from_spec(spec)
    advance_steps = engine.compiled(model).advance_steps
    split = datasets.generate(spec.dataset)
    data = engine.to_device(model, split, spec.features)
    state = engine.init_state(model, spec.optimizer, spec.seed)
    # The sample the first step sees, recomputed the way the engine orders epoch 0.
    w0, b0 = np.asarray(state["params"][0]["kernel"]), np.asarray(state["params"][0]["bias"])
    new, _ = advance_steps(state, data, engine.epoch_orders(model, spec.seed, 0, 1)[0], 1)
    dw = np.asarray(new["params"][0]["kernel"]) - w0
    db = np.asarray(new["params"][0]["bias"]) - b0
    x, t = np.asarray(data["x_train"]), np.asarray(data["t_train"])
    y = (x @ w0 + b0 >= 0).astype(float)
    matches = [
        i
        for i in range(len(x))
        if np.allclose(dw, 0.5 * (t[i] - y[i]) * x[i][:, None], atol=1e-6)
        and np.allclose(db, 0.5 * (t[i] - y[i]), atol=1e-6)
    ]
    assert matches, "the update is not lr·(t − y)·x for any training sample"


def test_mlp_solves_xor(example):
    result, _ = train(example("mlp_xor"))
    assert result.metrics["test_accuracy"] >= 0.95


def test_same_seed_same_losses_other_seed_differs(example):
    d = example("tfp_default")
    d["epochs"] = 20
    a, _ = train(d)
    b, _ = train(d)
    d["seed"] = 1
    c, _ = train(d)
    assert a.metrics["test_loss"] == b.metrics["test_loss"]
    for name, w in a.weights.items():  # chunking follows the clock; the numbers must not
        np.testing.assert_array_equal(w, b.weights[name])
    assert a.metrics["test_loss"] != c.metrics["test_loss"]


def test_step_path_and_epoch_path_train_identically(example):
    d = example("tfp_default")
    spec = parse(d)
    model = engine.Model.from_spec(spec)
    advance_epochs, advance_steps, _, _ = engine.compiled(model)
    data = engine.to_device(model, datasets.generate(spec.dataset), spec.features)
    state = engine.init_state(model, spec.optimizer, spec.seed)
    by_epochs, losses_e = advance_epochs(state, data, engine.call_orders(model, spec.seed, 0, 2), 2)
    s = state
    losses_s = []
    for n, epoch in ((7, 0), (18, 0), (25, 1)):  # 2 epochs of 25 steps, in uneven pieces
        s, losses = advance_steps(s, data, engine.epoch_orders(model, spec.seed, epoch, 1)[0], n)
        losses_s.extend(np.asarray(losses)[:n])
    np.testing.assert_allclose(np.asarray(losses_e)[:2].ravel(), losses_s, rtol=1e-5)
    np.testing.assert_allclose(by_epochs["params"][0]["kernel"], s["params"][0]["kernel"], rtol=1e-5)


def test_epoch_orders_are_fresh_shuffles_fixed_by_seed_and_epoch(example):
    model = engine.Model.from_spec(parse(example("tfp_default")))
    a = engine.epoch_orders(model, 0, 60, 10)  # across a block boundary
    np.testing.assert_array_equal(
        a, np.concatenate([engine.epoch_orders(model, 0, 60, 4), engine.epoch_orders(model, 0, 64, 6)])
    )
    assert all(sorted(row.ravel()) == list(range(250)) for row in a)
    assert not np.array_equal(a[0], a[1]) and not np.array_equal(a, engine.epoch_orders(model, 1, 60, 10))


def test_counters_follow_keras(example):
    d = example("tfp_default")
    d.update(epochs=3, batch_size=16)  # 250 train points: 16 batches, the last of 10
    result, frames = train(d)
    last = of_type(frames, "metrics")[-1]
    assert last["iteration"] == 3 * 16 and last["epoch"] == 3 and last["samples_seen"] == 3 * 250
    assert result.metrics["steps"] == 48


def test_frames_are_json_and_complete(example):
    result, frames = train(example("tfp_default"))
    json.dumps(frames, allow_nan=False)
    assert frames[0] == {"type": "status", "status": "running", "message": None}
    assert frames[-1]["type"] == "done" and frames[-1]["status"] == "completed"
    boundary = of_type(frames, "boundary")[-1]
    assert len(np.frombuffer(__import__("base64").b64decode(boundary["data"]), np.uint8)) == boundary["size"] ** 2
    neurons = of_type(frames, "neurons")[-1]
    assert [len(layer["units"]) for layer in neurons["layers"]] == [4, 2]
    assert [np.shape(w) for w in neurons["weights"]] == [(2, 4), (4, 2), (2, 1)]
    iterations = [p[0] for f in of_type(frames, "metrics") for p in f["points"]]
    assert iterations == sorted(iterations) and iterations[-1] == 5000


def test_divergence_stops_with_a_message(example):
    d = example("regression_plane")
    d["optimizer"]["learning_rate"] = 1e3
    result, frames = train(d)
    assert result.status == "diverged"
    assert "learning rate" in result.message and "NaN or infinite" in result.message
    assert of_type(frames, "done")[0]["status"] == "diverged"
    json.dumps(frames, allow_nan=False)


def test_target_loss_stops_early(example):
    d = example("tfp_default")
    d["stop"] = {"target_loss": 0.1}
    result, _ = train(d)
    assert result.status == "completed" and "target" in result.message
    assert result.metrics["test_loss"] <= 0.1 and result.metrics["epochs"] < 200


def test_early_stopping_patience(example):
    d = example("mlp_xor")
    d.update(epochs=400, stop={"early_stopping_patience": 5})
    d["optimizer"]["learning_rate"] = 0.3
    result, _ = train(d)
    assert "not improved for 5 epochs" in result.message and result.metrics["epochs"] < 400


def test_regression_reports_rmse_and_r2(example):
    result, frames = train(example("regression_plane"))
    assert result.metrics["test_accuracy"] is None and result.metrics["test_r2"] > 0.9
    assert of_type(frames, "metrics")[-1]["test_rmse"] is not None


def test_multiclass_boundary_has_labels(example):
    _, frames = train(example("blobs_softmax"))
    b = of_type(frames, "boundary")[-1]
    assert b["classes"] == 4 and "labels" in b


class Driver:
    """Runs the loop in a thread with an inbox, as the web side does."""

    def __init__(self, d, **kwargs):
        self.inbox, self.frames = queue.Queue(), []
        self.arrived = threading.Condition()
        self.thread = threading.Thread(target=self._run, args=(parse(d), kwargs), daemon=True)
        self.thread.start()

    def _run(self, spec, kwargs):
        self.result = loop.run(spec, emit=self._emit, inbox=self.inbox, **kwargs)

    def _emit(self, frames):
        with self.arrived:
            self.frames.extend(frames)
            self.arrived.notify_all()

    def wait_for(self, predicate, timeout=30):
        with self.arrived:
            assert self.arrived.wait_for(lambda: any(predicate(f) for f in self.frames), timeout), self.frames[-3:]

    def send(self, action, value=None):
        self.inbox.put({"action": action, "value": value})


def test_pause_step_resume_stop(example):
    d = example("tfp_default")
    d["epochs"] = 2000
    run = Driver(d, steps_per_second=2000)
    run.wait_for(lambda f: f["type"] == "metrics")
    run.send("pause")
    run.wait_for(lambda f: f.get("status") == "paused")
    count = len(of_type(run.frames, "metrics"))
    before = of_type(run.frames, "metrics")[-1]["iteration"]
    run.send("step")
    run.wait_for(lambda f: f["type"] == "metrics" and f["iteration"] == before + 1)
    run.send("set_learning_rate", 0.5)
    run.send("resume")
    run.wait_for(lambda f: f["type"] == "metrics" and f["learning_rate"] == 0.5)
    assert len(of_type(run.frames, "metrics")) > count + 1
    run.send("stop")
    run.thread.join(30)
    assert run.result.status == "stopped"
    assert run.frames[-1] == {
        "type": "done",
        "status": "stopped",
        "metrics": run.result.metrics,
        "message": "Stopped by the user.",
    }


def test_pacing_limits_speed(example):
    d = example("tfp_default")
    run = Driver(d, steps_per_second=500)
    run.wait_for(lambda f: f["type"] == "metrics" and f["iteration"] >= 500)
    run.send("stop")
    run.thread.join(30)
    rates = [f["steps_per_second"] for f in of_type(run.frames, "metrics")[2:]]
    assert rates and np.median(rates) < 800


def test_a_fast_run_is_still_evaluated_at_evenly_spaced_steps(example):
    d = example("tfp_default")  # 5,000 steps: a fraction of a second at full speed
    _, frames = train(d)
    iterations = [f["iteration"] for f in of_type(frames, "metrics")]
    assert len(iterations) >= 50 and iterations[-1] == 5000
    gaps = np.diff([0] + iterations)
    assert gaps.max() <= 100  # 200 epochs of 25 steps: an evaluation every 4 epochs at least
    # the page draws every frame's pictures from its weights; the server's own go out once a second and at the end
    assert [f["iteration"] for f in of_type(frames, "weights")] == [0, *iterations]
    assert of_type(frames, "boundary") and frames.index(of_type(frames, "boundary")[-1]) > frames.index(
        of_type(frames, "metrics")[-1]
    )


def test_a_paused_run_checkpoints_its_weights_and_follows_a_chosen_sample(example):
    from trainer import presets

    d = presets.load("digits_cnn")
    run = Driver(d, paused=True)
    run.wait_for(lambda f: f.get("status") == "paused")
    start = of_type(run.frames, "checkpoint")
    assert [c["iteration"] for c in start] == [0]  # the initial weights: a paused run can predict at once
    assert start[0]["weights"]["0_conv2d.kernel"].shape == (3, 3, 1, 8)
    run.send("step")
    run.wait_for(lambda f: f["type"] == "checkpoint" and f["iteration"] == 1)
    assert not np.array_equal(
        of_type(run.frames, "checkpoint")[-1]["weights"]["0_conv2d.kernel"], start[0]["weights"]["0_conv2d.kernel"]
    )

    run.send("probe_sample", 7)  # while paused: shown at once, and followed from then on
    run.wait_for(lambda f: f["type"] == "feature_maps" and f["sample"] == 7)
    run.send("probe_sample", 10**6)  # past the test set: its last sample
    run.wait_for(lambda f: f["type"] == "feature_maps" and f["sample"] == 448)
    run.send("resume")
    run.thread.join(60)
    assert run.result.status == "completed"
    assert of_type(run.frames, "feature_maps")[-1]["sample"] == 448
    final = run.result.weights["0_conv2d.kernel"]
    assert not np.array_equal(final, of_type(run.frames, "checkpoint")[-1]["weights"]["0_conv2d.kernel"])


def test_checkpoints_come_every_few_seconds_while_training(example, monkeypatch):
    monkeypatch.setattr(loop, "CHECKPOINT_EVERY", 0.0)
    d = example("tfp_default")
    _, frames = train(d)
    iterations = [c["iteration"] for c in of_type(frames, "checkpoint")]
    assert len(iterations) >= 10 and iterations == sorted(set(iterations))
    monkeypatch.setattr(loop, "CHECKPOINT_EVERY", 1e9)
    _, frames = train(d)
    assert not of_type(frames, "checkpoint")  # a run that is never paused and ends quickly stores only its end


class GateSlot(loop.Slot):
    """A compute slot another run may hold: acquire waits while `free` is clear. Logs what the loop did."""

    def __init__(self):
        self.free, self.held, self.log, self.changed = threading.Event(), False, [], threading.Condition()
        self.free.set()

    def acquire(self, timeout=None):
        if not self.held:
            if not self.free.wait(timeout):
                return False
            self._note("acquire", True)
        return True

    def release(self):
        if self.held:
            self._note("release", False)

    def _note(self, what, held):
        with self.changed:
            self.held = held
            self.log.append(what)
            self.changed.notify_all()

    def wait_for(self, predicate, timeout=30):
        with self.changed:
            assert self.changed.wait_for(lambda: predicate(self), timeout), self.log


def test_a_paused_run_lets_its_slot_go_and_waits_for_one_to_compute_again(example):
    slot = GateSlot()
    run = Driver(example("tfp_default"), paused=True, slot=slot)
    run.wait_for(lambda f: f.get("status") == "paused")
    slot.wait_for(lambda s: not s.held)
    assert slot.log == ["acquire", "release"]  # built and compiled with it, then parked without it
    slot.free.clear()  # another run computes
    run.send("resume")
    run.wait_for(lambda f: f.get("message") == loop.WAITING_MESSAGE)  # the viewer learns why nothing moves
    assert not of_type(run.frames, "metrics") and not slot.held
    slot.free.set()
    run.thread.join(60)
    assert run.result.status == "completed" and run.result.metrics["steps"] == 5000
    assert slot.log[2] == "acquire" and slot.log[-1] == "release" and not slot.held
    assert run.frames[-1]["type"] == "done"


def test_a_run_waiting_for_a_slot_still_stops(example):
    slot = GateSlot()
    run = Driver(example("tfp_default"), paused=True, slot=slot)
    run.wait_for(lambda f: f.get("status") == "paused")
    slot.wait_for(lambda s: not s.held)
    slot.free.clear()
    run.send("resume")
    run.wait_for(lambda f: f.get("message") == loop.WAITING_MESSAGE)
    run.send("stop")
    run.thread.join(30)
    assert run.result.status == "stopped" and run.result.metrics["steps"] == 0
    assert slot.log == ["acquire", "release"]  # never computed again


def test_a_paced_run_lets_its_slot_go_between_chunks_and_a_fast_one_keeps_it(example):
    d = example("tfp_default")
    slot = GateSlot()
    run = Driver(d, steps_per_second=500, slot=slot)
    run.wait_for(lambda f: f["type"] == "metrics" and f["iteration"] >= 100)
    run.send("stop")
    run.thread.join(30)
    assert slot.log.count("release") >= 3 and slot.log[::2] == ["acquire"] * len(slot.log[::2]) and not slot.held
    fast = GateSlot()
    result = loop.run(parse(d), emit=lambda frames: None, slot=fast)
    assert result.status == "completed" and fast.log == ["acquire", "release"]


def test_a_paced_run_behind_its_pace_trains_more_steps_a_call_not_fewer_steps_a_second():
    """On a busy server a paced run waits for its compute slot between chunks: its chunks then
    hold the steps of the time between them (up to CATCH_UP_S), so it keeps its pace in fewer calls."""
    frame = 1 / 30
    on_time = loop._chunk_size(0, 10_000, 25, False, False, 1e-5, frame, 1000, period=0.025)
    behind = loop._chunk_size(0, 10_000, 25, False, False, 1e-5, frame, 1000, period=0.1)
    far_behind = loop._chunk_size(0, 10_000, 25, False, False, 1e-5, frame, 1000, period=loop.CATCH_UP_S)
    assert on_time == 33 and behind == 100 and far_behind == 250
    # still no more than a frame interval of computing, and no sprint for an unpaced run
    assert loop._chunk_size(0, 10_000, 25, False, False, 1e-3, frame, 1000, period=0.1) == 33
    assert loop._chunk_size(0, 10_000, 25, False, False, 1e-5, frame, None, period=0.1) == 3333
