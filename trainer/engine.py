"""The training step, K steps per call, and evaluation: pure jit'd functions.

State is a pytree {params, opt_state, step, dropout_key}; the data (train/test
arrays, on the device) is an argument, not a closure constant, so one compiled
function serves every dataset of the same shapes. Compiled functions are
cached by `Model`, the part of a spec that decides the computation.

Batches follow Keras: an epoch is ceil(n_train / batch_size) steps over a
fresh permutation (epoch_orders, drawn per seed and epoch), the last batch
smaller (masked here, so shapes stay fixed).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from trainer import layers as L
from trainer import optimizers
from trainer.activations import ACTIVATIONS, SYMMETRIC
from trainer.activations import step as step_fn
from trainer.losses import LOSSES
from trainer.spec import Optimizer, Spec, layer_type

if TYPE_CHECKING:
    from trainer.datasets import Split

MAX_CHUNK = 16384  # about the most steps one call runs (with ORDER_BLOCK, it sets epochs_per_call)
EVAL_BYTES = 4 << 20  # evaluation runs a set in chunks whose largest activation is about this big (see eval_chunk)
TINY_DENSE = (
    2560  # batch x inputs x units up to which a dense layer trains as a fused multiply-sum (see _tiny_dense_stack)
)


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
    def from_spec(cls, spec: Spec) -> Model:
        opt = spec.optimizer.__class__(spec.optimizer.name, 0.0, spec.optimizer.options)
        return cls(
            spec.layers, spec.loss, opt, spec.regularization, spec.batch_size, spec.n_train, spec.task, spec.input_shape
        )

    @property
    def steps_per_epoch(self) -> int:
        return -(-self.n_train // self.batch_size)

    @property
    def out_activation(self) -> str:
        return self.layers[-1].activation

    @property
    def is_perceptron(self) -> bool:
        return len(self.layers) == 1 and self.out_activation == "step"

    @property
    def has_dropout(self) -> bool:
        return any(layer.type == "dropout" for layer in self.layers)

    @property
    def is_tiny_dense(self) -> bool:
        """Only dense layers on flat inputs, each batch product at most TINY_DENSE
        multiply-adds: TensorFlow Playground's networks (_tiny_dense_stack)."""
        if len(self.input_shape) != 1 or any(layer.type != "dense" for layer in self.layers):
            return False
        fan_in = [self.input_shape[0]] + [layer.units for layer in self.layers[:-1]]
        return all(self.batch_size * n * layer.units <= TINY_DENSE for n, layer in zip(fan_in, self.layers))


def encode_targets(model: Model, y: np.ndarray) -> np.ndarray:
    """Dataset targets (class indices or values, shape (n,)) -> (n, outputs) float32."""
    y = np.asarray(y)
    if model.task == "multiclass":
        return np.eye(model.layers[-1].units, dtype=np.float32)[y]
    t = y.astype(np.float32)[:, None]
    if model.task == "binary" and model.out_activation in SYMMETRIC:
        t = 2 * t - 1
    return t


def predict_class(model: Model, out: jax.Array) -> jax.Array:
    """Network output (n, outputs) -> predicted class (n,) for classification."""
    if model.task == "multiclass":
        return jnp.argmax(out, axis=-1)
    threshold = 0.0 if model.out_activation in SYMMETRIC else 0.5
    return (out[:, 0] >= threshold).astype(jnp.int32)


