"""Pictures over the input plane of a 2-D dataset: the decision boundary under the points, and
each hidden unit's output (the neuron thumbnails)."""

import numpy as np
import plotly.graph_objects as go
from django.utils.translation import gettext
from plotly.subplots import make_subplots

from playground.figures.base import (
    BAND,
    CLASS_COLORS,
    DIVERGING,
    LAYOUT,
    MAX_UNITS_SHOWN,
    _q_limits,
    _square_cells,
    axis,
    class_colorscale,
    dequantize,
    grid_bytes,
    snapshot_steps,
    with_slider,
)


def boundary_trace(frame, task):
    """The boundary frame as a uint8 heatmap painted like the playground's."""
    n, (x0, x1, y0, y1) = frame["size"], frame["extent"]
    base = dict(x=axis(x0, x1, n), y=axis(y0, y1, n), showscale=False, hoverinfo="skip", name="output")
    if frame.get("classes") and frame.get("labels"):
        k = frame["classes"]
        labels = grid_bytes(frame["labels"], n).astype(np.int32)
        prob = dequantize(frame["data"], frame["range"]).reshape(n, n)
        sure = np.clip((prob - 1 / k) / (1 - 1 / k), 0, 0.999)
        z = (labels * BAND + np.floor(sure * BAND)).astype(np.uint8)
        return go.Heatmap(base, z=z, zmin=0, zmax=k * BAND, colorscale=class_colorscale(k))
    lo, hi = frame["range"]
    if task == "regression":  # symmetric around 0, as the page paints it
        m = max(abs(lo), abs(hi), 1e-6)
        lo, hi = -m, m
    zmin, zmax = _q_limits(frame["range"], lo, hi)
    return go.Heatmap(
        base, z=grid_bytes(frame["data"], n), zmin=zmin, zmax=zmax, colorscale=DIVERGING, opacity=0.65, zsmooth="best"
    )


def _points_trace(points, task, name, outline):
    x = np.asarray(points["x"], float).reshape(-1, 2)
    y = np.asarray(points["y"])
    if task == "regression":
        m = float(np.abs(y).max()) if len(y) else 1.0
        marker = dict(color=y, colorscale=DIVERGING, cmin=-m, cmax=m)
    else:
        marker = dict(color=[CLASS_COLORS[int(c) % len(CLASS_COLORS)] for c in y])
    marker.update(size=6, line=dict(width=1, color=outline))
    return go.Scatter(
        x=x[:, 0],
        y=x[:, 1],
        mode="markers",
        name=name,
        marker=marker,
        hovertemplate=f"{name}: (%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
    )


def boundary(final, snapshots, final_iteration, points, task):
    """The final decision boundary under the training (white rim) and test (dark
    rim) points, with a slider through the snapshots."""
    extent = final["extent"]
    fig = go.Figure(
        layout=dict(
            LAYOUT,
            height=520,
            showlegend=True,
            legend=dict(orientation="h", x=1, xanchor="right", y=1.02, yanchor="bottom"),
            xaxis=dict(range=extent[:2], title="x1", zeroline=False, showgrid=False, constrain="domain"),
            yaxis=dict(
                range=extent[2:], title="x2", zeroline=False, showgrid=False, scaleanchor="x", constrain="domain"
            ),
        )
    )
    fig.add_trace(boundary_trace(final, task))
    if points:
        fig.add_trace(_points_trace(points["train"], task, gettext("train"), "#ffffff"))
        fig.add_trace(_points_trace(points["test"], task, gettext("test"), "#222222"))
    steps = snapshot_steps(snapshots, final, final_iteration, "boundary")
    return with_slider(fig, [(it, [boundary_trace(f, task)]) for it, f in steps], [0])


def neurons(frame):
    """Every hidden unit's output over the plane: one thumbnail per unit, a row per layer."""
    layers = frame["layers"]
    cols = min(MAX_UNITS_SHOWN, max(len(layer["units"]) for layer in layers))
    titles = [
        gettext("layer %(layer)s · unit %(unit)s") % {"layer": i + 1, "unit": j + 1} if j < len(layer["units"]) else ""
        for i, layer in enumerate(layers)
        for j in range(cols)
    ]
    fig = make_subplots(
        rows=len(layers), cols=cols, subplot_titles=titles, horizontal_spacing=0.02, vertical_spacing=0.08
    )
    n = frame["size"]
    for i, layer in enumerate(layers):
        for j, units in enumerate(layer["units"][:cols]):
            fig.add_trace(
                go.Heatmap(
                    z=grid_bytes(units, n),
                    zmin=0,
                    zmax=255,
                    colorscale=DIVERGING,
                    showscale=False,
                    hoverinfo="skip",
                    name=f"layer {i + 1} unit {j + 1}",
                ),
                row=i + 1,
                col=j + 1,
            )
    _square_cells(fig)
    fig.update_layout(LAYOUT, height=130 * len(layers) + 40, margin=dict(l=8, r=8, t=36, b=8), showlegend=False)
    fig.update_annotations(font_size=10)
    return fig
