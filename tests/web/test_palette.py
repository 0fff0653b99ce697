"""One palette: the experiment page's figures (playground/figures/) and the playground's
charts (static/js/colors.js) take their colours from static/js/palette.json, and neither
writes them again."""

import json
import mimetypes
import re

from django.conf import settings

from playground import figures

STATIC_JS = settings.BASE_DIR / "static" / "js"
PALETTE = json.loads((STATIC_JS / "palette.json").read_text(encoding="utf-8"))
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def test_the_figures_colours_are_the_files():
    assert (figures.ORANGE, figures.MIDDLE, figures.BLUE) == (PALETTE["orange"], PALETTE["middle"], PALETTE["blue"])
    assert figures.DIVERGING == [[0.0, PALETTE["orange"]], [0.5, PALETTE["middle"]], [1.0, PALETTE["blue"]]]
    assert figures.CLASS_COLORS == PALETTE["classes"]
    unsure, sure = PALETTE["class_band"]
    scale = figures.class_colorscale(3)
    assert [c for _, c in scale[:2]] == [
        figures._mix(PALETTE["classes"][0], unsure),
        figures._mix(PALETTE["classes"][0], sure),
    ]


def test_colors_js_imports_the_file_and_writes_no_colour_of_its_own():
    source = (STATIC_JS / "colors.js").read_text(encoding="utf-8")
    assert 'import palette from "./palette.json" with { type: "json" };' in source
    assert not HEX.findall(source)
    for module in sorted((settings.BASE_DIR / "playground" / "figures").glob("*.py")):
        source = module.read_text(encoding="utf-8")
        assert not set(HEX.findall(source)) & {PALETTE["orange"], PALETTE["blue"], *PALETTE["classes"]}, module.name


def test_the_file_is_served_as_json():
    """A JSON module loads only with a JSON MIME type (Django's static serving and Caddy guess it from .json)."""
    assert mimetypes.guess_type("palette.json")[0] == "application/json"
