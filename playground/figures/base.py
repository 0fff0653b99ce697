"""What every figure shares: the palette, the layout, grid decoding, escaping user text, the time slider.

Grids arrive as base64 uint8 (trainer/events.py) and stay uint8 (plotly ships numpy arrays as
typed arrays), with each trace's zmin/zmax chosen so the colours match the playground's (both
read static/js/palette.json). Figures that have snapshots get a time slider: one Plotly
animation frame per snapshot.
"""

import base64
import html
import json

import numpy as np
import plotly.graph_objects as go
from django.conf import settings

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


def _mode(n):
    return "lines+markers" if n < SPARSE else "lines"  # a fast run streams only a few evaluations


def _square_cells(fig):
    """Hide the axes of a grid of thumbnails and keep each one square (y of cell i tied to x of cell i)."""
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, constrain="domain")
    for trace in fig.data:
        fig.layout[trace.yaxis.replace("y", "yaxis")].scaleanchor = trace.xaxis


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
