"""The spec's `dataset` object: a built-in set with its size and noise (a text set
with its pipeline's limits), a drawn set's points, or an uploaded set's split."""

from trainer import datasets
from trainer.messages import gettext_noop
from trainer.spec.objects import DatasetSpec
from trainer.spec.reader import Reader, SpecError, number
from trainer.spec.vocabulary import LIMITS

TEXT_KEYS = ("language", "representation", "vocab_size", "sequence_length", "tokens")
BAG_OF_WORDS_CELLS = 40_000_000  # samples × vocabulary of a bag-of-words matrix (160 MB of float32)


def read_dataset(errors: list, obj: object, uploads: dict | None = None) -> DatasetSpec:
    uploads = uploads or {}
    name = obj.get("name") if isinstance(obj, dict) else None
    if isinstance(name, str) and name in uploads:
        r = Reader(errors, obj, "dataset", {"name", "test_fraction", "seed"})
        info = uploads[name]
        return DatasetSpec(
            name=name,
            samples=info.default_samples,
            test_fraction=r.number("test_fraction", 0.1, 0.9, datasets.UPLOAD_TEST_FRACTION),
            seed=r.integer("seed", 0, 2**31 - 1, 0),
            uploaded=info,
        )
    if isinstance(name, str) and name in datasets.DRAWN:
        return _read_drawn(errors, obj, datasets.DRAWN[name])
    r = Reader(
        errors, obj, "dataset", {"name", "noise", "samples", "test_fraction", "seed", "classes", "points", *TEXT_KEYS}
    )
    name = r.choice("name", (*datasets.BUILTIN, *datasets.DRAWN, *uploads))
    if "points" in r.obj:
        r.fail("points", gettext_noop("applies to the drawn sets only (%(names)s)"), names=", ".join(datasets.DRAWN))
    info = datasets.BUILTIN.get(name)
    lo, hi = LIMITS["samples"]
    hi = info.max_samples if info and info.max_samples else hi
    classes = None
    if name == "blobs":
        classes = r.integer("classes", *LIMITS["blob_classes"], default=3)
    elif "classes" in r.obj:
        r.fail("classes", gettext_noop("applies to the blobs dataset only"))
    text = {}
    if info and info.kind == "text":
        text = dict(
            language=r.choice("language", ("en", "ko", "both"), "both") if info.language is None else None,
            representation=r.choice("representation", ("sequence", "bag_of_words"), "sequence"),
            vocab_size=r.integer("vocab_size", 10, LIMITS["vocab_size"], 1000),
            sequence_length=r.integer("sequence_length", 1, LIMITS["sequence_length"], None),
            tokens=r.choice("tokens", tuple(datasets.text.TOKEN_LEVELS), info.default_tokens),
        )
        if info.language is not None and "language" in r.obj:
            r.fail(
                "language",
                gettext_noop("applies to the generated sentiment corpus only; %(dataset)s is %(language)s"),
                dataset=info.title,
                language=info.language,
            )
        if r.obj.get("noise"):
            r.fail("noise", gettext_noop("applies to point and image datasets only"))
    else:
        for key in TEXT_KEYS:
            if key in r.obj:
                r.fail(key, gettext_noop("applies to text datasets only"))
    samples = r.integer("samples", lo, hi, info.default_samples if info else 500)
    if (
        text.get("representation") == "bag_of_words"
        and samples
        and text["vocab_size"]
        and samples * text["vocab_size"] > BAG_OF_WORDS_CELLS
    ):
        r.fail(
            "vocab_size",
            gettext_noop(
                "%(samples)s samples × %(words)s words is too big a bag-of-words matrix; "
                "keep samples × vocab_size under %(cells)s"
            ),
            samples=f"{samples:,}",
            words=f"{text['vocab_size']:,}",
            cells=f"{BAG_OF_WORDS_CELLS:,}",
        )
    return DatasetSpec(
        name=name,
        noise=r.number("noise", 0, 0.5, 0.0),
        samples=samples,
        test_fraction=r.number("test_fraction", 0.1, 0.9, 0.5),
        seed=r.integer("seed", 0, 2**31 - 1, 0),
        classes=classes,
        **text,
    )


