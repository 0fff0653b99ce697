"""Sequential: a list of spec layers that the engine trains, with Keras'
compile, fit, evaluate, predict, summary and weights, and the way to and from
the playground's spec (from_spec / to_spec).

Not a second engine: fit builds an `engine.Model` and trains with the
engine's compiled functions, so one spec and seed give the same numbers here,
in the browser and in `python -m trainer`.

Where it differs from Keras: the weights are drawn from the model's `seed`
(the spec's), not from a global random state, so the first layer declares its
input (input_dim, input_shape, input_length or Input) before any data is
seen; per-epoch "accuracy" is measured on the whole training set after the
epoch (Keras averages it over the epoch's batches); binary labels are 0/1 and
a tanh output trains on ±1 (the playground's convention).
"""

import math
import time
from collections.abc import Callable
from dataclasses import asdict

import jax
import jax.numpy as jnp
import numpy as np
from numpy.typing import ArrayLike

from trainer import datasets, engine, loop
from trainer import spec as S
from trainer.keras.arrays import device_data, labels, pairs
from trainer.keras.callbacks import Callback, History, Progress
from trainer.keras.data import Dataset
from trainer.keras.declared import layer_from_spec
from trainer.keras.layers import InputLayer, Layer
from trainer.keras.losses import ENGINE_METRIC, KERAS_LOSS, LOSSES, check_loss, default_metrics, metric_names, task_of
from trainer.keras.optimizers import get_optimizer, optimizer_from_spec
from trainer.keras.parts import count

PARAM_ORDER = ("embeddings", "kernel", "recurrent_kernel", "bias")  # Keras' order of a layer's weights

NOT_BUILT = (
    "This model has not yet been built: its first layer has no input shape. Give it one, as in Dense(10, "
    "activation=\"sigmoid\", input_dim=2), Conv2D(8, 3, input_shape=(28, 28, 1)) or Embedding(1000, 16, "
    "input_length=40), or put Input(shape=...) first. (The weights are drawn from the model's seed before any data is "
    "seen.)"
)


