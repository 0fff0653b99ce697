"""Which probe frames a run keeps for the experiment page's time slider.

A run streams probe frames (boundary, neurons, filters, ...) right after some
metrics frames, and gradients frames with those and more often. The picker
cuts the run's length into SLOTS equal stretches of iterations and keeps, per
stretch, the probes that follow the first metrics frame landing in it: at most
SLOTS snapshots, spread over the run. Pure Python, no Django: playground.recorder
feeds it a live run's frames, playground.compute those of a replay, and
playground.records stores what it returns.
"""

from trainer import events

SLOTS = 24  # at least MIN_SNAPSHOTS of them filled once a run has streamed enough
MIN_SNAPSHOTS = 20
# What the slider scrubs, and what is kept only beside them (trainer.events.PROBES says which).
TYPES = tuple(kind for kind, kept in events.PROBES.items() if kept == events.OPENS)
JOINERS = tuple(kind for kind, kept in events.PROBES.items() if kept == events.JOINS)


def slot_of(iteration, total, slots=SLOTS):
    """The stretch [slot * total / slots, (slot + 1) * total / slots) that holds `iteration`."""
    if total <= 0:
        return 0
    return min(slots - 1, iteration * slots // total)


class Picker:
    """Feed it every frame in order; it hands back finished snapshots,
    {"iteration": int, "frames": {type: frame}}, one per slot at most.

    total: the run's length in iterations; None takes it from the first metrics
    frame's total_steps. Frames past `total` are ignored (a replay that
    overshoots the step where the original run stopped)."""

    def __init__(self, total=None, slots=SLOTS):
        self.total, self.slots = total, slots
        self.iteration = 0
        self.taken = set()
        self.pending = None  # the snapshot being filled: probes after the latest metrics frame

    def offer(self, frame):
        """One frame; returns a finished snapshot or None."""
        kind = frame.get("type")
        if kind == "metrics":
            finished = self.flush()
            self.iteration = int(frame.get("iteration") or 0)
            if self.total is None:
                self.total = int(frame.get("total_steps") or 0)
            return finished
        if kind in TYPES + JOINERS and self.total is not None and self.iteration <= self.total:
            slot = slot_of(self.iteration, self.total, self.slots)
            if self.pending is None and slot not in self.taken and kind in TYPES:
                self.taken.add(slot)
                self.pending = {"iteration": self.iteration, "frames": {}}
            if self.pending is not None and self.pending["iteration"] == self.iteration:
                self.pending["frames"][kind] = frame
        return None

    def flush(self):
        """The snapshot being filled, if any (call once the stream has ended)."""
        finished, self.pending = self.pending, None
        return finished

    @property
    def count(self):
        return len(self.taken)


def wanted(steps):
    """How many snapshots a run of `steps` iterations should end with: the
    engine sends probes after every other frame, so a very short run has fewer."""
    return min(MIN_SNAPSHOTS, (max(int(steps), 0) + 1) // 2)
