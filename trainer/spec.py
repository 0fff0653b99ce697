"""The run spec (version 1): parse a JSON-like dict once into frozen objects.

`parse(d)` returns a `Spec` or raises `SpecError` listing every problem with
its path (`layers[2].units: must be between 1 and 512`). Shapes are inferred
here in plain Python (stax-style: each layer maps an input shape to an output
shape and its parameter shapes), so the web side can check a stack before
any data or JAX exists. No JAX imports in this module.
"""

import math
from dataclasses import asdict, dataclass, field

from trainer import datasets
from trainer.messages import Problem, entry, gettext_noop

VERSION = 1
ACTIVATIONS = ("linear", "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "softmax")
LOSSES = ("mse", "half_mse", "mae", "binary_crossentropy", "categorical_crossentropy")
REGRESSION_LOSSES = ("mse", "half_mse", "mae")
INITIALIZERS = {  # name -> its optional knobs with defaults (Keras names)
    "glorot_uniform": {},
    "glorot_normal": {},
    "he_normal": {},
    "he_uniform": {},
    "lecun_normal": {},
    "random_uniform": {"minval": -0.05, "maxval": 0.05},
    "random_normal": {"stddev": 0.05},
    "zeros": {},
    "ones": {},
    "constant": {"value": 0.0},
}
OPTIMIZERS = {  # name -> knobs with defaults, passed to the optax recipe of the same name
    "sgd": {},
    "momentum": {"momentum": 0.9},
    "nesterov": {"momentum": 0.9},
    "rmsprop": {"decay": 0.9, "eps": 1e-7, "momentum": 0.0},
    "adagrad": {"initial_accumulator_value": 0.1, "eps": 1e-7},
    "adam": {"b1": 0.9, "b2": 0.999, "eps": 1e-8},
    "adamw": {"b1": 0.9, "b2": 0.999, "eps": 1e-8, "weight_decay": 1e-4},
}
LIMITS = {
    "layers": 16,
    "units": 512,
    "filters": 128,
    "kernel_size": 11,
    "params": 2_000_000,
    "vocab_size": 5000,
    "sequence_length": 200,
    "embedding_dim": 128,
    "epochs": 10_000,
    "batch_size": 1024,
    "samples": (20, 5000),
    "steps": 5_000_000,
    "learning_rate": (1e-7, 1e4),
    "blob_classes": (3, 5),
    "drawn_points": (2, 1000),
    "drawn_value": 100,  # a drawn set (datasets.DRAWN): its number of points, |target value|
}


class SpecError(ValueError):
    """A spec that cannot run. `errors` is a list of {"path", "message"}; the trainer's own entries
    also carry "template" and "params" (trainer.messages.entry), which the web side translates."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(f"{e['path']}: {e['message']}" if e["path"] else e["message"] for e in errors))


@dataclass(frozen=True)
class Initializer:
    name: str
    options: tuple = ()  # sorted (knob, value) pairs

    def to_dict(self):
        return {"name": self.name, **dict(self.options)} if self.options else self.name


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    noise: float = 0.0
    samples: int = 500
    test_fraction: float = 0.5
    seed: int = 0
    classes: int | None = None  # blobs only
    # text only: which reviews, how they reach the network, and the pipeline's limits
    language: str | None = None  # en | ko | both
    representation: str | None = None  # sequence | bag_of_words
    vocab_size: int | None = None
    sequence_length: int | None = None  # None: the length covering 95% of texts
    tokens: str | None = None  # word | morpheme | char | particles (trainer.text.TOKEN_LEVELS)
    uploaded: datasets.DatasetInfo | None = None  # set for an uploaded set; never in to_dict
    # a drawn set only (datasets.DRAWN): its points, ((x1, x2, label or value), ...); `samples` is their count
    points: tuple | None = None

    def __post_init__(self):
        if self.points is not None:  # lists (from a script) become tuples: a spec is hashable and frozen
            points = tuple(tuple(p) for p in self.points)
            object.__setattr__(self, "points", points)
            object.__setattr__(self, "samples", len(points))

    @property
    def info(self):
        return self.uploaded or datasets.BUILTIN.get(self.name) or datasets.DRAWN[self.name]

    @property
    def n_classes(self):
        return self.classes if self.name == "blobs" else self.info.classes

    def to_dict(self):
        if self.uploaded:  # an uploaded set is what it is: only the split is chosen
            return {"name": self.name, "test_fraction": self.test_fraction, "seed": self.seed}
        if self.points is not None:  # a drawn set is its points: no size or noise to choose
            return {
                "name": self.name,
                "points": [list(p) for p in self.points],
                "test_fraction": self.test_fraction,
                "seed": self.seed,
            }
        return {k: v for k, v in asdict(self).items() if v is not None and k != "uploaded"}


@dataclass(frozen=True)
class Dense:
    units: int
    activation: str = "linear"
    kernel_initializer: Initializer = Initializer("glorot_uniform")
    bias_initializer: Initializer = Initializer("zeros")
    type: str = field(default="dense", init=False)

    def shapes(self, in_shape):
        """in_shape -> (out_shape, {param: shape}); raises ValueError for a bad input."""
        if len(in_shape) != 1:
            raise Problem(
                gettext_noop("dense needs a flat input but gets shape %(shape)s; add a flatten layer before it"),
                shape=str(list(in_shape)),
            )
        return (self.units,), {"kernel": (in_shape[0], self.units), "bias": (self.units,)}


def _keras_size(size, kernel, stride, padding):
    """Keras' output length of a conv or pool along one axis."""
    return -(-size // stride) if padding == "same" else (size - kernel) // stride + 1


def _need_image(kind, in_shape):
    if len(in_shape) != 3:
        raise Problem(
            gettext_noop(
                "%(layer)s needs an image input (height, width, channels) but gets shape %(shape)s; "
                "conv and pooling layers go before flatten"
            ),
            layer=kind,
            shape=str(list(in_shape)),
        )


@dataclass(frozen=True)
class Conv2D:
    filters: int
    kernel_size: int = 3
    strides: int = 1
    padding: str = "valid"
    activation: str = "linear"
    kernel_initializer: Initializer = Initializer("glorot_uniform")
    bias_initializer: Initializer = Initializer("zeros")
    type: str = field(default="conv2d", init=False)

    def shapes(self, in_shape):
        _need_image("conv2d", in_shape)
        h, w, c = in_shape
        k = self.kernel_size
        if self.padding == "valid" and (k > h or k > w):
            raise Problem(
                gettext_noop(
                    "kernel_size %(kernel)s is larger than its %(height)s×%(width)s input; "
                    "use a smaller kernel or padding 'same'"
                ),
                kernel=k,
                height=h,
                width=w,
            )
        out = (
            _keras_size(h, k, self.strides, self.padding),
            _keras_size(w, k, self.strides, self.padding),
            self.filters,
        )
        return out, {"kernel": (k, k, c, self.filters), "bias": (self.filters,)}


@dataclass(frozen=True)
class Pool2D:
    type: str  # maxpool2d | avgpool2d
    pool_size: int = 2
    strides: int | None = None  # Keras: defaults to pool_size
    padding: str = "valid"

    @property
    def stride(self):
        return self.strides or self.pool_size

    def shapes(self, in_shape):
        _need_image(self.type, in_shape)
        h, w, c = in_shape
        if self.padding == "valid" and (self.pool_size > h or self.pool_size > w):
            raise Problem(
                gettext_noop("pool_size %(pool)s is larger than its %(height)s×%(width)s input"),
                pool=self.pool_size,
                height=h,
                width=w,
            )
        return (
            _keras_size(h, self.pool_size, self.stride, self.padding),
            _keras_size(w, self.pool_size, self.stride, self.padding),
            c,
        ), {}


@dataclass(frozen=True)
class Flatten:
    type: str = field(default="flatten", init=False)

    def shapes(self, in_shape):
        return (math.prod(in_shape),), {}


@dataclass(frozen=True)
class Dropout:
    rate: float
    type: str = field(default="dropout", init=False)

    def shapes(self, in_shape):
        return tuple(in_shape), {}


@dataclass(frozen=True)
class Embedding:
    output_dim: int
    input_dim: int | None = None  # the vocabulary size; filled in from the dataset
    type: str = field(default="embedding", init=False)

    def shapes(self, in_shape):
        if len(in_shape) != 1:
            raise Problem(
                gettext_noop(
                    "embedding takes a sequence of token indices but gets shape %(shape)s; "
                    "put it first, on a text dataset"
                ),
                shape=str(list(in_shape)),
            )
        return (in_shape[0], self.output_dim), {"embeddings": (self.input_dim, self.output_dim)}


RNN_GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3}


@dataclass(frozen=True)
class Recurrent:
    type: str  # simple_rnn | lstm | gru
    units: int
    return_sequences: bool = False
    activation: str = "tanh"

    def shapes(self, in_shape):
        if len(in_shape) != 2:
            raise Problem(
                gettext_noop(
                    "%(layer)s needs a sequence (steps, features) but gets shape %(shape)s; put an embedding "
                    "(or an RNN with return_sequences) before it"
                ),
                layer=self.type,
                shape=str(list(in_shape)),
            )
        steps, features = in_shape
        g, u = RNN_GATES[self.type], self.units
        bias = (2, g * u) if self.type == "gru" else (g * u,)  # Keras' GRU has reset_after=True: two biases
        out = (steps, u) if self.return_sequences else (u,)
        return out, {"kernel": (features, g * u), "recurrent_kernel": (u, g * u), "bias": bias}


@dataclass(frozen=True)
class Optimizer:
    name: str
    learning_rate: float
    options: tuple = ()  # sorted (knob, value) pairs


@dataclass(frozen=True)
class Regularization:
    type: str = "none"  # none | l1 | l2, on kernels only (as TF Playground)
    rate: float = 0.0


@dataclass(frozen=True)
class StopRules:
    early_stopping_patience: int | None = None  # epochs without a better test loss
    target_loss: float | None = None  # stop once the test loss is at or below it


@dataclass(frozen=True)
class Spec:
    dataset: DatasetSpec
    features: tuple
    layers: tuple
    loss: str
    optimizer: Optimizer
    regularization: Regularization
    batch_size: int
    epochs: int
    seed: int
    stop: StopRules = StopRules()
    version: int = VERSION

    @property
    def task(self):
        return self.dataset.info.task

    @property
    def input_shape(self):
        return datasets.input_shape(self.dataset, self.features)

    @property
    def is_perceptron(self):
        return len(self.layers) == 1 and getattr(self.layers[0], "activation", None) == "step"

    @property
    def n_train(self):
        return datasets.split_sizes(self.dataset.samples, self.dataset.test_fraction)[0]

    @property
    def steps_per_epoch(self):
        return math.ceil(self.n_train / self.batch_size)

    def layer_shapes(self):
        """[(in_shape, out_shape, {param: shape})] through the stack."""
        out, shape = [], self.input_shape
        for layer in self.layers:
            out_shape, params = layer.shapes(shape)
            out.append((shape, out_shape, params))
            shape = out_shape
        return out

    def to_dict(self):
        d = {
            "version": self.version,
            "dataset": self.dataset.to_dict(),
            **({"features": list(self.features)} if self.features else {}),
            "layers": [_layer_dict(layer) for layer in self.layers],
            "loss": self.loss,
            "optimizer": {
                "name": self.optimizer.name,
                "learning_rate": self.optimizer.learning_rate,
                **dict(self.optimizer.options),
            },
            "regularization": asdict(self.regularization),
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "seed": self.seed,
        }
        if self.stop != StopRules():
            d["stop"] = {k: v for k, v in asdict(self.stop).items() if v is not None}
        return d


def _layer_dict(layer):
    d = {"type": layer.type}
    for name in layer.__dataclass_fields__:
        value = getattr(layer, name)
        if name != "type" and value is not None:
            d[name] = value.to_dict() if isinstance(value, Initializer) else value
    return d


# --- reading untrusted values ------------------------------------------------


def number(value, lo, hi, integer=False):
    """A JSON number within [lo, hi] -> int or float; ValueError (a trainer.messages.Problem) saying what is wrong.
    Every numeric field goes through here: a bool, NaN, infinity or an integer too big
    for a float (10**400: math and float() overflow on it) is an error, never an exception."""
    whole = gettext_noop("must be a whole number")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Problem(whole if integer else gettext_noop("must be a number"))
    if isinstance(value, float) and not math.isfinite(value):
        raise Problem(gettext_noop("must be finite (not NaN or infinity)"))
    if integer and isinstance(value, float) and not value.is_integer():
        raise Problem(whole)
    if not lo <= value <= hi:  # exact for ints of any size: Python compares int and float without converting
        raise Problem(gettext_noop("must be between %(low)s and %(high)s"), low=f"{lo:g}", high=f"{hi:g}")
    return int(value) if integer else float(value)


class _Reader:
    """Reads fields of one JSON object, collecting errors instead of stopping."""

    def __init__(self, errors, obj, path, allowed):
        self.errors, self.path = errors, path
        if not isinstance(obj, dict):
            self.fail("", gettext_noop("must be a JSON object"))
            obj = {}
        self.obj = obj
        for key in obj:
            if key not in allowed:
                self.fail(key, gettext_noop("unknown key; allowed: %(allowed)s"), allowed=", ".join(sorted(allowed)))

    def fail(self, key, template, **params):
        path = f"{self.path}.{key}" if self.path and key else (self.path or key)
        self.errors.append(entry(path, template, **params))

    def number(self, key, lo, hi, default=..., integer=False):
        if key not in self.obj:
            if default is ...:
                self.fail(key, gettext_noop("is required"))
            return None if default is ... else default
        try:
            return number(self.obj[key], lo, hi, integer)
        except ValueError as exc:
            return self.fail(key, exc.template, **exc.params)

    def integer(self, key, lo, hi, default=...):
        return self.number(key, lo, hi, default, integer=True)

    def choice(self, key, options, default=...):
        if key not in self.obj:
            if default is ...:
                self.fail(key, gettext_noop("is required"))
                return None
            return default
        value = self.obj[key]
        if not isinstance(value, str) or value not in options:
            return self.fail(key, gettext_noop("must be one of %(choices)s"), choices=", ".join(options))
        return value


def _parse_initializer(errors, value, path, default):
    if value is None:
        return default
    if isinstance(value, str):
        value = {"name": value}
    r = _Reader(errors, value, path, {"name", "minval", "maxval", "stddev", "value"})
    name = r.choice("name", tuple(INITIALIZERS))
    if name is None:
        return default
    knobs = INITIALIZERS[name]
    for key in set(r.obj) - {"name"} - set(knobs):
        r.fail(key, gettext_noop("is not a knob of %(name)s"), name=name)
    options = tuple(sorted((k, r.number(k, -100, 100, default)) for k, default in knobs.items()))
    if name == "random_uniform" and dict(options)["minval"] is not None and dict(options)["maxval"] is not None:
        if dict(options)["minval"] >= dict(options)["maxval"]:
            r.fail("maxval", gettext_noop("must be greater than minval"))
    return Initializer(name, options)


def _parse_dense(r):
    return Dense(
        units=r.integer("units", 1, LIMITS["units"]),
        activation=r.choice("activation", ACTIVATIONS, "linear"),
        kernel_initializer=_parse_initializer(
            r.errors, r.obj.get("kernel_initializer"), f"{r.path}.kernel_initializer", Initializer("glorot_uniform")
        ),
        bias_initializer=_parse_initializer(
            r.errors, r.obj.get("bias_initializer"), f"{r.path}.bias_initializer", Initializer("zeros")
        ),
    )


def _parse_conv2d(r):
    return Conv2D(
        filters=r.integer("filters", 1, LIMITS["filters"]),
        kernel_size=r.integer("kernel_size", 1, LIMITS["kernel_size"], 3),
        strides=r.integer("strides", 1, LIMITS["kernel_size"], 1),
        padding=r.choice("padding", ("valid", "same"), "valid"),
        activation=r.choice("activation", ACTIVATIONS, "linear"),
        kernel_initializer=_parse_initializer(
            r.errors, r.obj.get("kernel_initializer"), f"{r.path}.kernel_initializer", Initializer("glorot_uniform")
        ),
        bias_initializer=_parse_initializer(
            r.errors, r.obj.get("bias_initializer"), f"{r.path}.bias_initializer", Initializer("zeros")
        ),
    )


def _parse_pool(r):
    return Pool2D(
        type=r.obj["type"],
        pool_size=r.integer("pool_size", 1, LIMITS["kernel_size"], 2),
        strides=r.integer("strides", 1, LIMITS["kernel_size"], None),
        padding=r.choice("padding", ("valid", "same"), "valid"),
    )


def _parse_recurrent(r):
    flag = r.obj.get("return_sequences", False)
    if not isinstance(flag, bool):
        r.fail("return_sequences", gettext_noop("must be true or false"))
    return Recurrent(
        type=r.obj["type"],
        units=r.integer("units", 1, LIMITS["units"]),
        return_sequences=flag is True,
        activation=r.choice("activation", ACTIVATIONS, "tanh"),
    )


def _parse_embedding(r):
    return Embedding(
        output_dim=r.integer("output_dim", 1, LIMITS["embedding_dim"]),
        input_dim=r.integer("input_dim", 2, LIMITS["vocab_size"], None),
    )


_INITS = {"kernel_initializer", "bias_initializer"}
LAYER_PARSERS = {
    "dense": (_parse_dense, {"type", "units", "activation", *_INITS}),
    "conv2d": (_parse_conv2d, {"type", "filters", "kernel_size", "strides", "padding", "activation", *_INITS}),
    "maxpool2d": (_parse_pool, {"type", "pool_size", "strides", "padding"}),
    "avgpool2d": (_parse_pool, {"type", "pool_size", "strides", "padding"}),
    "flatten": (lambda r: Flatten(), {"type"}),
    "dropout": (lambda r: Dropout(rate=r.number("rate", 0, 0.95)), {"type", "rate"}),
    "embedding": (_parse_embedding, {"type", "output_dim", "input_dim"}),
    "simple_rnn": (_parse_recurrent, {"type", "units", "return_sequences", "activation"}),
    "lstm": (_parse_recurrent, {"type", "units", "return_sequences", "activation"}),
    "gru": (_parse_recurrent, {"type", "units", "return_sequences", "activation"}),
}


_ACT = {"choices": list(ACTIVATIONS), "default": "linear"}
_PAD = {"choices": ["valid", "same"], "default": "valid"}
_SIZE = {"min": 1, "max": LIMITS["kernel_size"]}
LAYER_SCHEMA = {  # the builder's form for each layer type (knobs the parsers above accept)
    "dense": {"units": {"min": 1, "max": LIMITS["units"], "default": 4}, "activation": _ACT},
    "conv2d": {
        "filters": {"min": 1, "max": LIMITS["filters"], "default": 8},
        "kernel_size": {**_SIZE, "default": 3},
        "strides": {**_SIZE, "default": 1},
        "padding": _PAD,
        "activation": _ACT,
    },
    "maxpool2d": {"pool_size": {**_SIZE, "default": 2}, "strides": {**_SIZE, "default": None}, "padding": _PAD},
    "avgpool2d": {"pool_size": {**_SIZE, "default": 2}, "strides": {**_SIZE, "default": None}, "padding": _PAD},
    "flatten": {},
    "dropout": {"rate": {"min": 0, "max": 0.95, "default": 0.25}},
    "embedding": {"output_dim": {"min": 1, "max": LIMITS["embedding_dim"], "default": 16}},
    **{
        kind: {
            "units": {"min": 1, "max": LIMITS["units"], "default": 32},
            "return_sequences": {"choices": [False, True], "default": False},
            "activation": {"choices": list(ACTIVATIONS), "default": "tanh"},
        }
        for kind in RNN_GATES
    },
}


def _parse_layer(errors, obj, path):
    kind = obj.get("type") if isinstance(obj, dict) else None
    if not isinstance(kind, str) or kind not in LAYER_PARSERS:
        errors.append(
            entry(f"{path}.type", gettext_noop("must be one of %(choices)s"), choices=", ".join(LAYER_PARSERS))
        )
        return None
    parse_fields, allowed = LAYER_PARSERS[kind]
    before = len(errors)
    layer = parse_fields(_Reader(errors, obj, path, allowed))
    return layer if len(errors) == before else None


TEXT_KEYS = ("language", "representation", "vocab_size", "sequence_length", "tokens")
BAG_OF_WORDS_CELLS = 40_000_000  # samples × vocabulary of a bag-of-words matrix (160 MB of float32)


def _parse_dataset(errors, obj, uploads=None):
    uploads = uploads or {}
    name = obj.get("name") if isinstance(obj, dict) else None
    if isinstance(name, str) and name in uploads:
        r = _Reader(errors, obj, "dataset", {"name", "test_fraction", "seed"})
        info = uploads[name]
        return DatasetSpec(
            name=name,
            samples=info.default_samples,
            test_fraction=r.number("test_fraction", 0.1, 0.9, 0.2),
            seed=r.integer("seed", 0, 2**31 - 1, 0),
            uploaded=info,
        )
    if isinstance(name, str) and name in datasets.DRAWN:
        return _parse_drawn(errors, obj, datasets.DRAWN[name])
    r = _Reader(
        errors, obj, "dataset", {"name", "noise", "samples", "test_fraction", "seed", "classes", "points", *TEXT_KEYS}
    )
    name = r.choice("name", (*datasets.BUILTIN, *datasets.DRAWN, *uploads))
    if "points" in r.obj:
        r.fail("points", gettext_noop("applies to the drawn sets only (%(names)s)"), names=", ".join(datasets.DRAWN))
    info = datasets.BUILTIN.get(name)
    lo, hi = LIMITS["samples"]
    hi = info.max_samples if info and info.max_samples else hi
    classes = None
    if name == "blobs":
        classes = r.integer("classes", *LIMITS["blob_classes"], default=3)
    elif "classes" in r.obj:
        r.fail("classes", gettext_noop("applies to the blobs dataset only"))
    text = {}
    if info and info.kind == "text":
        text = dict(
            language=r.choice("language", ("en", "ko", "both"), "both") if info.language is None else None,
            representation=r.choice("representation", ("sequence", "bag_of_words"), "sequence"),
            vocab_size=r.integer("vocab_size", 10, LIMITS["vocab_size"], 1000),
            sequence_length=r.integer("sequence_length", 1, LIMITS["sequence_length"], None),
            tokens=r.choice("tokens", tuple(datasets.text.TOKEN_LEVELS), info.default_tokens),
        )
        if info.language is not None and "language" in r.obj:
            r.fail(
                "language",
                gettext_noop("applies to the generated sentiment corpus only; %(dataset)s is %(language)s"),
                dataset=info.title,
                language=info.language,
            )
        if r.obj.get("noise"):
            r.fail("noise", gettext_noop("applies to point and image datasets only"))
    else:
        for key in TEXT_KEYS:
            if key in r.obj:
                r.fail(key, gettext_noop("applies to text datasets only"))
    samples = r.integer("samples", lo, hi, info.default_samples if info else 500)
    if (
        text.get("representation") == "bag_of_words"
        and samples
        and text["vocab_size"]
        and samples * text["vocab_size"] > BAG_OF_WORDS_CELLS
    ):
        r.fail(
            "vocab_size",
            gettext_noop(
                "%(samples)s samples × %(words)s words is too big a bag-of-words matrix; "
                "keep samples × vocab_size under %(cells)s"
            ),
            samples=f"{samples:,}",
            words=f"{text['vocab_size']:,}",
            cells=f"{BAG_OF_WORDS_CELLS:,}",
        )
    return DatasetSpec(
        name=name,
        noise=r.number("noise", 0, 0.5, 0.0),
        samples=samples,
        test_fraction=r.number("test_fraction", 0.1, 0.9, 0.5),
        seed=r.integer("seed", 0, 2**31 - 1, 0),
        classes=classes,
        **text,
    )


MAX_POINT_ERRORS = 20  # a list of 1,000 bad points names the first few


def _parse_drawn(errors, obj, info):
    """A drawn set: {"name", "points": [[x1, x2, label or value], ...], "test_fraction", "seed"}. Each
    coordinate lies in datasets.EXTENT; a label is 0 or 1 (binary), a value a number within ±drawn_value."""
    r = _Reader(errors, obj, "dataset", {"name", "points", "test_fraction", "seed"})
    test_fraction, seed = r.number("test_fraction", 0.1, 0.9, 0.5), r.integer("seed", 0, 2**31 - 1, 0)
    lo, hi = LIMITS["drawn_points"]
    value = r.obj.get("points")
    regression = info.task == "regression"
    shape = gettext_noop("must be [x1, x2, value]") if regression else gettext_noop("must be [x1, x2, label]")
    if "points" not in r.obj:
        r.fail(
            "points",
            gettext_noop("is required: a list of [x1, x2, label] points (label 0 or 1), or [x1, x2, value] for values"),
        )
        value = []
    elif not isinstance(value, list):
        r.fail(
            "points",
            gettext_noop("must be a list of points, each %(shape)s"),
            shape="[x1, x2, value]" if regression else "[x1, x2, label]",
        )
        value = []
    elif len(value) > hi:
        r.fail(
            "points",
            gettext_noop("has %(count)s points; at most %(limit)s are allowed"),
            count=f"{len(value):,}",
            limit=f"{hi:,}",
        )
        value = []
    elif len(value) < lo:
        r.fail(
            "points",
            gettext_noop("has %(count)s points; draw at least %(low)s (some to train on, some to test)"),
            count=len(value),
            low=lo,
        )
    (x0, x1, y0, y1), v = datasets.EXTENT, LIMITS["drawn_value"]
    ranges = ((x0, x1, False), (y0, y1, False), (-v, v, False) if regression else (0, 1, True))
    points, bad = [], 0
    for i, p in enumerate(value):
        before = len(errors)
        if not isinstance(p, list) or len(p) != 3:
            r.fail(f"points[{i}]", shape)
        else:
            row = []
            for j, (low, high, integer) in enumerate(ranges):
                try:
                    row.append(number(p[j], low, high, integer))
                except ValueError as exc:
                    r.fail(f"points[{i}][{j}]", exc.template, **exc.params)
            points.append(tuple(row))
        bad += len(errors) > before
        if bad >= MAX_POINT_ERRORS:
            break
    if test_fraction is not None and lo <= len(value) <= hi:
        n_train, n_test = datasets.split_sizes(len(value), test_fraction)
        if not n_train or not n_test:
            if not n_test:
                r.fail(
                    "test_fraction",
                    gettext_noop("leaves no test point of the %(count)s drawn; draw more points or raise it"),
                    count=len(value),
                )
            else:
                r.fail(
                    "test_fraction",
                    gettext_noop("leaves no training point of the %(count)s drawn; draw more points or lower it"),
                    count=len(value),
                )
    return DatasetSpec(name=info.name, test_fraction=test_fraction, seed=seed, points=tuple(points))


def _parse_optimizer(errors, obj):
    r = _Reader(
        errors, obj, "optimizer", {"name", "learning_rate", *{k for knobs in OPTIMIZERS.values() for k in knobs}}
    )
    name = r.choice("name", tuple(OPTIMIZERS))
    lr = r.number("learning_rate", *LIMITS["learning_rate"])
    knobs = OPTIMIZERS.get(name, {})
    for key in set(r.obj) - {"name", "learning_rate"} - set(knobs):
        if name:
            if knobs:
                r.fail(
                    key,
                    gettext_noop("is not a knob of %(name)s; it takes %(knobs)s"),
                    name=name,
                    knobs=", ".join(knobs),
                )
            else:
                r.fail(key, gettext_noop("is not a knob of %(name)s; it takes only learning_rate"), name=name)
    limits = {
        "momentum": (0, 0.9999),
        "b1": (0, 0.9999),
        "b2": (0, 0.99999),
        "decay": (0, 0.9999),
        "eps": (1e-12, 1),
        "weight_decay": (0, 1),
        "initial_accumulator_value": (0, 10),
    }
    options = tuple(sorted((k, r.number(k, *limits[k], default)) for k, default in knobs.items()))
    return Optimizer(name, lr, options)


def _parse_features(errors, value):
    if not isinstance(value, list) or not value:
        errors.append(
            entry(
                "features",
                gettext_noop("must be a non-empty list of %(choices)s"),
                choices=", ".join(datasets.FEATURES),
            )
        )
        return ()
    for i, f in enumerate(value):
        if not isinstance(f, str) or f not in datasets.FEATURES:
            errors.append(
                entry(
                    f"features[{i}]", gettext_noop("must be one of %(choices)s"), choices=", ".join(datasets.FEATURES)
                )
            )
    if len(set(map(str, value))) != len(value):
        errors.append(entry("features", gettext_noop("lists a feature twice")))
    return tuple(value)


TOP_KEYS = {
    "version",
    "dataset",
    "features",
    "layers",
    "loss",
    "optimizer",
    "regularization",
    "batch_size",
    "epochs",
    "seed",
    "stop",
}


def parse(d, uploads=None):
    """A JSON-like dict -> Spec, or SpecError naming every problem by path.
    uploads: {name: datasets.DatasetInfo} of the uploaded datasets it may use."""
    errors = []
    r = _Reader(errors, d, "", TOP_KEYS)
    if r.obj.get("version", VERSION) != VERSION:
        r.fail("version", gettext_noop("must be %(version)s"), version=VERSION)
    dataset = _parse_dataset(errors, r.obj.get("dataset"), uploads)
    if dataset.name and dataset.info.kind != "points":
        features = ()
        if "features" in r.obj:
            r.fail(
                "features",
                gettext_noop("input features apply to 2-D point datasets only; %(dataset)s is %(kind)s"),
                dataset=dataset.name,
                kind=dataset.info.kind,
            )
    else:
        features = _parse_features(errors, r.obj.get("features", ["x1", "x2"]))
    raw_layers = r.obj.get("layers")
    layers = []
    if not isinstance(raw_layers, list) or not raw_layers:
        r.fail("layers", gettext_noop("must be a non-empty list of layers, output layer included"))
    elif len(raw_layers) > LIMITS["layers"]:
        r.fail(
            "layers",
            gettext_noop("has %(count)s layers; at most %(limit)s are allowed"),
            count=len(raw_layers),
            limit=LIMITS["layers"],
        )
    else:
        layers = [_parse_layer(errors, obj, f"layers[{i}]") for i, obj in enumerate(raw_layers)]
    loss = r.choice("loss", LOSSES)
    optimizer = _parse_optimizer(errors, r.obj.get("optimizer"))
    reg = _Reader(errors, r.obj.get("regularization", {}), "regularization", {"type", "rate"})
    regularization = Regularization(reg.choice("type", ("none", "l1", "l2"), "none"), reg.number("rate", 0, 10, 0.0))
    stop_r = _Reader(errors, r.obj.get("stop", {}), "stop", {"early_stopping_patience", "target_loss"})
    stop = StopRules(
        stop_r.integer("early_stopping_patience", 1, 1000, None), stop_r.number("target_loss", 0, 1e6, None)
    )
    spec_fields = dict(
        batch_size=r.integer("batch_size", 1, LIMITS["batch_size"], 10),
        epochs=r.integer("epochs", 1, LIMITS["epochs"], 100),
        seed=r.integer("seed", 0, 2**31 - 1, 0),
    )
    if errors or None in layers:
        raise SpecError(errors)
    layers = _with_vocabulary(layers, dataset, errors)
    if errors:
        raise SpecError(errors)
    spec = Spec(
        dataset=dataset,
        features=features,
        layers=tuple(layers),
        loss=loss,
        optimizer=optimizer,
        regularization=regularization,
        stop=stop,
        **spec_fields,
    )
    _check_stack(spec, errors)
    if errors:
        raise SpecError(errors)
    return spec


def _with_vocabulary(layers, dataset, errors):
    """An embedding's input size is the dataset's vocabulary: filled in, or checked if given."""
    out = []
    for i, layer in enumerate(layers):
        if layer.type == "embedding":
            sequences = dataset.info.kind == "text" and dataset.representation != "bag_of_words"
            vocab = datasets.vocab_size(dataset) if sequences else None
            if vocab is None:
                errors.append(
                    entry(
                        f"layers[{i}].type",
                        gettext_noop("an embedding needs a text dataset with representation 'sequence'"),
                    )
                )
            elif layer.input_dim not in (None, vocab):
                errors.append(
                    entry(
                        f"layers[{i}].input_dim",
                        gettext_noop("must be the vocabulary size, %(vocab)s (or left out)"),
                        vocab=vocab,
                    )
                )
            else:
                layer = Embedding(layer.output_dim, vocab)
        out.append(layer)
    return out


def _check_stack(spec, errors):
    """Rules that need the whole spec: shapes, output size, activation and loss fit."""

    def fail(path, template, **params):
        errors.append(entry(path, template, **params))

    total, shape, last = 0, spec.input_shape, len(spec.layers) - 1
    ds = spec.dataset
    if ds.info.kind == "text" and ds.representation != "bag_of_words" and spec.layers[0].type != "embedding":
        fail(
            "layers[0].type",
            gettext_noop(
                "token indices are categories, not quantities: start with an embedding layer "
                "(or use representation 'bag_of_words' for a dense network)"
            ),
        )
    if spec.layers[last].type != "dense":
        return fail(
            f"layers[{last}].type",
            gettext_noop("the output layer must be dense: it gives one unit per target (add a dense layer at the end)"),
        )
    for i, layer in enumerate(spec.layers):
        try:
            shape, params = layer.shapes(shape)
        except Problem as e:
            return fail(f"layers[{i}]", e.template, **e.params)
        total += sum(math.prod(s) for s in params.values())
        act = getattr(layer, "activation", None)
        if act == "softmax" and i != last:
            fail(f"layers[{i}].activation", gettext_noop("softmax belongs on the output layer only"))
        if act == "step" and not spec.is_perceptron:
            fail(
                f"layers[{i}].activation",
                gettext_noop(
                    "step has no gradient: it trains only as Rosenblatt's perceptron, a single "
                    "dense layer of 1 unit; use sigmoid or tanh in a deeper network"
                ),
            )
    if total > LIMITS["params"]:
        fail(
            "layers",
            gettext_noop("the network has %(count)s parameters; at most %(limit)s are allowed"),
            count=f"{total:,}",
            limit=f"{LIMITS['params']:,}",
        )
    task, classes = spec.task, spec.dataset.n_classes
    want = classes if task == "multiclass" else 1
    out = f"layers[{last}]"
    if shape != (want,):
        if task == "multiclass":
            fail(
                f"{out}.units",
                gettext_noop(
                    "the output layer must have %(units)s units: the dataset %(dataset)s has %(classes)s classes"
                ),
                units=want,
                dataset=spec.dataset.name,
                classes=classes,
            )
        elif task == "regression":
            fail(
                f"{out}.units",
                gettext_noop("the output layer must have 1 unit: the dataset %(dataset)s has one target value"),
                dataset=spec.dataset.name,
            )
        else:
            fail(
                f"{out}.units",
                gettext_noop(
                    "the output layer must have 1 unit: the dataset %(dataset)s has two classes "
                    "(one output unit: the probability of class 1)"
                ),
                dataset=spec.dataset.name,
            )
    act = spec.layers[last].activation
    if task == "regression" and spec.loss not in REGRESSION_LOSSES:
        fail(
            "loss",
            gettext_noop("%(loss)s is for classification; a regression dataset takes %(losses)s"),
            loss=spec.loss,
            losses=", ".join(REGRESSION_LOSSES),
        )
    if spec.loss == "binary_crossentropy":
        if task == "multiclass":
            fail("loss", gettext_noop("use categorical_crossentropy for a dataset of more than two classes"))
        elif act not in ("sigmoid", "linear"):
            fail(
                f"{out}.activation",
                gettext_noop("binary_crossentropy needs a sigmoid output (or linear, read as logits)"),
            )
    if spec.loss == "categorical_crossentropy":
        if task != "multiclass":
            fail(
                "loss",
                gettext_noop(
                    "categorical_crossentropy needs several classes; use binary_crossentropy with one sigmoid output"
                ),
            )
        elif act not in ("softmax", "linear"):
            fail(
                f"{out}.activation",
                gettext_noop("categorical_crossentropy needs a softmax output (or linear, read as logits)"),
            )
    if spec.is_perceptron and task != "binary":
        fail(f"{out}.activation", gettext_noop("the step perceptron classifies two classes only"))
    if spec.epochs * spec.steps_per_epoch > LIMITS["steps"]:
        fail(
            "epochs",
            gettext_noop(
                "%(epochs)s epochs of %(steps)s steps is more than %(limit)s steps; lower epochs or raise batch_size"
            ),
            epochs=spec.epochs,
            steps=spec.steps_per_epoch,
            limit=f"{LIMITS['steps']:,}",
        )


def describe(spec):
    """Shapes, parameter counts and step counts, for the builder and the CLI."""
    layers = [
        {"type": layer.type, "output_shape": list(out), "params": sum(math.prod(s) for s in params.values())}
        for layer, (_, out, params) in zip(spec.layers, spec.layer_shapes())
    ]
    return {
        "input_shape": list(spec.input_shape),
        "layers": layers,
        "total_params": sum(x["params"] for x in layers),
        "task": spec.task,
        "classes": spec.dataset.n_classes if spec.task != "regression" else None,
        "n_train": spec.n_train,
        "steps_per_epoch": spec.steps_per_epoch,
        "total_steps": spec.steps_per_epoch * spec.epochs,
    }


def parse_dataset(d, uploads=None):
    """Just the `dataset` object (for previews), or SpecError."""
    errors = []
    ds = _parse_dataset(errors, d, uploads)
    if errors:
        raise SpecError(errors)
    return ds


def catalog():
    """Everything the builder's menus offer, from the registries above."""
    from trainer import presets  # noqa: PLC0415 (presets parse specs, so import late)

    return {
        "version": VERSION,
        "datasets": [asdict(info) for info in (*datasets.BUILTIN.values(), *datasets.DRAWN.values())],
        "features": list(datasets.FEATURES),
        "extent": list(datasets.EXTENT),  # the 2-D plane: xmin, xmax, ymin, ymax
        "activations": list(ACTIVATIONS),
        "losses": list(LOSSES),
        "optimizers": {
            name: {"learning_rate": 0.03 if name in ("sgd", "momentum", "nesterov") else 0.01, **knobs}
            for name, knobs in OPTIMIZERS.items()
        },
        "initializers": INITIALIZERS,
        "layer_types": LAYER_SCHEMA,
        "regularization": ["none", "l1", "l2"],
        "token_levels": dict(datasets.text.TOKEN_LEVELS),  # a text set's `tokens`: level -> what it splits into
        "limits": {k: list(v) if isinstance(v, tuple) else v for k, v in LIMITS.items()},
        "presets": presets.PRESETS,
    }
