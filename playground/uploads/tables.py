"""2-D points (x1,x2,label) and tabular CSVs (numeric features and a label column)."""

import numpy as np

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
        raise UploadError(f"only {n} rows of data; at least {lim['min_rows']} are needed to train and test")


def _missing_header_hint(header, expected):
    if any(csvfile.looks_numeric(f) for f in header):
        return (f"line 1: the first line should be the header {expected}, but it looks like data "
                f"('{','.join(header)[:60]}'); add the header line")
    return None


def points(data, options, lim, progress=None):
    """x1,x2,label -> Processed with x (n, 2) float32 on the playground's plane.
    Points outside [-6, 6]² are mapped onto [-5, 5] axis by axis (the scaling is kept)."""
    expected = ",".join(POINTS_COLUMNS)
    table = csvfile.read(data, expected, lim["max_rows"])
    missing = [c for c in POINTS_COLUMNS if c not in table.header]
    if missing:
        raise UploadError(_missing_header_hint(table.header, expected) or
                          f"line 1: no column '{missing[0]}'; the header must be {expected} (it is "
                          f"'{','.join(table.header)[:80]}')")
    extra = [c for c in table.header if c not in POINTS_COLUMNS]
    if extra:
        raise UploadError(f"line 1: unexpected column '{extra[0]}'; a 2-D points file has exactly the columns {expected}")
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
        raise UploadError(_missing_header_hint(table.header, f"feature1,...,{label}") or
                          f"line 1: no column named '{label}' (the label column chosen on upload); the columns are: "
                          f"{', '.join(table.header)[:200]}")
    features = [c for c in table.header if c != label]
    if not features:
        raise UploadError(f"line 1: only the label column '{label}'; add at least one numeric feature column")
    if len(features) > lim["max_columns"]:
        raise UploadError(f"line 1: {len(features)} feature columns, more than {lim['max_columns']} (the limit)")
    raw = np.stack([csvfile.numbers(table, c) for c in features], axis=1)
    y, task, names = _target(table, label, options, lim)
    _enough(len(y), lim)
    mean, std = raw.mean(axis=0), raw.std(axis=0)
    constant = [c for c, s in zip(features, std) if s == 0]
    std = np.where(std > 0, std, 1.0)
    meta = {
        "encoding": table.encoding, "columns": features, "label_column": label, "constant_columns": constant,
        "standardization": {"mean": mean.tolist(), "std": std.tolist()},
    }
    return Processed(((raw - mean) / std).astype(np.float32), y, task, names, meta)
