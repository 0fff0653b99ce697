"""Real files for the upload tests, made in memory: CSVs in several encodings, zips of
pictures (and of bombs and escapes), .npz arrays."""

import io
import zipfile

import numpy as np
from PIL import Image


def csv_bytes(header, rows, encoding="utf-8", bom=False, delimiter=","):
    lines = [delimiter.join(header)] + [delimiter.join(str(v) for v in row) for row in rows]
    data = ("\n".join(lines) + "\n").encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


def points_rows(n=40, regression=False, seed=0):
    """Two separable clouds (labels a/b), or a plane (regression)."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        x1, x2 = rng.uniform(-4, 4, 2)
        label = round(float((x1 + x2) / 8), 4) if regression else ("a" if x1 + x2 > 0 else "b")
        rows.append((round(float(x1), 3), round(float(x2), 3), label))
    return rows


def points_csv(n=40, **kwargs):
    return csv_bytes(["x1", "x2", "label"], points_rows(n, **kwargs))


def tabular_csv(n=60, label="species"):
    rng = np.random.default_rng(1)
    rows = []
    for i in range(n):
        cls = i % 3
        a, b, c = rng.normal(cls * 2.0, 0.5), rng.normal(10 - cls, 0.5), rng.uniform(0, 100)
        rows.append((round(a, 3), round(b, 3), round(c, 3), ["setosa", "versicolor", "virginica"][cls]))
    return csv_bytes(["petal", "sepal", "noise", label], rows)


KOREAN = [
    "정말 좋아요 최고",
    "너무 재미있어요",
    "배우가 멋져요",
    "다시 보고 싶어요",
    "별로예요 지루해요",
    "시간 낭비였어요",
    "최악의 영화",
    "돈이 아까워요",
]


def text_csv(n=40, encoding="utf-8", bom=False, korean=False):
    english = [
        "a great movie, loved it",
        "wonderful and fun",
        "the best film this year",
        "really good acting",
        "boring and too long",
        "a waste of time",
        "terrible plot, bad acting",
        "awful, I left early",
    ]
    words = KOREAN if korean else english
    rows = [(f'"{words[i % 8]} {i}"', "pos" if i % 8 < 4 else "neg") for i in range(n)]
    return csv_bytes(["text", "label"], rows, encoding=encoding, bom=bom)


def picture(cls, size=(20, 16), mode="RGB", fmt="PNG", seed=0):
    """A picture whose left or right half is bright, by class; any mode and format."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 60, (size[1], size[0], 3)).astype(np.uint8)
    half = size[0] // 2
    if cls == 0:
        a[:, :half] = 230
    else:
        a[:, half:] = 230
    img = Image.fromarray(a, "RGB").convert(mode)
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED):
    """entries: {name: bytes}."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def image_zip(per_class=12, top=""):
    """Two class folders of pictures in mixed formats and colour modes."""
    formats = [
        ("PNG", "RGB", "png"),
        ("JPEG", "L", "jpg"),
        ("GIF", "P", "gif"),
        ("BMP", "RGB", "bmp"),
        ("WEBP", "RGB", "webp"),
        ("PNG", "RGBA", "png"),
    ]
    entries = {}
    for cls, name in enumerate(["left", "right"]):
        for i in range(per_class):
            fmt, mode, ext = formats[i % len(formats)]
            size = (20 + i, 16 + 2 * i)  # any sizes
            entries[f"{top}{name}/{i}.{ext}"] = picture(cls, size, mode, fmt, seed=i)
    return zip_bytes(entries)


def npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def image_npz(n=40, size=12):
    rng = np.random.default_rng(2)
    y = np.arange(n) % 2
    x = rng.integers(0, 50, (n, size, size)).astype(np.uint8)
    x[y == 0, :, : size // 2] = 240
    x[y == 1, :, size // 2 :] = 240
    return npz_bytes(x=x, y=y)
