"""Benchmark (not a test): `python -m trainer.bench`.

Prints optimizer steps per second of the engine beside a plain NumPy
implementation of the same network, run in the same process, and the ratio;
then the time from start to the first finished chunk and to the first frame,
cold (empty compilation cache) and warm (persistent cache), each in a fresh
process. The machines are noisy: read the ratios, not the absolute numbers.
"""
import json
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from trainer import datasets, engine, presets
from trainer.spec import parse

ROUNDS = 5


def workloads():
    default = presets.load("tfp_default")
    largest = json.loads(json.dumps(default))
    largest["layers"] = [{"type": "dense", "units": 8, "activation": "relu"} for _ in range(6)] + [default["layers"][-1]]
    return {"W1 TF Playground default (circle, [4, 2] tanh, batch 10)": default,
            "W2 TF Playground largest (6 x 8 relu, batch 10)": largest}


class NumpyMLP:
    """The same network and SGD in NumPy, one Python step per mini-batch."""

    ACT = {"tanh": (np.tanh, lambda a: 1 - a * a), "relu": (lambda z: np.maximum(z, 0), lambda a: (a > 0).astype(a.dtype)),
           "linear": (lambda z: z, lambda a: np.ones_like(a))}

    def __init__(self, spec, params, x, t):
        self.acts = [layer.activation for layer in spec.layers]
        self.w = [np.array(p["kernel"]) for p in params]
        self.b = [np.array(p["bias"]) for p in params]
        self.x, self.t, self.lr, self.bs = x, t, spec.optimizer.learning_rate, spec.batch_size
        self.rng = np.random.default_rng(0)

    def step(self, xb, tb):
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

    def run(self, steps):
        done = 0
        while done < steps:
            order = self.rng.permutation(len(self.x))
            for lo in range(0, len(order), self.bs):
                idx = order[lo:lo + self.bs]
                self.step(self.x[idx], self.t[idx])
                done += 1
                if done == steps:
                    return


def steps_per_second(run, steps):
    started = time.perf_counter()
    run(steps)
    return steps / (time.perf_counter() - started)


def throughput(d):
    spec = parse(d)
    model = engine.Model.from_spec(spec)
    advance_epochs, _, _, _ = engine.compiled(model)
    data = engine.to_device(model, datasets.generate(spec.dataset), spec.features)
    state = engine.init_state(model, spec.optimizer, spec.seed)
    spe = model.steps_per_epoch
    epochs = max(1, 4000 // spe)  # ~4000 steps a call, about one frame's worth here
    state, losses = advance_epochs(state, data, epochs)  # compile
    np.asarray(losses)

    def run_engine(steps):
        nonlocal state
        for _ in range(steps // (epochs * spe)):
            state, losses = advance_epochs(state, data, epochs)
            np.asarray(losses)  # the loop pulls the losses to the host every call

    ref = NumpyMLP(spec, state["params"], np.asarray(data["x_train"]), np.asarray(data["t_train"]))
    jax_rates, np_rates = [], []
    for _ in range(ROUNDS):  # interleaved, so load on the machine hits both alike
        jax_rates.append(steps_per_second(run_engine, 10 * epochs * spe))
        np_rates.append(steps_per_second(ref.run, 3000))
    return statistics.median(jax_rates), statistics.median(np_rates)


STARTUP = """
import sys, time, json
t0 = time.perf_counter()
import numpy as np
from trainer import datasets, engine, loop, presets, probes
from trainer.spec import parse
loop.enable_persistent_cache(sys.argv[1])
t_import = time.perf_counter()
spec = parse(presets.load("tfp_default"))
model = engine.Model.from_spec(spec)
advance_epochs, _, evaluate, forward = engine.compiled(model)
data = engine.to_device(model, datasets.generate(spec.dataset), spec.features)
state = engine.init_state(model, spec.optimizer, spec.seed)
state, losses = advance_epochs(state, data, 1)
np.asarray(losses)
t_chunk = time.perf_counter()
jax_metrics = evaluate(state["params"], data)
probes.boundary(model, forward, state["params"], spec.features)
probes.neurons(model, forward, state["params"], spec.features)
float(jax_metrics["test"]["loss"])
t_frame = time.perf_counter()
print(json.dumps({"import": t_import - t0, "first_chunk": t_chunk - t_import, "first_frame": t_frame - t_import}))
"""


def startup_times():
    with tempfile.TemporaryDirectory() as cache:
        runs = [json.loads(subprocess.run([sys.executable, "-c", STARTUP, cache], capture_output=True, text=True, check=True).stdout)
                for _ in range(2)]
    return runs[0], runs[1]


def main():
    print(f"{'workload':58} {'engine steps/s':>15} {'NumPy steps/s':>14} {'ratio':>7}")
    for name, d in workloads().items():
        engine_rate, numpy_rate = throughput(d)
        print(f"{name:58} {engine_rate:15,.0f} {numpy_rate:14,.0f} {engine_rate / numpy_rate:6.1f}x")
    cold, warm = startup_times()
    print("\nstart-up of the default network in a fresh process (after imports), seconds:")
    print(f"  cold (empty compilation cache): first chunk {cold['first_chunk']:.2f}, first frame {cold['first_frame']:.2f}")
    print(f"  warm (persistent cache):        first chunk {warm['first_chunk']:.2f}, first frame {warm['first_frame']:.2f}"
          f"  ({cold['first_frame'] / warm['first_frame']:.1f}x faster; imports take {warm['import']:.2f})")


if __name__ == "__main__":
    main()
