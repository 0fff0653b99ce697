"""Processed arrays in storage: one .npz per dataset version (np.savez, loaded with allow_pickle=False).

Images are kept as uint8 (a quarter of float32's size) and come back as float32
in [0, 1]; the vocabulary of a text set is a string array. Workers load these
and never parse the upload again.
"""

import io

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

ARRAYS_DIR = "datasets/arrays"


def save(slug, processed):
    """Write x, y and the extra arrays; returns the storage name."""
    x = processed.x
    if x.ndim == 4:  # pictures in [0, 1]
        x = np.round(x * 255).astype(np.uint8)
    buf = io.BytesIO()
    np.savez(buf, x=x, y=processed.y, **processed.extra)
    return default_storage.save(f"{ARRAYS_DIR}/{slug}.npz", ContentFile(buf.getvalue()))


def load(name, keys=("x", "y", "vocab")):
    """{key: array} for the keys present (only those are read)."""
    with default_storage.open(name, "rb") as f, np.load(f, allow_pickle=False) as npz:
        out = {key: npz[key] for key in keys if key in npz.files}
    if "x" in out and out["x"].dtype == np.uint8:
        out["x"] = out["x"].astype(np.float32) / 255.0
    return out


def training_arrays(name):
    """(x, y, vocabulary tuple or None): what trainer.loop.run needs, via datasets.split_arrays."""
    arrays = load(name)
    vocab = tuple(arrays["vocab"].tolist()) if "vocab" in arrays else None
    return arrays["x"], arrays["y"], vocab


def delete(name):
    if name and default_storage.exists(name):
        default_storage.delete(name)