MAX_POINT_ERRORS = 20  # a list of 1,000 bad points names the first few


def _read_drawn(errors, obj, info):
    """A drawn set: {"name", "points": [[x1, x2, label or value], ...], "test_fraction", "seed", "classes"}. Each
    coordinate lies in datasets.EXTENT; a label is 0 or 1 (binary) or below `classes` (3 to 5: several
    classes), a value a number within ±drawn_value."""
    several = info.task == "multiclass"
    r = Reader(errors, obj, "dataset", {"name", "points", "test_fraction", "seed", *(["classes"] if several else [])})
    test_fraction, seed = r.number("test_fraction", 0.1, 0.9, 0.5), r.integer("seed", 0, 2**31 - 1, 0)
    classes = r.integer("classes", *LIMITS["blob_classes"], default=info.classes) if several else None
    lo, hi = LIMITS["drawn_points"]
    value = r.obj.get("points")
    regression = info.task == "regression"
    shape = gettext_noop("must be [x1, x2, value]") if regression else gettext_noop("must be [x1, x2, label]")
    if "points" not in r.obj:
        r.fail(
            "points",
            gettext_noop("is required: a list of [x1, x2, label] points (label 0 or 1), or [x1, x2, value] for values"),
        )
        value = []
    elif not isinstance(value, list):
        r.fail(
            "points",
            gettext_noop("must be a list of points, each %(shape)s"),
            shape="[x1, x2, value]" if regression else "[x1, x2, label]",
        )
        value = []
    elif len(value) > hi:
        r.fail(
            "points",
            gettext_noop("has %(count)s points; at most %(limit)s are allowed"),
            count=f"{len(value):,}",
            limit=f"{hi:,}",
        )
        value = []
    elif len(value) < lo:
        r.fail(
            "points",
            gettext_noop("has %(count)s points; draw at least %(low)s (some to train on, some to test)"),
            count=len(value),
            low=lo,
        )
    (x0, x1, y0, y1), v = datasets.EXTENT, LIMITS["drawn_value"]
    label = (-v, v, False) if regression else (0, (classes or 2) - 1, True)
    ranges = ((x0, x1, False), (y0, y1, False), label)
    points, bad = [], 0
    for i, p in enumerate(value):
        before = len(errors)
        if not isinstance(p, list) or len(p) != 3:
            r.fail(f"points[{i}]", shape)
        else:
            row = []
            for j, (low, high, integer) in enumerate(ranges):
                try:
                    row.append(number(p[j], low, high, integer))
                except ValueError as exc:
                    r.fail(f"points[{i}][{j}]", exc.template, **exc.params)
            points.append(tuple(row))
        bad += len(errors) > before
        if bad >= MAX_POINT_ERRORS:
            break
    if test_fraction is not None and lo <= len(value) <= hi:
        n_train, n_test = datasets.split_sizes(len(value), test_fraction)
        if not n_train or not n_test:
            if not n_test:
                r.fail(
                    "test_fraction",
                    gettext_noop("leaves no test point of the %(count)s drawn; draw more points or raise it"),
                    count=len(value),
                )
            else:
                r.fail(
                    "test_fraction",
                    gettext_noop("leaves no training point of the %(count)s drawn; draw more points or lower it"),
                    count=len(value),
                )
    return DatasetSpec(name=info.name, test_fraction=test_fraction, seed=seed, classes=classes, points=tuple(points))


def parse_dataset(d: object, uploads: dict | None = None) -> DatasetSpec:
    """Just the `dataset` object (for previews), or SpecError."""
    errors = []
    ds = read_dataset(errors, d, uploads)
    if errors:
        raise SpecError(errors)
    return ds
