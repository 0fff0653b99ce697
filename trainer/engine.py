"""The training step, K steps per call, and evaluation: pure jit'd functions.

State is a pytree {params, opt_state, step, perm}; the data (train/test
arrays, on the device) is an argument, not a closure constant, so one compiled
function serves every dataset of the same shapes. Compiled functions are
cached by `Model`, the part of a spec that decides the computation.

Batches follow Keras: an epoch is ceil(n_train / batch_size) steps over a
fresh permutation, the last batch smaller (masked here, so shapes stay fixed).
"""
import functools
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from trainer import layers as L
from trainer import optimizers
from trainer.activations import ACTIVATIONS, SYMMETRIC, step as step_fn
from trainer.losses import LOSSES

MAX_CHUNK = 16384  # most steps one call may run; the loss buffer has this length


@dataclass(frozen=True)
class Model:
    """Everything that shapes the compiled computation, and nothing else."""

    layers: tuple
    loss: str
    optimizer: object  # spec.Optimizer; its learning rate is injected, not compiled in
    regularization: object
    batch_size: int
    n_train: int
    task: str
    input_shape: tuple

    @classmethod
    def from_spec(cls, spec):
        opt = spec.optimizer.__class__(spec.optimizer.name, 0.0, spec.optimizer.options)
        return cls(spec.layers, spec.loss, opt, spec.regularization, spec.batch_size, spec.n_train, spec.task, spec.input_shape)

    @property
    def steps_per_epoch(self):
        return -(-self.n_train // self.batch_size)

    @property
    def out_activation(self):
        return self.layers[-1].activation

    @property
    def is_perceptron(self):
        return len(self.layers) == 1 and self.out_activation == "step"


def encode_targets(model, y):
    """Dataset targets (class indices or values, shape (n,)) -> (n, outputs) float32."""
    y = np.asarray(y)
    if model.task == "multiclass":
        return np.eye(model.layers[-1].units, dtype=np.float32)[y]
    t = y.astype(np.float32)[:, None]
    if model.task == "binary" and model.out_activation in SYMMETRIC:
        t = 2 * t - 1
    return t


def predict_class(model, out):
    """Network output (n, outputs) -> predicted class (n,) for classification."""
    if model.task == "multiclass":
        return jnp.argmax(out, axis=-1)
    threshold = 0.0 if model.out_activation in SYMMETRIC else 0.5
    return (out[:, 0] >= threshold).astype(jnp.int32)


def to_device(model, split, features):
    """A datasets.Split -> dict of device arrays, features expanded and targets encoded."""
    from trainer.datasets import expand_features

    return {
        "x_train": jnp.asarray(expand_features(split.x_train, features)),
        "t_train": jnp.asarray(encode_targets(model, split.y_train)),
        "y_train": jnp.asarray(split.y_train),
        "x_test": jnp.asarray(expand_features(split.x_test, features)),
        "t_test": jnp.asarray(encode_targets(model, split.y_test)),
        "y_test": jnp.asarray(split.y_test),
    }


def _penalty(model, params):
    reg = model.regularization
    if reg.type == "none" or reg.rate == 0:
        return 0.0
    kernels = [p["kernel"] for p in params if "kernel" in p]
    if reg.type == "l1":
        return reg.rate * sum(jnp.abs(k).sum() for k in kernels)
    return reg.rate * sum(0.5 * (k * k).sum() for k in kernels)


def _data_loss(model, params, x, t):
    """Per-sample loss (n,) and the network output (n, outputs)."""
    z, a = L.apply_stack(model.layers, params, x)[-1]
    return LOSSES[model.loss](z, model.out_activation, t), a


def _objective(model, params, x, t, mask):
    """What the optimizer descends: masked mean loss + regularization.

    For the perceptron, the surrogate -(t - step(z))·z has exactly the gradient
    of Rosenblatt's rule, w <- w + lr·(t - y)·x (averaged over the batch).
    """
    per_sample, _ = _data_loss(model, params, x, t)
    n = mask.sum()
    if model.is_perceptron:
        z, _ = L.apply_stack(model.layers, params, x)[-1]
        err = jax.lax.stop_gradient(t - step_fn(z))
        surrogate = -((err * z).sum(-1) * mask).sum() / n
        return surrogate + _penalty(model, params), (per_sample * mask).sum() / n
    data = (per_sample * mask).sum() / n
    return data + _penalty(model, params), data


def init_state(model, spec_optimizer, seed):
    """Fresh params (drawn from `seed`) and optimizer state."""
    key = jax.random.PRNGKey(seed)
    params = L.init_stack(model.layers, jax.random.fold_in(key, 0), model.input_shape)
    opt = optimizers.make(spec_optimizer)
    return {
        "params": params,
        "opt_state": opt.init(params),
        "step": jnp.zeros((), jnp.int32),
        "shuffle_key": jax.random.fold_in(key, 1),
        "perm": jnp.zeros(model.steps_per_epoch * model.batch_size, jnp.int32),
    }


def set_learning_rate(state, lr):
    """Change the injected learning rate; momentum and moments are kept."""
    opt_state = state["opt_state"]
    hyper = dict(opt_state.hyperparams, learning_rate=jnp.asarray(lr, jnp.float32))
    return dict(state, opt_state=opt_state._replace(hyperparams=hyper))


def learning_rate(state):
    return float(state["opt_state"].hyperparams["learning_rate"])


@functools.lru_cache(maxsize=64)
def compiled(model):
    """(advance, evaluate, forward) jit'd for this model; cached by model."""
    opt = optimizers.make(model.optimizer)
    spe, bs = model.steps_per_epoch, model.batch_size
    pad = spe * bs - model.n_train

    def train_step(state, data):
        step = state["step"]
        pos = step % spe
        perm = jax.lax.cond(
            pos == 0,
            lambda: jnp.concatenate([
                jax.random.permutation(jax.random.fold_in(state["shuffle_key"], step // spe), model.n_train),
                jnp.zeros(pad, jnp.int32),
            ]).astype(jnp.int32),
            lambda: state["perm"],
        )
        idx = jax.lax.dynamic_slice(perm, (pos * bs,), (bs,))
        mask = ((pos * bs + jnp.arange(bs)) < model.n_train).astype(jnp.float32)
        x, t = data["x_train"][idx], data["t_train"][idx]
        grads, loss = jax.grad(lambda p: _objective(model, p, x, t, mask), has_aux=True)(state["params"])
        updates, opt_state = opt.update(grads, state["opt_state"], state["params"])
        params = jax.tree.map(lambda p, u: p + u, state["params"], updates)
        return dict(state, params=params, opt_state=opt_state, step=step + 1, perm=perm), loss

    @jax.jit
    def advance(state, data, n):
        """Run n (<= MAX_CHUNK) steps; returns the new state and a buffer whose
        first n entries are the batch losses."""
        def body(i, carry):
            state, losses = carry
            state, loss = train_step(state, data)
            return state, losses.at[i].set(loss)

        return jax.lax.fori_loop(0, n, body, (state, jnp.zeros(MAX_CHUNK, jnp.float32)))

    def metrics_on(params, x, t, y):
        per_sample, out = _data_loss(model, params, x, t)
        m = {"loss": per_sample.mean()}
        if model.task == "regression":
            err = out[:, 0] - y
            m["rmse"] = jnp.sqrt((err**2).mean())
            m["r2"] = 1 - (err**2).sum() / jnp.maximum(((y - y.mean()) ** 2).sum(), 1e-12)
        else:
            m["accuracy"] = (predict_class(model, out) == y).mean()
        return m

    @jax.jit
    def evaluate(params, data):
        """Full-set metrics (no dropout): {"train": {...}, "test": {...}}."""
        return {
            "train": metrics_on(params, data["x_train"], data["t_train"], data["y_train"]),
            "test": metrics_on(params, data["x_test"], data["t_test"], data["y_test"]),
        }

    @jax.jit
    def forward(params, x):
        """Every layer's activation for inputs x: [a_0, ..., a_out]."""
        return [a for _, a in L.apply_stack(model.layers, params, x)]

    return advance, evaluate, forward


def finite(tree):
    """True when every array in the pytree is free of NaN and inf."""
    return all(bool(jnp.isfinite(leaf).all()) for leaf in jax.tree.leaves(tree))


def activation_fn(name):
    return ACTIVATIONS[name]
