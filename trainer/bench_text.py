"""Test accuracy of the real-text presets at each token level, as a table:

    .venv/bin/python -m trainer.bench_text [PRESET ...] [--levels word,morpheme,char] [--epochs N]

A script, not a test: it trains (minutes on a CPU), one run at a time. Per row:
the level's OOV rate on the test texts and its vocabulary's coverage of the
training tokens, the sequence length, the time to load and tokenize (from
trainer.tokencache when warm), the training time and the final test accuracy.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from trainer import datasets, loop, presets
from trainer.spec import parse

PRESETS = ("nsmc_lstm", "sentiment_en_gru")
TARGETS = {"nsmc": 0.82, "sentiment_en": 0.78}  # on the preset's own level


def bench(name: str, level: str, epochs: int | None = None) -> dict:
    d = presets.load(name)
    d["dataset"] = {**d["dataset"], "tokens": level}
    if epochs:
        d["epochs"] = epochs
    start = time.perf_counter()
    spec = parse(d)  # fits the pipeline: tokens from the cache or the tokenizer
    datasets.text_split(spec.dataset)
    load = time.perf_counter() - start
    stats = next(x for x in datasets.text_levels(spec.dataset, []) if x["level"] == level)
    start = time.perf_counter()
    result = loop.run(spec, emit=lambda frames: None)
    return {
        "preset": name,
        "level": level,
        "oov": stats["oov_rate"],
        "coverage": stats["coverage"],
        "length": stats["length"],
        "load_s": load,
        "train_s": time.perf_counter() - start,
        "epochs": result.metrics["epochs"],
        "accuracy": result.metrics["test_accuracy"],
        "own": level == presets.load(name)["dataset"]["tokens"],
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("presets", nargs="*", default=PRESETS)
    parser.add_argument("--levels", default="word,morpheme,char")
    parser.add_argument("--epochs", type=int)
    args = parser.parse_args(argv)
    print(
        f"{'preset':<18} {'tokens':<9} {'OOV':>6} {'cover':>6} {'len':>4} {'load s':>7} {'train s':>8} {'ep':>3} "
        f"{'test acc':>8}"
    )
    for name in args.presets:
        target = TARGETS.get(presets.load(name)["dataset"]["name"])
        for level in args.levels.split(","):
            r = bench(name, level, args.epochs)
            mark = (
                ("  target %.0f%%: %s" % (100 * target, "met" if r["accuracy"] >= target else "MISSED"))
                if r["own"] and target
                else ""
            )
            print(
                f"{r['preset']:<18} {r['level']:<9} {r['oov']:>6.1%} {r['coverage']:>6.1%} {r['length']:>4} "
                f"{r['load_s']:>7.2f} {r['train_s']:>8.1f} {r['epochs']:>3} {r['accuracy']:>8.2%}{mark}",
                flush=True,
            )


if __name__ == "__main__":
    main()