def to_device(model: Model, split: Split, features: Sequence[str]) -> dict[str, jax.Array]:
    """A datasets.Split -> dict of device arrays, features expanded and targets encoded."""
    from trainer.datasets import network_inputs

    return {
        "x_train": jnp.asarray(network_inputs(split.x_train, features)),
        "t_train": jnp.asarray(encode_targets(model, split.y_train)),
        "y_train": jnp.asarray(split.y_train),
        "x_test": jnp.asarray(network_inputs(split.x_test, features)),
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


def _data_loss(model, params, x, t, key=None, train=False):
    """Per-sample loss (n,) and the network output (n, outputs)."""
    z, a = L.apply_stack(model.layers, params, x, key, train)[-1]
    return LOSSES[model.loss](z, model.out_activation, t), a


def _tiny_dense_stack(model, params, x):
    """The output layer's (z, a) of an all-dense network, each x @ kernel written
    as a broadcast multiply and a sum. At TensorFlow Playground's sizes (batch 10,
    at most 8 units) a step is bound by the count of operations, not their size:
    XLA fuses these products with the bias, the activation and their gradients
    into a few loops, where each matmul was a library call of its own, and a
    training step ran 8-10x faster (W1, W2 in trainer.bench). Past a few thousand
    multiply-adds per layer the fused loops fall off a cliff (10x slower than a
    matmul at 4,096 here), hence TINY_DENSE."""
    for layer, p in zip(model.layers, params):
        z = (x[:, :, None] * p["kernel"]).sum(axis=1) + p["bias"]
        x = ACTIVATIONS[layer.activation](z)
    return z, x


def _training_output(model, params, x, key, train=True):
    """(z, a) of the output layer for a training batch (dropout on while train)."""
    if model.is_tiny_dense:
        return _tiny_dense_stack(model, params, x)
    return L.apply_stack(model.layers, params, x, key, train)[-1]


def _masked_mean(values, mask):
    return values.mean() if mask is None else (values * mask).sum() / mask.sum()


def objective(
    model: Model,
    params: list,
    x: jax.Array,
    t: jax.Array,
    mask: jax.Array | None = None,
    key: jax.Array | None = None,
    train: bool = True,
) -> tuple[jax.Array, jax.Array]:
    """What the optimizer descends, and the batch's mean loss: mean loss over the batch
    (mask: None, or 0 for the padding of a short last batch) + regularization.
    train=False: dropout off (trainer.gradients takes the gradient of a fixed batch so).

    For the perceptron, the surrogate -(t - step(z))·z has exactly the gradient
    of Rosenblatt's rule, w <- w + lr·(t - y)·x (averaged over the batch).
    """
    z, _ = _training_output(model, params, x, key, train)
    data = _masked_mean(LOSSES[model.loss](z, model.out_activation, t), mask)
    if model.is_perceptron:
        err = jax.lax.stop_gradient(t - step_fn(z))
        return _masked_mean(-(err * z).sum(-1), mask) + _penalty(model, params), data
    return data + _penalty(model, params), data


def init_state(model: Model, spec_optimizer: Optimizer, seed: int) -> dict:
    """Fresh params (drawn from `seed`) and optimizer state."""
    state = _initializer(model, spec_optimizer.__class__(spec_optimizer.name, 0.0, spec_optimizer.options))(seed)
    return set_learning_rate(state, spec_optimizer.learning_rate)


@functools.lru_cache(maxsize=64)
def _initializer(model, optimizer):
    """init_state as one compiled call: run op by op, each of its few dozen small
    operations compiles on its own, and a cold start waited 0.4-0.5 s longer."""
    opt = optimizers.make(optimizer)

    @jax.jit
    def init(seed):
        key = jax.random.PRNGKey(seed)
        params = L.init_stack(model.layers, jax.random.fold_in(key, 0), model.input_shape)
        return {
            "params": params,
            "opt_state": opt.init(params),
            "step": jnp.zeros((), jnp.int32),
            "dropout_key": jax.random.fold_in(key, 1),
        }

    return init


def _update(model):
    """The optimizer's update as the training step applies it. optimizers.make
    runs it on one flat vector (fewer, larger operations: +45% on the W4 RNN),
    but a tiny dense network's step fuses into a few loops, and concatenating
    the gradients and slicing the update back costs more than the rest (W2: 2.7x
    slower). Where the state holds nothing shaped like the parameters (plain
    SGD), both forms keep the same state, so the step updates leaf by leaf
    without changing what init_state made; elsewhere it stays flat."""
    flat = optimizers.make(model.optimizer)
    if not model.is_tiny_dense:
        return flat.update
    knobs = dict(model.optimizer.options)
    leafwise = optax.inject_hyperparams(optimizers.RECIPES[model.optimizer.name], static_args=tuple(knobs))(
        learning_rate=model.optimizer.learning_rate, **knobs
    )
    params = jax.eval_shape(lambda: L.init_stack(model.layers, jax.random.PRNGKey(0), model.input_shape))
    shapes = [jax.tree.map(lambda a: (a.shape, a.dtype), jax.eval_shape(opt.init, params)) for opt in (flat, leafwise)]
    return leafwise.update if shapes[0] == shapes[1] else flat.update


ORDER_BLOCK = 64  # epochs whose orders are drawn together


@functools.lru_cache(maxsize=8)
def _order_block(seed, block, n, spe, bs):
    rng = np.random.default_rng([seed, block])
    perms = rng.permuted(np.tile(np.arange(n, dtype=np.int32), (ORDER_BLOCK, 1)), axis=1)
    padded = np.zeros((ORDER_BLOCK, spe * bs), np.int32)  # a short last batch repeats sample 0, masked
    padded[:, :n] = perms
    padded.setflags(write=False)
    return padded.reshape(ORDER_BLOCK, spe, bs)


def epoch_orders(model: Model, seed: int, first_epoch: int, count: int) -> np.ndarray:
    """The sample order of epochs first_epoch .. first_epoch+count-1:
    (count, steps_per_epoch, batch_size) indices, a fresh shuffle per epoch
    that depends only on (seed, epoch), however the epochs are chunked.

    Drawn with NumPy (about 4 µs an epoch here, where sorting random keys
    on the device cost 20-40 µs, more than a whole epoch of TF Playground's
    default network trains in, about 15 µs)."""
    spe, bs, n = model.steps_per_epoch, model.batch_size, model.n_train
    end = first_epoch + count
    parts = [
        _order_block(seed, block, n, spe, bs)[max(first_epoch - block * ORDER_BLOCK, 0) : end - block * ORDER_BLOCK]
        for block in range(first_epoch // ORDER_BLOCK, -(-end // ORDER_BLOCK))
    ]  # whole slices: no Python per epoch
    return np.concatenate(parts) if parts else np.zeros((0, spe, bs), np.int32)


def call_orders(model: Model, seed: int, first_epoch: int, count: int, shuffle: bool = True) -> np.ndarray:
    """advance_epochs' `orders` argument for `count` epochs: fixed-shape
    (epochs_per_call, ...), so one compiled function serves every chunk."""
    out = np.zeros((epochs_per_call(model), model.steps_per_epoch, model.batch_size), np.int32)
    out[:count] = epoch_orders(model, seed, first_epoch, count) if shuffle else in_order(model, count)
    return out


def in_order(model: Model, count: int = 1) -> np.ndarray:
    """Epoch orders that take the samples as they come (Keras' shuffle=False)."""
    spe, bs, n = model.steps_per_epoch, model.batch_size, model.n_train
    row = np.zeros(spe * bs, np.int32)
    row[:n] = np.arange(n)
    return np.tile(row.reshape(1, spe, bs), (count, 1, 1))


def set_learning_rate(state: dict, lr: float | jax.Array) -> dict:
    """Change the injected learning rate; momentum and moments are kept."""
    opt_state = state["opt_state"]
    hyper = dict(opt_state.hyperparams, learning_rate=jnp.asarray(lr, jnp.float32))
    return dict(state, opt_state=opt_state._replace(hyperparams=hyper))


def learning_rate(state: dict) -> float:
    return float(state["opt_state"].hyperparams["learning_rate"])


def epochs_per_call(model: Model) -> int:
    return max(1, min(ORDER_BLOCK, MAX_CHUNK // model.steps_per_epoch))


def eval_chunk(model: Model) -> int:
    """Samples per forward pass when evaluating a whole set. A set of big images
    at once spills the caches: the 28x28 shapes CNN evaluates 1.7x faster in
    chunks of about 160, where the 8x8 digits are fastest whole. Recurrent
    layers take the whole set: their time steps cost the same for 1 or 1,000."""
    if any(layer_type(layer).recurrent for layer in model.layers):
        return 1 << 30
    largest, shape = 1, model.input_shape
    for layer in model.layers:
        shape, _ = layer.shapes(shape)
        largest = max(largest, math.prod(shape))
    return max(32, EVAL_BYTES // (4 * largest))


class Compiled(NamedTuple):
    """A model's jit'd functions (see `compiled`); named, and still unpacks as the 4-tuple it was."""

    advance_epochs: Callable
    advance_steps: Callable
    evaluate: Callable
    forward: Callable


@functools.lru_cache(maxsize=64)
def compiled(model: Model) -> Compiled:
    """Jit'd functions for this model, cached by model:

    advance_epochs(state, data, orders, e): e whole epochs from an epoch
        boundary, the fast path; orders: (epochs_per_call, steps_per_epoch,
        batch_size) from epoch_orders, rows past e ignored
        -> (state, losses (epochs_per_call, steps_per_epoch)).
    advance_steps(state, data, order, n): n steps from anywhere within one
        epoch (pacing, single steps); order: that epoch's (steps_per_epoch,
        batch_size) -> (state, losses (steps_per_epoch,)).
    evaluate(params, data) and forward(params, x).
    Given the same orders, any mix of the two trains exactly the same way.
    """
    update = _update(model)
    spe, bs, n = model.steps_per_epoch, model.batch_size, model.n_train
    padded = spe * bs != n
    mask = jnp.asarray((np.arange(spe * bs) < n).reshape(spe, bs), jnp.float32)

    def sgd_step(params, opt_state, x, t, m, key):
        grads, loss = jax.grad(lambda p: objective(model, p, x, t, m, key), has_aux=True)(params)
        updates, opt_state = update(grads, opt_state, params)
        return jax.tree.map(lambda p, u: p + u, params, updates), opt_state, loss

    def extras(state, first_step, count):
        """Per-step scan inputs only where the model needs them: the short last
        batch's mask, and dropout keys (each costs time on every step)."""
        return (
            mask if padded else None,
            jax.vmap(lambda s: jax.random.fold_in(state["dropout_key"], s))(first_step + jnp.arange(count))
            if model.has_dropout
            else None,
        )

    @jax.jit
    def advance_epochs(state, data, orders, epochs):
        def one_epoch(e, carry):
            params, opt_state, buf = carry
            idx = orders[e]
            masks, keys = extras(state, state["step"] + e * spe, spe)

            def body(c, batch):
                x, t, m, key = batch
                p, o, loss = sgd_step(*c, x, t, m, key)
                return (p, o), loss

            (params, opt_state), losses = jax.lax.scan(
                body, (params, opt_state), (data["x_train"][idx], data["t_train"][idx], masks, keys)
            )
            return params, opt_state, buf.at[e].set(losses)

        params, opt_state, losses = jax.lax.fori_loop(
            0,
            epochs,
            one_epoch,
            (state["params"], state["opt_state"], jnp.zeros((epochs_per_call(model), spe), jnp.float32)),
        )
        return dict(state, params=params, opt_state=opt_state, step=state["step"] + epochs * spe), losses

    @jax.jit
    def advance_steps(state, data, idx, steps):
        start = state["step"] % spe
        masks, keys = extras(state, state["step"] - start, spe)

        def body(i, carry):
            params, opt_state, buf = carry
            row = start + i
            params, opt_state, loss = sgd_step(
                params,
                opt_state,
                data["x_train"][idx[row]],
                data["t_train"][idx[row]],
                None if masks is None else masks[row],
                None if keys is None else keys[row],
            )
            return params, opt_state, buf.at[i].set(loss)

        params, opt_state, losses = jax.lax.fori_loop(
            0, steps, body, (state["params"], state["opt_state"], jnp.zeros(spe, jnp.float32))
        )
        return dict(state, params=params, opt_state=opt_state, step=state["step"] + steps), losses

    def over_set(params, x, t):
        """Per-sample loss and output for a whole set, eval_chunk(model) samples at a time."""
        n, size = x.shape[0], eval_chunk(model)
        if n <= size:
            return _data_loss(model, params, x, t)
        pad = -n % size
        chunks = [jnp.pad(a, ((0, pad),) + ((0, 0),) * (a.ndim - 1)).reshape((-1, size) + a.shape[1:]) for a in (x, t)]
        loss, out = jax.lax.map(lambda chunk: _data_loss(model, params, *chunk), chunks)
        return loss.reshape(-1)[:n], out.reshape((-1,) + out.shape[2:])[:n]

    def metrics_on(params, x, t, y):
        per_sample_loss, out = over_set(params, x, t)
        m = {"loss": per_sample_loss.mean()}
        if model.task == "regression":
            err = out[:, 0] - y
            m["rmse"] = jnp.sqrt((err**2).mean())
            m["r2"] = 1 - (err**2).sum() / jnp.maximum(((y - y.mean()) ** 2).sum(), 1e-12)
        else:
            m["accuracy"] = (predict_class(model, out) == y).mean()
        return m, out

    @jax.jit
    def evaluate(params, data):
        """Full-set metrics (no dropout): ({"train": {...}, "test": {...}},
        the test set's predicted classes (or outputs, for regression))."""
        train, _ = metrics_on(params, data["x_train"], data["t_train"], data["y_train"])
        test, out = metrics_on(params, data["x_test"], data["t_test"], data["y_test"])
        return {"train": train, "test": test}, out[:, 0] if model.task == "regression" else predict_class(model, out)

    @jax.jit
    def forward(params, x):
        """Every layer's activation for inputs x: [a_0, ..., a_out]."""
        return [a for _, a in L.apply_stack(model.layers, params, x)]

    return Compiled(advance_epochs, advance_steps, evaluate, forward)


@jax.jit
def _all_finite(tree):
    return jnp.stack([jnp.isfinite(leaf).all() for leaf in jax.tree.leaves(tree)] or [jnp.bool_(True)]).all()


def finite(tree: Any) -> bool:
    """True when every array in the pytree is free of NaN and inf. One compiled
    call: the loop asks after every chunk, and a check per array (two operations
    and a wait each) cost more than a chunk of a small network's steps."""
    return bool(_all_finite(tree))
