"""trainer.spec.parse on anything a client can send: a Spec or a SpecError naming each
problem by path, never another exception; and numbers of any size are errors with paths."""

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.conftest import example_spec
from tests.fuzz import SPECS, json_objects, json_values, mutated
from trainer import datasets
from trainer import spec as specs

UPLOADED = {"pts": datasets.DatasetInfo("pts", "Points", "points", "binary", "", 2, builtin=False, default_samples=60)}


def parse_or_errors(value, uploads=None):
    """The Spec, or SpecError's errors after checking each has a path and a message."""
    try:
        return specs.parse(value, uploads=uploads)
    except specs.SpecError as exc:
        assert exc.errors
        for error in exc.errors:
            assert isinstance(error["path"], str) and isinstance(error["message"], str) and error["message"]
        json.dumps(exc.errors)  # the API sends them as they are
        return exc.errors


def roundtrips(spec):
    """A parsed spec stores as strict JSON and parses back to itself."""
    stored = json.loads(json.dumps(spec.to_dict(), allow_nan=False))
    assert specs.parse(stored) == spec


@given(json_values)
def test_any_json_value_is_a_spec_or_a_spec_error(value):
    result = parse_or_errors(value)
    assert isinstance(result, list)  # nothing random is a whole valid spec


@given(mutated(SPECS))
@example({**example_spec("tfp_default"), "epochs": 10**400})
def test_a_spec_with_one_field_changed_is_a_spec_or_a_spec_error(value):
    result = parse_or_errors(value)
    if isinstance(result, specs.Spec):
        roundtrips(result)


@given(mutated(SPECS, st.integers() | st.floats() | st.sampled_from([10**400, -(10**400), 2**1024])))
def test_a_number_anywhere_is_a_spec_or_a_spec_error(value):
    result = parse_or_errors(value)
    if isinstance(result, specs.Spec):
        roundtrips(result)


@given(json_objects)
def test_any_dataset_object_with_uploads_is_a_dataset_or_a_spec_error(value):
    try:
        specs.parse_dataset({"name": "pts", **value} if "name" not in value else value, uploads=UPLOADED)
    except specs.SpecError as exc:
        assert all(e["message"] for e in exc.errors)


def _at(spec, path, value):
    holder = spec
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return spec


@pytest.mark.parametrize(
    "path",
    [
        ("epochs",),
        ("batch_size",),
        ("seed",),
        ("layers", 0, "units"),
        ("layers", 2, "units"),
        ("optimizer", "learning_rate"),
        ("dataset", "noise"),
        ("dataset", "samples"),
        ("dataset", "test_fraction"),
    ],
)
@pytest.mark.parametrize("value", [10**400, -(10**400), 1e400, float("nan")])
def test_numbers_out_of_any_range_are_errors_naming_the_field(path, value):
    [error] = parse_or_errors(_at(example_spec("tfp_default"), path, value))
    want = ".".join(f"[{k}]" if isinstance(k, int) else k for k in path).replace(".[", "[")
    assert error["path"] == want


def test_a_huge_number_in_an_uploaded_sets_split_is_an_error():
    spec = {**example_spec("tfp_default"), "dataset": {"name": "pts", "test_fraction": 10**400}}
    [error] = parse_or_errors(spec, uploads=UPLOADED)
    assert error["path"] == "dataset.test_fraction"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (10**400, "between"),
        (1.5, "whole number"),
        (True, "a whole number"),
        (float("inf"), "finite"),
        ("3", "a whole number"),
    ],
)
def test_number_says_what_is_wrong(value, words):
    with pytest.raises(ValueError, match=words):
        specs.number(value, 1, 10, integer=True)
    assert specs.number(10.0, 1, 10, integer=True) == 10 and specs.number(3, 0, 5) == 3.0
