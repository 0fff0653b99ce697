"""Shared fixtures: small specs and (for the web side) a fresh in-memory channel layer per test."""

import json
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "trainer" / "examples"


def example_spec(name):
    return json.loads((EXAMPLES / f"{name}.json").read_text())


@pytest.fixture
def small_spec():
    """TensorFlow Playground's default network on a small circle set: 10 steps an epoch."""
    spec = example_spec("tfp_default")
    spec["dataset"].update(samples=200, test_fraction=0.5)
    spec["epochs"] = 20
    return spec
