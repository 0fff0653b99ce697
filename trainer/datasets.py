"""Built-in datasets: deterministic generators that return NumPy arrays.

The 2-D sets follow TensorFlow Playground's `dataset.ts` (points in [-6, 6]²,
noise as a fraction) so its pictures and numbers can be compared with ours;
`moons` and `blobs` are added in the same coordinates. NumPy only: the web
side imports this module for previews.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from trainer import corpus, images, reviews, text, tokencache
from trainer.messages import gettext_noop

if TYPE_CHECKING:
    from collections.abc import Sequence

    from trainer.spec import DatasetSpec

EXTENT = (-6.0, 6.0, -6.0, 6.0)  # xmin, xmax, ymin, ymax of every 2-D set


@dataclass(frozen=True)
class DatasetInfo:
    """What the spec validator needs to know about a dataset, without its data."""

    name: str
    title: str
    kind: str  # "points" (2-D) for now; images / text / tabular come later
    task: str  # "binary" | "multiclass" | "regression"
    description: str
    classes: int | None = None  # for classification; blobs chooses it per spec
    input_shape: tuple = (2,)  # raw input; (height, width, channels) for images
    class_names: tuple = ()
    default_samples: int = 500
    max_samples: int | None = None  # None: the spec's general limit
    builtin: bool = True  # False: an uploaded set, whose arrays the caller loads
    fit_drawings: bool = False  # a drawing to predict is cropped to its ink first, as these images were made
    vocab_size: int | None = None  # uploaded text: the stored vocabulary's size
    credit: str = ""  # source, licence and authors of a set made by others, shown wherever it is
    language: str | None = None  # a text set's language; None: the generated corpus, chosen per spec
    default_tokens: str = "particles"  # text: the token level when a spec names none (trainer.text.TOKEN_LEVELS)
    drawn: bool = False  # the points are the spec's own (`dataset.points`), drawn on the plane: DRAWN below


BUILTIN = {
    info.name: info
    for info in [
        DatasetInfo(
            "circle",
            gettext_noop("Circle"),
            "points",
            "binary",
            gettext_noop("One class inside a ring of the other."),
            2,
        ),
        DatasetInfo(
            "xor",
            gettext_noop("Exclusive or"),
            "points",
            "binary",
            gettext_noop("Opposite quadrants share a class: no single line separates them."),
            2,
        ),
        DatasetInfo(
            "gauss",
            gettext_noop("Two Gaussians"),
            "points",
            "binary",
            gettext_noop("Two clouds, linearly separable when the noise is low."),
            2,
        ),
        DatasetInfo(
            "spiral",
            gettext_noop("Spiral"),
            "points",
            "binary",
            gettext_noop("Two interleaved spirals: needs depth."),
            2,
        ),
        DatasetInfo(
            "moons", gettext_noop("Two moons"), "points", "binary", gettext_noop("Two interleaving half circles."), 2
        ),
        DatasetInfo(
            "blobs",
            gettext_noop("Blobs"),
            "points",
            "multiclass",
            gettext_noop("3 to 5 Gaussian clouds, one class each (softmax output)."),
            3,
        ),
        DatasetInfo(
            "plane",
            gettext_noop("Plane"),
            "points",
            "regression",
            gettext_noop("A tilted plane: the target grows with x1 + x2."),
        ),
        DatasetInfo(
            "multi_gauss",
            gettext_noop("Multi Gaussian"),
            "points",
            "regression",
            gettext_noop("Six bumps of alternating sign."),
        ),
        DatasetInfo(
            "digits",
            gettext_noop("Handwritten digits"),
            "images",
            "multiclass",
            gettext_noop("scikit-learn's 1,797 handwritten digits, 8×8 gray, 10 classes."),
            10,
            (8, 8, 1),
            tuple("0123456789"),
            1797,
            1797,
            fit_drawings=True,
        ),
        DatasetInfo(
            "sentiment",
            gettext_noop("Sentiment (English and Korean)"),
            "text",
            "binary",
            gettext_noop(
                "Short reviews written by this project from templates, half of which hinge on word order "
                "('good, not bad')."
            ),
            2,
            (),
            ("negative", "positive"),
            1000,
            4000,
        ),
        DatasetInfo(
            "nsmc",
            gettext_noop("Korean movie reviews (NSMC)"),
            "text",
            "binary",
            gettext_noop(
                "30,000 real reviews from Naver Movies, half negative (rated 1–4), half positive (9–10). "
                "Most eojeol of a new review were never seen in training: morphemes fix that."
            ),
            2,
            (),
            ("negative", "positive"),
            30000,
            30000,
            language="ko",
            default_tokens="morpheme",
            credit="Naver Sentiment Movie Corpus (NSMC) by Lucy Park, github.com/e9t/nsmc, CC0 1.0 (public domain); "
            "a balanced sample of 30,000 of its reviews.",
        ),
        DatasetInfo(
            "sentiment_en",
            gettext_noop("English review sentences"),
            "text",
            "binary",
            gettext_noop("3,000 real sentences from Amazon, IMDb and Yelp reviews, half negative, half positive."),
            2,
            (),
            ("negative", "positive"),
            3000,
            3000,
            language="en",
            default_tokens="word",
            credit="\"Sentiment Labelled Sentences\", UCI Machine Learning Repository, CC BY 4.0. "
            "D. Kotzias, M. Denil, N. de Freitas, P. Smyth: "
            "\"From Group to Individual Labels using Deep Features\", KDD 2015.",
        ),
        DatasetInfo(
            "shapes",
            gettext_noop("Shapes"),
            "images",
            "multiclass",
            gettext_noop("Generated 28×28 circles, squares, triangles and lines of jittered size and position."),
            4,
            (28, 28, 1),
            ("circle", "square", "triangle", "line"),
            2000,
            6000,
        ),
    ]
}

# Sets whose points are the spec's own (`dataset.points`: [x1, x2, label or value] each), drawn on the
# boundary chart. Not in BUILTIN: they have no data of their own (no dataset page, no Dataset row).
# One per task the plane can draw: two classes (0/1), three to five (0..classes-1), or a value per point.
DRAWN = {
    info.name: info
    for info in [
        DatasetInfo(
            "custom",
            gettext_noop("Your own points"),
            "points",
            "binary",
            gettext_noop("Points you place on the plane yourself, each of class 0 or 1."),
            2,
            default_samples=0,
            drawn=True,
        ),
        DatasetInfo(
            "custom_multiclass",
            gettext_noop("Your own classes"),
            "points",
            "multiclass",
            gettext_noop("Points you place on the plane yourself, each of one of three to five classes."),
            3,  # the spec chooses how many (`classes`), as for blobs
            default_samples=0,
            drawn=True,
        ),
        DatasetInfo(
            "custom_regression",
            gettext_noop("Your own values"),
            "points",
            "regression",
            gettext_noop("Points you place on the plane yourself, each with a target value."),
            default_samples=0,
            drawn=True,
        ),
    ]
}
# a task -> the drawn set that edits its points
DRAWN_FOR = {"binary": "custom", "multiclass": "custom_multiclass", "regression": "custom_regression"}
CHOSEN_CLASSES = ("blobs", "custom_multiclass")  # sets whose spec says how many classes (`classes`)


def info(name: str) -> DatasetInfo | None:
    """The DatasetInfo of a built-in or drawn set, or None."""
    return BUILTIN.get(name) or DRAWN.get(name)


# The input features of TensorFlow Playground, computed from the raw (x1, x2).
FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


def expand_features(xy: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """(n, 2) raw points -> (n, len(features)) float32 network inputs."""
    x1, x2 = xy[:, 0], xy[:, 1]
    return np.stack([FEATURES[f](x1, x2) for f in features], axis=1).astype(np.float32)


def _uniform(rng, lo, hi, n):
    return rng.uniform(lo, hi, n)


def _circle(rng, n, noise):
    radius = 5.0
    half = n // 2
    r = np.concatenate([_uniform(rng, 0, radius * 0.5, half), _uniform(rng, radius * 0.7, radius, n - half)])
    angle = _uniform(rng, 0, 2 * np.pi, n)
    x, y = r * np.sin(angle), r * np.cos(angle)
    nx, ny = _uniform(rng, -radius, radius, n) * noise, _uniform(rng, -radius, radius, n) * noise
    label = np.hypot(x + nx, y + ny) < radius * 0.5
    return np.stack([x, y], 1), label.astype(np.int32)


def _xor(rng, n, noise):
    pad = 0.3
    x, y = _uniform(rng, -5, 5, n), _uniform(rng, -5, 5, n)
    x, y = x + np.where(x > 0, pad, -pad), y + np.where(y > 0, pad, -pad)
    nx, ny = _uniform(rng, -5, 5, n) * noise, _uniform(rng, -5, 5, n) * noise
    return np.stack([x, y], 1), ((x + nx) * (y + ny) >= 0).astype(np.int32)


def _gauss(rng, n, noise):
    variance = 0.5 + 3.5 * (noise / 0.5)  # TF Playground maps noise [0, .5] to variance [.5, 4]
    half = n // 2
    labels = np.concatenate([np.ones(half), np.zeros(n - half)]).astype(np.int32)
    centers = np.where(labels[:, None] == 1, 2.0, -2.0)
    return centers + rng.normal(0, np.sqrt(variance), (n, 2)), labels


def _spiral(rng, n, noise):
    points, labels = [], []
    for delta, label, m in [(0.0, 1, n // 2), (np.pi, 0, n - n // 2)]:
        i = np.arange(m)
        r = i / m * 5
        t = 1.75 * i / m * 2 * np.pi + delta
        x = r * np.sin(t) + _uniform(rng, -1, 1, m) * noise
        y = r * np.cos(t) + _uniform(rng, -1, 1, m) * noise
        points.append(np.stack([x, y], 1))
        labels.append(np.full(m, label))
    return np.concatenate(points), np.concatenate(labels).astype(np.int32)


def _moons(rng, n, noise):
    half = n // 2
    t_out, t_in = rng.uniform(0, np.pi, half), rng.uniform(0, np.pi, n - half)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], 1)
    inner = np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], 1)
    xy = (np.concatenate([outer, inner]) - [0.5, 0.25]) * 3.2
    xy += rng.normal(0, 1, (n, 2)) * noise * 3
    return xy, np.concatenate([np.zeros(half), np.ones(n - half)]).astype(np.int32)


def _blobs(rng, n, noise, classes):
    angles = 2 * np.pi * np.arange(classes) / classes + np.pi / 4
    centers = 3.5 * np.stack([np.cos(angles), np.sin(angles)], 1)
    labels = np.arange(n) % classes
    return centers[labels] + rng.normal(0, 0.6 + 3 * noise, (n, 2)), labels.astype(np.int32)


def _plane(rng, n, noise):
    xy = rng.uniform(-6, 6, (n, 2))
    shifted = xy + rng.uniform(-6, 6, (n, 2)) * noise
    return xy, (shifted.sum(1) / 10).astype(np.float32)


def _multi_gauss(rng, n, noise):
    bumps = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])
    xy = rng.uniform(-6, 6, (n, 2))
    shifted = xy + rng.uniform(-6, 6, (n, 2)) * noise
    dist = np.linalg.norm(shifted[:, None, :] - bumps[None, :, :2], axis=2)
    values = bumps[None, :, 2] * np.clip(1 - dist / 2, 0, 1)  # TF: scale dist [0, 2] to [1, 0]
    pick = np.abs(values).argmax(1)
    return xy, values[np.arange(n), pick].astype(np.float32)


GENERATORS = {
    "circle": _circle,
    "xor": _xor,
    "gauss": _gauss,
    "spiral": _spiral,
    "moons": _moons,
    "plane": _plane,
    "multi_gauss": _multi_gauss,
}


@dataclass(frozen=True)
class Split:
    """Raw inputs and targets, split into train and test. Inputs are (n, 2)
    points or (n, height, width, channels) images; targets are class indices
    (int32) for classification and floats for regression."""

    x_train: np.ndarray  # (n_train, 2) or (n_train, h, w, c)
    y_train: np.ndarray  # (n_train,)
    x_test: np.ndarray  # (n_test, 2)
    y_test: np.ndarray  # (n_test,)


# An uploaded set's test_fraction where the spec gives none (trainer.spec and the dataset pages;
# the picker's static/js/datasets/picker.js has it too).
UPLOAD_TEST_FRACTION = 0.2


def split_sizes(samples: int, test_fraction: float) -> tuple[int, int]:
    n_test = int(round(samples * test_fraction))
    return samples - n_test, n_test


def generate(dataset: DatasetSpec) -> Split:
    """A `spec.DatasetSpec` -> Split, deterministic for `dataset.seed`."""
    if not dataset.info.builtin:
        raise ValueError(
            f"{dataset.name} is an uploaded dataset: load its arrays and pass split_arrays(...) to the loop"
        )
    rng = np.random.default_rng(dataset.seed)
    if dataset.name == "blobs":
        xy, y = _blobs(rng, dataset.samples, dataset.noise, dataset.classes)
    elif dataset.name == "digits":
        xy, y = images.digits()
        xy, y = xy[: dataset.samples], y[: dataset.samples]
        xy = np.clip(xy + rng.normal(0, 1, xy.shape).astype(np.float32) * dataset.noise, 0, 1) if dataset.noise else xy
    elif dataset.name == "shapes":
        xy, y = images.shapes(rng, dataset.samples, dataset.noise)
    elif dataset.info.kind == "text":
        return text_split(dataset)[0]
    elif dataset.info.drawn:
        return drawn_split(dataset)
    else:
        xy, y = GENERATORS[dataset.name](rng, dataset.samples, dataset.noise)
    order = rng.permutation(len(xy))
    xy, y = xy[order].astype(np.float32), y[order]
    n_train, _ = split_sizes(dataset.samples, dataset.test_fraction)
    return Split(xy[:n_train], y[:n_train], xy[n_train:], y[n_train:])


def drawn_points(dataset: DatasetSpec) -> tuple[np.ndarray, np.ndarray]:
    """(xy float32 (n, 2), targets) of a drawn set, in the spec's order: int32 classes or float32 values."""
    points = np.asarray(dataset.points, np.float64).reshape(-1, 3)
    y = points[:, 2].astype(np.float32 if dataset.info.task == "regression" else np.int32)
    return points[:, :2].astype(np.float32), y


