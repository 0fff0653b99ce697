"""Keras' optimizers with their arguments and defaults, each naming a spec
optimizer (`to_spec()`: name, learning rate, knobs) that the engine builds with optax."""

from trainer import spec as S
from trainer.keras.parts import Part, number


class Optimizer(Part):
    """Keras' arguments; `to_spec()` gives the spec optimizer (name, learning rate, knobs)."""

    keras_defaults = {}  # argument -> Keras' default, learning_rate first
    spec_knobs = {}  # spec knob -> Keras argument

    def __init__(self, **args):
        self.spec_name = None  # set by from_spec where Keras' arguments alone cannot say (momentum 0)
        for key, value in args.items():
            setattr(self, key, value if isinstance(value, bool) else number(key, value))
        if self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be positive. Received: learning_rate={self.learning_rate!r}")

    def arguments(self) -> tuple[list, dict]:  # the learning rate always, the rest where it differs from Keras' default
        return [], {
            k: getattr(self, k)
            for k, default in self.keras_defaults.items()
            if k == "learning_rate" or getattr(self, k) != default
        }

    def _name(self):
        return type(self).__name__.lower()

    def to_spec(self) -> S.Optimizer:
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


def get_optimizer(value: object) -> Optimizer:
    """A name ("SGD", "adam", ...) with Keras' defaults, or an Optimizer as is."""
    if isinstance(value, Optimizer):
        return value
    if isinstance(value, str) and value.lower() in _OPTIMIZER_NAMES:
        return _OPTIMIZER_NAMES[value.lower()]()
    raise ValueError(
        f"Could not interpret optimizer identifier: {value!r}. Use one of SGD, Adam, AdamW, RMSprop, Adagrad "
        "(a name or an object such as SGD(learning_rate=0.1))"
    )


def optimizer_from_dict(d: dict) -> Optimizer:
    """A spec optimizer dict ({"name", "learning_rate", knobs}) -> its Optimizer."""
    if (
        not isinstance(d, dict)
        or d.get("name") not in S.OPTIMIZERS
        or set(d) != {"name", "learning_rate", *S.OPTIMIZERS[d["name"]]}
    ):
        raise ValueError(f"an optimizer must be a spec optimizer dict with all its knobs; got {d!r:.120}")
    knobs = tuple(sorted((k, number(k, d[k])) for k in S.OPTIMIZERS[d["name"]]))
    return optimizer_from_spec(S.Optimizer(d["name"], number("learning_rate", d["learning_rate"]), knobs))


def optimizer_from_spec(opt: S.Optimizer) -> Optimizer:
    cls = _OPTIMIZER_FOR_SPEC[opt.name]
    knobs = dict(opt.options)
    args = {cls.spec_knobs[k]: v for k, v in knobs.items()}
    if opt.name == "nesterov":
        args["nesterov"] = True
    keras = cls(learning_rate=opt.learning_rate, **args)
    if keras._name() != opt.name:
        keras.spec_name = opt.name
    return keras
