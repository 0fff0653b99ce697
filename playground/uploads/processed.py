"""What a reader hands back: the arrays a run trains on, and what the pages show."""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Processed:
    """x: (n, 2) points, (n, k) standardized features, (n, h, w, c) images in [0, 1]
    or (n, length) int32 token indices; y: (n,) int32 classes or float32 targets.
    extra: more arrays for the .npz (vocabulary, preview pictures); metadata: JSON."""

    x: np.ndarray
    y: np.ndarray
    task: str  # binary | multiclass | regression
    class_names: list
    metadata: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def summary(self):
        """The JSON the Dataset row keeps: sizes, classes with counts, and the reader's notes."""
        counts = np.bincount(self.y, minlength=len(self.class_names)).tolist() if self.class_names else []
        return {
            **self.metadata,
            "samples": int(len(self.x)),
            "input_shape": list(self.x.shape[1:]),
            "classes": len(self.class_names) or None,
            "class_names": list(self.class_names),
            "class_counts": counts,
        }


def task_for(class_names):
    return "binary" if len(class_names) == 2 else "multiclass"
