"""The lesson presets: example specs in trainer/examples/, with their titles.

The page's preset menu, `python -m trainer trainer/examples/NAME.json` and
the tests all read the same files."""
import json
from pathlib import Path

EXAMPLES = Path(__file__).parent / "examples"

_TITLES = {
    "perceptron_separable": ("Perceptron, separable data", "Rosenblatt's 1958 perceptron: one unit with a step activation, trained by the perceptron rule, draws a line between two clouds."),
    "perceptron_xor": ("Perceptron fails on XOR", "The same perceptron on XOR: no single line separates the classes, so it never gets past about three quadrants of four."),
    "mlp_xor": ("MLP solves XOR", "One hidden layer of four tanh units bends the boundary: XOR is solved."),
    "tfp_default": ("TensorFlow Playground's default", "Circle data, two hidden tanh layers (4, 2), tanh output on ±1 labels, ½·squared error, weights uniform in [-0.5, 0.5], biases 0.1, SGD 0.03: the numbers compare with TensorFlow Playground's."),
    "spiral_deep": ("Spiral, deep ReLU net", "Six hidden ReLU layers of 8 units, all seven input features, Adam: enough depth to wind around a spiral."),
    "blobs_softmax": ("Four blobs, softmax", "A multi-class problem: one output unit per class, softmax and categorical cross-entropy."),
    "regression_plane": ("Regression on a plane", "A linear target: one hidden layer, mean squared error, RMSE and R²."),
    "digits_cnn": ("Digits, small CNN", "8 filters of 3×3 (same padding) → ReLU → max-pool 2 → flatten → 10-way softmax on scikit-learn's 8×8 digits."),
    "digits_dense": ("Digits, dense only", "The same digits through flatten → 32 ReLU units → softmax: compare with the CNN."),
    "sentiment_rnn": ("Sentiment, embedding + RNN", "Reviews in English and Korean as token sequences: an embedding of 16 dimensions, a SimpleRNN of 32 units reading word by word, a sigmoid output. Order matters: 'good, not bad'."),
    "sentiment_bow": ("Sentiment, bag of words", "The same reviews as word counts into a dense network: it cannot tell 'good, not bad' from 'bad, not good'."),
    "shapes_cnn": ("Shapes, two conv layers", "28×28 circles, squares, triangles and lines: two conv + pool stages, dropout, softmax. Watch the edge filters form."),
}


def load(name):
    return json.loads((EXAMPLES / f"{name}.json").read_text())


PRESETS = [{"name": name, "title": title, "description": text, "spec": load(name)} for name, (title, text) in _TITLES.items()]
