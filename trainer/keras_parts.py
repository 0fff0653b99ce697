"""The parts of the Keras-style API: layers, initializers, regularizers and
optimizers with Keras' names, arguments and defaults, each a thin wrapper
over a `trainer.spec` object. No JAX here, so `trainer.codegen` (and through
it the web side) can turn a spec into code with the very objects that
`Sequential.from_spec` builds.

Every object's repr is the code that builds it, with only the arguments that
differ from Keras' defaults: `Dense(4, activation="tanh", input_dim=2)`.
"""

import json
import numbers
from collections.abc import Mapping

from trainer import spec as S
from trainer.spec.knobs import Init


def _code(value):
    """Python source for one argument value."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        return "(" + ", ".join(map(_code, value)) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


class Part:
    """Base: `_args()` gives (positional values, {keyword: value}) of the
    non-default arguments; repr is the constructor call."""

    def _args(self):
        return [], {}

    def __repr__(self):
        pos, kw = self._args()
        return f"{type(self).__name__}({', '.join([*map(_code, pos), *(f'{k}={_code(v)}' for k, v in kw.items())])})"

    def __eq__(self, other):
        return type(self) is type(other) and repr(self) == repr(other)

    def __hash__(self):
        return hash(repr(self))


def _positive_int(name, value, message=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(
            message
            or f"Received an invalid value for `{name}`, expected a positive integer. Received: {name}={value!r}"
        )
    return int(value)


def _number(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"`{name}` must be a number. Received: {name}={value!r}")
    return float(value)


# --- activations, initializers, regularizers ------------------------------------


def activation_name(activation):
    """None -> "linear"; a known name as is; anything else: Keras' ValueError."""
    if activation is None:
        return "linear"
    if isinstance(activation, str) and activation in S.ACTIVATIONS:
        return activation
    raise ValueError(
        f"Could not interpret activation function identifier: {activation!r}. "
        f"Use one of: {', '.join(S.ACTIVATIONS)} (or None for linear)."
    )


class Initializer(Part):
    spec_name = None
    keras_defaults = {}

    def __init__(self, **options):
        self.options = {k: _number(k, v) for k, v in options.items()}

    def _args(self):
        return [], {k: v for k, v in self.options.items() if v != self.keras_defaults[k]}

    def to_spec(self):
        return S.Initializer(self.spec_name, tuple(sorted({**S.INITIALIZERS[self.spec_name], **self.options}.items())))


def _initializer_class(class_name, spec_name, defaults=None):
    def __init__(self, **options):
        unknown = set(options) - set(defaults or {})
        if unknown:
            raise TypeError(
                f"{class_name} got unexpected arguments {sorted(unknown)}; it takes {', '.join(defaults or {}) or 'none'}"
            )
        Initializer.__init__(self, **{**(defaults or {}), **options})

    return type(
        class_name, (Initializer,), {"spec_name": spec_name, "keras_defaults": defaults or {}, "__init__": __init__}
    )


GlorotUniform = _initializer_class("GlorotUniform", "glorot_uniform")
GlorotNormal = _initializer_class("GlorotNormal", "glorot_normal")
HeNormal = _initializer_class("HeNormal", "he_normal")
HeUniform = _initializer_class("HeUniform", "he_uniform")
LecunNormal = _initializer_class("LecunNormal", "lecun_normal")
Zeros = _initializer_class("Zeros", "zeros")
Ones = _initializer_class("Ones", "ones")
RandomUniform = _initializer_class("RandomUniform", "random_uniform", {"minval": -0.05, "maxval": 0.05})
_RandomNormal = _initializer_class("RandomNormal", "random_normal", {"stddev": 0.05})


class RandomNormal(_RandomNormal):
    def __init__(self, mean=0.0, stddev=0.05):
        if mean != 0:
            raise ValueError(f"RandomNormal(mean={mean!r}): the engine draws normal weights around 0; leave mean out")
        super().__init__(stddev=stddev)


