"""Pictures of images and text: conv filters, the confusion matrix, feature maps, an RNN's hidden
states, the embedding projection."""

import base64

import numpy as np
import plotly.graph_objects as go
from django.utils.translation import gettext
from plotly.subplots import make_subplots

from playground.figures.base import (
    BLUE,
    DIVERGING,
    LAYOUT,
    MAX_FILTERS_SHOWN,
    _square_cells,
    escape,
    snapshot_steps,
    with_slider,
)


def _filter_traces(frame):
    out = []
    for layer in frame["layers"]:
        for kernel in layer["filters"][:MAX_FILTERS_SHOWN]:
            k = np.asarray(kernel, float)
            m = float(np.abs(k).max()) or 1.0
            out.append(
                go.Heatmap(
                    z=k[::-1],
                    zmin=-m,
                    zmax=m,
                    colorscale=DIVERGING,
                    showscale=False,
                    hovertemplate="%{z:.3f}<extra></extra>",
                )
            )
    return out


def filters(final, snapshots, final_iteration):
    """Every conv layer's kernels (averaged over input channels), a row per layer, with a slider."""
    layers = final["layers"]
    cols = min(MAX_FILTERS_SHOWN, max(len(layer["filters"]) for layer in layers))
    titles = [
        gettext("layer %(layer)s · filter %(filter)s") % {"layer": layer["layer"] + 1, "filter": j + 1}
        if j < len(layer["filters"])
        else ""
        for layer in layers
        for j in range(cols)
    ]
    fig = make_subplots(
        rows=len(layers), cols=cols, subplot_titles=titles, horizontal_spacing=0.015, vertical_spacing=0.12
    )
    for t, trace in enumerate(_filter_traces(final)):
        row, col = _cell([len(layer["filters"]) for layer in layers], cols, t)
        fig.add_trace(trace, row=row, col=col)
    _square_cells(fig)
    fig.update_layout(LAYOUT, height=110 * len(layers) + 110, margin=dict(l=8, r=8, t=36, b=8), showlegend=False)
    fig.update_annotations(font_size=9)
    steps = snapshot_steps(snapshots, final, final_iteration, "filters")
    return with_slider(fig, [(it, _filter_traces(f)) for it, f in steps], list(range(len(fig.data))))


def _cell(counts, cols, t):
    """Trace number t -> (row, col), rows of counts[row] pictures (at most cols) filled left to right."""
    for row, count in enumerate(counts, 1):
        shown = min(cols, count)
        if t < shown:
            return row, t + 1
        t -= shown
    raise IndexError(t)


def confusion(frame):
    """matrix[true][predicted] on the test set, counts written in the cells."""
    labels = [escape(name) for name in frame["labels"]]
    fig = go.Figure(
        go.Heatmap(
            z=frame["matrix"],
            x=labels,
            y=labels,
            colorscale=[[0, "#ffffff"], [1, BLUE]],
            texttemplate="%{z}",
            showscale=False,
            hovertemplate=gettext("true %(true)s, predicted %(predicted)s: %(count)s")
            % {"true": "%{y}", "predicted": "%{x}", "count": "%{z}"}
            + "<extra></extra>",
        )
    )
    fig.update_layout(
        LAYOUT,
        height=160 + 36 * len(labels),
        xaxis=dict(title=gettext("predicted"), side="bottom", type="category", constrain="domain"),
        yaxis=dict(title=gettext("true"), autorange="reversed", type="category", scaleanchor="x", constrain="domain"),
    )
    return fig


def _map_trace(data, h, w, value_range=None):
    """One quantized map (base64 uint8, row-major h x w) as a heatmap: ink dark on white."""
    z = np.frombuffer(base64.b64decode(data), np.uint8).reshape(h, w)[::-1]
    hover = (
        "%{z}<extra></extra>"
        if value_range is None
        else f"<extra>range {value_range[0]:.3g} to {value_range[1]:.3g}</extra>"
    )
    return go.Heatmap(
        z=z, zmin=0, zmax=255, colorscale=[[0, "#ffffff"], [1, BLUE]], showscale=False, hovertemplate=hover
    )


def _maps_traces(frame):
    h, w = frame["input_shape"]
    traces = [_map_trace(frame["input"], h, w)]
    for layer in frame["layers"]:
        lh, lw, _ = layer["shape"]
        traces += [_map_trace(data, lh, lw, layer["range"]) for data in layer["maps"][:MAX_FILTERS_SHOWN]]
    return traces


