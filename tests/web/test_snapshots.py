"""The snapshot picker: probe frames spread over the run for the time slider."""

from playground import snapshots


def stream(total, every, kinds=("boundary", "neurons")):
    """Metrics frames every `every` iterations, each followed by probe frames."""
    for it in range(every, total + 1, every):
        yield {"type": "metrics", "iteration": it, "total_steps": total}
        for kind in kinds:
            yield {"type": kind, "at": it}


def pick(frames, **kw):
    picker, kept = snapshots.Picker(**kw), []
    for frame in frames:
        if snap := picker.offer(frame):
            kept.append(snap)
    return kept + [s for s in [picker.flush()] if s]


def test_one_snapshot_per_slot_spread_over_the_run():
    kept = pick(stream(1000, 5))
    assert len(kept) == snapshots.SLOTS
    its = [s["iteration"] for s in kept]
    assert its == sorted(its)
    assert [snapshots.slot_of(it, 1000) for it in its] == list(range(snapshots.SLOTS))
    assert all(
        set(s["frames"]) == {"boundary", "neurons"} and s["frames"]["boundary"]["at"] == s["iteration"] for s in kept
    )


def test_few_frames_give_few_snapshots_and_unknown_types_are_ignored():
    kept = pick(stream(1000, 250, kinds=("boundary", "predictions")))  # the strip of test images: not scrubbed
    assert [s["iteration"] for s in kept] == [250, 500, 750, 1000]
    assert all(set(s["frames"]) == {"boundary"} for s in kept)


def test_a_fixed_total_ignores_frames_past_it():
    kept = pick(stream(100, 10), total=50)
    assert [s["iteration"] for s in kept][-1] == 50


def test_wanted():
    assert snapshots.wanted(5000) == 20 and snapshots.wanted(7) == 4 and snapshots.wanted(0) == 0