class Constant(Initializer):
    spec_name, keras_defaults = "constant", {"value": 0.0}

    def __init__(self, value=0.0):
        super().__init__(value=value)

    def _args(self):
        return [self.options["value"]], {}


INITIALIZER_CLASSES = {
    cls.spec_name: cls
    for cls in [
        GlorotUniform,
        GlorotNormal,
        HeNormal,
        HeUniform,
        LecunNormal,
        Zeros,
        Ones,
        RandomUniform,
        RandomNormal,
        Constant,
    ]
}
_INITIALIZER_ALIASES = {
    "uniform": "random_uniform",
    "normal": "random_normal",
    **{cls.__name__: name for name, cls in INITIALIZER_CLASSES.items()},
}


def initializer_to_spec(value):
    if isinstance(value, Initializer):
        return value.to_spec()
    name = _INITIALIZER_ALIASES.get(value, value) if isinstance(value, str) else None
    if name in S.INITIALIZERS:
        return INITIALIZER_CLASSES[name]().to_spec()
    raise ValueError(
        f"Could not interpret initializer identifier: {value!r}. Use one of: {', '.join(S.INITIALIZERS)}, "
        "or an object such as RandomUniform(minval=-0.5, maxval=0.5)"
    )


def initializer_from_spec(init):
    """spec.Initializer -> its name (no knobs) or an Initializer object."""
    options = dict(init.options)
    if not options:
        return init.name
    return Constant(options["value"]) if init.name == "constant" else INITIALIZER_CLASSES[init.name](**options)


class L1(Part):
    """Keras' L1: adds l1 · Σ|w| to the loss (the engine's l1 at rate l1)."""

    def __init__(self, l1=0.01):
        self.l1 = _number("l1", l1)

    def _args(self):
        return [self.l1], {}

    def to_spec(self):
        return S.Regularization("l1", self.l1)


class L2(Part):
    """Keras' L2: adds l2 · Σw² to the loss. The engine's l2 at rate r adds
    r · ½Σw² (TensorFlow Playground's form), so L2(l2) is rate 2·l2."""

    def __init__(self, l2=0.01):
        self.l2 = _number("l2", l2)

    def _args(self):
        return [self.l2], {}

    def to_spec(self):
        return S.Regularization("l2", 2 * self.l2)


l1, l2 = L1, L2


def regularizer_from_spec(reg):
    if reg.type == "none":
        return None
    return L1(reg.rate) if reg.type == "l1" else L2(reg.rate / 2)


def _regularizer(value):
    if value is None or isinstance(value, (L1, L2)):
        return value
    if value in ("l1", "l2"):
        return L1() if value == "l1" else L2()
    raise ValueError(f"Could not interpret regularizer identifier: {value!r}. Use L1(0.01), L2(0.01) or None")


# --- layers ------------------------------------------------------------------------


def _square(name, value):
    """An int or a square (n, n) tuple -> n."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2 or value[0] != value[1]:
            raise ValueError(
                f"{name}={tuple(value)!r}: the engine's windows are square; use {name}={value[0]!r} or ({value[0]!r}, {value[0]!r})"
            )
        value = value[0]
    return _positive_int(
        name,
        value,
        f"The `{name}` argument must be a positive integer or a tuple of 2 equal positive integers. "
        f"Received: {name}={value!r}",
    )


def _padding(value):
    if not isinstance(value, str) or value.lower() not in ("valid", "same"):
        raise ValueError(f"The `padding` argument must be one of 'valid', 'same'. Received: padding={value!r}")
    return value.lower()


def _shape(value):
    if value is None:
        return None
    value = (value,) if isinstance(value, numbers.Integral) else tuple(value)
    return tuple(
        _positive_int(
            "input_shape",
            v,
            f"input_shape must be a tuple of positive integers (one sample's shape, no batch size). "
            f"Received: input_shape={value!r}",
        )
        for v in value
    )


class Layer(Part):
    """A Keras layer: its spec object (`.spec`), the input shape the first
    layer declares, an optional name and kernel regularizer."""

    default_name = "layer"

    def __init__(self, spec_layer, input_shape=None, name=None, kernel_regularizer=None):
        self.spec = spec_layer
        self.input_shape = _shape(input_shape)
        self.name = name
        self.kernel_regularizer = _regularizer(kernel_regularizer)

    def _extra(self, kw):
        if self.kernel_regularizer is not None:
            kw["kernel_regularizer"] = self.kernel_regularizer
        if self.input_shape is not None:
            kw["input_shape"] = self.input_shape
        if self.name is not None:
            kw["name"] = self.name
        return kw

    @property
    def weighted(self):
        """Whether the engine regularizes this layer's kernel."""
        return S.layer_type(self.spec).weighted