def drawn_split(dataset: DatasetSpec) -> Split:
    """A drawn set's points, split as an uploaded set's rows are: shuffled by the seed, cut by test_fraction.
    Train and test together are exactly the spec's points."""
    xy, y = drawn_points(dataset)
    return split_arrays(xy, y, dataset.test_fraction, dataset.seed)


def _texts(dataset):
    """(texts, labels, SHA-256 of the texts): a real set's file, or the corpus generated for the spec."""
    if dataset.name in reviews.FILES:
        return reviews.load(dataset.name)
    texts, labels = corpus.sentiment(dataset.samples, dataset.language, dataset.seed)
    return texts, labels, hashlib.sha256("\n".join(texts).encode()).hexdigest()


def _rows(dataset, n):
    """The spec's rows of a text set, in split order (train first): `samples` of them, shuffled by the seed."""
    return np.random.default_rng(dataset.seed).permutation(n)[: dataset.samples]


def token_level(dataset: DatasetSpec) -> str:
    return dataset.tokens or dataset.info.default_tokens


@functools.lru_cache(maxsize=16)
def _tokenized(dataset, level):
    """(pipeline fitted on the training texts at `level`, token lists of the spec's rows in split order)."""
    texts, _, digest = _texts(dataset)
    rows = _rows(dataset, len(texts))
    options = text.TextOptions(max_vocab=dataset.vocab_size, max_length=dataset.sequence_length, tokens=level)
    lists = tokencache.token_lists(dataset.name, digest, texts, rows, options)
    n_train, _ = split_sizes(dataset.samples, dataset.test_fraction)
    return text.Pipeline.fit_tokens(lists[:n_train], options), lists


