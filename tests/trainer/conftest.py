import copy

import pytest

from trainer import presets


@pytest.fixture
def example():
    """A fresh, mutable copy of an example spec by name."""
    return lambda name: copy.deepcopy(presets.load(name))
