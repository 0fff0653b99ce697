"""Benchmark (not a test): `python -m trainer.bench`.

First, with `node` on PATH, our engine beside TensorFlow Playground's own
(nn.ts compiled to nn.js, driven by shared/bench/tfpg/driver.js: circle data,
250 training points, batch 10, SGD at 0.03, ½·squared error, tanh output),
interleaved over several rounds in one run: each round's ratio of steps per
second, and their median. Ours is the run loop's call pattern (loop.chunk():
call_orders, advance_epochs over whole epochs, the losses pulled to the host)
at the chunk sizes the loop takes at full speed.
Then optimizer steps per second of the engine beside a plain NumPy
implementation of the same network (W1, W2) or a per-step jit'd JAX loop
(W3 CNN, W4 RNN), run in the same process, and the ratio;
then the live pictures of an image and a text run a second, and their training speed with
and without them;
then the time from start to a run's first frame for a network of each kind,
cold (empty compilation cache) and warm (persistent cache), each in a fresh
process. The machines are noisy: read the ratios, not the absolute numbers.
"""

import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from trainer import datasets, engine, loop, optimizers, presets
from trainer.spec import Spec, parse

ROUNDS = 5
ROUND_S = 0.5  # about how long our engine trains per round of the side-by-side, at each chunk size
TFPG_STEPS = {"W1": 40000, "W2": 4000}  # TF Playground's steps per round: about half a second each here
TFPG_TARGETS = {"W1": 2.0, "W2": 5.0}  # our steps/s over TF Playground's that the engine should reach


def workloads() -> dict[str, dict]:
    default = presets.load("tfp_default")
    largest = json.loads(json.dumps(default))
    hidden = dict(
        default["layers"][0], units=8, activation="relu"
    )  # TF Playground's initializers, as its driver has them
    largest["layers"] = [hidden] * 6 + [default["layers"][-1]]
    return {
        "W1 TF Playground default (circle, [4, 2] tanh, batch 10)": default,
        "W2 TF Playground largest (6 x 8 relu, batch 10)": largest,
    }


class NumpyMLP:
    """The same network and SGD in NumPy, one Python step per mini-batch."""

    ACT = {
        "tanh": (np.tanh, lambda a: 1 - a * a),
        "relu": (lambda z: np.maximum(z, 0), lambda a: (a > 0).astype(a.dtype)),
        "linear": (lambda z: z, lambda a: np.ones_like(a)),
    }

    def __init__(self, spec: Spec, params: list, x: np.ndarray, t: np.ndarray) -> None:
        self.acts = [layer.activation for layer in spec.layers]
        self.w = [np.array(p["kernel"]) for p in params]
        self.b = [np.array(p["bias"]) for p in params]
        self.x, self.t, self.lr, self.bs = x, t, spec.optimizer.learning_rate, spec.batch_size
        self.rng = np.random.default_rng(0)

    def step(self, xb: np.ndarray, tb: np.ndarray) -> float:
        outs = [xb]
        for w, b, act in zip(self.w, self.b, self.acts):
            outs.append(self.ACT[act][0](outs[-1] @ w + b))
        delta = (outs[-1] - tb) / len(xb)  # d(½·mean sq. error)/d(output)
        for i in reversed(range(len(self.w))):
            delta = delta * self.ACT[self.acts[i]][1](outs[i + 1])
            gw, gb = outs[i].T @ delta, delta.sum(0)
            delta = delta @ self.w[i].T
            self.w[i] -= self.lr * gw
            self.b[i] -= self.lr * gb
        return 0.5 * float(((outs[-1] - tb) ** 2).mean())

    def run(self, steps: int) -> None:
        done = 0
        while done < steps:
            order = self.rng.permutation(len(self.x))
            for lo in range(0, len(order), self.bs):
                idx = order[lo : lo + self.bs]
                self.step(self.x[idx], self.t[idx])
                done += 1
                if done == steps:
                    return


def steps_per_second(run: Callable[[int], object], steps: int) -> float:
    started = time.perf_counter()
    run(steps)
    return steps / (time.perf_counter() - started)