@functools.lru_cache(maxsize=16)
def text_split(dataset: DatasetSpec) -> tuple[Split, text.Pipeline]:
    """(Split of token indices or bag-of-words counts, the fitted text.Pipeline).
    The vocabulary is fitted on the training texts only."""
    pipeline, lists = _tokenized(dataset, token_level(dataset))
    texts, labels, _ = _texts(dataset)
    y = labels[_rows(dataset, len(texts))]
    x = pipeline.encode_tokens(lists)
    if dataset.representation == "bag_of_words":
        x = text.bag_of_words(x, len(pipeline.vocab))
    n_train, _ = split_sizes(dataset.samples, dataset.test_fraction)
    return Split(x[:n_train], y[:n_train], x[n_train:], y[n_train:]), pipeline


SHOWN_LEVELS = ("word", "morpheme", "char")  # what preview and Predict compare; plus the spec's own level


@functools.lru_cache(maxsize=16)
def _level_stats(dataset, level):
    pipeline, lists = _tokenized(dataset, level)
    n_train, _ = split_sizes(dataset.samples, dataset.test_fraction)
    return pipeline, {"length": pipeline.length, **text.level_stats(pipeline.vocab, lists[:n_train], lists[n_train:])}


def text_levels(dataset: DatasetSpec, sentences: Sequence[str]) -> list[dict]:
    """Each shown token level of a built-in text set: its vocabulary's coverage of the
    training tokens, its OOV rate on the test texts, and `sentences` tokenized there
    with OOV tokens marked (one list per sentence)."""
    own = token_level(dataset)
    out = []
    for level in dict.fromkeys((*SHOWN_LEVELS, own)):
        pipeline, stats = _level_stats(dataset, level)
        out.append(
            {
                "level": level,
                "description": text.TOKEN_LEVELS[level],
                "current": level == own,
                **stats,
                "sentences": [pipeline.marked(s) for s in sentences],
            }
        )
    return out


