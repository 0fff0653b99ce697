"""The registry of layer types. A layer type is declared once, as a `LayerType`
(see trainer.spec.builtin_layers); everything else is derived from it: the spec
parser, the builder's catalog (fields, titles, flags, the add menu's order), the
engine's init/apply (trainer.layers), the Keras-style classes (trainer.keras.declared)
and which layers the live pictures follow (trainer.probes, trainer.engine).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any

from trainer.messages import entry, gettext_noop
from trainer.spec.knobs import Knob
from trainer.spec.reader import REQUIRED, Reader


@dataclass(frozen=True)
class LayerType:
    name: str  # the spec's "type"
    layer: type  # the frozen dataclass of one such layer; its shapes(in_shape) is the shape rule
    knobs: tuple[Knob, ...]  # its fields, in the builder's (and the parser's) order
    keras: str  # the Keras class name (trainer.keras, the code export)
    title: str = ""  # the builder's row title; the Keras name when empty
    # the engine's functions in trainer.layers, by name: this package imports no JAX
    apply: str = ""
    init: str | None = None  # None: no parameters
    weighted: bool = False  # has a kernel that L1/L2 regularization applies to
    recurrent: bool = False  # steps through a sequence: the live hidden states follow the first such layer
    spatial: bool = False  # maps an image to an image: the live feature maps show its output
    menu: Mapping[str, int] = field(default_factory=dict)  # data kind -> its place among the add menu's first

    def __post_init__(self) -> None:
        """Each knob's default is its dataclass field's: written once, there."""
        defaults = {f.name: f.default for f in fields(self.layer) if f.init and f.name != "type"}
        if set(defaults) != {k.name for k in self.knobs}:
            raise TypeError(f"{self.name}: knobs {[k.name for k in self.knobs]} must be the fields of {defaults}")
        knobs = tuple(
            replace(k, default=REQUIRED if defaults[k.name] is MISSING else defaults[k.name]) for k in self.knobs
        )
        object.__setattr__(self, "knobs", knobs)
        object.__setattr__(self, "title", self.title or self.keras)

    def build(self, **values: Any) -> Any:
        """The layer object from its knobs' values (a class shared by several types takes the type too)."""
        typed = any(f.name == "type" and f.init for f in fields(self.layer))
        return self.layer(type=self.name, **values) if typed else self.layer(**values)


LAYER_TYPES: dict[str, LayerType] = {}  # in the order error messages and menus list them


def register(layer_type: LayerType) -> LayerType:
    """Declare a layer type (or replace the one of that name)."""
    LAYER_TYPES[layer_type.name] = layer_type
    return layer_type


def layer_type(layer: Any) -> LayerType:
    """The declaration of a layer object (or of a type name)."""
    return LAYER_TYPES[layer if isinstance(layer, str) else layer.type]


def parse_layer(errors: list, obj: object, path: str) -> Any | None:
    """One layer's JSON object -> its layer object, or None with the problems added to errors."""
    kind = obj.get("type") if isinstance(obj, dict) else None
    if not isinstance(kind, str) or kind not in LAYER_TYPES:
        errors.append(entry(f"{path}.type", gettext_noop("must be one of %(choices)s"), choices=", ".join(LAYER_TYPES)))
        return None
    t = LAYER_TYPES[kind]
    before = len(errors)
    r = Reader(errors, obj, path, {"type", *(k.name for k in t.knobs)})
    layer = t.build(**{k.name: k.read(r) for k in t.knobs})
    return layer if len(errors) == before else None


def catalog_entries() -> dict:
    """The catalog's view of the layer types: the builder's form of each (`layer_types`), its
    title and flags (`layer_info`), and per kind of data the types its add menu offers first."""
    kinds = sorted({kind for t in LAYER_TYPES.values() for kind in t.menu})
    return {
        "layer_types": {
            name: {k.name: k.schema() for k in t.knobs if k.schema() is not None} for name, t in LAYER_TYPES.items()
        },
        "layer_info": {
            name: {
                "title": t.title,
                "keras": t.keras,
                "weighted": t.weighted,
                "recurrent": t.recurrent,
                "spatial": t.spatial,
            }
            for name, t in LAYER_TYPES.items()
        },
        "layer_menu": {
            kind: sorted((n for n, t in LAYER_TYPES.items() if kind in t.menu), key=lambda n: LAYER_TYPES[n].menu[kind])
            for kind in kinds
        },
    }