def feature_maps(final, snapshots, final_iteration, class_name):
    """One test image (top left) through every conv and pool layer, a row per layer
    (each layer's maps share its colour range), with a slider."""
    layers = final["layers"]
    cols = min(MAX_FILTERS_SHOWN, max(len(layer["maps"]) for layer in layers))
    titles = [
        gettext("test image %(n)s, class %(label)s")
        % {"n": final["sample"] + 1, "label": escape(class_name(final["label"]))}
    ]
    titles += [""] * (cols - 1)
    titles += [
        gettext("layer %(layer)s %(type)s · map %(map)s")
        % {"layer": layer["layer"] + 1, "type": layer["type"], "map": j + 1}
        if j < len(layer["maps"])
        else ""
        for layer in layers
        for j in range(cols)
    ]
    fig = make_subplots(
        rows=len(layers) + 1, cols=cols, subplot_titles=titles, horizontal_spacing=0.015, vertical_spacing=0.08
    )
    traces = _maps_traces(final)
    fig.add_trace(traces[0], row=1, col=1)
    for t, trace in enumerate(traces[1:]):
        row, col = _cell([len(layer["maps"]) for layer in layers], cols, t)
        fig.add_trace(trace, row=row + 1, col=col)
    _square_cells(fig)
    fig.update_layout(LAYOUT, height=110 * (len(layers) + 1) + 110, margin=dict(l=8, r=8, t=36, b=8), showlegend=False)
    fig.update_annotations(font_size=9)
    # the slider shows the snapshots of the same sample only: their maps line up with these cells
    steps = [
        (it, f)
        for it, f in snapshot_steps(snapshots, final, final_iteration, "feature_maps")
        if f["sample"] == final["sample"]
    ]
    return with_slider(fig, [(it, _maps_traces(f)) for it, f in steps], list(range(len(fig.data))))


def _hidden_trace(frame):
    z = np.asarray(frame["states"], float).T  # units x steps
    m = float(np.abs(z).max()) or 1e-6
    return go.Heatmap(
        x=[f"{i + 1}·{escape(t)}" for i, t in enumerate(frame["tokens"])],
        y=list(range(1, z.shape[0] + 1)),
        z=z,
        zmin=-m,
        zmax=m,
        colorscale=DIVERGING,
        showscale=False,
        xgap=1,
        hovertemplate=gettext("step %(step)s, unit %(unit)s: %(value)s")
        % {"step": "%{x}", "unit": "%{y}", "value": "%{z:.3f}"}
        + "<extra></extra>",
    )


def hidden_states(final, snapshots, final_iteration, class_name):
    """One test sentence's hidden state after each of its tokens: a column per step, a row per unit, with a slider."""
    fig = go.Figure(_hidden_trace(final))
    sample = (
        f"test sentence {final['sample'] + 1}, class {escape(class_name(final['label']))}"
        if "sample" in final
        else "a test sentence"
    )
    fig.update_layout(
        LAYOUT,
        height=max(260, 9 * final["units"] + 140),
        title=dict(text=sample, font=dict(size=12), x=0),
        xaxis=dict(type="category", tickangle=-45, title=gettext("step (token)")),
        yaxis=dict(title=gettext("unit"), autorange="reversed"),
    )
    steps = [
        (it, f)
        for it, f in snapshot_steps(snapshots, final, final_iteration, "hidden_states")
        if f.get("sample") == final.get("sample")
    ]
    fig = with_slider(fig, [(it, [_hidden_trace(f)]) for it, f in steps], [0])
    if fig.layout.sliders:
        fig.layout.sliders[0].pad.t = 100  # below the slanted tokens and the axis title
    return fig


def _embedding_trace(frame):
    return go.Scatter(
        x=frame["x"],
        y=frame["y"],
        text=[escape(w) for w in frame["words"]],
        mode="markers+text",
        textposition="top center",
        marker=dict(color=BLUE, size=6),
        textfont=dict(size=10),
        hovertemplate="%{text}<extra></extra>",
    )


def embedding(final, snapshots, final_iteration):
    """The most frequent words on the embedding table's first two principal components."""
    fig = go.Figure(_embedding_trace(final))
    fig.update_layout(
        LAYOUT, height=480, xaxis_title=gettext("component 1"), yaxis_title=gettext("component 2"), showlegend=False
    )
    steps = snapshot_steps(snapshots, final, final_iteration, "embedding")
    return with_slider(fig, [(it, [_embedding_trace(f)]) for it, f in steps], [0])