def input_shape(dataset: DatasetSpec, features: Sequence[str]) -> tuple[int, ...]:
    """What one sample looks like to the first layer."""
    info = dataset.info
    if info.kind == "points":
        return (len(features),)
    if info.kind == "text" and info.builtin:
        return text_split(dataset)[0].x_train.shape[1:]
    return tuple(info.input_shape)


def vocab_size(dataset: DatasetSpec) -> int:
    if dataset.info.kind != "text":
        return None
    return dataset.info.vocab_size if not dataset.info.builtin else len(text_split(dataset)[1].vocab)


def network_inputs(x: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """Raw inputs -> what the first layer sees: expanded features for points, images as they are."""
    if x.dtype == np.int32:
        return x  # token indices go to an embedding as they are
    return expand_features(x, features) if x.ndim == 2 and features else x.astype(np.float32)


def split_arrays(x: np.ndarray, y: np.ndarray, test_fraction: float, seed: int) -> Split:
    """An uploaded dataset's arrays -> Split: shuffled by `seed`, then cut like the built-in sets."""
    order = np.random.default_rng(seed).permutation(len(x))
    n_train, _ = split_sizes(len(x), test_fraction)
    x, y = np.asarray(x)[order], np.asarray(y)[order]
    return Split(x[:n_train], y[:n_train], x[n_train:], y[n_train:])


def points(dataset: DatasetSpec, image_count: int = 32, levels: bool = False) -> dict:
    """The preview the page shows: raw points, labels and the plane's extent;
    for image sets, the first training images (uint8, base64) with labels."""
    if dataset.info.kind == "text":
        return text_preview(dataset, levels=levels)
    split = generate(dataset)
    if split.x_train.ndim == 4:
        shown = split.x_train[:image_count]
        return {
            "kind": "images",
            "shape": list(shown.shape[1:]),
            "class_names": list(dataset.info.class_names),
            "images": [
                base64.b64encode((img * 255).round().astype(np.uint8).tobytes()).decode("ascii") for img in shown
            ],
            "labels": split.y_train[:image_count].tolist(),
            "n_train": len(split.y_train),
            "n_test": len(split.y_test),
        }
    return {
        "train": {"x": split.x_train.round(4).tolist(), "y": split.y_train.tolist()},
        "test": {"x": split.x_test.round(4).tolist(), "y": split.y_test.tolist()},
        "extent": list(EXTENT),
    }


def text_preview(dataset: DatasetSpec, count: int = 8, levels: bool = False) -> dict:
    """The pipeline step by step for a few training texts, the vocabulary with
    counts, and the token-length histogram with the chosen cut; with `levels`, the
    shown texts at every token level (costly: it tokenizes the set at each level)."""
    split, pipeline = text_split(dataset)
    lists = _tokenized(dataset, token_level(dataset))[1][: len(split.y_train)]
    texts, labels, _ = _texts(dataset)
    shown = _rows(dataset, len(texts))[:count]
    return {
        "kind": "text",
        "class_names": list(dataset.info.class_names),
        "length": pipeline.length,
        "samples": [dict(pipeline.explain(texts[i]), label=int(labels[i])) for i in shown],
        "vocab": [[w, pipeline.counts.get(w, 0)] for w in pipeline.vocab[:200]],
        "vocab_size": len(pipeline.vocab),
        "lengths": np.bincount([len(t) for t in lists]).tolist(),
        "n_train": len(split.y_train),
        "n_test": len(split.y_test),
        "levels": text_levels(dataset, [texts[i] for i in shown]) if levels else None,
        "credit": dataset.info.credit,
    }
