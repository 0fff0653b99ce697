"""Image datasets and preprocessing, NumPy only.

Every image set reaches the network as float32 (n, height, width, channels)
in [0, 1], channels last. `preprocess` brings any picture (an upload, a
drawing on the page) to that form, so training and prediction see the same
distribution.
"""

import functools
import importlib.util
from pathlib import Path

import numpy as np


@functools.lru_cache(maxsize=1)
def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8×8 digits (shipped inside the package: no download), read
    from its file: importing scikit-learn would slow a run's start."""
    spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
    path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
    if path.exists():
        table = np.loadtxt(path, delimiter=",", dtype=np.float32)
        images, target = table[:, :64].reshape(-1, 8, 8), table[:, 64]
    else:  # another layout in some release: the public loader
        from sklearn.datasets import load_digits  # noqa: PLC0415

        d = load_digits()
        images, target = d.images, d.target
    images, target = (images / 16.0).astype(np.float32)[..., None], target.astype(np.int32)
    images.setflags(write=False)
    target.setflags(write=False)
    return images, target


def shapes(rng: np.random.Generator, n: int, noise: float, size: int = 28) -> tuple[np.ndarray, np.ndarray]:
    """n filled shapes (circle, square, triangle, line) at jittered size and place."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
    images = np.zeros((n, size, size), np.float32)
    labels = np.arange(n) % 4
    for i, label in enumerate(labels):
        r = rng.uniform(size * 0.18, size * 0.34)
        cx, cy = rng.uniform(r + 1, size - r - 1, 2)
        if label == 0:
            mask = (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
        elif label == 1:
            mask = (np.abs(xx - cx) <= r * 0.85) & (np.abs(yy - cy) <= r * 0.85)
        elif label == 2:  # apex up: inside three half-planes
            top, bottom = cy - r, cy + r * 0.8
            half = (yy - top) / (bottom - top) * r
            mask = (yy >= top) & (yy <= bottom) & (np.abs(xx - cx) <= half)
        else:
            angle = rng.uniform(0, np.pi)
            dx, dy = np.cos(angle), np.sin(angle)
            along = (xx - cx) * dx + (yy - cy) * dy
            across = -(xx - cx) * dy + (yy - cy) * dx
            mask = (np.abs(along) <= r * 1.2) & (np.abs(across) <= 1.2)
        images[i] = mask
    images += rng.normal(0, 1, images.shape).astype(np.float32) * noise
    return np.clip(images, 0, 1)[..., None], labels.astype(np.int32)


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Area-average resize of an (h, w, c) image: each output pixel is the mean
    of its block of input pixels (cut at whole pixels, at least one each), so
    growing repeats pixels. Vectorized with cumulative sums."""

    def along(a, size, axis):
        n = a.shape[axis]
        lo = np.minimum((np.arange(size) * n / size).astype(int), n - 1)
        hi = np.maximum(np.minimum((np.arange(1, size + 1) * n / size).astype(int), n), lo + 1)
        sums = np.concatenate([np.zeros_like(np.take(a, [0], axis)), np.cumsum(a, axis=axis)], axis)
        shape = [1] * a.ndim
        shape[axis] = size
        return (np.take(sums, hi, axis) - np.take(sums, lo, axis)) / (hi - lo).reshape(shape)

    return along(along(np.asarray(image, np.float64), height, 0), width, 1).astype(np.float32)


def preprocess(pixels: np.ndarray | list, shape: tuple[int, ...], *, fit_to_content: bool = False) -> np.ndarray:
    """Any picture -> (height, width, channels) float32 in [0, 1].

    pixels: (h, w) or (h, w, c) with values 0-255 (uint8) or 0-1 (float).
    fit_to_content crops to the ink's bounding box (square, with a margin)
    first, as the digits were made: a drawing anywhere on a big canvas then
    looks like the training digits."""
    x = np.asarray(pixels, np.float32)
    if x.ndim == 2:
        x = x[..., None]
    if x.max(initial=0) > 1.0:
        x = x / 255.0
    height, width, channels = shape
    if x.shape[2] != channels:  # colour mode: to gray by luminance, or gray to RGB
        x = (
            (x[..., :3] @ np.array([0.299, 0.587, 0.114], np.float32))[..., None]
            if channels == 1
            else np.repeat(x[..., :1], channels, 2)
        )
    if fit_to_content and x.max() > 0:
        ys, xs = np.nonzero(x.max(axis=2) > 0.05)
        cy, cx = (ys.min() + ys.max()) / 2, (xs.min() + xs.max()) / 2
        half = (max(ys.max() - ys.min(), xs.max() - xs.min()) + 1) / 2  # the digits fill their frame
        pad = int(np.ceil(half)) + 1
        x = np.pad(x, ((pad, pad), (pad, pad), (0, 0)))
        top, left = int(round(cy - half)) + pad, int(round(cx - half)) + pad
        side = int(round(2 * half))
        x = x[top : top + side, left : left + side]
    out = resize(x, height, width)
    return np.clip(out / max(out.max(), 1e-6) if fit_to_content else out, 0, 1)
