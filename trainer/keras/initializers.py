"""Keras' weight initializers, each a spec initializer (`trainer.spec.Initializer`)
under Keras' class name, arguments and defaults."""

from trainer import spec as S
from trainer.keras.parts import Part, number


class Initializer(Part):
    spec_name = None
    keras_defaults = {}

    def __init__(self, **options):
        self.options = {k: number(k, v) for k, v in options.items()}

    def arguments(self) -> tuple[list, dict]:
        return [], {k: v for k, v in self.options.items() if v != self.keras_defaults[k]}

    def to_spec(self) -> S.Initializer:
        return S.Initializer(self.spec_name, tuple(sorted({**S.INITIALIZERS[self.spec_name], **self.options}.items())))


def _initializer_class(class_name, spec_name, defaults=None):
    """A class that takes exactly the spec initializer's knobs, as keywords."""

    def __init__(self, **options):
        unknown = set(options) - set(defaults or {})
        if unknown:
            raise TypeError(
                f"{class_name} got unexpected arguments {sorted(unknown)}; it takes "
                f"{', '.join(defaults or {}) or 'none'}"
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

    def arguments(self) -> tuple[list, dict]:
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


def initializer_to_spec(value: object) -> S.Initializer:
    """A name ("he_normal", "HeNormal", "uniform") or an Initializer -> the spec's initializer."""
    if isinstance(value, Initializer):
        return value.to_spec()
    name = _INITIALIZER_ALIASES.get(value, value) if isinstance(value, str) else None
    if name in S.INITIALIZERS:
        return INITIALIZER_CLASSES[name]().to_spec()
    raise ValueError(
        f"Could not interpret initializer identifier: {value!r}. Use one of: {', '.join(S.INITIALIZERS)}, "
        "or an object such as RandomUniform(minval=-0.5, maxval=0.5)"
    )


def initializer_from_spec(init: S.Initializer) -> str | Initializer:
    """spec.Initializer -> its name (no knobs) or an Initializer object."""
    options = dict(init.options)
    if not options:
        return init.name
    return Constant(options["value"]) if init.name == "constant" else INITIALIZER_CLASSES[init.name](**options)
