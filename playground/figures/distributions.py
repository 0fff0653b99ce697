"""Gradients and distributions: each weighted layer's gradient norm over the run, and one layer's
histograms over time as a heatmap (TensorBoard's histograms)."""

import numpy as np
import plotly.graph_objects as go
from django.utils.translation import gettext
from plotly.subplots import make_subplots

from playground.figures.base import BLUE, CLASS_COLORS, LAYOUT, ORANGE, _mode, snapshot_steps

GRADIENT_ROWS = 60  # value cells of the histogram heatmap
LAYER_COLORS = [BLUE, ORANGE, *CLASS_COLORS[2:]]  # the first layer blue, as the train curves


def _quantities():
    return (("kernel_grad", gettext("weight gradients")), ("kernel", gettext("weights")), ("bias", gettext("biases")))


def histogram_grid(columns, rows=GRADIENT_ROWS):
    """[(range, counts)] of one layer and quantity over time -> (value axis (rows,), z (rows, columns)):
    each column's histogram resampled onto one value axis over all their ranges, scaled to its
    fullest bin (TensorBoard's histograms as a heatmap); 0 outside a column's range."""
    ranges = [r for r, _ in columns if None not in r]
    lo, hi = (min(r[0] for r in ranges), max(r[1] for r in ranges)) if ranges else (0.0, 1.0)
    y = np.linspace(lo, hi, rows)
    z = np.zeros((rows, len(columns)))
    for j, ((a, b), counts) in enumerate(columns):
        counts = np.asarray(counts, float)
        if a is None or b is None or not counts.max(initial=0):
            continue
        inside = (y >= a) & (y <= b)
        k = np.clip(((y - a) / ((b - a) or 1) * len(counts)).astype(int), 0, len(counts) - 1)
        z[inside, j] = counts[k[inside]] / counts.max()
    return y, z


def _gradient_norms(frames):
    """Per weighted layer of the last frame: (name, [iterations], [kernel gradient norms])."""
    out = []
    for entry in frames[-1]["layers"]:
        name = gettext("layer %(layer)s (%(type)s)") % {"layer": entry["layer"] + 1, "type": entry["type"]}
        at = [
            (f["iteration"], e.get("kernel_norm")) for f in frames for e in f["layers"] if e["layer"] == entry["layer"]
        ]
        out.append((name, [a for a, _ in at], [v for _, v in at]))
    return out


def gradients(final, snapshots, final_iteration):
    """Each weighted layer's gradient norm over the run (log axis), and below, one layer's
    histogram over time as a heatmap (a menu picks the layer and weights, biases or weight
    gradients), from the snapshots' gradients frames and the final one."""
    frames = []
    for _, frame in snapshot_steps(snapshots, final, final_iteration, "gradients"):
        if frame.get("layers") and (not frames or frame["iteration"] > frames[-1]["iteration"]):
            frames.append(frame)  # the final frame may be the last snapshot's
    fig = make_subplots(
        rows=2,
        cols=1,
        vertical_spacing=0.16,
        row_heights=[0.45, 0.55],
        subplot_titles=[gettext("gradient norm per layer"), gettext("histogram over time")],
    )
    for i, (name, x, y) in enumerate(_gradient_norms(frames)):
        fig.add_scatter(
            x=x,
            y=y,
            name=name,
            mode=_mode(len(x)),
            line=dict(color=LAYER_COLORS[i % len(LAYER_COLORS)], width=2),
            row=1,
            col=1,
        )
    at = [f["iteration"] for f in frames]
    choices = []
    for entry in frames[-1]["layers"]:
        for key, what in _quantities():
            if key in entry["histograms"]:
                columns = [
                    next(
                        (
                            (e["histograms"][key]["range"], e["histograms"][key]["counts"])
                            for e in f["layers"]
                            if e["layer"] == entry["layer"] and key in e["histograms"]
                        ),
                        ([None, None], []),
                    )
                    for f in frames
                ]
                y, z = histogram_grid(columns)
                choices.append(
                    (
                        gettext("layer %(layer)s (%(type)s): %(what)s")
                        % {"layer": entry["layer"] + 1, "type": entry["type"], "what": what},
                        y,
                        z,
                    )
                )
    first = choices[0]
    fig.add_trace(
        go.Heatmap(
            x=at,
            y=first[1],
            z=first[2],
            zmin=0,
            zmax=1,
            colorscale=[[0, "#ffffff"], [1, BLUE]],
            showscale=False,
            name=first[0],
            hovertemplate=gettext("iteration %(iteration)s, value %(value)s")
            % {"iteration": "%{x}", "value": "%{y:.3g}"}
            + "<extra></extra>",
        ),
        row=2,
        col=1,
    )
    heat = len(fig.data) - 1
    fig.update_yaxes(type="log", dtick=1, title_text=gettext("gradient norm"), row=1, col=1)
    fig.update_yaxes(title_text=gettext("value"), row=2, col=1)
    fig.update_xaxes(title_text=gettext("iteration"), row=2, col=1)
    fig.update_layout(
        LAYOUT,
        height=620,
        legend=dict(orientation="h", y=1.12, x=1, xanchor="right"),
        updatemenus=[
            dict(
                type="dropdown",
                x=1,
                xanchor="right",
                y=0.47,
                yanchor="bottom",
                showactive=True,
                active=0,
                pad=dict(r=0, t=0),
                buttons=[
                    dict(label=name, method="restyle", args=[{"y": [y], "z": [z], "name": name}, [heat]])
                    for name, y, z in choices
                ],
            )
        ],
    )
    return fig
