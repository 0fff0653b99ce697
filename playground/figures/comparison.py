"""The compare page: several runs' curves on one epoch axis, smoothed as in TensorBoard."""

import numpy as np
import plotly.graph_objects as go
from django.utils.translation import gettext

from playground.figures.base import CLASS_COLORS, LAYOUT, _mode, escape


def smooth(values, weight):
    """TensorBoard's smoothing: an exponential moving average debiased so the
    first points are not pulled toward zero (weight 0: unchanged). None stays None."""
    if not weight:
        return list(values)
    out, last, count = [], 0.0, 0
    for value in values:
        if value is None or not np.isfinite(value):
            out.append(None)
            continue
        last, count = last * weight + (1 - weight) * value, count + 1
        out.append(last / (1 - weight**count))
    return out


def _per_epoch(history):
    """Iterations -> epochs (iteration / steps per epoch), from the frames' own counters:
    runs of different batch sizes and lengths share one axis."""
    frame = next((f for f in history if f.get("total_steps")), None)
    return frame["epochs"] / frame["total_steps"] if frame else 1.0


def compare(entries, smoothing=0.0):
    """(loss figure, accuracy or RMSE figure) overlaying several runs on the same
    axes. entries: [{"title", "history", "task"}]. The test curve (each
    evaluation) solid, the training one dotted (the loss: every streamed
    mini-batch point), one colour and one legend entry per experiment. With
    smoothing the raw curves stay faint behind the smoothed ones, as in TensorBoard."""
    regression = bool(entries) and all(e["task"] == "regression" for e in entries)
    figs = []
    for title in (gettext("loss"), gettext("RMSE") if regression else gettext("accuracy")):
        figs.append(
            go.Figure(
                layout=dict(
                    LAYOUT,
                    height=420,
                    xaxis_title=gettext("epoch"),
                    yaxis_title=title,
                    hovermode="x unified",
                    legend=dict(orientation="h", y=-0.2),
                )
            )
        )
    loss, metric = figs
    for i, entry in enumerate(entries):
        history, scale = entry["history"], _per_epoch(entry["history"])
        at = [f["iteration"] * scale for f in history]
        batch = [p for f in history for p in f.get("points") or []]
        key = "rmse" if regression else "accuracy"
        curves = [
            (loss, "test", at, [f.get("test_loss") for f in history]),
            (loss, "train", [p[0] * scale for p in batch], [p[1] for p in batch]),
            (metric, "test", at, [f.get(f"test_{key}") for f in history]),
            (metric, "train", at, [f.get(f"train_{key}") for f in history]),
        ]
        for fig, split, x, y in curves:
            _add_compared(fig, escape(entry["title"]), i, split, x, y, smoothing)
    return loss, metric


def _add_compared(fig, title, i, split, x, y, smoothing):
    color, dash, group = CLASS_COLORS[(i + 1) % len(CLASS_COLORS)], "solid" if split == "test" else "dot", f"e{i}"
    if smoothing:
        fig.add_scatter(
            x=x,
            y=y,
            mode="lines",
            legendgroup=group,
            showlegend=False,
            hoverinfo="skip",
            opacity=0.25,
            line=dict(color=color, width=1, dash=dash),
        )
    fig.add_scatter(
        x=x,
        y=smooth(y, smoothing),
        name=title,
        legendgroup=group,
        showlegend=split == "test",
        mode=_mode(len(x)),
        marker=dict(size=5),
        line=dict(color=color, width=2, dash=dash),
        hovertemplate=f"{title} ({split}): %{{y:.4f}}<extra></extra>",
    )
