"""Image sets: a zip with one folder per class, or an .npz with arrays x and y.

Every picture (PNG, JPEG, GIF, BMP or WebP; any size and colour mode) is decoded
with Pillow, brought to the colour mode chosen on upload (transparency over
white), and resized to the chosen size in [0, 1] by trainer.images.preprocess (the same
numbers as a drawing on the page gets).
"""

import base64
import io
import warnings
from pathlib import PurePosixPath

import numpy as np
from django.utils.translation import gettext as _
from PIL import Image

from playground.uploads import archives
from playground.uploads.limits import UploadError, megabytes
from playground.uploads.processed import Processed, task_for
from trainer import images

EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"}
FORMATS = {"PNG", "JPEG", "MPO", "GIF", "BMP", "DIB", "WEBP"}
PREVIEW_PER_CLASS, PREVIEW_MAX, THUMB = 4, 24, 96  # "before" pictures kept for the dataset page


def target_shape(options, lim):
    h, w = int(options.get("height") or 28), int(options.get("width") or 28)
    if not (4 <= h <= lim["max_image_side"] and 4 <= w <= lim["max_image_side"]):
        raise UploadError(
            _("the target size must be between 4 and %(limit)s pixels a side") % {"limit": lim["max_image_side"]}
        )
    return h, w, 3 if options.get("color") == "rgb" else 1


