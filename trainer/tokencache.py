"""Token lists kept on disk, so 30,000 reviews go through Kiwi once per dataset version.

Only the morpheme level is cached (words and characters are a regex away).
A cache file holds the rows tokenized so far for one key (dataset name, the
texts' SHA-256, the pipeline options that change tokens, Kiwi's version);
rows asked for that are missing are tokenized and added. The folder is
$TRAINER_TOKEN_CACHE, by default ~/.cache/nn-playground/tokens (like the
JAX cache in trainer.loop, set per process: the engine knows no settings module).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from trainer import morphemes, text

_memo = {}  # key -> {row: tokens}, this process's copy of the files
_lock = threading.Lock()
VERSION = 1  # of trainer.text's tokenizers: a change to what they return must bump it
tokenized = {"rows": 0}  # rows sent to the tokenizer in this process (the tests check the cache spares it)


def folder() -> Path:
    return Path(os.environ.get("TRAINER_TOKEN_CACHE") or os.path.expanduser("~/.cache/nn-playground/tokens"))


def key(name: str, digest: str, options: text.TextOptions) -> str:
    parts = [
        VERSION,
        name,
        digest,
        options.tokens,
        options.lowercase,
        options.remove_stopwords,
        sorted(options.stopwords_en | options.stopwords_ko) if options.remove_stopwords else [],
        morphemes.version() if options.tokens == "morpheme" else None,
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:32]


def token_lists(
    name: str, digest: str, texts: Sequence[str], rows: Sequence[int] | np.ndarray, options: text.TextOptions
) -> list[list[str]]:
    """text.token_lists(texts[r] for r in rows), from the cache where it has them."""
    if options.tokens != "morpheme":
        tokenized["rows"] += len(rows)
        return text.token_lists([texts[r] for r in rows], options)
    k = key(name, digest, options)
    with _lock:
        known = _memo.get(k)
        if known is None:
            known = _memo[k] = _read(folder() / f"{name}-{k}.npz")
        missing = sorted({int(r) for r in rows} - known.keys())
        if missing:
            tokenized["rows"] += len(missing)
            known.update(zip(missing, text.token_lists([texts[r] for r in missing], options)))
            _write(folder() / f"{name}-{k}.npz", known)
        return [known[int(r)] for r in rows]


def _read(path):
    try:
        with np.load(path, allow_pickle=False) as z:
            words, ids, offsets, rows = (
                z["words"].tolist(),
                z["ids"].tolist(),
                z["offsets"].tolist(),
                z["rows"].tolist(),
            )
    except (OSError, KeyError, ValueError):  # none yet, or a broken file: tokenize again
        return {}
    flat = [words[i] for i in ids]
    return {r: flat[offsets[i] : offsets[i + 1]] for i, r in enumerate(rows)}


def _write(path, known):
    index = {}
    ids = [index.setdefault(t, len(index)) for r in sorted(known) for t in known[r]]
    offsets = np.cumsum([0] + [len(known[r]) for r in sorted(known)])
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez_compressed(
        part,
        words=np.array(list(index) or [""], dtype=str),
        ids=np.array(ids, np.int32),
        offsets=offsets.astype(np.int64),
        rows=np.array(sorted(known), np.int32),
    )
    os.replace(part, path)  # whole or not at all, for a process reading it now
