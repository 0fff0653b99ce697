"""Headless training: `python -m trainer SPEC.json [--epochs N] [--json]`.

Shows a progress line on stderr; with --json the last line of stdout is one
JSON object with the final metrics. A bad spec exits with status 2 and the
validation messages on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from trainer import spec as specs


def _progress(frames, out=sys.stderr):
    for frame in frames:
        _show(frame, out)


def _show(frame, out):
    if frame["type"] == "metrics":
        bar = "#" * int(30 * frame["iteration"] / frame["total_steps"])
        line = f"\repoch {frame['epoch']}/{frame['epochs']} [{bar:<30}] loss {frame['train_loss']:.4f}"
        if frame["test_loss"] is not None:
            line += f"  test loss {frame['test_loss']:.4f}"
        if frame["test_accuracy"] is not None:
            line += f"  test acc {frame['test_accuracy']:.3f}"
        out.write(f"{line}  {frame['steps_per_second']:,.0f} steps/s   ")
        out.flush()
    elif frame["type"] == "status" and frame["message"]:
        out.write(f"\n{frame['status']}: {frame['message']}\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainer", description="Train a playground spec headless.")
    parser.add_argument("spec", help="path to a spec JSON file (see trainer/examples/)")
    parser.add_argument("--epochs", type=int, help="override the spec's epochs")
    parser.add_argument("--json", action="store_true", help="print the final metrics as one JSON line")
    args = parser.parse_args(argv)
    try:
        with open(args.spec, encoding="utf-8") as f:
            raw = json.load(f)
        if args.epochs is not None and isinstance(raw, dict):
            raw["epochs"] = args.epochs
        spec = specs.parse(raw)
    except (OSError, json.JSONDecodeError) as e:
        print(f"error: cannot read {args.spec}: {e}", file=sys.stderr)
        return 2
    except specs.SpecError as e:
        print("error: invalid spec:", file=sys.stderr)
        for err in e.errors:
            print(f"  {err['path'] or '(spec)'}: {err['message']}", file=sys.stderr)
        return 2

    from trainer import loop  # imports JAX; after validation so a bad spec fails fast

    result = loop.run(spec, emit=_progress)
    sys.stderr.write("\n")
    if args.json:
        print(json.dumps(result.metrics))
    else:
        for key, value in result.metrics.items():
            print(f"{key}: {value}")
    return 0 if result.status in ("completed", "stopped") else 1


if __name__ == "__main__":
    sys.exit(main())
