"""Plotly figures for a saved experiment, built on the server from stored frames.

Each builder takes frames as the engine streamed them (trainer/events.py) and
returns a plotly.graph_objects.Figure; the page renders it with the vendored
plotly.min.js (static/js/experiments/figures.js). Grids stay uint8 (plotly
ships numpy arrays as typed arrays), with each trace's zmin/zmax chosen so the
colours match the playground's (both read static/js/palette.json). Figures that have
snapshots get a time slider: one Plotly animation frame per snapshot.
"""

import base64
import html
import json

import numpy as np
import plotly.graph_objects as go
from django.conf import settings
from django.utils.translation import gettext, ngettext
from plotly.subplots import make_subplots

from trainer import events

# The page's palette (static/js/colors.js reads the same file): one definition of the colours.
PALETTE = json.loads((settings.BASE_DIR / "static" / "js" / "palette.json").read_text(encoding="utf-8"))
ORANGE, MIDDLE, BLUE = PALETTE["orange"], PALETTE["middle"], PALETTE["blue"]
DIVERGING = [[0.0, ORANGE], [0.5, MIDDLE], [1.0, BLUE]]
CLASS_COLORS = PALETTE["classes"]
BAND = 25  # multi-class cells: class * BAND + confidence in [0, BAND - 1], one uint8
MAX_UNITS_SHOWN = 12
MAX_FILTERS_SHOWN = 16
SPARSE = 30  # curves with fewer points get markers
LAYOUT = dict(
    template="none",
    margin=dict(l=48, r=16, t=32, b=40),
    paper_bgcolor="rgba(0,0,0,0)",
    plot_bgcolor="#fff",
    font=dict(family="system-ui, sans-serif", size=12, color="#1f2a37"),
)


def escape(text):
    """User text (a title, a word, a class name) for Plotly, which reads <b>, <a href> and
    entities in names, labels and texts: escaped, it shows as typed."""
    return html.escape(str(text), quote=False)


def grid_bytes(data, size):
    """A frame's base64 uint8 grid -> (size, size) uint8 array, row 0 at the bottom (ymin)."""
    return np.frombuffer(base64.b64decode(data), np.uint8).reshape(size, size)


def dequantize(data, value_range):
    lo, hi = value_range
    return lo + (hi - lo) * np.frombuffer(base64.b64decode(data), np.uint8) / 255


def axis(lo, hi, n):
    """The engine samples grids with linspace(lo, hi, n), edges included."""
    return np.linspace(lo, hi, n)


