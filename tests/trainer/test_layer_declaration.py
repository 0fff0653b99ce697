"""A layer type is declared once (trainer.spec.layer_types.LayerType): a toy type declared
here reaches the spec parser with its bounds, the builder's catalog with its knobs, the
Keras-style classes and the code export with its Keras name, and the engine."""

from dataclasses import dataclass, field

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from tests.conftest import example_spec
from trainer import codegen, keras, layers
from trainer.keras import declared
from trainer.spec import LAYER_TYPES, LayerType, SpecError, catalog, layer_type, parse, register
from trainer.spec.knobs import Number


@dataclass(frozen=True)
class Gain:
    """The toy: multiplies its input by `factor` and adds `shift`; no parameters."""

    factor: float
    shift: float = 0.0
    type: str = field(default="gain", init=False)

    def shapes(self, in_shape):
        return tuple(in_shape), {}


def apply_gain(layer, params, x, key, train, mask=None):
    y = x * layer.factor + layer.shift
    return y, y


@pytest.fixture
def gain(monkeypatch):
    monkeypatch.setattr(layers, "apply_gain", apply_gain, raising=False)  # its math, where the engine looks
    declared = register(
        LayerType(
            "gain",
            Gain,
            (Number("factor", 0.5, 4, start=2.0), Number("shift", -1, 1)),
            keras="Gain",
            apply="apply_gain",
            menu={"tabular": 2},
        )
    )
    yield declared
    LAYER_TYPES.pop("gain")


def spec_with(gain_layer):
    d = example_spec("tfp_default")
    d["layers"].insert(1, gain_layer)
    return d


def test_the_parser_reads_it_with_its_bounds(gain):
    spec = parse(spec_with({"type": "gain", "factor": 3}))
    assert spec.layers[1] == Gain(3.0) and layer_type(spec.layers[1]) is gain
    assert spec.to_dict()["layers"][1] == {"type": "gain", "factor": 3.0, "shift": 0.0}
    assert parse(spec.to_dict()) == spec
    for bad, message in (
        ({"type": "gain", "factor": 10}, "layers[1].factor: must be between 0.5 and 4"),
        ({"type": "gain"}, "layers[1].factor: is required"),
        ({"type": "gain", "factor": 1, "units": 2}, "layers[1].units: unknown key; allowed: factor, shift, type"),
        (
            {"type": "nope"},
            "must be one of dense, conv2d, maxpool2d, avgpool2d, flatten, dropout, embedding, "
            "simple_rnn, lstm, gru, gain",
        ),
    ):
        with pytest.raises(SpecError, match=message.replace("[", r"\[").replace("]", r"\]")):
            parse(spec_with(bad))


def test_the_catalog_lists_its_knobs_title_and_menu_place(gain):
    c = catalog()
    assert c["layer_types"]["gain"] == {
        "factor": {"min": 0.5, "max": 4, "default": 2.0},
        "shift": {"min": -1, "max": 1, "default": 0.0},
    }
    assert c["layer_info"]["gain"] == {
        "title": "Gain",
        "keras": "Gain",
        "weighted": False,
        "recurrent": False,
        "spatial": False,
    }
    assert c["layer_menu"]["tabular"] == ["dense", "dropout", "gain"]


def test_the_keras_classes_know_it_by_its_keras_name(gain):
    cls = declared.LAYER_CLASSES["gain"]
    assert cls.__name__ == "Gain" and "gain" in declared.LAYER_CLASSES and keras.Gain is cls
    assert repr(cls(3)) == "Gain(3.0)" and repr(cls(factor=1.5, shift=0.5)) == "Gain(1.5, shift=0.5)"
    assert cls(3).factor == 3.0 and not cls(3).weighted
    assert declared.layer_from_dict({"type": "gain", "factor": 2, "shift": -1}) == cls(2, shift=-1)
    with pytest.raises(ValueError, match=r"Gain.factor: must be between 0.5 and 4"):
        cls(9)
    spec = parse(spec_with({"type": "gain", "factor": 2, "shift": 0.25}))
    assert "    Gain(2.0, shift=0.25),\n" in codegen.model_code(spec)
    imports = next(line for line in codegen.script(spec.to_dict()).splitlines() if "trainer.keras" in line)
    assert "Gain" in imports.split("import ")[1].split(", ")  # and keras.Gain is there to import


def test_the_engine_applies_it_through_its_declaration(gain):
    spec = parse(spec_with({"type": "gain", "factor": 2, "shift": 1}))
    params = layers.init_stack(spec.layers, jax.random.key(0), spec.input_shape)
    assert params[1] == {}
    x = jnp.ones((3, 2))
    outputs = layers.apply_stack(spec.layers, params, x)
    np.testing.assert_allclose(outputs[1][1], outputs[0][1] * 2 + 1, rtol=1e-6)


def test_without_it_nothing_knows_it():
    assert "gain" not in LAYER_TYPES and "gain" not in catalog()["layer_types"]
    assert "gain" not in declared.LAYER_CLASSES
    with pytest.raises(SpecError, match=r"layers\[1\]\.type: must be one of"):
        parse(spec_with({"type": "gain", "factor": 2}))


def test_the_built_in_flags_come_from_the_declarations():
    flags = {name: (t.weighted, t.recurrent, t.spatial) for name, t in LAYER_TYPES.items()}
    assert [n for n, f in flags.items() if f[0]] == ["dense", "conv2d", "simple_rnn", "lstm", "gru"]
    assert [n for n, f in flags.items() if f[1]] == ["simple_rnn", "lstm", "gru"]
    assert [n for n, f in flags.items() if f[2]] == ["conv2d", "maxpool2d", "avgpool2d"]
    c = catalog()
    assert c["layer_menu"]["images"][0] == "conv2d" and c["layer_menu"]["text"][0] == "embedding"
    assert c["layer_types"]["conv2d"]["padding"] == {"choices": ["valid", "same"], "default": "valid", "start": "same"}


def test_a_declaration_must_name_its_dataclass_fields():
    with pytest.raises(TypeError, match="must be the fields"):
        LayerType("bad", Gain, (Number("factor", 0.5, 4),), keras="Bad", apply="apply_gain")
