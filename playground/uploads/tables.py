"""2-D points (x1,x2,label) and tabular CSVs (numeric features and a label column)."""

import numpy as np
from django.utils.translation import gettext as _

from playground.uploads import csvfile
from playground.uploads.limits import UploadError
from playground.uploads.processed import Processed, task_for

PLANE = 6.0  # the playground's plane is [-6, 6]²: its boundary picture covers exactly that
POINTS_COLUMNS = ("x1", "x2", "label")


def _target(table, name, options, lim):
    if options.get("target") == "regression":
        return csvfile.numbers(table, name).astype(np.float32), "regression", []
    y, names = csvfile.labels(table, name, lim["max_classes"])
    return y, task_for(names), names


def _enough(n, lim):
    if n < lim["min_rows"]:
        raise UploadError(
            _("only %(count)s rows of data; at least %(minimum)s are needed to train and test")
            % {"count": n, "minimum": lim["min_rows"]}
        )


def _missing_header_hint(header, expected):
    if any(csvfile.looks_numeric(f) for f in header):
        return _(
            "line 1: the first line should be the header %(expected)s, but it looks like data "
            "('%(data)s'); add the header line"
        ) % {"expected": expected, "data": ",".join(header)[:60]}
    return None


def points(data, options, lim, progress=None):
    """x1,x2,label -> Processed with x (n, 2) float32 on the playground's plane.
    Points outside [-6, 6]² are mapped onto [-5, 5] axis by axis (the scaling is kept)."""
    expected = ",".join(POINTS_COLUMNS)
    table = csvfile.read(data, expected, lim["max_rows"])
    missing = [c for c in POINTS_COLUMNS if c not in table.header]
    if missing:
        raise UploadError(
            _missing_header_hint(table.header, expected)
            or _("line 1: no column '%(column)s'; the header must be %(expected)s (it is '%(header)s')")
            % {"column": missing[0], "expected": expected, "header": ",".join(table.header)[:80]}
        )
    extra = [c for c in table.header if c not in POINTS_COLUMNS]
    if extra:
        raise UploadError(
            _("line 1: unexpected column '%(column)s'; a 2-D points file has exactly the columns %(expected)s")
            % {"column": extra[0], "expected": expected}
        )
    xy = np.stack([csvfile.numbers(table, "x1"), csvfile.numbers(table, "x2")], axis=1)
    y, task, names = _target(table, "label", options, lim)
    _enough(len(y), lim)
    scaling = None
    if np.abs(xy).max() > PLANE:
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        xy = (xy - lo) / span * 10.0 - 5.0
        scaling = {"x1": [float(lo[0]), float(hi[0])], "x2": [float(lo[1]), float(hi[1])]}
    meta = {"encoding": table.encoding, "scaling": scaling, "columns": ["x1", "x2"], "label_column": "label"}
    return Processed(xy.astype(np.float32), y, task, names, meta)


def tabular(data, options, lim, progress=None):
    """Numeric feature columns + the chosen label column -> Processed with x (n, k)
    standardized (mean 0, std 1 per column; the statistics are kept)."""
    label = (options.get("label_column") or "label").strip().lower()
    table = csvfile.read(data, f"feature1,feature2,...,{label}", lim["max_rows"])
    if label not in table.header:
        raise UploadError(
            _missing_header_hint(table.header, f"feature1,...,{label}")
            or _(
                "line 1: no column named '%(label)s' (the label column chosen on upload); the columns are: %(columns)s"
            )
            % {"label": label, "columns": ", ".join(table.header)[:200]}
        )
    features = [c for c in table.header if c != label]
    if not features:
        raise UploadError(
            _("line 1: only the label column '%(label)s'; add at least one numeric feature column") % {"label": label}
        )
    if len(features) > lim["max_columns"]:
        raise UploadError(
            _("line 1: %(count)s feature columns, more than %(limit)s (the limit)")
            % {"count": len(features), "limit": lim["max_columns"]}
        )
    raw = np.stack([csvfile.numbers(table, c) for c in features], axis=1)
    y, task, names = _target(table, label, options, lim)
    _enough(len(y), lim)
    mean, std = raw.mean(axis=0), raw.std(axis=0)
    constant = [c for c, s in zip(features, std) if s == 0]
    std = np.where(std > 0, std, 1.0)
    meta = {
        "encoding": table.encoding,
        "columns": features,
        "label_column": label,
        "constant_columns": constant,
        "standardization": {"mean": mean.tolist(), "std": std.tolist()},
    }
    return Processed(((raw - mean) / std).astype(np.float32), y, task, names, meta)
