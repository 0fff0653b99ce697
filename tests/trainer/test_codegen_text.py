"""The exported script stays valid Python, and its title and notes stay text, whatever
someone typed: a shared experiment's script is run by others."""

import ast

import pytest
from hypothesis import given

from tests.conftest import example_spec
from tests.fuzz import text
from trainer import codegen

HOSTILE = [
    "nul \x00 inside",
    "\ud800 lone surrogate",
    'ends with a quote"',
    'three """ quotes',
    "back\\slash\\",
    'x"""\nimport os; os.system("echo owned")\n"""',
    "cr\rlf\r\n",
    "\x1b[31mescape",
    "line\u2028separator",
    "\x85 next line",
    "\\",
    "tab\there",
    "del \x7f",
]


def docstring_of(script):
    tree = ast.parse(script)
    assert all(
        isinstance(node, (ast.Expr, ast.Import, ast.ImportFrom, ast.Assign, ast.With, ast.If, ast.For))
        for node in tree.body
    )
    return ast.get_docstring(tree, clean=False)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_title_or_notes_stays_inside_the_docstring(hostile):
    script = codegen.script(example_spec("tfp_default"), title=hostile, description=hostile)
    script.encode("utf-8")  # downloadable
    doc = docstring_of(script)
    assert "echo owned" not in "".join(
        ast.unparse(node) for node in ast.parse(script).body[1:]
    )  # no code from the text
    assert doc.count("Generated from the playground's spec") == 1


@given(text, text)
def test_any_title_and_notes_give_a_script_python_parses(title, notes):
    script = codegen.script(example_spec("tfp_default"), title=title, description=notes)
    script.encode("utf-8")
    docstring_of(script)