def _inits(layer, kw):
    for key, default in (("kernel_initializer", "glorot_uniform"), ("bias_initializer", "zeros")):
        value = initializer_from_spec(getattr(layer, key))
        if value != default:
            kw[key] = value
    return kw


class Dense(Layer):
    default_name = "dense"

    def __init__(
        self,
        units,
        activation=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        input_dim=None,
        input_shape=None,
        name=None,
    ):
        if input_dim is not None:
            input_dim = _positive_int("input_dim", input_dim)
            if input_shape is not None and _shape(input_shape) != (input_dim,):
                raise ValueError(f"input_dim={input_dim} and input_shape={input_shape!r} disagree; give one of them")
            input_shape = (input_dim,)
        spec_layer = S.Dense(
            units=_positive_int("units", units),
            activation=activation_name(activation),
            kernel_initializer=initializer_to_spec(kernel_initializer),
            bias_initializer=initializer_to_spec(bias_initializer),
        )
        super().__init__(spec_layer, input_shape, name, kernel_regularizer)

    units = property(lambda self: self.spec.units)
    activation = property(lambda self: self.spec.activation)

    def _args(self):
        kw = {"activation": self.activation} if self.activation != "linear" else {}
        kw = self._extra(_inits(self.spec, kw))
        if kw.get("input_shape") is not None and len(kw["input_shape"]) == 1:
            kw["input_dim"] = kw.pop("input_shape")[0]
        return [self.units], kw


class Conv2D(Layer):
    default_name = "conv2d"

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        activation=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        input_shape=None,
        name=None,
    ):
        filters = _positive_int(
            "filters",
            filters,
            f"Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters!r}.",
        )
        spec_layer = S.Conv2D(
            filters=filters,
            kernel_size=_square("kernel_size", kernel_size),
            strides=_square("strides", strides),
            padding=_padding(padding),
            activation=activation_name(activation),
            kernel_initializer=initializer_to_spec(kernel_initializer),
            bias_initializer=initializer_to_spec(bias_initializer),
        )
        super().__init__(spec_layer, input_shape, name, kernel_regularizer)

    filters = property(lambda self: self.spec.filters)
    kernel_size = property(lambda self: (self.spec.kernel_size,) * 2)
    strides = property(lambda self: (self.spec.strides,) * 2)
    padding = property(lambda self: self.spec.padding)
    activation = property(lambda self: self.spec.activation)

    def _args(self):
        s = self.spec
        kw = {
            k: v
            for k, v, default in (
                ("strides", s.strides, 1),
                ("padding", s.padding, "valid"),
                ("activation", s.activation, "linear"),
            )
            if v != default
        }
        return [s.filters, s.kernel_size], self._extra(_inits(s, kw))


class _Pooling2D(Layer):
    spec_type = None

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", input_shape=None, name=None):
        strides = None if strides is None else _square("strides", strides)
        super().__init__(
            S.Pool2D(self.spec_type, _square("pool_size", pool_size), strides, _padding(padding)), input_shape, name
        )

    pool_size = property(lambda self: (self.spec.pool_size,) * 2)
    padding = property(lambda self: self.spec.padding)

    def _args(self):
        s = self.spec
        kw = {
            k: v
            for k, v, default in (
                ("pool_size", s.pool_size, 2),
                ("strides", s.strides, None),
                ("padding", s.padding, "valid"),
            )
            if v != default
        }
        return [], self._extra(kw)


