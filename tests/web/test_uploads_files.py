"""Every message the upload checks give, on real files made here (no database)."""

import io
import zipfile

import numpy as np
import pytest

from playground.uploads import readers
from playground.uploads.limits import UploadError
from tests.web import upload_files as f

POINTS = ["x1", "x2", "label"]


def check(kind, data, name=None, **options):
    name = name or {"images": "set.zip", "points": "set.csv", "tabular": "set.csv", "text": "set.csv"}[kind]
    return readers.check(kind, name, data, options)


def refused(kind, data, match, name=None, **options):
    with pytest.raises(UploadError, match=match) as info:
        check(kind, data, name, **options)
    return str(info.value)


# --- accepted files ---------------------------------------------------------------------------------


def test_points_classification_and_regression():
    checked = check("points", f.points_csv(40))
    assert checked.task == "binary" and checked.class_names == ["a", "b"] and checked.x.shape == (40, 2)
    assert check("points", f.points_csv(40, regression=True), target="regression").task == "regression"


def test_points_outside_the_plane_are_mapped_onto_it_and_the_scaling_kept():
    rows = [(x * 100, x * 3 - 50, "a" if x % 2 else "b") for x in range(30)]
    got = readers.process("points", "p.csv", f.csv_bytes(POINTS, rows), {})
    assert np.abs(got.x).max() <= 5.0 + 1e-6 and got.metadata["scaling"]["x1"] == [0.0, 2900.0]


def test_tabular_is_standardized_with_the_statistics_kept():
    got = readers.process("tabular", "iris.csv", f.tabular_csv(60), {"label_column": "Species"})
    assert got.task == "multiclass" and got.class_names == ["setosa", "versicolor", "virginica"]
    assert (
        got.x.shape == (60, 3) and np.allclose(got.x.mean(0), 0, atol=1e-5) and np.allclose(got.x.std(0), 1, atol=1e-4)
    )
    assert got.metadata["columns"] == ["petal", "sepal", "noise"] and len(got.metadata["standardization"]["mean"]) == 3


def test_utf8_with_bom_and_korean_cp949_are_read():
    assert check("points", b"\xef\xbb\xbf" + f.points_csv(30)).x.shape == (30, 2)
    got = readers.process("text", "ko.csv", f.text_csv(40, encoding="cp949", korean=True), {})
    assert got.metadata["encoding"] == "CP949 (Korean)" and "좋아요" in got.extra["vocab"].tolist()


def test_images_of_any_size_format_and_colour_mode_become_one_shape():
    got = readers.process("images", "pics.zip", f.image_zip(12), {"height": 8, "width": 10, "color": "grayscale"})
    assert got.x.shape == (24, 8, 10, 1) and got.x.dtype == np.float32 and 0 <= got.x.min() and got.x.max() <= 1
    assert got.class_names == ["left", "right"] and np.bincount(got.y).tolist() == [12, 12]
    left = got.x[got.y == 0]
    assert left[:, :, :4].mean() > left[:, :, 6:].mean()  # the picture survived the trip
    rgb = readers.process(
        "images", "pics.zip", f.image_zip(10, top="photos/"), {"height": 6, "width": 6, "color": "rgb"}
    )
    assert rgb.x.shape == (20, 6, 6, 3) and len(rgb.extra["preview_before"]) == 8  # 4 "before" pictures a class


def test_an_npz_of_images_with_labels():
    got = readers.process("images", "x.npz", f.image_npz(40, 12), {"height": 6, "width": 6})
    assert got.x.shape == (40, 6, 6, 1) and got.class_names == ["0", "1"]
    names = f.npz_bytes(x=np.zeros((30, 5, 5)), y=np.array(["cat", "dog"] * 15))
    assert check("images", names, "n.npz").class_names == ["cat", "dog"]


def test_text_goes_through_the_pipeline_chosen_on_upload():
    got = readers.process("text", "t.csv", f.text_csv(40), {"max_vocab": 20, "max_length": 6, "remove_stopwords": True})
    assert got.x.shape == (40, 6) and got.x.dtype == np.int32 and len(got.extra["vocab"]) == 20
    assert got.extra["vocab"][0] == "<pad>" and "the" not in got.extra["vocab"].tolist()  # a stop word