def _mix(color, t):
    """`color` blended with white: t = 0 white, 1 the colour."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 + (c - 255) * t):02x}" for c in rgb)


def class_colorscale(k):
    """Class c fills z in [c * BAND, (c + 1) * BAND), pale (unsure) to strong (sure)."""
    scale = []
    unsure, sure = PALETTE["class_band"]
    for c in range(k):
        color = CLASS_COLORS[c % len(CLASS_COLORS)]
        scale += [[c / k, _mix(color, unsure)], [(c + 1) / k - (1e-6 if c < k - 1 else 0), _mix(color, sure)]]
    return scale


def _q_limits(value_range, lo, hi):
    """zmin/zmax in uint8 units that paint [lo, hi] for a grid quantized over value_range."""
    a, b = value_range
    scale = 255 / (b - a) if b > a else 1.0
    return (lo - a) * scale, (hi - a) * scale


# --- curves ------------------------------------------------------------------


def _mode(n):
    return "lines+markers" if n < SPARSE else "lines"  # a fast run streams only a few evaluations


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


def curves(history, task, edits=()):
    """(loss figure, accuracy or RMSE figure) from the metrics frames, in order; edits: the
    weights set by hand (the spec's), marked on the loss curve."""
    batch = [p for frame in history for p in frame.get("points") or []]
    at = [f["iteration"] for f in history]
    loss = go.Figure(
        layout=dict(LAYOUT, xaxis_title=gettext("iteration"), yaxis_title=gettext("loss"), hovermode="x unified")
    )
    loss.add_scatter(
        x=[p[0] for p in batch],
        y=[p[1] for p in batch],
        name=gettext("train (batch)"),
        mode="lines",
        line=dict(color=PALETTE["batch"], width=1),
    )
    loss.add_scatter(
        x=at,
        y=[f.get("train_loss") for f in history],
        name=gettext("train"),
        mode=_mode(len(at)),
        line=dict(color=BLUE, width=2),
    )
    loss.add_scatter(
        x=at,
        y=[f.get("test_loss") for f in history],
        name=gettext("test"),
        mode=_mode(len(at)),
        line=dict(color=ORANGE, width=2),
    )
    if edits:
        _mark_edits(loss, history, edits)
    if task == "regression":
        metric = go.Figure(
            layout=dict(LAYOUT, xaxis_title=gettext("iteration"), yaxis_title="RMSE", hovermode="x unified")
        )
        metric.add_scatter(
            x=at,
            y=[f.get("train_rmse") for f in history],
            name=gettext("train RMSE"),
            mode=_mode(len(at)),
            line=dict(color=BLUE, width=2),
        )
        metric.add_scatter(
            x=at,
            y=[f.get("test_rmse") for f in history],
            name=gettext("test RMSE"),
            mode=_mode(len(at)),
            line=dict(color=ORANGE, width=2),
        )
    else:
        metric = go.Figure(
            layout=dict(
                LAYOUT,
                xaxis_title=gettext("iteration"),
                yaxis_title=gettext("accuracy"),
                hovermode="x unified",
                yaxis=dict(range=[0, 1.02]),
            )
        )
        metric.add_scatter(
            x=at,
            y=[f.get("train_accuracy") for f in history],
            name=gettext("train"),
            mode=_mode(len(at)),
            line=dict(color=BLUE, width=2),
        )
        metric.add_scatter(
            x=at,
            y=[f.get("test_accuracy") for f in history],
            name=gettext("test"),
            mode=_mode(len(at)),
            line=dict(color=ORANGE, width=2),
        )
    return loss, metric


# --- the time slider ------------------------------------------------------------


def with_slider(fig, steps, traces):
    """Add one animation frame per (iteration, [trace updates]) and a slider over
    them, starting at the last (the final state, which fig.data already shows)."""
    if len(steps) < 2:
        return fig
    fig.frames = [go.Frame(name=str(it), data=data, traces=traces) for it, data in steps]
    fig.update_layout(
        sliders=[
            dict(
                active=len(steps) - 1,
                currentvalue=dict(prefix="iteration "),
                pad=dict(t=36),
                len=1.0,
                steps=[
                    dict(
                        label=str(it),
                        method="animate",
                        args=[
                            [str(it)],
                            dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0)),
                        ],
                    )
                    for it, _ in steps
                ],
            )
        ]
    )
    return fig


def snapshot_steps(snapshots, final, final_iteration, kind):
    """[(iteration, frame)] for the slider: the stored snapshots that hold `kind`,
    then the final frame (if later than the last snapshot)."""
    steps = [(s["iteration"], s["frames"][kind]) for s in snapshots if kind in s["frames"]]
    if final is not None and (not steps or final_iteration > steps[-1][0]):
        steps.append((final_iteration, final))
    return steps


# --- 2-D points -------------------------------------------------------------------


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


def _square_cells(fig):
    """Hide the axes of a grid of thumbnails and keep each one square (y of cell i tied to x of cell i)."""
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, constrain="domain")
    for trace in fig.data:
        fig.layout[trace.yaxis.replace("y", "yaxis")].scaleanchor = trace.xaxis


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


# --- images and text --------------------------------------------------------------


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


# --- gradients and distributions --------------------------------------------------

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


# --- the experiment page ----------------------------------------------------------


def for_run(*, history, probes, snapshots, final_iteration, task, points=None, class_names=(), edits=()):
    """{name: Figure} for whatever this run's model produced, in page order: the curves, then
    the pictures this page draws (trainer.events.PROBES), each whose final frame has content."""

    def class_name(c):
        return class_names[c] if c < len(class_names) else str(c)

    draw = {  # kind -> (the field its final frame must fill, if any; its figure)
        "boundary": (None, lambda f: boundary(f, snapshots, final_iteration, points, task)),
        "neurons": ("layers", neurons),
        "filters": ("layers", lambda f: filters(f, snapshots, final_iteration)),
        "feature_maps": ("layers", lambda f: feature_maps(f, snapshots, final_iteration, class_name)),
        "confusion": (None, confusion),
        "embedding": (None, lambda f: embedding(f, snapshots, final_iteration)),
        "hidden_states": ("states", lambda f: hidden_states(f, snapshots, final_iteration, class_name)),
        "gradients": ("layers", lambda f: gradients(f, snapshots, final_iteration)),
    }
    figs = dict(zip(("loss", "accuracy"), curves(history, task, edits)))
    for kind, kept in events.PROBES.items():
        if kept == events.LIVE or kind not in probes:
            continue
        needs, figure = draw[kind]
        if needs is None or probes[kind].get(needs):
            figs[kind] = figure(probes[kind])
    return figs


# --- compare -------------------------------------------------------------------------


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
