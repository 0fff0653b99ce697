"""What the dataset pages and the picker's preview show, built-in or uploaded alike.

Every function returns plain JSON-ready data; the page's JS draws it
(static/js/datasets/page.js).
"""

import base64
import functools

import numpy as np

from playground.uploads import selectors, store, textsets
from trainer import datasets
from trainer import spec as specs

PREVIEW_POINTS = 1000  # per split, for the picker and the scatter
IMAGE_COUNT = 24
HISTOGRAM_FEATURES, BINS = 12, 20


def _subsample(x, y, n):
    if len(x) <= n:
        return x, y
    keep = np.sort(np.random.default_rng(0).choice(len(x), n, replace=False))
    return x[keep], y[keep]


def _points_payload(split):
    parts = {}
    for part, x, y in (("train", split.x_train, split.y_train), ("test", split.x_test, split.y_test)):
        x, y = _subsample(x, y, PREVIEW_POINTS)
        parts[part] = {
            "x": np.round(x, 4).tolist(),
            "y": np.round(y, 4).tolist() if y.dtype.kind == "f" else y.tolist(),
        }
    return {**parts, "extent": list(datasets.EXTENT)}


def points(dataset, levels=False):
    """POST /api/datasets/preview/ for any DatasetSpec: trainer.datasets.points for the
    built-in sets, the stored arrays (split as a run splits them) for an uploaded one."""
    if dataset.info.builtin:
        return datasets.points(dataset, levels=levels)
    row = selectors.dataset_get(dataset.name)
    n_train, n_test = datasets.split_sizes(dataset.info.default_samples, dataset.test_fraction)
    if dataset.info.kind == "images":  # trainer.datasets.points' form: the first training pictures
        arrays = store.load(row.arrays, ("x", "y"))
        split = datasets.split_arrays(arrays["x"], arrays["y"], dataset.test_fraction, dataset.seed)
        return {
            "kind": "images",
            "shape": list(split.x_train.shape[1:]),
            "class_names": list(dataset.info.class_names),
            "images": _images_b64(split.x_train[:IMAGE_COUNT]),
            "labels": split.y_train[:IMAGE_COUNT].tolist(),
            "n_train": n_train,
            "n_test": n_test,
        }
    if dataset.info.kind == "text":  # trainer.datasets.text_preview's form
        preview = _text_preview(store.load(row.arrays, ("vocab", "vocab_counts")), row.metadata)
        return {**preview, "class_names": list(dataset.info.class_names), "n_train": n_train, "n_test": n_test}
    if dataset.info.kind != "points":
        return {"kind": dataset.info.kind, "n_train": n_train, "n_test": n_test}
    x, y, _ = store.training_arrays(row.arrays)
    return _points_payload(datasets.split_arrays(x, y, dataset.test_fraction, dataset.seed))


def _images_b64(x):
    """(n, h, w, c) floats in [0, 1] -> base64 uint8 strings, as trainer.datasets.points sends them."""
    return [base64.b64encode((img * 255).round().astype(np.uint8).tobytes()).decode("ascii") for img in x]


def _classes(names, counts):
    return [{"name": str(n), "count": int(c)} for n, c in zip(names, counts)]


def example_spec(info):
    """A small spec that trains this dataset: what the page shows and the tests run."""
    task, classes = info.task, info.classes or 1
    out = (
        {"type": "dense", "units": classes, "activation": "softmax"}
        if task == "multiclass"
        else {"type": "dense", "units": 1, "activation": "linear" if task == "regression" else "sigmoid"}
    )
    loss = {"multiclass": "categorical_crossentropy", "regression": "mse"}.get(task, "binary_crossentropy")
    hidden = {
        "points": [{"type": "dense", "units": 8, "activation": "tanh"}],
        "tabular": [{"type": "dense", "units": 16, "activation": "relu"}],
        "images": [
            {"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": "same", "activation": "relu"},
            {"type": "maxpool2d", "pool_size": 2},
            {"type": "flatten"},
        ],
        "text": [{"type": "embedding", "output_dim": 16}, {"type": "gru", "units": 16}],
    }[info.kind]
    dataset = {"name": info.name, "test_fraction": datasets.UPLOAD_TEST_FRACTION if not info.builtin else 0.5}
    return {
        "version": 1,
        "dataset": dataset,
        "layers": [*hidden, out],
        "loss": loss,
        "optimizer": {"name": "adam", "learning_rate": 0.01},
        "batch_size": 32,
        "epochs": 20,
        "seed": 0,
    }


