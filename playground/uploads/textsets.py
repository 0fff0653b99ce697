"""Text sets: a CSV of text,label, through trainer.text's pipeline with the options chosen on upload.

The vocabulary is fitted on every text of the file (the train/test split is
chosen later, per run), and stored with the token sequences.
"""

import dataclasses

import numpy as np
from django.utils.translation import gettext as _

from playground.uploads import csvfile
from playground.uploads.limits import UploadError
from playground.uploads.processed import Processed, task_for
from trainer import text

SAMPLES_PER_CLASS, SAMPLES_MAX = 2, 8  # raw texts kept for the page's step-by-step view
MAX_LENGTH = 200  # tokens a sequence keeps at most (trainer.spec's sequence_length limit)


def text_options(options):
    """The upload form's choices -> trainer.text.TextOptions."""
    return text.TextOptions(
        lowercase=bool(options.get("lowercase", True)),
        remove_stopwords=bool(options.get("remove_stopwords", True)),
        max_vocab=int(options.get("max_vocab") or 1000),
        max_length=int(options["max_length"]) if options.get("max_length") else None,
        tokens=options.get("tokens")
        if options.get("tokens") in text.TOKEN_LEVELS
        else "particles",  # "particles": as before the levels
    )


def _texts(data, lim):
    table = csvfile.read(data, "text,label", lim["max_rows"])
    missing = [c for c in ("text", "label") if c not in table.header]
    if missing:
        raise UploadError(
            _("line 1: no column '%(column)s'; the header must be text,label (it is '%(header)s')")
            % {"column": missing[0], "header": ",".join(table.header)[:80]}
        )
    extra = [c for c in table.header if c not in ("text", "label")]
    if extra:
        raise UploadError(
            _("line 1: unexpected column '%(column)s'; a text file has exactly the columns text,label")
            % {"column": extra[0]}
        )
    texts = table.column("text")
    for value, line in zip(texts, table.lines):
        if not value.strip():
            raise UploadError(_("line %(line)s, column text: the text is empty") % {"line": line})
        if len(value) > lim["max_text_chars"]:
            raise UploadError(
                _("line %(line)s, column text: %(length)s characters, more than %(limit)s (the limit)")
                % {"line": line, "length": f"{len(value):,}", "limit": f"{lim['max_text_chars']:,}"}
            )
    y, names = csvfile.labels(table, "label", lim["max_classes"])
    if len(y) < lim["min_rows"]:
        raise UploadError(
            _("only %(rows)s rows of data; at least %(min)s are needed to train and test")
            % {"rows": len(y), "min": lim["min_rows"]}
        )
    return texts, y, names, table.encoding


def read(data, options, lim, progress=None, decode_only=False):
    """text,label -> Processed with x (n, length) int32 token indices, the vocabulary in extra."""
    texts, y, names, encoding = _texts(data, lim)
    if decode_only:
        return Processed(np.empty((len(y), 1), np.int32), y, task_for(names), names)
    if progress:
        progress(0.1, _("building the vocabulary"))
    lists = text.token_lists(texts, text_options(options))
    pipeline = text.Pipeline.fit_tokens(lists, text_options(options))
    if pipeline.length > MAX_LENGTH:
        pipeline = dataclasses.replace(pipeline, length=MAX_LENGTH)
    if progress:
        progress(0.5, _("turning texts into token sequences"))
    x = pipeline.encode_tokens(lists)
    lengths = [len(t) for t in lists]
    samples = []
    for k, label in enumerate(y.tolist()):
        if sum(1 for _, c in samples if c == label) < SAMPLES_PER_CLASS and len(samples) < SAMPLES_MAX:
            samples.append((texts[k][:500], label))
    opts = pipeline.options
    meta = {
        "encoding": encoding,
        "length": pipeline.length,
        "vocab_size": len(pipeline.vocab),
        "options": {
            "lowercase": opts.lowercase,
            "remove_stopwords": opts.remove_stopwords,
            "max_vocab": opts.max_vocab,
            "max_length": opts.max_length,
            "coverage": opts.coverage,
            "tokens": opts.tokens,
        },
        "level_stats": text.level_stats(pipeline.vocab, lists, lists),  # over every text: the split comes per run
        "lengths": np.bincount(np.minimum(lengths, 400)).tolist(),
        "examples": [{"text": t, "label": c} for t, c in samples],
    }
    extra = {
        "vocab": np.array(pipeline.vocab, dtype=str),
        "vocab_counts": np.array([pipeline.counts.get(w, 0) for w in pipeline.vocab], np.int64),
    }
    return Processed(x, y, task_for(names), names, meta, extra)


def pipeline_of(metadata, vocab, counts):
    """The fitted pipeline again, from what the store kept (for the page and predictions)."""
    o = metadata["options"]
    options = text.TextOptions(
        lowercase=o["lowercase"],
        remove_stopwords=o["remove_stopwords"],
        max_vocab=o["max_vocab"],
        max_length=o["max_length"],
        coverage=o["coverage"],
        tokens=o.get("tokens", "particles"),
    )
    return text.Pipeline(
        options, tuple(vocab), dict(zip(vocab, counts)), metadata["length"], metadata.get("level_stats")
    )