class MaxPooling2D(_Pooling2D):
    spec_type, default_name = "maxpool2d", "max_pooling2d"


class AveragePooling2D(_Pooling2D):
    spec_type, default_name = "avgpool2d", "average_pooling2d"


MaxPool2D, AvgPool2D = MaxPooling2D, AveragePooling2D


class Flatten(Layer):
    default_name = "flatten"

    def __init__(self, input_shape=None, name=None):
        super().__init__(S.Flatten(), input_shape, name)

    def _args(self):
        return [], self._extra({})


class Dropout(Layer):
    default_name = "dropout"

    def __init__(self, rate, input_shape=None, name=None):
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate < 1:
            raise ValueError(
                f"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate!r}"
            )
        super().__init__(S.Dropout(float(rate)), input_shape, name)

    rate = property(lambda self: self.spec.rate)

    def _args(self):
        return [self.rate], self._extra({})


class Embedding(Layer):
    """Token indices -> vectors. Index 0 is padding: its vector is zero and
    recurrent layers skip it (Keras' mask_zero=True, always on here)."""

    default_name = "embedding"

    def __init__(self, input_dim, output_dim, mask_zero=True, input_length=None, input_shape=None, name=None):
        if mask_zero is not True:
            raise ValueError("The engine always reads index 0 as padding (mask_zero=True); leave mask_zero out")
        if input_length is not None:
            input_shape = (_positive_int("input_length", input_length),)
        spec_layer = S.Embedding(
            output_dim=_positive_int("output_dim", output_dim), input_dim=_positive_int("input_dim", input_dim)
        )
        super().__init__(spec_layer, input_shape, name)

    input_dim = property(lambda self: self.spec.input_dim)
    output_dim = property(lambda self: self.spec.output_dim)

    def _args(self):
        kw = self._extra({})
        if kw.get("input_shape") is not None and len(kw["input_shape"]) == 1:
            kw["input_length"] = kw.pop("input_shape")[0]
        return [self.input_dim, self.output_dim], kw


class _Recurrent(Layer):
    spec_type = None

    def __init__(
        self, units, activation="tanh", return_sequences=False, kernel_regularizer=None, input_shape=None, name=None
    ):
        if not isinstance(return_sequences, bool):
            raise ValueError(f"return_sequences must be True or False. Received: return_sequences={return_sequences!r}")
        spec_layer = S.Recurrent(
            self.spec_type, _positive_int("units", units), return_sequences, activation_name(activation)
        )
        super().__init__(spec_layer, input_shape, name, kernel_regularizer)

    units = property(lambda self: self.spec.units)
    activation = property(lambda self: self.spec.activation)
    return_sequences = property(lambda self: self.spec.return_sequences)

    def _args(self):
        kw = {
            k: v
            for k, v, default in (
                ("activation", self.activation, "tanh"),
                ("return_sequences", self.return_sequences, False),
            )
            if v != default
        }
        return [self.units], self._extra(kw)


class SimpleRNN(_Recurrent):
    spec_type = default_name = "simple_rnn"


class LSTM(_Recurrent):
    spec_type = default_name = "lstm"


class GRU(_Recurrent):
    spec_type = default_name = "gru"


class InputLayer(Part):
    """`Input(shape=(2,))` first in a Sequential: the shape of one sample."""

    def __init__(self, shape):
        self.shape = _shape(shape)

    def __repr__(self):
        return f"Input(shape={_code(self.shape)})"


def Input(shape):  # noqa: N802 (Keras' name)
    return InputLayer(shape)


