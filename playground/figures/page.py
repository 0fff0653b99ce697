"""The experiment page: every figure one run's frames can draw, in page order."""

from playground.figures.distributions import gradients
from playground.figures.metrics import curves
from playground.figures.pictures import confusion, embedding, feature_maps, filters, hidden_states
from playground.figures.plane import boundary, neurons
from trainer import events


def for_run(*, history, probes, snapshots, final_iteration, task, points=None, class_names=(), edits=()):
    """{name: Figure} for whatever this run's model produced, in page order: the curves, then
    the pictures this page draws (trainer.events.PROBES), each whose final frame has content."""

    def class_name(c):
        return class_names[c] if c < len(class_names) else str(c)

    draw = {  # kind -> (the field its final frame must fill, if any; its figure)
        "boundary": (None, lambda f: boundary(f, snapshots, final_iteration, points, task)),
        "neurons": ("layers", neurons),
        "filters": ("layers", lambda f: filters(f, snapshots, final_iteration)),
        "feature_maps": ("layers", lambda f: feature_maps(f, snapshots, final_iteration, class_name)),
        "confusion": (None, confusion),
        "embedding": (None, lambda f: embedding(f, snapshots, final_iteration)),
        "hidden_states": ("states", lambda f: hidden_states(f, snapshots, final_iteration, class_name)),
        "gradients": ("layers", lambda f: gradients(f, snapshots, final_iteration)),
    }
    figs = dict(zip(("loss", "accuracy"), curves(history, task, edits)))
    for kind, kept in events.PROBES.items():
        if kept == events.LIVE or kind not in probes:
            continue
        needs, figure = draw[kind]
        if needs is None or probes[kind].get(needs):
            figs[kind] = figure(probes[kind])
    return figs
