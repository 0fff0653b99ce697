"""What fit reports to: History (what fit returns), Progress (Keras' printed
progress) and the callbacks, Keras' hooks with EarlyStopping and TargetLoss
(the playground's two stop rules)."""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainer.keras.model import Sequential


class History:
    """What fit returns: .history maps "loss" (and metrics, "val_*") to one value per epoch."""

    def __init__(self, model, params):
        self.model, self.params, self.history, self.epoch = model, params, {}, []

    def append(self, epoch: int, logs: dict[str, float]) -> None:
        self.epoch.append(epoch)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)


class Progress:
    """Keras' progress output: verbose 1 a bar per epoch, 2 one line, 0 nothing."""

    def __init__(self, verbose, epochs, steps, out=None):
        self.verbose, self.epochs, self.steps, self.out = verbose, epochs, steps, out or sys.stdout

    def epoch(self, epoch: int, logs: dict[str, float], seconds: float) -> None:
        if not self.verbose:
            return
        per_step = seconds / self.steps
        step_time = f"{per_step * 1e3:.0f}ms/step" if per_step >= 1e-3 else f"{per_step * 1e6:.0f}us/step"
        values = " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())
        head = f"{self.steps}/{self.steps} [{'=' * 30}]" if self.verbose == 1 else f"{self.steps}/{self.steps}"
        self.out.write(f"Epoch {epoch + 1}/{self.epochs}\n{head} - {int(seconds)}s {step_time} - {values}\n")
        self.out.flush()


class Callback:
    """Keras' callback hooks that fit calls; `self.model` is the Sequential."""

    model = None

    def set_model(self, model: Sequential) -> None:
        self.model = model

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        pass

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        pass

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        pass


class EarlyStopping(Callback):
    """Stop when `monitor` has not improved for `patience` epochs (the
    playground's early_stopping_patience, on val_loss)."""

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, mode="auto", restore_best_weights=False):
        self.monitor, self.min_delta, self.patience, self.restore_best_weights = (
            monitor,
            abs(min_delta),
            patience,
            restore_best_weights,
        )
        self.sign = -1 if mode == "max" or (mode == "auto" and ("acc" in monitor or "r2" in monitor)) else 1

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        self.best, self.wait, self.best_weights, self.stopped_epoch = math.inf, 0, None, 0

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        if self.monitor not in logs:
            raise ValueError(
                f"EarlyStopping monitors {self.monitor!r}, which fit does not log; it logs {', '.join(logs)} "
                "(val_* needs validation_data)"
            )
        value = self.sign * logs[self.monitor]
        if value < self.best - self.min_delta:
            self.best, self.wait = value, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.model.stop_training, self.stopped_epoch = True, epoch

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        if self.stopped_epoch and self.best_weights is not None:
            self.model.set_weights(self.best_weights)


class TargetLoss(Callback):
    """Stop once `monitor` is at or below `target` (the playground's stop rule target_loss)."""

    def __init__(self, target, monitor="val_loss"):
        self.target, self.monitor = target, monitor

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        if logs[self.monitor] <= self.target:
            self.model.stop_training = True