class _PlainLayer(Layer):
    """A declared layer type with no Keras quirks to honour: its arguments are its knobs
    (the required ones may come positionally), checked against the spec's own bounds."""

    declaration = None  # the trainer.spec LayerType

    def __init__(self, *args, input_shape=None, name=None, kernel_regularizer=None, **kwargs):
        t = self.declaration
        required = [k.name for k in t.knobs if k.default is S.REQUIRED]
        if len(args) > len(required):
            raise TypeError(f"{t.keras} takes {len(required)} positional arguments ({', '.join(required)})")
        given = {**dict(zip(required, args)), **kwargs}
        for knob in t.knobs:  # a Keras initializer (a name or an object) -> the spec's form
            if isinstance(knob, Init) and knob.name in given:
                given[knob.name] = initializer_to_spec(given[knob.name]).to_dict()
        errors = []
        layer = S.parse_layer(errors, {"type": t.name, **given}, t.keras)
        if errors:
            raise S.SpecError(errors)
        super().__init__(layer, input_shape, name, kernel_regularizer)

    def __getattr__(self, key):  # the knobs read as attributes, as Keras layers' arguments do
        if key != "spec" and any(k.name == key for k in self.declaration.knobs):
            return getattr(self.spec, key)
        raise AttributeError(key)

    def _args(self):
        knobs = self.declaration.knobs
        pos = [getattr(self.spec, k.name) for k in knobs if k.default is S.REQUIRED]
        kw = {}
        for k in knobs:
            value = getattr(self.spec, k.name)
            if k.default is not S.REQUIRED and value != k.default:
                kw[k.name] = initializer_from_spec(value) if isinstance(value, S.Initializer) else value
        return pos, self._extra(kw)


_PLAIN_CLASSES = {}  # type name -> its _PlainLayer subclass, made on first use


def layer_class(kind: str) -> type[Layer]:
    """The Keras class of a declared layer type: the class above of its Keras name, or
    one made from its declaration."""
    t = S.LAYER_TYPES[kind]
    cls = globals().get(t.keras)
    if isinstance(cls, type) and issubclass(cls, Layer) and not issubclass(cls, _PlainLayer):
        return cls
    if getattr(_PLAIN_CLASSES.get(kind), "declaration", None) is not t:
        _PLAIN_CLASSES[kind] = type(t.keras, (_PlainLayer,), {"declaration": t, "default_name": t.name})
    return _PLAIN_CLASSES[kind]


def keras_class(name: str) -> type[Layer]:
    """A declared layer type's Keras class by its Keras name (AttributeError if none is declared)."""
    for kind, t in S.LAYER_TYPES.items():
        if t.keras == name:
            return layer_class(kind)
    raise AttributeError(name)


class _LayerClasses(Mapping):
    """type -> Keras class, read from the declarations at each use (a type declared later is known too)."""

    def __getitem__(self, kind):
        if kind not in S.LAYER_TYPES:
            raise KeyError(kind)
        return layer_class(kind)

    def __iter__(self):
        return iter(S.LAYER_TYPES)

    def __len__(self):
        return len(S.LAYER_TYPES)


LAYER_CLASSES = _LayerClasses()


def layer_from_spec(layer, input_shape=None, regularization=None, name=None):
    """A spec layer object -> the Keras layer holding exactly it."""
    keras = LAYER_CLASSES[layer.type].__new__(LAYER_CLASSES[layer.type])
    regularizer = regularizer_from_spec(regularization) if regularization is not None else None
    weighted = S.layer_type(layer).weighted
    Layer.__init__(keras, layer, input_shape, name, regularizer if weighted else None)
    return keras


def layer_from_dict(d, input_shape=None, regularization=None, name=None):
    """A spec layer dict (as Spec.to_dict writes it) -> its Keras layer,
    checked by the Keras constructors (so without the web's size limits)."""
    if not isinstance(d, dict) or d.get("type") not in LAYER_CLASSES:
        raise ValueError(f"a layer must be a dict with a type among {', '.join(LAYER_CLASSES)}; got {d!r:.80}")
    args = {k: v for k, v in d.items() if k != "type"}
    for key in ("kernel_initializer", "bias_initializer"):
        if isinstance(args.get(key), dict):
            knobs = dict(args[key])
            cls = INITIALIZER_CLASSES.get(knobs.pop("name", None))
            if cls is None:
                raise ValueError(f"{key}: unknown initializer {args[key]!r:.80}")
            args[key] = cls(**knobs)
    try:
        layer = LAYER_CLASSES[d["type"]](**args)
    except TypeError as e:
        raise ValueError(f"{d['type']}: {e}") from None
    return layer_from_spec(layer.spec, input_shape, regularization, name)