# --- built-in sets --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def builtin_page(name):
    """The page data of a built-in set at its default settings (deterministic, so cached)."""
    info = datasets.BUILTIN[name]
    ds = specs.parse_dataset({"name": name})
    page = {"test_fraction": ds.test_fraction, "samples": ds.samples}
    if info.kind == "text":
        preview = datasets.text_preview(ds, levels=True)
        split = datasets.text_split(ds)[0]
        y = np.concatenate([split.y_train, split.y_test])
        page.update(
            preview={
                "kind": "text",
                "samples": preview["samples"],
                "vocab": preview["vocab"][:100],
                "vocab_size": preview["vocab_size"],
                "lengths": preview["lengths"],
                "length": preview["length"],
                "levels": preview["levels"],
            },
            n_train=len(split.y_train),
            n_test=len(split.y_test),
        )
    else:
        split = datasets.generate(ds)
        y = np.concatenate([split.y_train, split.y_test])
        page.update(n_train=len(split.y_train), n_test=len(split.y_test))
        if info.kind == "images":
            shown = split.x_train[:IMAGE_COUNT]
            page["preview"] = {
                "kind": "images",
                "shape": list(shown.shape[1:]),
                "after": _images_b64(shown),
                "labels": split.y_train[:IMAGE_COUNT].tolist(),
                "before": [],
            }
        else:
            page["preview"] = {"kind": "points", **_points_payload(split)}
    if info.task == "regression":
        page["targets"] = np.histogram(y, bins=BINS)[0].tolist(), np.histogram(y, bins=BINS)[1].round(3).tolist()
        page["classes"] = []
    else:
        names = info.class_names or [str(i) for i in range(info.classes)]
        page["classes"] = _classes(names, np.bincount(y, minlength=len(names)))
    page["spec"] = example_spec(info)
    return page


# --- uploaded sets --------------------------------------------------------------------------------


def _tabular_preview(x, meta):
    std, mean = np.asarray(meta["standardization"]["std"]), np.asarray(meta["standardization"]["mean"])
    raw = x * std + mean
    histograms = []
    for i, column in enumerate(meta["columns"][:HISTOGRAM_FEATURES]):
        counts, edges = np.histogram(raw[:, i], bins=BINS)
        histograms.append(
            {
                "column": column,
                "counts": counts.tolist(),
                "edges": np.round(edges, 4).tolist(),
                "mean": round(float(mean[i]), 4),
                "std": round(float(std[i]), 4),
            }
        )
    return {"kind": "tabular", "histograms": histograms, "more": max(0, len(meta["columns"]) - HISTOGRAM_FEATURES)}


def _images_preview(arrays):
    index = arrays["preview_index"] if "preview_index" in arrays else np.arange(min(IMAGE_COUNT, len(arrays["x"])))
    after = arrays["x"][index]
    return {
        "kind": "images",
        "shape": list(after.shape[1:]),
        "after": _images_b64(after),
        "before": arrays["preview_before"].tolist() if "preview_before" in arrays else [],
        "labels": arrays["y"][index].tolist(),
    }


def _text_preview(arrays, meta):
    vocab, counts = arrays["vocab"].tolist(), arrays["vocab_counts"].tolist()
    pipeline = textsets.pipeline_of(meta, vocab, counts)
    examples = meta.get("examples", [])
    samples = [dict(pipeline.explain(s["text"]), label=s["label"]) for s in examples]
    level = {**pipeline.level(""), "sentences": [pipeline.marked(s["text"]) for s in examples]}  # its one stored level
    return {
        "kind": "text",
        "samples": samples,
        "vocab": [[w, c] for w, c in zip(vocab, counts)][:100],
        "vocab_size": len(vocab),
        "lengths": meta.get("lengths", []),
        "length": meta["length"],
        "levels": [level],
    }


def upload_page(row):
    """The page data of a ready uploaded set, from its stored arrays."""
    meta, info = row.metadata, selectors.dataset_info(row)
    keys = ("x", "y", "vocab", "vocab_counts", "preview_index", "preview_before")
    arrays = store.load(row.arrays, keys)
    fraction = datasets.UPLOAD_TEST_FRACTION
    n_train, n_test = datasets.split_sizes(len(arrays["y"]), fraction)
    page = {"test_fraction": fraction, "samples": len(arrays["y"]), "n_train": n_train, "n_test": n_test}
    if row.kind == "points":
        split = datasets.split_arrays(arrays["x"], arrays["y"], fraction, 0)
        page["preview"] = {"kind": "points", **_points_payload(split)}
    elif row.kind == "tabular":
        page["preview"] = _tabular_preview(arrays["x"], meta)
    elif row.kind == "images":
        page["preview"] = _images_preview(arrays)
    else:
        page["preview"] = _text_preview(arrays, meta)
    if row.task == "regression":
        counts, edges = np.histogram(arrays["y"], bins=BINS)
        page["targets"], page["classes"] = (counts.tolist(), np.round(edges, 3).tolist()), []
    else:
        page["classes"] = _classes(meta["class_names"], meta["class_counts"])
    page["spec"] = example_spec(info)
    return page
