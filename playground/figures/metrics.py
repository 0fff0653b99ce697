"""The loss and accuracy (or RMSE) curves of one run, with a mark for each edit by hand."""

import plotly.graph_objects as go
from django.utils.translation import gettext, ngettext

from playground.figures.base import BLUE, LAYOUT, ORANGE, PALETTE, _mode


def edit_text(edit):
    """A weight or bias set by hand, or points drawn anew (trainer.edits, as stored in the spec), in words."""
    if "dataset" in edit:
        n = len(edit["dataset"]["points"])
        return ngettext("%(n)s point drawn anew", "%(n)s points drawn anew", n) % {"n": n}
    layer, unit = edit["layer"] + 1, edit["unit"] + 1
    if edit["input"] is None:
        return gettext("bias of layer %(layer)s, unit %(unit)s set to %(value)s") % {
            "layer": layer,
            "unit": unit,
            "value": f"{edit['value']:.3f}",
        }
    return gettext("weight from input %(input)s to layer %(layer)s, unit %(unit)s set to %(value)s") % {
        "input": edit["input"] + 1,
        "layer": layer,
        "unit": unit,
        "value": f"{edit['value']:.3f}",
    }


def _mark_edits(fig, history, edits):
    """Weights set by hand: a dashed line each, and a marker on the test loss that names it."""
    for edit in edits:
        fig.add_vline(x=edit["iteration"], line=dict(color="#555", dash="dash", width=1))
    after = {}
    for frame in history:  # the test loss evaluated at (or after) each edit's iteration
        for edit in edits:
            if frame["iteration"] >= edit["iteration"]:
                after.setdefault(id(edit), frame.get("test_loss"))
    fig.add_scatter(
        x=[edit["iteration"] for edit in edits],
        y=[after.get(id(edit)) for edit in edits],
        name=gettext("set by hand"),
        mode="markers",
        marker=dict(symbol="x", size=9, color="#333"),
        hovertext=[edit_text(edit) for edit in edits],
        hoverinfo="text",
    )


def _train_and_test(fig, history, key, names):
    """The train (blue) and test (orange) curves of metrics frames' `train_<key>` and `test_<key>`."""
    at = [f["iteration"] for f in history]
    for side, name, color in zip(("train", "test"), names, (BLUE, ORANGE), strict=True):
        fig.add_scatter(
            x=at,
            y=[f.get(f"{side}_{key}") for f in history],
            name=name,
            mode=_mode(len(at)),
            line=dict(color=color, width=2),
        )


def curves(history, task, edits=()):
    """(loss figure, accuracy or RMSE figure) from the metrics frames, in order; edits: the
    weights set by hand (the spec's), marked on the loss curve."""
    batch = [p for frame in history for p in frame.get("points") or []]
    layout = dict(LAYOUT, xaxis_title=gettext("iteration"), hovermode="x unified")
    loss = go.Figure(layout=dict(layout, yaxis_title=gettext("loss")))
    loss.add_scatter(
        x=[p[0] for p in batch],
        y=[p[1] for p in batch],
        name=gettext("train (batch)"),
        mode="lines",
        line=dict(color=PALETTE["batch"], width=1),
    )
    _train_and_test(loss, history, "loss", (gettext("train"), gettext("test")))
    if edits:
        _mark_edits(loss, history, edits)
    if task == "regression":
        metric = go.Figure(layout=dict(layout, yaxis_title="RMSE"))
        _train_and_test(metric, history, "rmse", (gettext("train RMSE"), gettext("test RMSE")))
    else:
        metric = go.Figure(layout=dict(layout, yaxis_title=gettext("accuracy"), yaxis=dict(range=[0, 1.02])))
        _train_and_test(metric, history, "accuracy", (gettext("train"), gettext("test")))
    return loss, metric