# --- optimizers --------------------------------------------------------------------


class Optimizer(Part):
    """Keras' arguments; `to_spec()` gives the spec optimizer (name, learning rate, knobs)."""

    keras_defaults = {}  # argument -> Keras' default, learning_rate first
    spec_knobs = {}  # spec knob -> Keras argument

    def __init__(self, **args):
        self.spec_name = None  # set by from_spec where Keras' arguments alone cannot say (momentum 0)
        for key, value in args.items():
            setattr(self, key, value if isinstance(value, bool) else _number(key, value))
        if self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be positive. Received: learning_rate={self.learning_rate!r}")

    def _args(self):  # the learning rate always, the rest where it differs from Keras' default
        return [], {
            k: getattr(self, k)
            for k, default in self.keras_defaults.items()
            if k == "learning_rate" or getattr(self, k) != default
        }

    def _name(self):
        return type(self).__name__.lower()

    def to_spec(self):
        name = self.spec_name or self._name()
        options = {knob: getattr(self, self.spec_knobs[knob]) for knob in S.OPTIMIZERS[name]}
        return S.Optimizer(name, float(self.learning_rate), tuple(sorted(options.items())))


class SGD(Optimizer):
    keras_defaults = {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False}
    spec_knobs = {"momentum": "momentum"}

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        super().__init__(learning_rate=learning_rate, momentum=momentum, nesterov=bool(nesterov))

    def _name(self):
        return "nesterov" if self.nesterov else ("momentum" if self.momentum else "sgd")


class Adam(Optimizer):
    keras_defaults = {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
    spec_knobs = {"b1": "beta_1", "b2": "beta_2", "eps": "epsilon"}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)


class AdamW(Optimizer):
    keras_defaults = {"learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
    spec_knobs = {"b1": "beta_1", "b2": "beta_2", "eps": "epsilon", "weight_decay": "weight_decay"}

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(
            learning_rate=learning_rate, weight_decay=weight_decay, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon
        )


class RMSprop(Optimizer):
    keras_defaults = {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7}
    spec_knobs = {"decay": "rho", "momentum": "momentum", "eps": "epsilon"}

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7):
        super().__init__(learning_rate=learning_rate, rho=rho, momentum=momentum, epsilon=epsilon)


class Adagrad(Optimizer):
    keras_defaults = {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7}
    spec_knobs = {"initial_accumulator_value": "initial_accumulator_value", "eps": "epsilon"}

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
        super().__init__(
            learning_rate=learning_rate, initial_accumulator_value=initial_accumulator_value, epsilon=epsilon
        )


_OPTIMIZER_FOR_SPEC = {
    "sgd": SGD,
    "momentum": SGD,
    "nesterov": SGD,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
    "adam": Adam,
    "adamw": AdamW,
}
_OPTIMIZER_NAMES = {
    "sgd": SGD,
    "adam": Adam,
    "adamw": AdamW,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
    "momentum": lambda: SGD(momentum=0.9),
    "nesterov": lambda: SGD(momentum=0.9, nesterov=True),
}


def get_optimizer(value):
    """A name ("SGD", "adam", ...) with Keras' defaults, or an Optimizer as is."""
    if isinstance(value, Optimizer):
        return value
    if isinstance(value, str) and value.lower() in _OPTIMIZER_NAMES:
        return _OPTIMIZER_NAMES[value.lower()]()
    raise ValueError(
        f"Could not interpret optimizer identifier: {value!r}. Use one of SGD, Adam, AdamW, RMSprop, Adagrad "
        "(a name or an object such as SGD(learning_rate=0.1))"
    )


