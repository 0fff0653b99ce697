"""The Keras class of every declared layer type (trainer/spec/builtin_layers.py and
any `register`ed later): the hand-written class in `trainer.keras.layers` of its
Keras name where Keras' arguments differ from its knobs, else one made from its
declaration. `LAYER_CLASSES` reads the registry at each use, so a type declared
after import is known too.
"""

from collections.abc import Mapping

from trainer import spec as S
from trainer.keras import layers
from trainer.keras.initializers import INITIALIZER_CLASSES, initializer_from_spec, initializer_to_spec
from trainer.keras.layers import Layer
from trainer.keras.regularizers import regularizer_from_spec
from trainer.spec.knobs import Init


class DeclaredLayer(Layer):
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

    def arguments(self) -> tuple[list, dict]:
        knobs = self.declaration.knobs
        pos = [getattr(self.spec, k.name) for k in knobs if k.default is S.REQUIRED]
        kw = {}
        for k in knobs:
            value = getattr(self.spec, k.name)
            if k.default is not S.REQUIRED and value != k.default:
                kw[k.name] = initializer_from_spec(value) if isinstance(value, S.Initializer) else value
        return pos, self._extra(kw)


_DECLARED_CLASSES = {}  # type name -> its DeclaredLayer subclass, made on first use


def layer_class(kind: str) -> type[Layer]:
    """The Keras class of a declared layer type: the hand-written one of its Keras name,
    or one made from its declaration."""
    t = S.LAYER_TYPES[kind]
    cls = vars(layers).get(t.keras)  # a hand-written class of that name
    if isinstance(cls, type) and issubclass(cls, Layer):
        return cls
    if getattr(_DECLARED_CLASSES.get(kind), "declaration", None) is not t:
        _DECLARED_CLASSES[kind] = type(t.keras, (DeclaredLayer,), {"declaration": t, "default_name": t.name})
    return _DECLARED_CLASSES[kind]


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


def layer_from_spec(
    layer: object,
    input_shape: tuple | None = None,
    regularization: S.Regularization | None = None,
    name: str | None = None,
) -> Layer:
    """A spec layer object -> the Keras layer holding exactly it."""
    keras = LAYER_CLASSES[layer.type].__new__(LAYER_CLASSES[layer.type])
    regularizer = regularizer_from_spec(regularization) if regularization is not None else None
    weighted = S.layer_type(layer).weighted
    Layer.__init__(keras, layer, input_shape, name, regularizer if weighted else None)
    return keras


def layer_from_dict(
    d: dict, input_shape: tuple | None = None, regularization: S.Regularization | None = None, name: str | None = None
) -> Layer:
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
