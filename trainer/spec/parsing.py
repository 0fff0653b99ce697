"""parse(d): a JSON-like dict -> a frozen `Spec`, or a SpecError naming every problem
by its path (`layers[2].units: must be between 1 and 512`)."""

from dataclasses import replace

from trainer import datasets, edits
from trainer.messages import entry, gettext_noop
from trainer.spec.dataset_fields import read_dataset
from trainer.spec.layer_types import parse_layer
from trainer.spec.objects import Optimizer, Regularization, Spec, StopRules
from trainer.spec.reader import Reader, SpecError
from trainer.spec.stack import check_stack, with_vocabulary
from trainer.spec.vocabulary import LIMITS, LOSSES, OPTIMIZER_LIMITS, OPTIMIZERS, VERSION


def _parse_optimizer(errors, obj):
    r = Reader(
        errors, obj, "optimizer", {"name", "learning_rate", *{k for knobs in OPTIMIZERS.values() for k in knobs}}
    )
    name = r.choice("name", tuple(OPTIMIZERS))
    lr = r.number("learning_rate", *LIMITS["learning_rate"])
    knobs = OPTIMIZERS.get(name, {})
    for key in set(r.obj) - {"name", "learning_rate"} - set(knobs):
        if name:
            if knobs:
                r.fail(
                    key,
                    gettext_noop("is not a knob of %(name)s; it takes %(knobs)s"),
                    name=name,
                    knobs=", ".join(knobs),
                )
            else:
                r.fail(key, gettext_noop("is not a knob of %(name)s; it takes only learning_rate"), name=name)
    options = tuple(sorted((k, r.number(k, *OPTIMIZER_LIMITS[k], default)) for k, default in knobs.items()))
    return Optimizer(name, lr, options)


def _parse_features(errors, value):
    if not isinstance(value, list) or not value:
        errors.append(
            entry(
                "features",
                gettext_noop("must be a non-empty list of %(choices)s"),
                choices=", ".join(datasets.FEATURES),
            )
        )
        return ()
    for i, f in enumerate(value):
        if not isinstance(f, str) or f not in datasets.FEATURES:
            errors.append(
                entry(
                    f"features[{i}]", gettext_noop("must be one of %(choices)s"), choices=", ".join(datasets.FEATURES)
                )
            )
    if len(set(map(str, value))) != len(value):
        errors.append(entry("features", gettext_noop("lists a feature twice")))
    return tuple(value)


TOP_KEYS = {
    "version",
    "dataset",
    "features",
    "layers",
    "loss",
    "optimizer",
    "regularization",
    "batch_size",
    "epochs",
    "seed",
    "stop",
    "edits",
}


def parse(d: object, uploads: dict | None = None) -> Spec:
    """A JSON-like dict -> Spec, or SpecError naming every problem by path.
    uploads: {name: datasets.DatasetInfo} of the uploaded datasets it may use."""
    errors = []
    r = Reader(errors, d, "", TOP_KEYS)
    if r.obj.get("version", VERSION) != VERSION:
        r.fail("version", gettext_noop("must be %(version)s"), version=VERSION)
    dataset = read_dataset(errors, r.obj.get("dataset"), uploads)
    if dataset.name and dataset.info.kind != "points":
        features = ()
        if "features" in r.obj:
            r.fail(
                "features",
                gettext_noop("input features apply to 2-D point datasets only; %(dataset)s is %(kind)s"),
                dataset=dataset.name,
                kind=dataset.info.kind,
            )
    else:
        features = _parse_features(errors, r.obj.get("features", ["x1", "x2"]))
    raw_layers = r.obj.get("layers")
    layers = []
    if not isinstance(raw_layers, list) or not raw_layers:
        r.fail("layers", gettext_noop("must be a non-empty list of layers, output layer included"))
    elif len(raw_layers) > LIMITS["layers"]:
        r.fail(
            "layers",
            gettext_noop("has %(count)s layers; at most %(limit)s are allowed"),
            count=len(raw_layers),
            limit=LIMITS["layers"],
        )
    else:
        layers = [parse_layer(errors, obj, f"layers[{i}]") for i, obj in enumerate(raw_layers)]
    loss = r.choice("loss", LOSSES)
    optimizer = _parse_optimizer(errors, r.obj.get("optimizer"))
    reg = Reader(errors, r.obj.get("regularization", {}), "regularization", {"type", "rate"})
    regularization = Regularization(reg.choice("type", ("none", "l1", "l2"), "none"), reg.number("rate", 0, 10, 0.0))
    stop_r = Reader(errors, r.obj.get("stop", {}), "stop", {"early_stopping_patience", "target_loss"})
    stop = StopRules(
        stop_r.integer("early_stopping_patience", 1, 1000, None), stop_r.number("target_loss", 0, 1e6, None)
    )
    spec_fields = dict(
        batch_size=r.integer("batch_size", 1, LIMITS["batch_size"], 10),
        epochs=r.integer("epochs", 1, LIMITS["epochs"], 100),
        seed=r.integer("seed", 0, 2**31 - 1, 0),
    )
    if errors or None in layers:
        raise SpecError(errors)
    layers = with_vocabulary(layers, dataset, errors)
    if errors:
        raise SpecError(errors)
    spec = Spec(
        dataset=dataset,
        features=features,
        layers=tuple(layers),
        loss=loss,
        optimizer=optimizer,
        regularization=regularization,
        stop=stop,
        **spec_fields,
    )
    check_stack(spec, errors)
    if errors:
        raise SpecError(errors)
    if "edits" in r.obj:  # they name the stack's numbers: read once the stack is sound
        spec = replace(spec, edits=edits.parse(errors, r.obj["edits"], spec, _edit_dataset_reader(errors, spec)))
        if errors:
            raise SpecError(errors)
    return spec


def _edit_dataset_reader(errors, spec):
    """read_dataset for an edit at `path` (edits[i].dataset): its problems named there, and the
    stack's rules (steps and all) checked with it."""

    def read(obj, path):
        found = []
        dataset = read_dataset(found, obj)
        if not found:
            check_stack(replace(spec, dataset=dataset), found)
        for problem in found:
            problem["path"] = path + problem["path"].removeprefix("dataset")
        errors.extend(found)
        return None if found else dataset

    return read