def optimizer_from_dict(d):
    """A spec optimizer dict ({"name", "learning_rate", knobs}) -> its Optimizer."""
    if (
        not isinstance(d, dict)
        or d.get("name") not in S.OPTIMIZERS
        or set(d) != {"name", "learning_rate", *S.OPTIMIZERS[d["name"]]}
    ):
        raise ValueError(f"an optimizer must be a spec optimizer dict with all its knobs; got {d!r:.120}")
    knobs = tuple(sorted((k, _number(k, d[k])) for k in S.OPTIMIZERS[d["name"]]))
    return optimizer_from_spec(S.Optimizer(d["name"], _number("learning_rate", d["learning_rate"]), knobs))


def optimizer_from_spec(opt):
    cls = _OPTIMIZER_FOR_SPEC[opt.name]
    knobs = dict(opt.options)
    args = {cls.spec_knobs[k]: v for k, v in knobs.items()}
    if opt.name == "nesterov":
        args["nesterov"] = True
    keras = cls(learning_rate=opt.learning_rate, **args)
    if keras._name() != opt.name:
        keras.spec_name = opt.name
    return keras


# --- losses and metrics ------------------------------------------------------------

LOSSES = {  # Keras name -> spec loss
    "mean_squared_error": "mse",
    "mse": "mse",
    "MeanSquaredError": "mse",
    "mean_absolute_error": "mae",
    "mae": "mae",
    "MeanAbsoluteError": "mae",
    "binary_crossentropy": "binary_crossentropy",
    "BinaryCrossentropy": "binary_crossentropy",
    "categorical_crossentropy": "categorical_crossentropy",
    "CategoricalCrossentropy": "categorical_crossentropy",
    "sparse_categorical_crossentropy": "categorical_crossentropy",
    "SparseCategoricalCrossentropy": "categorical_crossentropy",
    "half_mse": "half_mse",  # TensorFlow Playground's ½·squared error
}
KERAS_LOSS = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "half_mse": "half_mse",
    "binary_crossentropy": "binary_crossentropy",
    "categorical_crossentropy": "sparse_categorical_crossentropy",
}
METRICS = {  # Keras name -> the name in logs and history
    "accuracy": "accuracy",
    "acc": "accuracy",
    "binary_accuracy": "accuracy",
    "categorical_accuracy": "accuracy",
    "sparse_categorical_accuracy": "accuracy",
    "root_mean_squared_error": "root_mean_squared_error",
    "rmse": "root_mean_squared_error",
    "RootMeanSquaredError": "root_mean_squared_error",
    "r2_score": "r2_score",
    "r2": "r2_score",
    "R2Score": "r2_score",
}
ENGINE_METRIC = {"accuracy": "accuracy", "root_mean_squared_error": "rmse", "r2_score": "r2"}


def check_loss(value):
    """A Keras loss name as given, or Keras' ValueError."""
    if isinstance(value, str) and value in LOSSES:
        return value
    raise ValueError(
        f"Could not interpret loss identifier: {value!r}. Use one of: {', '.join(sorted(k for k in LOSSES if k.islower()))}"
    )


def metric_names(metrics):
    out = []
    for m in metrics or []:
        if not isinstance(m, str) or m not in METRICS:
            raise ValueError(f"Could not interpret metric identifier: {m!r}. Use one of: {', '.join(sorted(METRICS))}")
        if METRICS[m] not in out:
            out.append(METRICS[m])
    return out


def task_of(loss, metrics, out_units):
    """What the engine trains for: categorical losses are multiclass, binary
    cross-entropy is binary; other losses classify when "accuracy" is asked
    for (binary with one output unit) and are a regression otherwise."""
    spec_loss = LOSSES[loss]
    if spec_loss == "categorical_crossentropy":
        return "multiclass"
    if spec_loss == "binary_crossentropy":
        return "binary"
    if "accuracy" in metrics:
        return "binary" if out_units == 1 else "multiclass"
    return "regression"


def default_metrics(task):
    return ["root_mean_squared_error"] if task == "regression" else ["accuracy"]
