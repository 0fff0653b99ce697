"""The real review sets in trainer/data/ (see its README for sources and credits).

Each is a gzipped CSV text,label[,source] with labels negative / positive.
The file's SHA-256 goes with the texts: it keys trainer.tokencache, so a new
version of a file is tokenized anew.
"""

import csv
import functools
import gzip
import hashlib
import io
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"
FILES = {"nsmc": "nsmc-30k.csv.gz", "sentiment_en": "sentiment-en-3k.csv.gz"}
CLASSES = ("negative", "positive")


@functools.cache
def load(name: str) -> tuple[tuple[str, ...], np.ndarray, str]:
    """name -> (texts as a tuple, labels as int32 0/1, the file's SHA-256)."""
    raw = (DATA / FILES[name]).read_bytes()
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8"))))
    labels = np.array([CLASSES.index(row["label"]) for row in rows], np.int32)
    labels.flags.writeable = False  # shared by every caller
    return tuple(row["text"] for row in rows), labels, hashlib.sha256(raw).hexdigest()
