"""What a saved experiment downloads as: its spec (JSON), metrics history (CSV),
weights (the stored .npz) and a Python script (trainer.codegen's Keras-style one)."""

import csv
import io
import json

from playground.uploads import csvfile
from playground.uploads import selectors as dataset_selectors
from trainer import codegen

CSV_COLUMNS = (
    "iteration",
    "epoch",
    "samples_seen",
    "train_loss",
    "test_loss",
    "train_accuracy",
    "test_accuracy",
    "train_rmse",
    "test_rmse",
    "test_r2",
    "learning_rate",
    "steps_per_second",
)
POINTS_COLUMNS = ("iteration", "batch_loss")


def filename(experiment, suffix):
    """ "<slug>-<suffix>": the slug is ASCII letters, digits, - and _ (token_urlsafe)."""
    return f"experiment-{experiment.slug}-{suffix}"


def spec_json(spec_dict):
    return json.dumps(spec_dict, indent=2) + "\n"


def csv_cell(value):
    """A value as a CSV download writes it: a text a spreadsheet would run as a formula (=, +, -, @,
    a tab or CR first; not a number) gets a leading ' (OWASP's advice), so it opens as text.
    Uploads refuse such class and column names; this keeps any that reach a download inert."""
    return "'" + value if isinstance(value, str) and csvfile.formula_like(value) else value


def metrics_csv(history):
    """One row per metrics frame (each evaluation of the whole train and test sets)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for frame in history:
        writer.writerow(["" if frame.get(c) is None else csv_cell(frame.get(c)) for c in CSV_COLUMNS])
    return out.getvalue()


def batch_loss_csv(history):
    """Every streamed mini-batch loss point ([iteration, mean of its bin])."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(POINTS_COLUMNS)
    for frame in history:
        writer.writerows([csv_cell(v) for v in point] for point in frame.get("points") or [])
    return out.getvalue()


def script(spec_dict, title="", notes=""):
    """A script that rebuilds and trains the same model with trainer.keras
    (raises trainer.spec.SpecError if the spec no longer parses)."""
    return codegen.script(
        spec_dict, title=title or None, description=notes or None, uploads=dataset_selectors.dataset_infos()
    )  # an uploaded set: the script loads its .npz
