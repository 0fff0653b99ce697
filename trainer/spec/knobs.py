"""A layer's knobs: each one knows its bounds or choices, reads itself from a spec
object (trainer.spec.reader) and describes itself to the builder's form.

A knob's `default` is the layer dataclass's own field default (filled in by
`LayerType`, so it is written once); REQUIRED where the field has none. `start`
is what the builder puts in a new layer where that differs (4 units, relu).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any

from trainer.messages import gettext_noop
from trainer.spec.objects import Initializer
from trainer.spec.reader import REQUIRED, Reader
from trainer.spec.vocabulary import INITIALIZERS


@dataclass(frozen=True)
class Knob:
    name: str
    _: KW_ONLY
    default: object = REQUIRED
    start: object = REQUIRED
    shown: bool = True  # in the builder's form (the catalog's layer_types)

    def read(self, r: Reader) -> Any:
        raise NotImplementedError

    def bounds(self) -> dict:
        return {}

    def schema(self) -> dict | None:
        """The builder's field: its bounds or choices, the value an absent key means, and a new layer's."""
        if not self.shown:
            return None
        out = {**self.bounds(), "default": self.start if self.default is REQUIRED else self.default}
        if self.default is not REQUIRED and self.start is not REQUIRED:
            out["start"] = self.start
        return out


@dataclass(frozen=True)
class Int(Knob):
    low: float
    high: float

    def read(self, r: Reader) -> Any:
        return r.integer(self.name, self.low, self.high, self.default)

    def bounds(self) -> dict:
        return {"min": self.low, "max": self.high}


@dataclass(frozen=True)
class Number(Int):
    def read(self, r: Reader) -> Any:
        return r.number(self.name, self.low, self.high, self.default)


@dataclass(frozen=True)
class Choice(Knob):
    choices: tuple

    def read(self, r: Reader) -> Any:
        return r.choice(self.name, self.choices, self.default)

    def bounds(self) -> dict:
        return {"choices": list(self.choices)}


@dataclass(frozen=True)
class Flag(Knob):
    def read(self, r: Reader) -> bool:
        value = r.obj.get(self.name, self.default)
        if not isinstance(value, bool):
            r.fail(self.name, gettext_noop("must be true or false"))
        return value is True

    def bounds(self) -> dict:
        return {"choices": [False, True]}


@dataclass(frozen=True)
class Init(Knob):
    """A kernel or bias initializer: a name, or {"name", knob: value} (not in the builder's form)."""

    shown: bool = False

    def read(self, r: Reader) -> Initializer:
        return parse_initializer(r.errors, r.obj.get(self.name), f"{r.path}.{self.name}", self.default)


def parse_initializer(errors: list, value: object, path: str, default: Initializer) -> Initializer:
    if value is None:
        return default
    if isinstance(value, str):
        value = {"name": value}
    r = Reader(errors, value, path, {"name", "minval", "maxval", "stddev", "value"})
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