def throughput(d: dict) -> tuple[float, float]:
    spec = parse(d)
    model = engine.Model.from_spec(spec)
    advance_epochs = engine.compiled(model).advance_epochs
    data = engine.to_device(model, datasets.generate(spec.dataset), spec.features)
    state = engine.init_state(model, spec.optimizer, spec.seed)
    spe = model.steps_per_epoch
    epochs = engine.epochs_per_call(model)  # the loop's largest call
    orders = engine.call_orders(model, spec.seed, 0, epochs)
    state, losses = advance_epochs(state, data, orders, epochs)  # compile
    np.asarray(losses)

    def run_engine(steps):
        nonlocal state
        for i in range(steps // (epochs * spe)):
            orders = engine.call_orders(model, spec.seed, (i + 1) * epochs, epochs)  # drawn per call, as the loop does
            state, losses = advance_epochs(state, data, orders, epochs)
            np.asarray(losses)  # the loop pulls the losses to the host every call

    ref = NumpyMLP(spec, state["params"], np.asarray(data["x_train"]), np.asarray(data["t_train"]))
    jax_rates, np_rates = [], []
    for _ in range(ROUNDS):  # interleaved, so load on the machine hits both alike
        jax_rates.append(steps_per_second(run_engine, 10 * epochs * spe))
        np_rates.append(steps_per_second(ref.run, 3000))
    return statistics.median(jax_rates), statistics.median(np_rates)


# --- beside TensorFlow Playground's engine ---------------------------------------------------


def tfpg_driver() -> Path | None:
    """TF Playground's driver.js: $TFPG_DIR, else shared/bench/tfpg in or beside this checkout; None if absent."""
    root = Path(__file__).resolve().parents[1]
    for folder in [os.environ.get("TFPG_DIR"), root / "shared/bench/tfpg", root.parent / "shared/bench/tfpg"]:
        if folder and (Path(folder) / "driver.js").is_file():
            return Path(folder) / "driver.js"
    return None


def tfpg_rate(driver: Path, hidden: list[int], activation: str, steps: int) -> float:
    """TF Playground's steps/s training hidden layers `hidden` (after its own warm-up), batch 10."""
    out = subprocess.run(
        ["node", str(driver), json.dumps(hidden), activation, "10", str(steps), "train"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)["steps_per_s"]


def as_the_loop_runs(spec: Spec) -> tuple[engine.Model, Callable[[int, float], float]]:
    """(model, rate): rate(epochs per call, seconds) -> steps/s of our engine called as loop.chunk() calls
    it on the fast path: call_orders for the next epochs, advance_epochs, the losses pulled to the host."""
    model = engine.Model.from_spec(spec)
    advance_epochs = engine.compiled(model).advance_epochs
    data = engine.to_device(model, datasets.generate(spec.dataset), spec.features)
    box = {"state": engine.init_state(model, spec.optimizer, spec.seed), "epoch": 0}
    spe = model.steps_per_epoch

    def calls(epochs, count):
        state, epoch = box["state"], box["epoch"]
        for _ in range(count):
            orders = engine.call_orders(model, spec.seed, epoch, epochs)
            state, losses = advance_epochs(state, data, orders, epochs)
            np.asarray(losses).ravel()[: epochs * spe]
            epoch += epochs
        box["state"], box["epoch"] = state, epoch

    def rate(epochs, seconds):
        calls(epochs, 1)  # compiled once (the same function for every chunk size), then one warm call timed
        started = time.perf_counter()
        calls(epochs, 1)
        count = max(3, int(seconds / (time.perf_counter() - started)))
        return steps_per_second(lambda steps: calls(epochs, count), count * epochs * spe)

    return model, rate


def loop_chunks(spec: Spec, model: engine.Model) -> dict[str, int]:
    """The epochs per call that loop.run uses at full speed: its largest call (a long run), and the call of
    this spec as it is (a run of spec.epochs is evaluated at least loop.MIN_FRAMES times, each a chunk's end)."""
    largest = engine.epochs_per_call(model)
    return {"long run": largest, f"{spec.epochs} epochs": min(largest, math.ceil(spec.epochs / loop.MIN_FRAMES))}


def like_for_like(spec: Spec) -> list[str]:
    """What TF Playground's driver does, checked against the spec; a list of the differences."""
    out = spec.layers[-1]
    wanted = {
        "dataset": ("circle", spec.dataset.name),
        "training points": (250, spec.n_train),
        "batch": (10, spec.batch_size),
        "optimizer": ("sgd", spec.optimizer.name),
        "learning rate": (0.03, spec.optimizer.learning_rate),
        "loss": ("half_mse", spec.loss),
        "output": ((1, "tanh"), (out.units, out.activation)),
    }
    return [f"{k}: TF Playground {a}, ours {b}" for k, (a, b) in wanted.items() if a != b]


def beside_tf_playground() -> None:
    """Interleaved rounds of our engine and TF Playground's on W1 and W2; prints each round's ratio and the median."""
    driver = tfpg_driver()
    if shutil.which("node") is None or driver is None:
        why = (
            "node is not on PATH" if shutil.which("node") is None else "no driver.js: set TFPG_DIR to shared/bench/tfpg"
        )
        print(f"TF Playground side by side: skipped ({why})\n")
        return
    print(
        "Beside TensorFlow Playground's engine (nn.js on Node), interleaved rounds in this run. Both: circle data, "
        "250\ntraining points, batch 10, plain SGD at 0.03, ½·squared error, one tanh output unit. Ours is called as "
        "the\nrun loop calls it: epochs per call of a long run, and of the preset's own run (evaluated every few "
        "epochs)."
    )
    for name, d in workloads().items():
        key, spec = name.split()[0], parse(d)
        for difference in like_for_like(spec):
            print(f"  NOT like for like: {difference}")
        model, ours = as_the_loop_runs(spec)
        chunks = loop_chunks(spec, model)
        hidden = [layer.units for layer in spec.layers[:-1]]
        rounds = []
        for _ in range(ROUNDS):
            mine = {label: ours(epochs, ROUND_S) for label, epochs in chunks.items()}
            rounds.append((mine, tfpg_rate(driver, hidden, spec.layers[0].activation, TFPG_STEPS[key])))
        print(f"  {name}: target {TFPG_TARGETS[key]:g}x")
        for label, epochs in chunks.items():
            ratio = statistics.median(m[label] / t for m, t in rounds)
            print(
                f"    {label}, {epochs} epochs ({epochs * model.steps_per_epoch:,} steps) a call: median ratio "
                f"{ratio:.1f}x, {'meets' if ratio >= TFPG_TARGETS[key] else 'MISSES'} the target"
            )
            print(
                "      rounds, ours / TF Playground's steps/s: "
                + ", ".join(f"{m[label]:,.0f} / {t:,.0f} = {m[label] / t:.1f}x" for m, t in rounds)
            )
    print()


def per_step_baseline(model: engine.Model, data: dict, state: dict, steps: int) -> Callable[[int], object]:
    """A plain JAX loop: one jit'd optimizer step per Python call, batches
    already on the device; the same model, loss and optimizer."""
    import jax  # noqa: PLC0415

    opt = optimizers.make(model.optimizer)

    @jax.jit
    def step(params, opt_state, x, t):
        grads, loss = jax.grad(lambda p: engine.objective(model, p, x, t), has_aux=True)(params)
        updates, opt_state = opt.update(grads, opt_state, params)
        return jax.tree.map(lambda p, u: p + u, params, updates), opt_state, loss

    bs = model.batch_size
    batches = [
        (data["x_train"][i * bs : (i + 1) * bs], data["t_train"][i * bs : (i + 1) * bs])
        for i in range(model.n_train // bs)
    ]
    params, opt_state = state["params"], state["opt_state"]
    params, opt_state, loss = step(params, opt_state, *batches[0])  # compile
    loss.block_until_ready()

    def run(n):
        nonlocal params, opt_state
        for i in range(n):
            params, opt_state, loss = step(params, opt_state, *batches[i % len(batches)])
        loss.block_until_ready()

    return run


def against_per_step(model: engine.Model, data: dict) -> tuple[float, float]:
    """The engine's chunked scan beside the per-step loop, interleaved rounds."""
    advance_epochs = engine.compiled(model).advance_epochs
    state = engine.init_state(model, model.optimizer.__class__(model.optimizer.name, 1e-3, model.optimizer.options), 0)
    spe = model.steps_per_epoch
    epochs = max(1, min(engine.epochs_per_call(model), 2000 // spe))
    state, losses = advance_epochs(state, data, engine.call_orders(model, 0, 0, epochs), epochs)
    np.asarray(losses)

    def run_engine(steps):
        nonlocal state
        for i in range(max(1, steps // (epochs * spe))):
            state, losses = advance_epochs(state, data, engine.call_orders(model, 0, (i + 1) * epochs, epochs), epochs)
            np.asarray(losses)

    baseline = per_step_baseline(model, data, state, 1)
    engine_rates, base_rates = [], []
    for _ in range(ROUNDS):
        engine_rates.append(steps_per_second(run_engine, 3 * epochs * spe))
        base_rates.append(steps_per_second(baseline, 500))
    return statistics.median(engine_rates), statistics.median(base_rates)


def cnn_workload() -> tuple[engine.Model, dict]:
    """W3: digits 8x8, conv 8@3x3 same, relu, maxpool 2, dense 10, Adam, batch 32."""
    spec = parse(presets.load("digits_cnn"))
    model = engine.Model.from_spec(spec)
    return model, engine.to_device(model, datasets.generate(spec.dataset), spec.features)


def rnn_workload(cell: str = "simple_rnn") -> tuple[engine.Model, dict]:
    """W4: token sequences of length 20, vocabulary 1000, embedding 16, SimpleRNN 32 (or an LSTM or GRU
    of 32), dense 1, Adam, batch 32."""
    import jax.numpy as jnp  # noqa: PLC0415

    from trainer.spec import Dense, Embedding, Optimizer, Recurrent, Regularization  # noqa: PLC0415

    layers = (Embedding(16, 1000), Recurrent(cell, 32), Dense(1, "sigmoid"))
    model = engine.Model(
        layers,
        "binary_crossentropy",
        Optimizer("adam", 0.0, (("b1", 0.9), ("b2", 0.999), ("eps", 1e-8))),
        Regularization(),
        32,
        1024,
        "binary",
        (20,),
    )
    rng = np.random.default_rng(0)
    tokens = rng.integers(1, 1000, (1024 + 256, 20)).astype(np.int32)
    y = (tokens[:, 0] > 500).astype(np.int32)
    data = {
        "x_train": jnp.asarray(tokens[:1024]),
        "t_train": jnp.asarray(y[:1024, None].astype(np.float32)),
        "y_train": jnp.asarray(y[:1024]),
        "x_test": jnp.asarray(tokens[1024:]),
        "t_test": jnp.asarray(y[1024:, None].astype(np.float32)),
        "y_test": jnp.asarray(y[1024:]),
    }
    return model, data


STARTUP = """
import json, os, queue, sys, time
t0 = time.perf_counter()
os.environ["TRAINER_CACHE_DIR"] = sys.argv[1]
from trainer import loop, presets
from trainer.spec import parse
t_import = time.perf_counter()
inbox, seen = queue.Queue(), {}
def emit(frames):
    if any(frame["type"] == "metrics" for frame in frames) and not seen:
        seen["first_frame"] = time.perf_counter() - t_import
        inbox.put({"action": "stop"})
loop.run(parse(presets.load(sys.argv[2])), emit=emit, inbox=inbox)
print(json.dumps({"import": t_import - t0, **seen}))
"""
STARTUP_PRESETS = ("tfp_default", "digits_cnn", "sentiment_rnn")


def startup_times(preset: str) -> tuple[dict, dict]:
    """(cold, warm): a fresh process's imports and seconds from then to the run's first
    metrics frame, with an empty compilation cache and then with the one the first filled."""
    with tempfile.TemporaryDirectory() as cache:
        runs = [
            json.loads(
                subprocess.run(
                    [sys.executable, "-c", STARTUP, cache, preset], capture_output=True, text=True, check=True
                ).stdout
            )
            for _ in range(2)
        ]
    return runs[0], runs[1]


LIVE_PRESETS = ("digits_cnn", "sentiment_rnn")
LIVE_PICTURES = {"filters", "feature_maps", "predictions", "confusion", "embedding", "hidden_states"}


def with_and_without_pictures(preset: str, seconds: float = 5.0) -> tuple[float, float, dict[str, float]]:
    """A full-speed run of `preset` as a server runs it (frames at display rate, its live pictures
    between them), and once with a metrics frame a second and no pictures: (steps/s with, steps/s
    without, pictures of each type a second), counted from the first metrics frame past step 0."""
    import queue  # noqa: PLC0415
    from collections import Counter  # noqa: PLC0415

    def run(**kwargs):
        d = presets.load(preset)
        d["epochs"] = 10_000
        inbox, counts, marks = queue.Queue(), Counter(), {}

        def emit(frames):
            for frame in frames:
                if frame["type"] == "metrics" and frame["iteration"]:
                    if not marks:
                        counts.clear()
                        marks["start"] = (time.perf_counter(), frame["iteration"])
                    marks["end"] = (time.perf_counter(), frame["iteration"])
                counts[frame["type"]] += 1
            if marks and time.perf_counter() - marks["start"][0] > seconds:
                inbox.put({"action": "stop"})

        loop.run(parse(d), emit=emit, inbox=inbox, **kwargs)
        (t0, i0), (t1, i1) = marks["start"], marks["end"]
        return (i1 - i0) / (t1 - t0), {k: v / (t1 - t0) for k, v in counts.items() if k in LIVE_PICTURES}

    without, _ = run(frame_interval=1.0, probe_interval=math.inf)
    with_pictures, rates = run()
    return with_pictures, without, rates


def live_pictures() -> None:
    print("Live pictures of image and text runs at full speed (targets: each at least 10 a second, training at")
    print("80% or more of its speed without them)")
    for preset in LIVE_PRESETS:
        with_pictures, without, rates = with_and_without_pictures(preset)
        pictures = ", ".join(f"{kind} {rate:.0f}/s" for kind, rate in sorted(rates.items()))
        print(
            f"  {preset:14} {with_pictures:9,.0f} steps/s with them, {without:9,.0f} without "
            f"({with_pictures / without:.0%}); {pictures}"
        )
    print()


def main() -> None:
    beside_tf_playground()
    print(f"{'workload':58} {'engine steps/s':>15} {'NumPy steps/s':>14} {'ratio':>7}")
    for name, d in workloads().items():
        engine_rate, numpy_rate = throughput(d)
        print(f"{name:58} {engine_rate:15,.0f} {numpy_rate:14,.0f} {engine_rate / numpy_rate:6.1f}x")
    print(f"\n{'workload':58} {'engine steps/s':>15} {'per-step jit':>14} {'ratio':>7}")
    for name, make in [
        ("W3 CNN on digits (conv 8@3x3, maxpool 2, dense 10, Adam, batch 32)", cnn_workload),
        ("W4 RNN (len 20, vocab 1000, embedding 16, SimpleRNN 32, batch 32)", rnn_workload),
        ("W4 with an LSTM of 32", lambda: rnn_workload("lstm")),
        ("W4 with a GRU of 32", lambda: rnn_workload("gru")),
    ]:
        engine_rate, base_rate = against_per_step(*make())
        print(f"{name[:58]:58} {engine_rate:15,.0f} {base_rate:14,.0f} {engine_rate / base_rate:6.1f}x")
    print()
    live_pictures()
    print("start-up in a fresh process: seconds from the imports to the run's first metrics frame")
    for preset in STARTUP_PRESETS:
        cold, warm = startup_times(preset)
        print(
            f"  {preset:14} cold (empty compilation cache) {cold['first_frame']:.2f}, warm (persistent cache) "
            f"{warm['first_frame']:.2f} ({cold['first_frame'] / warm['first_frame']:.1f}x faster; imports take "
            f"{warm['import']:.2f})"
        )


if __name__ == "__main__":
    main()