class Sequential:
    """A stack of layers, trained by the engine. `seed` draws the weights and
    the shuffle order, as a spec's seed does."""

    def __init__(self, layers: list | None = None, name: str = "sequential", seed: int = 0) -> None:
        self.name, self.seed = name, seed
        self.layers, self._input = [], None
        self.optimizer = self.loss = None
        self._metrics = []
        self.history, self.stop_training = None, False
        self.settings = {}  # the spec fields a model alone lacks: dataset, features, batch_size, epochs, stop
        # The engine's numbers, None until drawn or trained: its params (the weights), its whole
        # training state (params, optimizer state, step) and the engine Model that fit trained.
        self.params = self.train_state = self.fitted = None
        for layer in layers or []:
            self.add(layer)

    # --- building -------------------------------------------------------------------

    def add(self, layer: Layer | InputLayer) -> None:
        if isinstance(layer, InputLayer):
            if self.layers:
                raise ValueError("Input(shape=...) goes first, before any layer")
            self._input = layer.shape
        elif isinstance(layer, Layer):
            self.layers.append(layer)
        else:
            raise TypeError(
                f"The added layer must be an instance of class Layer. Received: layer={layer!r} of type "
                f"{type(layer).__name__}"
            )
        self.params = self.train_state = self.fitted = None

    @property
    def input_shape(self) -> tuple | None:
        """One sample's shape, or None when the first layer does not say."""
        return self._input or (self.layers[0].input_shape if self.layers else None)

    def build(self, input_shape: tuple | None = None) -> None:
        """Keras' build: input_shape includes the batch axis, (None, 2)."""
        if input_shape is not None:
            self._input = tuple(input_shape[1:])
            self.params = self.train_state = None
        self._ensure_params()

    def _names(self):
        seen, names = {}, []
        for layer in self.layers:
            base = layer.default_name
            names.append(layer.name or (base if base not in seen else f"{base}_{seen[base]}"))
            seen[base] = seen.get(base, 0) + 1
        return names

    def _walk(self):
        """[(name, layer, output shape, parameter count)] through the stack."""
        if not self.layers:
            raise ValueError("The model has no layers yet; add some, as in Sequential([Dense(1, input_dim=2)])")
        if self.input_shape is None:
            raise ValueError(NOT_BUILT)
        shape, out = tuple(self.input_shape), []
        for name, layer in zip(self._names(), self.layers):
            try:
                shape, params = layer.spec.shapes(shape)
            except ValueError as e:
                raise ValueError(f"Layer {name!r} ({type(layer).__name__}): {e}") from None
            out.append((name, layer, tuple(shape), sum(math.prod(s) for s in params.values())))
        return out

    def count_params(self) -> int:
        return sum(n for *_, n in self._walk())

    def regularization(self) -> S.Regularization:
        """The spec's one regularization, from the layers' kernel_regularizer (the same on every weighted layer)."""
        weighted = [layer for layer in self.layers if layer.weighted]
        if len({repr(layer.kernel_regularizer) for layer in weighted}) > 1:
            raise ValueError(
                "The engine applies one kernel_regularizer to every Dense, Conv2D and recurrent layer: "
                "give them all the same one (or none)"
            )
        reg = weighted[0].kernel_regularizer if weighted else None
        if reg is not None:
            return reg.to_spec()
        stored = self.settings.get("regularization")  # type none with a rate, kept for an exact round trip
        return S.Regularization(**stored) if stored else S.Regularization()

    # --- compile and the engine's model ---------------------------------------------------

    def compile(self, optimizer: object = "rmsprop", loss: str | None = None, metrics: list | None = None) -> None:
        if loss is None:
            raise ValueError('compile needs a loss, such as loss="mean_squared_error" or loss="binary_crossentropy"')
        self.optimizer, self.loss, self._metrics = get_optimizer(optimizer), check_loss(loss), metric_names(metrics)
        self.train_state = self.fitted = None  # a fresh optimizer; the weights stay

    @property
    def metrics_names(self) -> list[str]:
        return ["loss", *self._metrics]

    def _need_compiled(self):
        if self.loss is None:
            raise RuntimeError(
                "You must compile your model before training/testing. Use `model.compile(optimizer, loss)`."
            )

    def bare_model(self) -> engine.Model:
        """An engine Model for drawing weights and forward passes before compile."""
        return engine.Model(
            tuple(layer.spec for layer in self.layers),
            "mse",
            S.Optimizer("sgd", 0.0),
            S.Regularization(),
            1,
            1,
            "regression",
            tuple(self.input_shape),
        )

    def engine_model(self, n_train: int, batch_size: int) -> engine.Model:
        """The engine Model fit trains for n_train samples in batches of batch_size, checked against the loss."""
        self._need_compiled()
        walk = self._walk()
        last, out = self.layers[-1], walk[-1][2]
        if last.spec.type != "dense":
            raise ValueError(
                "The output layer must be Dense: it gives one unit per target (add a Dense layer at the end)"
            )
        task, units = task_of(self.loss, self._metrics, out[-1]), out[-1]
        if task == "multiclass" and units < 2:
            raise ValueError(
                f"{self.loss} needs one output unit per class; for two classes use one sigmoid unit and "
                f"binary_crossentropy"
            )
        if task != "multiclass" and units != 1:
            raise ValueError(
                f"The output layer has {units} units, but {self.loss} with metrics {self._metrics} trains one output "
                "(add metrics=[\"accuracy\"] to classify with several units, or use sparse_categorical_crossentropy)"
            )
        for m in self._metrics:
            if (m == "accuracy") != (task != "regression"):
                raise ValueError(f"The metric {m!r} does not fit this {task} model (loss {self.loss})")
        if any(getattr(layer.spec, "activation", None) == "step" for layer in self.layers) and len(self.layers) > 1:
            raise ValueError(
                "step has no gradient: it trains only as Rosenblatt's perceptron, a single Dense(1, "
                "activation=\"step\")"
            )
        opt = self.optimizer.to_spec()
        return engine.Model(
            tuple(layer.spec for layer in self.layers),
            LOSSES[self.loss],
            S.Optimizer(opt.name, 0.0, opt.options),
            self.regularization(),
            batch_size,
            n_train,
            task,
            tuple(self.input_shape),
        )

    def _ensure_params(self):
        if self.params is None:
            self._walk()
            self.params = engine.init_state(self.bare_model(), S.Optimizer("sgd", 0.01), self.seed)["params"]
        return self.params

    # --- data ---------------------------------------------------------------------------

    def _inputs(self, x):
        if x is None:
            raise ValueError("Missing the input data x")
        x = np.asarray(x)
        self._walk()  # a model that can take input at all
        want = tuple(self.input_shape)
        if tuple(x.shape[1:]) != want:
            raise ValueError(
                f"Input 0 of layer \"{self._names()[0]}\" is incompatible with the layer: expected shape=(None, "
                f"{', '.join(map(str, want))}), found shape={tuple(x.shape)}"
            )
        first = self.layers[0].spec
        if first.type != "embedding":
            return x.astype(np.float32)
        if not np.issubdtype(x.dtype, np.integer) or (len(x) and (x.min() < 0 or x.max() >= first.input_dim)):
            raise ValueError(
                f"An Embedding takes whole-number token indices from 0 to {first.input_dim - 1} (its input_dim)"
            )
        return x.astype(np.int32)

    # --- training -------------------------------------------------------------------------

    def fit(
        self,
        x: ArrayLike | Dataset | None = None,
        y: ArrayLike | None = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: int = 1,
        callbacks: list[Callback] | None = None,
        validation_split: float = 0.0,
        validation_data: tuple | Dataset | None = None,
        shuffle: bool = True,
        seed: int | None = None,
    ) -> History:
        """Train; returns a History. x, y: arrays, or x a batched Dataset of
        (features, labels) (then its batch size, and its shuffle and seed, apply).
        seed: the shuffle order's seed for this fit (None: the model's own stream)."""
        self._need_compiled()
        if isinstance(x, Dataset):
            if y is not None or batch_size is not None:
                raise ValueError(
                    "When x is a Dataset, leave out y and batch_size: the dataset holds the labels and its batches"
                )
            if x.batch_size is None:
                raise ValueError("Batch the dataset before fit, as in dataset.batch(32)")
            batch_size, shuffle, seed = x.batch_size, x.shuffled, x.seed if seed is None else seed
            x, y = pairs(x, "fit's dataset")
        batch_size = 32 if batch_size is None else count("batch_size", batch_size)
        epochs = count("epochs", epochs, zero=True)
        model, train, val = self._fit_data(x, y, batch_size, validation_split, validation_data)
        functions = compiled(model)
        data = device_data(model, train, val or (train[0][:1], train[1][:1]))
        state = self._start_state(model)
        shuffle_seed = self.seed if seed is None else seed

        callbacks = list(callbacks or [])
        for cb in callbacks:
            cb.set_model(self)
            cb.on_train_begin()
        history = History(self, {"verbose": verbose, "epochs": epochs, "steps": model.steps_per_epoch})
        progress = Progress(verbose, epochs, model.steps_per_epoch)
        weights = np.full(model.steps_per_epoch, batch_size, np.float64)  # Keras weighs each batch's loss by its size
        weights[-1] = model.n_train - batch_size * (model.steps_per_epoch - 1)
        per_epoch = bool(self._metrics or val is not None or callbacks or verbose or not shuffle)
        self.stop_training, epoch = False, 0
        while epoch < epochs and not self.stop_training:
            chunk = 1 if per_epoch else min(epochs - epoch, engine.epochs_per_call(model))
            started = time.perf_counter()
            orders = engine.call_orders(
                model, shuffle_seed, int(state["step"]) // model.steps_per_epoch, chunk, shuffle
            )
            state, losses = functions.advance_epochs(state, data, orders, chunk)
            took = (time.perf_counter() - started) / chunk
            evaluation = (
                jax.device_get(functions.evaluate(state["params"], data)[0])
                if self._metrics or val is not None
                else None
            )
            self.train_state, self.params, self.fitted = state, state["params"], model
            for row in np.asarray(losses)[:chunk]:
                logs = self._logs(float((row * weights).sum() / weights.sum()), evaluation, val is not None)
                history.append(epoch, logs)
                progress.epoch(epoch, logs, took)
                for cb in callbacks:
                    cb.on_epoch_end(epoch, logs)
                epoch += 1
        self.settings.update(batch_size=batch_size, epochs=epochs)
        for cb in callbacks:
            cb.on_train_end()
        self.history = history
        return history

    def _fit_data(self, x, y, batch_size, validation_split, validation_data):
        """(engine Model, (x, y) to train on, (x, y) to validate on or None), checked."""
        x = self._inputs(x)
        if validation_split:
            if validation_data is not None or not 0 < validation_split < 1:
                raise ValueError("validation_split must be between 0 and 1, without validation_data")
            cut = len(x) - int(len(x) * validation_split)  # Keras: the last samples, before any shuffling
            y = np.asarray(y)
            validation_data, x, y = (x[cut:], y[cut:]), x[:cut], y[:cut]
        model = self.engine_model(len(x), batch_size)
        val = None
        if validation_data is not None:
            xv, yv = pairs(validation_data, "validation_data")
            xv = self._inputs(xv)
            val = (xv, labels(yv, len(xv), model))
        return model, (x, labels(y, len(x), model)), val

    def _logs(self, loss, evaluation, validating):
        """One epoch's logs: the mean batch loss, then metrics on the whole training set, then val_*."""
        logs = {"loss": loss}
        if evaluation is not None:
            logs.update({m: float(evaluation["train"][ENGINE_METRIC[m]]) for m in self._metrics})
            if validating:
                logs["val_loss"] = float(evaluation["test"]["loss"])
                logs.update({f"val_{m}": float(evaluation["test"][ENGINE_METRIC[m]]) for m in self._metrics})
        return logs

    def _start_state(self, model):
        opt = self.optimizer.to_spec()
        if self.train_state is None:
            state = engine.init_state(model, opt, self.seed)
            if self.params is not None:
                state = dict(state, params=self.params)
        else:  # a second fit goes on from here; the learning rate may have been changed
            state = engine.set_learning_rate(dict(self.train_state, params=self.params), self.optimizer.learning_rate)
        return state

    # --- using the model ------------------------------------------------------------------

    def _trained_model(self, n):
        return self.fitted or self.engine_model(n, 32)

    def evaluate(
        self,
        x: ArrayLike | Dataset | None = None,
        y: ArrayLike | None = None,
        batch_size: int | None = None,
        verbose: int = 1,
        return_dict: bool = False,
    ) -> float | list | dict:
        """Loss (and metrics) over all of x: the loss alone, or [loss, *metrics]."""
        self._need_compiled()
        if isinstance(x, Dataset):
            x, y = pairs(x, "evaluate's dataset")
        x = self._inputs(x)
        model = self._trained_model(len(x))
        y = labels(y, len(x), model)
        evaluate = compiled(model).evaluate
        data = device_data(model, (x[:1], y[:1]), (x, y))  # the train half is unused here: one sample
        test = jax.device_get(evaluate(self._ensure_params(), data)[0])["test"]
        logs = {"loss": float(test["loss"]), **{m: float(test[ENGINE_METRIC[m]]) for m in self._metrics}}
        if verbose:
            print(f"{len(x)}/{len(x)} [{'=' * 30}] - " + " - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))
        if return_dict:
            return logs
        return logs["loss"] if not self._metrics else list(logs.values())

    def predict(self, x: ArrayLike | Dataset, batch_size: int | None = None, verbose: int = 0) -> np.ndarray:
        """The network's outputs for x, (n, output units), as NumPy."""
        if isinstance(x, Dataset):
            x = x.arrays()[0]
        x = self._inputs(x)
        model = self.fitted or (self.engine_model(len(x), 32) if self.loss else self.bare_model())
        forward = compiled(model).forward
        out = np.asarray(forward(self._ensure_params(), jnp.asarray(x))[-1])
        if verbose:
            print(f"{len(x)}/{len(x)} [{'=' * 30}]")
        return out

    def __call__(self, x):
        return self.predict(x)

    def get_weights(self) -> list[np.ndarray]:
        return [np.asarray(p[k]) for p in self._ensure_params() for k in PARAM_ORDER if k in p]

    def set_weights(self, weights: list) -> None:
        params = self._ensure_params()
        slots = [(i, k) for i, p in enumerate(params) for k in PARAM_ORDER if k in p]
        if len(weights) != len(slots):
            raise ValueError(f"set_weights expects {len(slots)} arrays (as get_weights gives); received {len(weights)}")
        new = [dict(p) for p in params]
        for (i, k), w in zip(slots, weights):
            w = np.asarray(w, np.float32)
            if w.shape != params[i][k].shape:
                raise ValueError(
                    f"Layer {self._names()[i]!r} weight {k!r} has shape {params[i][k].shape}; received {w.shape}"
                )
            new[i][k] = jnp.asarray(w)
        self.params = new
        if self.train_state is not None:
            self.train_state = dict(self.train_state, params=new)

    def summary(self, print_fn: Callable[[str], object] | None = None) -> None:
        """Layers, output shapes and parameter counts, as Keras prints them."""
        walk = self._walk()
        rule, lines = (
            "_" * 65,
            [f'Model: "{self.name}"', "_" * 65, _row("Layer (type)", "Output Shape", "Param #"), "=" * 65],
        )
        for i, (name, layer, shape, n) in enumerate(walk):
            lines.append(
                _row(f"{name} ({type(layer).__name__})", "(None, " + ", ".join(map(str, shape)) + ")", f"{n:,}")
            )
            lines.append("" if i < len(walk) - 1 else "=" * 65)
        total = sum(n for *_, n in walk)
        lines += [f"Total params: {total:,}", f"Trainable params: {total:,}", "Non-trainable params: 0", rule]
        for line in lines:
            (print_fn or print)(line)

    # --- the spec ---------------------------------------------------------------------

    @classmethod
    def from_spec(cls, spec: dict | S.Spec, uploads: dict | None = None) -> "Sequential":
        """A spec (dict or trainer.spec.Spec) -> a compiled Sequential that
        remembers the spec's dataset, features, batch size, epochs and stop rules.
        uploads: the uploaded datasets' infos, as for trainer.spec.parse."""
        spec = spec if isinstance(spec, S.Spec) else S.parse(spec, uploads=uploads)
        d = spec.to_dict()
        layers = [
            layer_from_spec(layer, spec.input_shape if i == 0 else None, spec.regularization)
            for i, layer in enumerate(spec.layers)
        ]
        model = cls(layers, seed=spec.seed)
        model.compile(
            optimizer=optimizer_from_spec(spec.optimizer),
            loss=KERAS_LOSS[spec.loss],
            metrics=default_metrics(spec.task),
        )
        model.settings = {k: d[k] for k in ("dataset", "features", "batch_size", "epochs", "stop") if k in d}
        if spec.regularization.type == "none":
            model.settings["regularization"] = d["regularization"]
        return model

    def to_spec(
        self,
        dataset: str | dict | None = None,
        features: list[str] | None = None,
        batch_size: int | None = None,
        epochs: int | None = None,
        seed: int | None = None,
        stop: dict | None = None,
        uploads: dict | None = None,
    ) -> dict:
        """The spec dict of this model, validated by trainer.spec.parse. A model
        from from_spec (or after fit) knows its settings; the others take them here:
        dataset (a name or a spec dataset dict), features, batch_size, epochs, seed, stop
        (and uploads, the uploaded datasets' infos, as for parse)."""
        self._need_compiled()
        s = self.settings
        dataset = dataset if dataset is not None else s.get("dataset")
        if dataset is None:
            raise ValueError(
                "to_spec needs the dataset the model trains on, as in model.to_spec(dataset=\"circle\") "
                "(a model from Sequential.from_spec remembers its own)"
            )
        d = {"version": S.VERSION, "dataset": {"name": dataset} if isinstance(dataset, str) else dict(dataset)}
        if d["dataset"].get("name") in (
            uploads or {}
        ):  # Spec.to_dict writes noise and samples, which an uploaded set's parse refuses
            d["dataset"] = {k: v for k, v in d["dataset"].items() if k in ("name", "test_fraction", "seed")}
        features = features if features is not None else s.get("features")
        if features is not None:
            d["features"] = list(features)
        opt = self.optimizer.to_spec()
        d.update(
            layers=[S.layer_dict(layer.spec) for layer in self.layers],
            loss=LOSSES[self.loss],
            optimizer={"name": opt.name, "learning_rate": opt.learning_rate, **dict(opt.options)},
            regularization=asdict(self.regularization()),
            batch_size=batch_size or s.get("batch_size", 32),
            epochs=s.get("epochs", 1) if epochs is None else epochs,
            seed=self.seed if seed is None else seed,
        )
        if stop or s.get("stop"):
            d["stop"] = stop or s["stop"]
        given = datasets.input_shape(S.parse_dataset(d["dataset"], uploads=uploads), d.get("features", ["x1", "x2"]))
        if self.input_shape is not None and tuple(self.input_shape) != tuple(given):
            raise ValueError(
                f"The model takes input_shape {tuple(self.input_shape)} but the dataset {d['dataset'].get('name')!r} "
                f"gives {tuple(given)} (for 2-D points, choose the features)"
            )
        return S.parse(d, uploads=uploads).to_dict()

    def save(self, filepath: str) -> None:
        """One .npz file: see trainer.keras.saving."""
        from trainer.keras.saving import save_model  # saving builds Sequentials: it imports this module

        save_model(self, filepath)


def compiled(model: engine.Model) -> engine.Compiled:
    loop.enable_persistent_cache()  # as the run loop does: a second process skips compiling
    return engine.compiled(model)


def _row(a, b, c):
    return f" {a:<27} {b:<25} {c}".rstrip()
