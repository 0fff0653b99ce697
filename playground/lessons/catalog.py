"""The course's structure: sections in order, each lesson's slug, the preset it loads
(trainer/examples/), presets to compare with, and a dataset page to look at. The words
are in content_en / content_ko."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    slug: str
    section: str
    preset: str
    more: tuple = ()  # other presets to open and compare
    dataset_page: str | None = None  # a /datasets/<name>/ page the lesson reads


SECTIONS = ("perceptron", "mlp", "learning", "activations", "keras", "images", "text", "rnn")

LESSONS = (
    Lesson("perceptron", "perceptron", "perceptron_separable"),
    Lesson("perceptron-xor", "perceptron", "perceptron_xor"),
    Lesson("mlp-xor", "mlp", "mlp_xor"),
    Lesson("backpropagation", "learning", "tfp_default"),
    Lesson("learning-rate", "learning", "lr_about_right", more=("lr_too_small", "lr_too_large")),
    Lesson("activations", "activations", "tfp_default", more=("spiral_deep",)),
    Lesson("mini-batches", "keras", "blobs_softmax"),
    Lesson("image-preprocessing", "images", "digits_dense", dataset_page="digits"),
    Lesson("cnn", "images", "digits_cnn", more=("shapes_cnn",)),
    Lesson("text-preprocessing", "text", "nsmc_bow", dataset_page="nsmc"),
    Lesson("bow-vs-rnn", "rnn", "nsmc_lstm", more=("nsmc_bow", "sentiment_bow", "sentiment_rnn", "sentiment_en_gru")),
)

BY_SLUG = {lesson.slug: lesson for lesson in LESSONS}


def neighbours(slug):
    """(previous lesson or None, next lesson or None) in course order."""
    i = [lesson.slug for lesson in LESSONS].index(slug)
    return (LESSONS[i - 1] if i > 0 else None), (LESSONS[i + 1] if i + 1 < len(LESSONS) else None)
