"""catalog(): everything the builder's menus offer (GET /api/catalog/), read from the
registries, so the page has no list of its own."""

from dataclasses import asdict

from trainer import datasets
from trainer.spec.layer_types import catalog_entries
from trainer.spec.vocabulary import ACTIVATIONS, INITIALIZERS, LIMITS, LOSSES, OPTIMIZERS, VERSION


def catalog() -> dict:
    from trainer import presets  # noqa: PLC0415 (presets parse specs, so import late)

    return {
        "version": VERSION,
        "datasets": [asdict(info) for info in (*datasets.BUILTIN.values(), *datasets.DRAWN.values())],
        "features": list(datasets.FEATURES),
        "extent": list(datasets.EXTENT),  # the 2-D plane: xmin, xmax, ymin, ymax
        "activations": list(ACTIVATIONS),
        "losses": list(LOSSES),
        "optimizers": {
            name: {"learning_rate": 0.03 if name in ("sgd", "momentum", "nesterov") else 0.01, **knobs}
            for name, knobs in OPTIMIZERS.items()
        },
        "initializers": INITIALIZERS,
        **catalog_entries(),  # layer_types (each type's form), layer_info (titles, flags), layer_menu
        "regularization": ["none", "l1", "l2"],
        "token_levels": dict(datasets.text.TOKEN_LEVELS),  # a text set's `tokens`: level -> what it splits into
        "limits": {k: list(v) if isinstance(v, tuple) else v for k, v in LIMITS.items()},
        "presets": presets.PRESETS,
    }