def decode(data, name, channels, lim):
    """Picture bytes -> a Pillow image in mode L (channels 1) or RGB, or UploadError naming the file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            if img.format not in FORMATS:
                raise UploadError(
                    _("'%(name)s' is a %(format)s picture; use PNG, JPEG, GIF, BMP or WebP")
                    % {"name": name, "format": img.format}
                )
            if img.width * img.height > lim["max_image_pixels"]:
                raise UploadError(
                    _(
                        "'%(name)s' is %(width)s×%(height)s pixels; at most %(limit)s "
                        "pixels are decoded: shrink it first"
                    )
                    % {"name": name, "width": img.width, "height": img.height, "limit": f"{lim['max_image_pixels']:,}"}
                )
            img.load()
    except UploadError:
        raise
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise UploadError(
            _("image '%(name)s' does not decode (%(error)s); remove it or save it again as PNG or JPEG")
            % {"name": name, "error": exc}
        ) from None
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):  # 16-bit or float gray: scale to 8 bits
        a = np.asarray(img, np.float64)
        img = Image.fromarray((a / max(a.max(), 1e-9) * 255).astype(np.uint8))
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    return img.convert("L" if channels == 1 else "RGB")


def to_array(pixels, shape):
    """(h, w, k) pixels in [0, 1] -> (h, w, c) float32 in [0, 1]: the colour mode,
    area-average resize and range of trainer.images.preprocess, as a drawing gets."""
    return images.preprocess(pixels, shape)


def picture_array(img, shape):
    """A decoded Pillow picture -> to_array. Very large pictures are first shrunk by an
    integer factor (an area average too)."""
    h, w, _ = shape
    factor = min(img.width // (4 * w), img.height // (4 * h))
    if factor >= 2:
        img = img.reduce(factor)
    a = np.asarray(img, np.float32) / 255.0
    return to_array(a[..., None] if a.ndim == 2 else a, shape)


def thumbnail(img):
    small = img.copy()
    small.thumbnail((THUMB, THUMB))
    buf = io.BytesIO()
    small.save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode("ascii")


# --- a zip of class folders ------------------------------------------------------------------


def _class_entries(files):
    """[(class name, ZipInfo)] from `class/picture.png` (or `top/class/picture.png`)."""
    entries = [
        (PurePosixPath(i.filename.replace("\\", "/")).parts, i) for i in files if not archives.is_ignored(i.filename)
    ]
    if not entries:
        raise UploadError(_("the zip has no pictures; put each class's pictures in a folder named after the class"))
    tops = {parts[0] for parts, _ in entries}
    if len(tops) == 1 and all(len(parts) == 3 for parts, _ in entries):
        entries = [(parts[1:], i) for parts, i in entries]  # the zip of one folder that holds the class folders
    out = []
    for parts, info in entries:
        if len(parts) == 1:
            raise UploadError(
                _("'%(name)s' is not in a class folder; put each class's pictures in a folder named after the class")
                % {"name": info.filename}
            )
        if len(parts) > 2:
            raise UploadError(
                _("'%(name)s' is nested too deep; use one folder per class with the pictures directly inside")
                % {"name": info.filename}
            )
        if PurePosixPath(parts[1]).suffix.lower() not in EXTENSIONS:
            raise UploadError(
                _("'%(name)s' is not a picture (use .png, .jpg, .gif, .bmp or .webp files)") % {"name": info.filename}
            )
        out.append((parts[0], info))
    return out


def _check_counts(n, names, lim, what):
    if len(names) < 2:
        message = (
            _("only one class ('%(name)s'); a classifier needs folders of at least two classes")
            if what == "folders"
            else _("only one class ('%(name)s'); a classifier needs labels of at least two classes")
        )
        raise UploadError(message % {"name": names[0]})
    if len(names) > lim["max_classes"]:
        raise UploadError(
            _("%(count)s classes, more than %(limit)s (the limit)") % {"count": len(names), "limit": lim["max_classes"]}
        )
    if n < lim["min_rows"]:
        raise UploadError(
            _("only %(count)s pictures; at least %(minimum)s are needed to train and test")
            % {"count": n, "minimum": lim["min_rows"]}
        )
    if n > lim["max_rows"]:
        raise UploadError(
            _("%(count)s pictures, more than %(limit)s (the limit)")
            % {"count": f"{n:,}", "limit": f"{lim['max_rows']:,}"}
        )


def _check_processed_size(n, shape, lim):
    size = n * int(np.prod(shape))
    if size * 4 > lim["max_processed_bytes"]:
        raise UploadError(
            _(
                "%(count)s pictures of %(shape)s make %(size)s of training data, "
                "more than %(limit)s; choose a smaller size or upload fewer"
            )
            % {
                "count": f"{n:,}",
                "shape": "×".join(map(str, shape)),
                "size": megabytes(size * 4),
                "limit": megabytes(lim["max_processed_bytes"]),
            }
        )


def zip_folders(data, options, lim, progress=None, decode_only=False):
    """A zip of class folders -> Processed (x uint8-quantized later by the store), or
    with decode_only just the checks: every entry safe, every picture decodes."""
    shape = target_shape(options, lim)
    zf, files = archives.open_zip(data, lim)
    entries = _class_entries(files)
    names = sorted({c for c, _ in entries})
    _check_counts(len(entries), names, lim, "folders")
    _check_processed_size(len(entries), shape, lim)
    index = {c: i for i, c in enumerate(names)}
    x = None if decode_only else np.empty((len(entries), *shape), np.float32)
    y = np.array([index[c] for c, _ in entries], np.int32)
    before, preview = [], []
    for k, (_cls, info) in enumerate(entries):
        img = decode(archives.read_entry(zf, info), info.filename, shape[2], lim)
        if not decode_only:
            x[k] = picture_array(img, shape)
            if sum(1 for j in preview if y[j] == y[k]) < PREVIEW_PER_CLASS and len(preview) < PREVIEW_MAX:
                preview.append(k)
                before.append(thumbnail(img))
        if progress and k % 50 == 0:
            progress(
                k / len(entries),
                _("decoding pictures %(done)s/%(total)s") % {"done": f"{k:,}", "total": f"{len(entries):,}"},
            )
    if decode_only:
        return Processed(np.empty((len(entries), *shape), np.uint8), y, task_for(names), names)
    meta = {
        "source": "zip of class folders",
        "color": "rgb" if shape[2] == 3 else "grayscale",
        "files": [entries[k][1].filename for k in preview],
    }
    extra = {"preview_index": np.array(preview, np.int64), "preview_before": np.array(before, dtype=str)}
    return Processed(x, y, task_for(names), names, meta, extra)


# --- an .npz with x and y ------------------------------------------------------------------------


def _npz_arrays(data, lim):
    zf, files = archives.open_zip(data, lim, what=".npz")
    members = {PurePosixPath(i.filename).stem: i for i in files if i.filename.endswith(".npy")}
    if "x" not in members or "y" not in members:
        raise UploadError(
            _("the .npz needs arrays named x (the pictures) and y (the labels); it has: %(names)s")
            % {"names": ", ".join(sorted(members)) or _("none")}
        )
    arrays = {}
    for key in ("x", "y", "class_names"):
        if key not in members:
            continue
        raw = io.BytesIO(archives.read_entry(zf, members[key]))
        try:
            arrays[key] = np.load(raw, allow_pickle=False)
        except ValueError as exc:
            if "pickle" in str(exc):
                raise UploadError(
                    _("array %(key)s holds Python objects (pickles are refused); save plain numbers with np.savez")
                    % {"key": key}
                ) from None
            raise UploadError(_("array %(key)s: %(error)s") % {"key": key, "error": exc}) from None
        except (OSError, EOFError) as exc:
            raise UploadError(_("array %(key)s cannot be read (%(error)s)") % {"key": key, "error": exc}) from None
    return arrays


def _npz_labels(y, class_names):
    if y.ndim != 1:
        raise UploadError(
            _("y must be one label per picture, shape (n,); it has shape %(shape)s") % {"shape": tuple(y.shape)}
        )
    if y.dtype.kind in "US":
        names = sorted(set(y.astype(str).tolist()))
        index = {v: i for i, v in enumerate(names)}
        return np.array([index[v] for v in y.astype(str).tolist()], np.int32), names
    if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
        y = y.astype(np.int64)
    if y.dtype.kind not in "iu" or (len(y) and y.min() < 0):
        raise UploadError(_("y must hold class indices (integers 0, 1, 2, …) or class names (strings)"))
    used = sorted(set(y.tolist()))
    names = [str(n) for n in class_names.tolist()] if class_names is not None else [str(v) for v in used]
    if class_names is not None and used and used[-1] >= len(names):
        raise UploadError(
            _("y uses class %(index)s but class_names lists only %(count)s names")
            % {"index": used[-1], "count": len(names)}
        )
    remap = {v: i for i, v in enumerate(used)}  # classes nobody uses are dropped, so none is empty
    return np.array([remap[v] for v in y.tolist()], np.int32), [
        names[v] if class_names is not None else names[i] for i, v in enumerate(used)
    ]


def npz(data, options, lim, progress=None, decode_only=False):
    """x (n, h, w) or (n, h, w, c) with values 0-255 or 0-1, y (n,) -> Processed."""
    shape = target_shape(options, lim)
    arrays = _npz_arrays(data, lim)
    x, y = arrays["x"], arrays["y"]
    if len(x) != len(y):
        raise UploadError(
            _("x has %(x)s samples but y has %(y)s; they must have the same length (one label per picture)")
            % {"x": f"{len(x):,}", "y": f"{len(y):,}"}
        )
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[3] not in (1, 3, 4):
        raise UploadError(
            _("x must be pictures, shape (n, height, width) or (n, height, width, 1|3|4); it has shape %(shape)s")
            % {"shape": tuple(arrays["x"].shape)}
        )
    if x.dtype.kind not in "biuf":
        raise UploadError(_("x must hold numbers; it holds %(dtype)s") % {"dtype": x.dtype})
    if x.dtype.kind == "f" and not np.all(np.isfinite(x)):
        raise UploadError(_("x holds NaN or infinite values; pixels must be finite numbers"))
    if len(x) and (x.min() < 0 or x.max() > 255):
        raise UploadError(_("x's values must be pixels between 0 and 255 (or 0 and 1)"))
    y, names = _npz_labels(y, arrays.get("class_names"))
    _check_counts(len(y), names, lim, "labels")
    _check_processed_size(len(y), shape, lim)
    if decode_only:
        return Processed(np.empty((len(y), *shape), np.uint8), y, task_for(names), names)
    scale = 255.0 if x.max(initial=0) > 1 else 1.0
    out, before, preview = np.empty((len(x), *shape), np.float32), [], []
    for k in range(len(x)):
        pixels = x[k].astype(np.float32) / scale
        if pixels.shape[2] == 4:
            alpha = pixels[..., 3:]
            pixels = pixels[..., :3] * alpha + (1 - alpha)  # over white, as for pictures
        out[k] = to_array(pixels, shape)
        if sum(1 for j in preview if y[j] == y[k]) < PREVIEW_PER_CLASS and len(preview) < PREVIEW_MAX:
            preview.append(k)
            shown = pixels[..., 0] if pixels.shape[2] == 1 else pixels
            before.append(thumbnail(Image.fromarray((shown * 255).round().astype(np.uint8))))
        if progress and k % 100 == 0:
            progress(k / len(x), _("resizing pictures %(done)s/%(total)s") % {"done": f"{k:,}", "total": f"{len(x):,}"})
    meta = {
        "source": ".npz arrays",
        "color": "rgb" if shape[2] == 3 else "grayscale",
        "source_shape": list(arrays["x"].shape[1:]),
    }
    extra = {"preview_index": np.array(preview, np.int64), "preview_before": np.array(before, dtype=str)}
    return Processed(out, y, task_for(names), names, meta, extra)


def read(data, name, options, lim, progress=None, decode_only=False):
    reader = npz if name.lower().endswith(".npz") else zip_folders
    return reader(data, options, lim, progress, decode_only)
