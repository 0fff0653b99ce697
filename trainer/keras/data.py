"""A small data API for scripts, after tf.data and pandas, NumPy only.

    Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=0).batch(32)

is an in-memory dataset that iterates like tf.data's and that
`Sequential.fit` accepts: fit then trains on its arrays with its batch size,
shuffling each epoch the way the engine does (from the seed) if `shuffle` was
called, in order if not. (Iterating a dataset yourself shuffles with NumPy:
the batches you look at are not the engine's.) `read_csv` loads a table with a label column, the
way a course would with pandas (`x = df.drop(columns="label").values`), with
or without pandas installed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np


class Dataset:
    """Arrays sliced along their first axis; immutable (each method returns a new one).

    tensors: a tuple of arrays of the same length n (features, labels)
    single: built from one array, so an element is an array, not a 1-tuple
    batch_size: None (one sample per element) or the size of each batch
    shuffled, seed: whether `shuffle` was called, and its seed
    """

    def __init__(
        self,
        tensors: tuple[np.ndarray, ...],
        single: bool = False,
        batch_size: int | None = None,
        drop_remainder: bool = False,
        shuffled: bool = False,
        seed: int | None = None,
    ) -> None:
        self.tensors, self.single, self.batch_size, self.drop_remainder = tensors, single, batch_size, drop_remainder
        self.shuffled, self.seed = shuffled, seed
        self._rng = np.random.default_rng(seed)

    @classmethod
    def from_tensor_slices(cls, tensors: object) -> Dataset:
        """An array, or a tuple (features, labels) of arrays (or pandas objects) of one length."""
        single = not isinstance(tensors, tuple)  # as in tf.data, a list is one tensor
        arrays = (np.asarray(tensors),) if single else tuple(np.asarray(t) for t in tensors)
        if any(a.ndim == 0 for a in arrays):
            raise ValueError("Dataset.from_tensor_slices needs arrays with a first axis to slice along, not scalars")
        lengths = {len(a) for a in arrays}
        if len(lengths) != 1:
            raise ValueError(
                f"Dataset.from_tensor_slices needs tensors of one length; got lengths {[len(a) for a in arrays]}"
            )
        return cls(arrays, single)

    def _with(self, **changes):
        d = {
            "batch_size": self.batch_size,
            "drop_remainder": self.drop_remainder,
            "shuffled": self.shuffled,
            "seed": self.seed,
            **changes,
        }
        return Dataset(self.tensors, self.single, **d)

    def shuffle(self, buffer_size: int, seed: int | None = None, reshuffle_each_iteration: bool = True) -> Dataset:
        """Shuffle every epoch. The whole set is shuffled whatever buffer_size
        is (as a buffer of at least its length would in tf.data)."""
        if isinstance(buffer_size, bool) or not isinstance(buffer_size, (int, np.integer)) or buffer_size < 1:
            raise ValueError(f"shuffle needs a positive buffer_size. Received: buffer_size={buffer_size!r}")
        if not reshuffle_each_iteration:
            raise ValueError(
                "reshuffle_each_iteration=False is not supported: the engine draws a new order every epoch"
            )
        return self._with(shuffled=True, seed=seed)

    def batch(self, batch_size: int, drop_remainder: bool = False) -> Dataset:
        if self.batch_size is not None:
            raise ValueError("This dataset is already batched; call .batch() once")
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"batch needs a positive batch_size. Received: batch_size={batch_size!r}")
        return self._with(batch_size=int(batch_size), drop_remainder=bool(drop_remainder))

    @property
    def n(self) -> int:
        return len(self.tensors[0])

    def arrays(self) -> tuple[np.ndarray, ...]:
        """The arrays fit trains on: all samples, in order (the last partial
        batch dropped with drop_remainder)."""
        keep = self.n - self.n % self.batch_size if self.batch_size and self.drop_remainder else self.n
        return tuple(a[:keep] for a in self.tensors)

    def __len__(self):
        """The number of elements: batches once batched (tf.data's cardinality)."""
        if self.batch_size is None:
            return self.n
        n = len(self.arrays()[0])
        return -(-n // self.batch_size)

    def __iter__(self):
        arrays = self.arrays()
        order = self._rng.permutation(len(arrays[0])) if self.shuffled else np.arange(len(arrays[0]))
        step = self.batch_size or 1
        for start in range(0, len(order), step):
            idx = order[start : start + step] if self.batch_size else order[start]
            parts = tuple(a[idx] for a in arrays)
            yield parts[0] if self.single else parts

    def as_numpy_iterator(self) -> Iterator:
        return iter(self)

    def take(self, count: int) -> list:
        """The first `count` elements as a list."""
        out = []
        for element in self:
            if len(out) >= count:
                break
            out.append(element)
        return out

    def __repr__(self):
        shapes = ", ".join(f"{a.dtype}{list(a.shape[1:])}" for a in self.tensors)
        return f"<Dataset n={self.n} elements=({shapes}) batch_size={self.batch_size} shuffled={self.shuffled}>"


# --- CSV ------------------------------------------------------------------------


@dataclass
class Table:
    """A labelled table: x (n, features) float32; y (n,) int32 class indices
    (classification) or float32 values (regression). Unpacks as `x, y = table`."""

    x: np.ndarray
    y: np.ndarray
    feature_names: list
    class_names: list | None  # the label values in index order; None for a regression

    def __iter__(self):
        return iter((self.x, self.y))


def read_csv(
    source: object,
    label: str | int = "label",
    features: list | None = None,
    classification: bool | None = None,
    max_rows: int = 1_000_000,
) -> Table:
    """A CSV file (a path, an open text file, or a pandas DataFrame) -> Table.

    label: the label column's name (or index; -1 is the last column).
    features: the feature columns to keep (default: every other column);
        they must hold numbers.
    classification: None decides from the labels: text or whole numbers are
        classes (sorted, so 0/1 labels stay 0/1), fractions are a regression.
    """
    header, rows = _read_table(source, max_rows)
    if not header:
        raise ValueError("The CSV file is empty: it needs a header row with column names")
    label_col = _column(header, label, "label")
    feature_cols = (
        [_column(header, f, "features") for f in features]
        if features is not None
        else [i for i in range(len(header)) if i != label_col]
    )
    if label_col in feature_cols:
        raise ValueError(f"Column {header[label_col]!r} is the label; leave it out of features")
    if not rows:
        raise ValueError("The CSV file has a header but no rows")
    x = np.empty((len(rows), len(feature_cols)), np.float32)
    for r, row in enumerate(rows):
        if len(row) != len(header):
            raise ValueError(f"Row {r + 1} has {len(row)} fields but the header has {len(header)}")
        for j, c in enumerate(feature_cols):
            x[r, j] = _float(row[c], header[c], r + 1)
    labels = [str(row[label_col]).strip() for row in rows]
    y, class_names = _labels(labels, header[label_col], classification)
    return Table(x, y, [header[c] for c in feature_cols], class_names)


def _read_table(source, max_rows):
    """(header, rows) of strings (or raw values, from a DataFrame)."""
    if hasattr(source, "columns") and hasattr(source, "to_numpy"):  # a pandas DataFrame
        return [str(c) for c in source.columns], [list(r) for r in source.to_numpy()[:max_rows]]
    if isinstance(source, io.IOBase) or hasattr(source, "read"):
        return _csv_rows(source, max_rows)
    with open(source, newline="", encoding="utf-8-sig") as f:
        return _csv_rows(f, max_rows)


def _csv_rows(f, max_rows):
    reader = csv.reader(f)
    header = next(reader, [])
    rows = []
    for row in reader:
        if not row or all(not v.strip() for v in row):
            continue
        if len(rows) >= max_rows:
            raise ValueError(f"The CSV file has more than {max_rows:,} rows; pass max_rows to read more")
        rows.append(row)
    return [h.strip() for h in header], rows


def _column(header, key, what):
    if isinstance(key, int) and not isinstance(key, bool):
        if -len(header) <= key < len(header):
            return key % len(header)
        raise ValueError(f"{what}: column index {key} is out of range; the file has {len(header)} columns")
    if key not in header:
        raise ValueError(f"{what}: there is no column {key!r}; the columns are {', '.join(header)}")
    return header.index(key)


def _float(value, column, row):
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        value = float(value)
    else:
        text = str(value).strip()
        try:
            value = float(text)
        except ValueError:
            raise ValueError(
                f"Column {column!r}, row {row}: {text!r} is not a number; encode categories as numbers "
                "or leave the column out with features=[...]"
            ) from None
    if not np.isfinite(value):
        raise ValueError(f"Column {column!r}, row {row}: a missing or infinite value; fill or drop it first")
    return value


def _labels(labels, column, classification):
    try:
        values = np.array([float(v) for v in labels])
        numeric = bool(np.isfinite(values).all())
    except ValueError:
        numeric = False
    whole = numeric and bool(np.all(values == np.round(values)))
    if classification is None:
        classification = not numeric or whole
    if not classification:
        if not numeric:
            raise ValueError(f"Label column {column!r} holds text, so it cannot be a regression target")
        return values.astype(np.float32), None
    if numeric and whole:
        classes = sorted(set(values.astype(np.int64).tolist()))
        names = [str(c) for c in classes]
        index = {c: i for i, c in enumerate(classes)}
        return np.array([index[int(v)] for v in values], np.int32), names
    names = sorted(set(labels))
    index = {c: i for i, c in enumerate(names)}
    return np.array([index[v] for v in labels], np.int32), names
