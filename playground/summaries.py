"""Readable tables of a stored spec and its results, for the experiment and compare pages.

Pure functions over the spec dict (trainer.spec's JSON form) and the final
metrics; trainer.spec parses and describes (shapes, parameter counts), no JAX.
"""

from django.utils.translation import gettext, gettext_noop, ngettext

from playground.uploads import selectors as dataset_selectors
from trainer import spec as specs

LAYER_KEYS_SKIPPED = {"type", "kernel_initializer", "bias_initializer", "input_dim"}
METRICS = (  # (key in final_metrics, label (translated where shown), format)
    ("test_loss", gettext_noop("test loss"), "{:.4f}"),
    ("train_loss", gettext_noop("train loss"), "{:.4f}"),
    ("test_accuracy", gettext_noop("test accuracy"), "{:.1%}"),
    ("train_accuracy", gettext_noop("train accuracy"), "{:.1%}"),
    ("test_rmse", gettext_noop("test RMSE"), "{:.4f}"),
    ("test_r2", gettext_noop("test R²"), "{:.3f}"),
    ("epochs", gettext_noop("epochs trained"), "{:,}"),
    ("steps", gettext_noop("iterations"), "{:,}"),
    ("steps_per_second", gettext_noop("steps / s"), "{:,.0f}"),
)


def parsed(spec_dict):
    """The Spec, or None where it no longer parses (an uploaded dataset since deleted, ...)."""
    try:
        return specs.parse(spec_dict, uploads=dataset_selectors.dataset_infos())
    except (specs.SpecError, TypeError, ValueError, KeyError):
        return None


def layer_details(layer):
    """{"units": 4, "activation": "tanh", ...} -> "4 units · tanh"-like words."""
    parts = []
    for key, value in layer.items():
        if key in LAYER_KEYS_SKIPPED or value is None:
            continue
        if key == "units":
            parts.append(ngettext("%(n)s unit", "%(n)s units", value) % {"n": value})
        elif key == "filters":
            parts.append(ngettext("%(n)s filter", "%(n)s filters", value) % {"n": value})
        elif key == "kernel_size":
            parts.append(gettext("%(n)s×%(n)s kernel") % {"n": value})
        elif key == "pool_size":
            parts.append(gettext("%(n)s×%(n)s pool") % {"n": value})
        elif key == "activation":
            parts.append(str(value))
        else:
            parts.append(f"{key.replace('_', ' ')} {value}")
    return " · ".join(parts)


def layer_table(spec_dict):
    """[{"index", "type", "details", "output_shape", "params"}] and the total parameter count."""
    spec = parsed(spec_dict)
    described = specs.describe(spec)["layers"] if spec else [{} for _ in spec_dict.get("layers", [])]
    rows = []
    for i, (layer, info) in enumerate(zip(spec_dict.get("layers", []), described)):
        shape = info.get("output_shape")
        rows.append(
            {
                "index": i + 1,
                "type": layer.get("type", "?"),
                "details": layer_details(layer),
                "output_shape": " × ".join(map(str, shape)) if shape else "–",
                "params": info.get("params"),
            }
        )
    total = sum(r["params"] or 0 for r in rows) if spec else None
    return rows, total


def stack(spec_dict):
    """The layer stack in one line: "dense 4 tanh → dense 1 sigmoid"."""
    words = []
    for layer in spec_dict.get("layers", []):
        size = layer.get("units") or layer.get("filters") or layer.get("output_dim") or layer.get("pool_size") or ""
        words.append(" ".join(str(w) for w in (layer.get("type"), size, layer.get("activation") or "") if w != ""))
    return " → ".join(words)


def dataset_words(spec_dict):
    ds = spec_dict.get("dataset", {})
    extra = [f"{k.replace('_', ' ')} {v}" for k, v in ds.items() if k != "name" and v is not None]
    return f"{ds.get('name', '?')} ({', '.join(extra)})" if extra else ds.get("name", "?")


def metrics_rows(final):
    """[(label, formatted value)] for the final metrics that exist."""
    rows = []
    for key, label, fmt in METRICS:
        value = (final or {}).get(key)
        if value is not None:
            rows.append((gettext(label), fmt.format(value)))
    return rows


def hyperparameters(spec_dict):
    """{label: value as text}: what the compare table lines up."""
    opt = spec_dict.get("optimizer", {})
    reg = spec_dict.get("regularization", {})
    stop = spec_dict.get("stop", {})
    row = {
        gettext("dataset"): dataset_words(spec_dict),
        gettext("features"): ", ".join(spec_dict.get("features", [])) or "–",
        gettext("layers"): stack(spec_dict),
        gettext("parameters"): f"{layer_table(spec_dict)[1] or 0:,}",
        gettext("loss"): spec_dict.get("loss", "?"),
        gettext("optimizer"): opt.get("name", "?"),
        gettext("learning rate"): f"{opt.get('learning_rate', '?')}",
        gettext("optimizer options"): ", ".join(
            f"{k} {v}" for k, v in opt.items() if k not in ("name", "learning_rate")
        )
        or "–",
        gettext("regularization"): "none" if reg.get("type", "none") == "none" else f"{reg['type']} {reg.get('rate')}",
        gettext("batch size"): str(spec_dict.get("batch_size", "?")),
        gettext("epochs"): str(spec_dict.get("epochs", "?")),
        gettext("seed"): str(spec_dict.get("seed", "?")),
        gettext("stop rules"): ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in stop.items()) or "–",
    }
    return row


def compare_table(columns):
    """columns: [(title, spec_dict, final_metrics)] -> {"titles", "rows": [{"label",
    "cells", "differs"}]}: hyper-parameters, then results; differs marks a row
    whose cells are not all equal."""
    specs_rows = [hyperparameters(spec) for _, spec, _ in columns]
    results = [dict(metrics_rows(final)) for _, _, final in columns]
    rows = []
    for label in specs_rows[0] if specs_rows else []:
        cells = [r[label] for r in specs_rows]
        rows.append({"label": label, "cells": cells, "differs": len(set(cells)) > 1, "result": False})
    for _key, label, _ in METRICS[:6]:
        label = gettext(label)  # as metrics_rows gives it
        cells = [r.get(label, "–") for r in results]
        if any(c != "–" for c in cells):
            rows.append({"label": label, "cells": cells, "differs": len(set(cells)) > 1, "result": True})
    return {"titles": [title for title, _, _ in columns], "rows": rows}