# --- CSV problems -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "the file is empty"),
        (b"  \n\n", "the file is empty"),
        (
            f.csv_bytes(["x1", "y", "label"], f.points_rows(30)),
            r"line 1: no column 'x2'; the header must be x1,x2,label",
        ),
        (f.csv_bytes(["x1", "x2", "label", "z"], [(*r, 1) for r in f.points_rows(30)]), "unexpected column 'z'"),
        (
            f.csv_bytes(["1.5", "2.5", "a"], f.points_rows(30)),
            r"line 1: the first line should be the header .* looks like data",
        ),
        (f.csv_bytes(POINTS, f.points_rows(30), delimiter=";"), "separated by semicolons, not commas"),
        (f.csv_bytes(POINTS, f.points_rows(30), delimiter="\t"), "separated by tabs"),
        (f.csv_bytes(POINTS, [*f.points_rows(30), (1, "abc", "a")]), r"line 32, column x2: 'abc' is not a number"),
        (
            f.csv_bytes(POINTS, [(1, 2, "a"), ("", 2, "b"), *f.points_rows(30)]),
            r"line 3, column x1: the value is empty",
        ),
        (
            f.csv_bytes(POINTS, [*f.points_rows(30), ("nan", 1, "a")]),
            r"line 32, column x1: 'nan' is not a finite number",
        ),
        (
            f.csv_bytes(POINTS, [*f.points_rows(30), (1, "inf", "a")]),
            r"line 32, column x2: 'inf' is not a finite number",
        ),
        (f.csv_bytes(POINTS, [*f.points_rows(30), (1, 2)]), r"line 32: 2 fields, but the header has 3"),
        (f.csv_bytes(POINTS, [(r[0], r[1], "same") for r in f.points_rows(30)]), r"only one class \('same'\)"),
        (f.csv_bytes(POINTS, f.points_rows(12)), "only 12 rows of data; at least 20"),
        (
            f.csv_bytes(POINTS, [(r[0], r[1], "") for r in f.points_rows(30)]),
            r"line 2, column label: the label is empty",
        ),
        (f.csv_bytes(POINTS, []), "a header but no rows"),
        (
            "x1,x2,label\n1,2,café\n".encode("latin-1"),
            r"line 2: byte 0xe9 is not UTF-8, and the file is not Korean CP949",
        ),
        (f.points_csv(30).decode().encode("utf-16"), "UTF-16"),
        (b"x1,x2,label\n1,2,a\x00b\n", "NUL"),
    ],
)
def test_points_csv_problems_name_the_line_and_column(data, match):
    refused("points", data, match)


def test_regression_labels_must_be_numbers():
    refused(
        "points",
        f.csv_bytes(POINTS, [*f.points_rows(30, regression=True), (1, 2, "big")]),
        r"line 32, column label: 'big' is not a number",
        target="regression",
    )


def test_too_many_rows_columns_and_classes(settings):
    settings.PLAYGROUND_UPLOAD_LIMITS = {"max_rows": 50, "max_columns": 3, "max_classes": 4}
    refused("points", f.points_csv(60), "more than 50 rows of data")
    rows = [(*np.arange(5), "a" if i % 2 else "b") for i in range(30)]
    refused("tabular", f.csv_bytes(["a", "b", "c", "d", "e", "label"], rows), "5 feature columns, more than 3")
    rows = [(i, i, f"class{i % 6}") for i in range(30)]
    refused("points", f.csv_bytes(POINTS, rows), r"column label: 6 different labels, more than 4 classes .* regression")


def test_tabular_label_column_must_exist():
    message = refused("tabular", f.tabular_csv(30), r"no column named 'label' \(the label column chosen on upload\)")
    assert "petal, sepal, noise, species" in message
    refused("tabular", f.csv_bytes(["a", "a", "label"], [(1, 2, "x")] * 30), "the column 'a' appears twice")


def test_the_file_itself_size_and_name(settings):
    settings.PLAYGROUND_UPLOAD_LIMITS = {"max_bytes": 100}
    refused("points", f.points_csv(30), r"the file is .* bytes; the limit is 100 bytes")
    settings.PLAYGROUND_UPLOAD_LIMITS = {}
    refused("points", f.points_csv(30), "a points dataset is a .csv or .txt file", name="points.xlsx")


def test_text_problems():
    refused(
        "text",
        f.csv_bytes(["text", "label"], [("", "pos")] + [("fine", "neg")] * 30),
        r"line 2, column text: the text is empty",
    )
    refused("text", f.csv_bytes(["review", "label"], [("fine", "neg")] * 30), r"no column 'text'")
    refused(
        "text",
        f.csv_bytes(["text", "label"], [("x" * 6000, "a"), *[("fine", "b")] * 30]),
        "6,000 characters, more than 5,000",
    )


# --- archives and pictures --------------------------------------------------------------------------


def test_zip_slip_entries_are_refused():
    good = f.picture(0)
    refused("images", f.zip_bytes({"a/1.png": good, "../evil.png": good}), r"'../evil.png' points outside the archive")
    refused("images", f.zip_bytes({"a/1.png": good, "a/../../etc/x.png": good}), "points outside the archive")
    refused("images", f.zip_bytes({"/etc/passwd.png": good}), "has an absolute path")
    refused("images", f.zip_bytes({"C:\\evil\\x.png": good}), "has an absolute path")


