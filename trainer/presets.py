"""The lesson presets: example specs in trainer/examples/, with their titles.

The page's preset menu, `python -m trainer trainer/examples/NAME.json` and
the tests all read the same files."""

import json
from pathlib import Path

from trainer.messages import gettext_noop

EXAMPLES = Path(__file__).parent / "examples"

_TITLES = {  # marked for the catalog; the web side translates them (playground.uploads.selectors.catalog)
    "perceptron_separable": (
        gettext_noop("Perceptron, separable data"),
        gettext_noop(
            "Rosenblatt's 1958 perceptron: one unit with a step activation, trained by the perceptron rule, draws a "
            "line between two clouds."
        ),
    ),
    "perceptron_xor": (
        gettext_noop("Perceptron fails on XOR"),
        gettext_noop(
            "The same perceptron on XOR: no single line separates the classes, so it never gets past about three "
            "quadrants of four."
        ),
    ),
    "mlp_xor": (
        gettext_noop("MLP solves XOR"),
        gettext_noop("One hidden layer of four tanh units bends the boundary: XOR is solved."),
    ),
    "tfp_default": (
        gettext_noop("TensorFlow Playground's default"),
        gettext_noop(
            "Circle data, two hidden tanh layers (4, 2), tanh output on ±1 labels, ½·squared error, weights uniform in "
            "[-0.5, 0.5], biases 0.1, SGD 0.03: the numbers compare with TensorFlow Playground's."
        ),
    ),
    "spiral_deep": (
        gettext_noop("Spiral, deep ReLU net"),
        gettext_noop(
            "Six hidden ReLU layers of 8 units, all seven input features, Adam: enough depth to wind around a spiral."
        ),
    ),
    "blobs_softmax": (
        gettext_noop("Four blobs, softmax"),
        gettext_noop("A multi-class problem: one output unit per class, softmax and categorical cross-entropy."),
    ),
    "regression_plane": (
        gettext_noop("Regression on a plane"),
        gettext_noop("A linear target: one hidden layer, mean squared error, RMSE and R²."),
    ),
    "digits_cnn": (
        gettext_noop("Digits, small CNN"),
        gettext_noop(
            "8 filters of 3×3 (same padding) → ReLU → max-pool 2 → flatten → 10-way softmax on scikit-learn's 8×8 "
            "digits."
        ),
    ),
    "digits_dense": (
        gettext_noop("Digits, dense only"),
        gettext_noop("The same digits through flatten → 32 ReLU units → softmax: compare with the CNN."),
    ),
    "sentiment_rnn": (
        gettext_noop("Sentiment, embedding + RNN"),
        gettext_noop(
            "Reviews in English and Korean as token sequences: an embedding of 16 dimensions, a SimpleRNN of 32 units "
            "reading word by word, a sigmoid output. Order matters: 'good, not bad'."
        ),
    ),
    "sentiment_bow": (
        gettext_noop("Sentiment, bag of words"),
        gettext_noop(
            "The same reviews as word counts into a dense network: it cannot tell 'good, not bad' from 'bad, not good'."
        ),
    ),
    "lr_too_small": (
        gettext_noop("Learning rate too small (0.001)"),
        gettext_noop(
            "The circle network with a linear output, plain SGD at 0.001: every step is tiny, so after 200 epochs it "
            "is still far from done."
        ),
    ),
    "lr_about_right": (
        gettext_noop("Learning rate about right (0.03)"),
        gettext_noop("The same network and data at 0.03: the loss falls steadily and the circle is found."),
    ),
    "lr_too_large": (
        gettext_noop("Learning rate too large (10)"),
        gettext_noop(
            "The same network at 10: each step overshoots the valley, the loss explodes and the run stops as diverged."
        ),
    ),
    "nsmc_bow": (
        gettext_noop("Korean reviews, bag of words"),
        gettext_noop(
            "10,000 NSMC movie reviews split into morphemes, counted over a 1,000-word vocabulary, into a small dense "
            "network: word order is lost."
        ),
    ),
    "nsmc_lstm": (
        gettext_noop("Korean reviews, embedding + LSTM"),
        gettext_noop(
            "30,000 NSMC movie reviews as morpheme sequences: a 64-dimensional embedding, an LSTM of 64 units reading "
            "in order, a sigmoid output."
        ),
    ),
    "sentiment_en_gru": (
        gettext_noop("English reviews, embedding + GRU"),
        gettext_noop(
            "3,000 English review sentences as word sequences: a 32-dimensional embedding, a GRU of 32 units, a "
            "sigmoid output."
        ),
    ),
    "shapes_cnn": (
        gettext_noop("Shapes, two conv layers"),
        gettext_noop(
            "28×28 circles, squares, triangles and lines: two conv + pool stages, dropout, softmax. Watch the edge "
            "filters form."
        ),
    ),
}


def load(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


PRESETS = [
    {"name": name, "title": title, "description": text, "spec": load(name)} for name, (title, text) in _TITLES.items()
]
