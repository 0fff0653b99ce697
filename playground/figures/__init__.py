"""Plotly figures for a saved experiment, built on the server from stored frames.

Each builder takes frames as the engine streamed them (trainer/events.py) and returns a
plotly.graph_objects.Figure; the page renders it with the vendored plotly.min.js
(static/js/experiments/figures.js).

    base           the palette (static/js/palette.json), the layout, grid decoding, escape, the time slider
    metrics        curves: loss and accuracy (or RMSE), edits by hand marked
    plane          over a 2-D dataset's plane: the decision boundary, the neurons
    pictures       images and text: filters, confusion, feature maps, hidden states, embedding
    distributions  gradients: gradient norms and histograms over time
    page           for_run: every figure of one run, for the experiment page
    comparison     compare: the compare page's overlaid curves, and smoothing

No module is named after a function it holds, so `figures.compare` is always the function.

Callers write `from playground import figures` and `figures.for_run(...)`: the names below.
"""

from playground.figures.base import (
    BAND,
    BLUE,
    CLASS_COLORS,
    DIVERGING,
    LAYOUT,
    MAX_FILTERS_SHOWN,
    MAX_UNITS_SHOWN,
    MIDDLE,
    ORANGE,
    PALETTE,
    SPARSE,
    axis,
    class_colorscale,
    dequantize,
    escape,
    grid_bytes,
    snapshot_steps,
    with_slider,
)
from playground.figures.base import _mix as _mix  # tests/web/test_palette.py checks the class bands with it
from playground.figures.comparison import compare, smooth
from playground.figures.distributions import GRADIENT_ROWS, LAYER_COLORS, gradients, histogram_grid
from playground.figures.metrics import curves, edit_text
from playground.figures.page import for_run
from playground.figures.pictures import confusion, embedding, feature_maps, filters, hidden_states
from playground.figures.plane import boundary, boundary_trace, neurons

__all__ = [
    "BAND",
    "BLUE",
    "CLASS_COLORS",
    "DIVERGING",
    "GRADIENT_ROWS",
    "LAYER_COLORS",
    "LAYOUT",
    "MAX_FILTERS_SHOWN",
    "MAX_UNITS_SHOWN",
    "MIDDLE",
    "ORANGE",
    "PALETTE",
    "SPARSE",
    "axis",
    "boundary",
    "boundary_trace",
    "class_colorscale",
    "compare",
    "confusion",
    "curves",
    "dequantize",
    "edit_text",
    "embedding",
    "escape",
    "feature_maps",
    "filters",
    "for_run",
    "gradients",
    "grid_bytes",
    "hidden_states",
    "histogram_grid",
    "neurons",
    "smooth",
    "snapshot_steps",
    "with_slider",
]