def test_zip_bombs_are_refused_by_ratio_and_by_total_size(settings):
    bomb = f.zip_bytes({"a/1.png": b"\0" * (8 * 1024 * 1024)})  # 8 MB that compress to a few KB
    assert len(bomb) < 50_000
    refused("images", bomb, r"'a/1.png' expands [\d,]+ times .* possible zip bomb")
    settings.PLAYGROUND_UPLOAD_LIMITS = {"max_unpacked_bytes": 5_000}
    refused("images", f.image_zip(12, top=""), r"unpacks to more than 5,000 bytes .* zip bomb")


def test_a_symbolic_link_entry_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("a/link.png")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
    refused("images", buf.getvalue(), "is a symbolic link")


def test_pictures_that_do_not_decode_are_named():
    good = {f"{c}/{i}.png": f.picture(k, seed=i) for k, c in enumerate("ab") for i in range(12)}
    png = f.picture(0)
    refused(
        "images", f.zip_bytes({**good, "a/broken.png": png[: len(png) // 2]}), r"image 'a/broken.png' does not decode"
    )
    refused(
        "images",
        f.zip_bytes({**good, "b/noise.png": b"\x89PNG\r\n\x1a\n" + b"junk" * 50}),
        r"image 'b/noise.png' does not decode",
    )
    tiff = io.BytesIO()
    from PIL import Image

    Image.new("L", (4, 4)).save(tiff, "TIFF")
    refused("images", f.zip_bytes({**good, "a/t.png": tiff.getvalue()}), r"'a/t.png' is a TIFF picture; use PNG")


def test_zip_layout_problems():
    pic = f.picture(0)
    refused("images", f.zip_bytes({"loose.png": pic}), "'loose.png' is not in a class folder")
    refused("images", f.zip_bytes({"a/b/c/d.png": pic, "x/y.png": pic}), "nested too deep")
    refused("images", f.zip_bytes({"a/1.png": pic, "a/notes.txt": b"hi"}), "'a/notes.txt' is not a picture")
    refused("images", f.zip_bytes({f"only/{i}.png": pic for i in range(25)}), r"only one class \('only'\)")
    refused("images", f.zip_bytes({"a/1.png": pic, "b/1.png": pic}), "only 2 pictures; at least 20")
    refused("images", f.zip_bytes({"__MACOSX/a/._1.png": b"x", ".DS_Store": b"x"}), "the zip has no pictures")
    refused("images", b"PK\x03\x04 not really a zip", "not a readable zip archive")


def test_npz_problems():
    refused("images", f.npz_bytes(x=np.zeros((30, 4, 4)), y=np.zeros(29)), r"x has 30 samples but y has 29", "a.npz")
    refused("images", f.npz_bytes(x=np.zeros((30, 4, 4))), r"needs arrays named x .* and y .*; it has: x", "a.npz")
    refused(
        "images",
        f.npz_bytes(x=np.zeros((30, 4, 4)), y=np.array([{"a": 1}] * 30, dtype=object)),
        r"array y holds Python objects \(pickles are refused\)",
        "a.npz",
    )
    refused("images", f.npz_bytes(x=np.zeros((30, 4)), y=np.arange(30) % 2), r"x must be pictures", "a.npz")
    refused("images", f.npz_bytes(x=np.full((30, 4, 4), np.nan), y=np.arange(30) % 2), "NaN or infinite", "a.npz")
    refused("images", f.npz_bytes(x=np.full((30, 4, 4), 300.0), y=np.arange(30) % 2), "between 0 and 255", "a.npz")
    refused("images", f.npz_bytes(x=np.zeros((30, 4, 4)), y=np.linspace(0, 1, 30)), "class indices", "a.npz")


def test_image_options_and_processed_size(settings):
    refused("images", f.image_zip(12), "between 4 and 64 pixels", height=100)
    settings.PLAYGROUND_UPLOAD_LIMITS = {"max_processed_bytes": 10_000}
    refused("images", f.image_zip(12), r"24 pictures of 28×28×1 make .* of training data", height=28, width=28)


@pytest.mark.parametrize(
    ("source", "shape"),
    [((37, 23, 3), (8, 8, 1)), ((5, 9, 1), (12, 7, 3)), ((28, 28, 1), (28, 28, 1)), ((64, 48, 4), (16, 20, 3))],
)
def test_pictures_are_resized_exactly_like_the_engine_preprocesses_a_drawing(source, shape):
    from playground.uploads import imagesets
    from trainer import images

    pixels = np.random.default_rng(0).random(source).astype(np.float32)
    pixels = pixels[..., :3] if source[2] == 4 else pixels
    np.testing.assert_allclose(imagesets.to_array(pixels, shape), images.preprocess(pixels, shape), atol=1e-6)
