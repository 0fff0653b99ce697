"""Hypothesis strategies for untrusted JSON, shared by the property tests (tests/*/test_*fuzz*.py).
The example counts come from the profile in tests/conftest.py."""

import copy
import json

from hypothesis import strategies as st

from tests.conftest import EXAMPLES

# Every character, lone surrogates and controls included (hypothesis leaves surrogates out by default).
ANY_CHAR = st.characters(exclude_categories=())
text = st.text(ANY_CHAR, max_size=30)
HUGE = st.sampled_from([10**400, -(10**400), 2**63, 2**64, -(2**63) - 1, 10**308 * 10, 2**1024])
numbers = st.integers() | HUGE | st.floats(allow_nan=True, allow_infinity=True)
scalars = st.none() | st.booleans() | numbers | text
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
json_objects = st.dictionaries(text, json_values, max_size=6)

SPECS = [json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.json"))]


def _paths(value, prefix=()):
    """Every place in a JSON document: key paths into dicts and lists, the root excluded."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield (*prefix, key)
        yield from _paths(child, (*prefix, key))


@st.composite
def mutated(draw, documents, values=json_values):
    """One of `documents` with one field replaced by `values`, deleted, or a key added somewhere."""
    doc = copy.deepcopy(draw(st.sampled_from(documents)))
    path = draw(st.sampled_from(list(_paths(doc))))
    *parents, last = path
    holder = doc
    for key in parents:
        holder = holder[key]
    action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
    if action == "replace":
        holder[last] = draw(values)
    elif action == "delete":
        del holder[last]
    elif isinstance(holder, dict):
        holder[draw(text)] = draw(values)
    else:
        holder.append(draw(values))
    return doc
