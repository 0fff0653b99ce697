"""Keras' L1 and L2 kernel regularizers, as the spec's regularization (one for the whole model)."""

from trainer import spec as S
from trainer.keras.parts import Part, number


class L1(Part):
    """Keras' L1: adds l1 · Σ|w| to the loss (the engine's l1 at rate l1)."""

    def __init__(self, l1=0.01):
        self.l1 = number("l1", l1)

    def arguments(self) -> tuple[list, dict]:
        return [self.l1], {}

    def to_spec(self) -> S.Regularization:
        return S.Regularization("l1", self.l1)


class L2(Part):
    """Keras' L2: adds l2 · Σw² to the loss. The engine's l2 at rate r adds
    r · ½Σw² (TensorFlow Playground's form), so L2(l2) is rate 2·l2."""

    def __init__(self, l2=0.01):
        self.l2 = number("l2", l2)

    def arguments(self) -> tuple[list, dict]:
        return [self.l2], {}

    def to_spec(self) -> S.Regularization:
        return S.Regularization("l2", 2 * self.l2)


l1, l2 = L1, L2


def regularizer_from_spec(reg: S.Regularization) -> L1 | L2 | None:
    if reg.type == "none":
        return None
    return L1(reg.rate) if reg.type == "l1" else L2(reg.rate / 2)


def regularizer(value: object) -> L1 | L2 | None:
    """A layer's kernel_regularizer argument: None, "l1", "l2", L1(...) or L2(...)."""
    if value is None or isinstance(value, (L1, L2)):
        return value
    if value in ("l1", "l2"):
        return L1() if value == "l1" else L2()
    raise ValueError(f"Could not interpret regularizer identifier: {value!r}. Use L1(0.01), L2(0.01) or None")
