"""Property tests of the staff upload path: generated CSVs, zips and pictures go through
readers.check (what UploadForm.clean calls) and, for a handful, through the admin form.
Every file is either accepted or refused with an UploadError that says why (naming the
entry at fault for a zip); never another exception, and nothing is stored for a refusal."""

import csv
import html
import io
import itertools
import struct
import warnings
import zipfile
import zlib

import numpy as np
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from playground.models import Dataset
from playground.uploads import csvfile, readers
from playground.uploads.limits import UploadError
from tests.web import upload_files as f

ADD = "/admin/playground/dataset/add/"
FORMULAS = ["=cmd|' /C calc'!A0", "=1+1", "+1+1", "-2+3", "@SUM(A1:A2)", "=HYPERLINK(\"http://x\")"]
GIANT = "G" * 200_000  # over the csv module's field size limit (131,072)
ODD = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e309",
    "-1e309",
    "",
    " ",
    "0x10",
    "1_000",
    "１２",
    "좋아요",
    "café",
    "a\nb",
    "a,b",
    '"',
    "\x00",
    "\ufeff",
    "\u2028",
    "٣",
    GIANT,
    "x" * 6000,
]
HEADERS = {
    "points": [
        ["x1", "x2", "label"],
        ["X1", " x2 ", "Label"],
        ["x1", "x2"],
        ["x1", "x2", "label", "z"],
        ["x1", "x1", "label"],
    ],
    "tabular": [["a", "b", "label"], ["petal", "label"], ["label"], ["a", "a", "label"], ["a", "", "label"]],
    "text": [["text", "label"], ["label", "text"], ["text"], ["text", "label", "x"]],
}
ENCODINGS = ["utf-8", "utf-8-sig", "cp949", "latin-1"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media=None):
    media = media or django_settings.MEDIA_ROOT
    return sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else []


def note(what):
    try:
        event(what)  # --hypothesis-show-statistics counts them
    except InvalidArgument:
        pass  # outside @given


def checked_or_refused(kind, name, data, options=None):
    """readers.check's answer: ("accepted", Processed) or ("refused", message); any other exception fails the test."""
    try:
        got = readers.check(kind, name, data, options or {})
    except UploadError as exc:
        message = str(exc)
        assert message.strip(), "an UploadError without a message"
        note(f"{kind}: refused")
        return "refused", message
    note(f"{kind}: accepted")
    n = len(got.y)
    assert len(got.x) == n >= 20 and got.task in ("binary", "multiclass", "regression")
    if got.task != "regression":
        assert 2 <= len(got.class_names) and set(np.unique(got.y).tolist()) <= set(range(len(got.class_names)))
    return "accepted", got


# --- CSVs ---------------------------------------------------------------------------------------------


def cell_for(column, kind):
    number = st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: repr(round(v, 3))) | st.integers(-1000, 1000).map(str)
    if column == "label":
        return st.sampled_from(["a", "b", "c", "1", "2", *FORMULAS])
    if column == "text":
        return st.sampled_from(["good movie", "bad film", "정말 좋아요", "별로예요", *FORMULAS]) | st.text(
            min_size=1, max_size=30
        )
    return number


wild_cell = st.sampled_from(ODD + FORMULAS) | st.text(max_size=12) | st.floats().map(repr)


@st.composite
def csv_files(draw):
    kind = draw(st.sampled_from(["points", "tabular", "text"]))
    header = draw(
        st.sampled_from(HEADERS[kind])
        | st.lists(st.sampled_from(["x1", "x2", "label", "text", "a", "=A1", ""]), max_size=5)
    )
    n = draw(st.integers(0, 45))
    rows = [[draw(cell_for(c, kind)) for c in header] for _ in range(n)]
    for _ in range(draw(st.integers(0, 3))):  # a few wild cells, ragged rows, blank lines
        if not rows:
            break
        r = draw(st.integers(0, len(rows) - 1))
        action = draw(st.sampled_from(["cell", "longer", "shorter", "blank"]))
        if action == "cell" and rows[r]:
            rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(wild_cell)
        elif action == "longer":
            rows[r].append(draw(wild_cell))
        elif action == "shorter" and rows[r]:
            rows[r].pop()
        else:
            rows[r] = []
    delimiter = draw(st.sampled_from([",", ",", ";", "\t", "|"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC, csv.QUOTE_NONE]))
    terminator = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    buf = io.StringIO()
    try:
        writer = csv.writer(buf, delimiter=delimiter, quoting=quoting, escapechar="\\", lineterminator=terminator)
        writer.writerow(header)
        writer.writerows(rows)
    except csv.Error:  # e.g. a lone empty field unquoted: write it as a spreadsheet would, all quoted
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator=terminator)
        writer.writerow(header)
        writer.writerows(rows)
    encoding = draw(st.sampled_from(ENCODINGS))
    data = buf.getvalue().encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:  # now and then raw bytes spliced in
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=16)) + data[at:]
    options = {
        "target": draw(st.sampled_from(["classification", "regression"])),
        "label_column": "label",
        "max_length": None,
    }
    return kind, draw(st.sampled_from([".csv", ".txt"])), data, options


@given(csv_files())
def test_any_csv_is_accepted_or_refused_with_a_reason(case):
    kind, ext, data, options = case
    outcome, got = checked_or_refused(kind, "upload" + ext, data, options)
    if outcome == "accepted":
        assert np.all(np.isfinite(np.asarray(got.x, np.float64))) if kind != "text" else True
    assert stored_files() == []


@st.composite
def clean_points(draw):
    n = draw(st.integers(20, 60))
    xs = draw(st.lists(st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4)), min_size=n, max_size=n))
    labels = ["a", "b"] + draw(
        st.lists(st.sampled_from(["a", "b", "-1", "+2", "좋아요"]), min_size=n - 2, max_size=n - 2)
    )
    encoding = draw(st.sampled_from(ENCODINGS))
    if encoding == "latin-1":
        labels = [label if label.isascii() else "c" for label in labels]
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=quoting, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(["x1", "x2", "label"])
    writer.writerows((repr(x1), repr(x2), label) for (x1, x2), label in zip(xs, labels))
    return buf.getvalue().encode(encoding), n, sorted(set(labels))


@given(clean_points())
def test_a_clean_points_csv_in_any_supported_encoding_and_quoting_is_accepted_whole(case):
    data, n, names = case
    outcome, got = checked_or_refused("points", "p.csv", data)
    assert outcome == "accepted", got
    assert got.x.shape == (n, 2) and sorted(got.class_names) == names  # numbers (-1, +2) are labels as any other


# --- formula injection (OWASP's CSV injection): a class or column name that a spreadsheet would run ---------


@st.composite
def csv_with_a_formula(draw):
    """A clean points, tabular or text CSV with one label (or, tabular, one column name) a formula."""
    kind = draw(st.sampled_from(["points", "tabular", "text"]))
    formula = draw(
        st.sampled_from(FORMULAS)
        | st.tuples(
            st.sampled_from("=+-@"), st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=8)
        )
        .map("".join)
        .filter(lambda v: not csvfile.looks_numeric(v) and v.strip() == v)
    )  # one line, as typed
    n = draw(st.integers(20, 40))
    at = draw(st.integers(0, n - 1))
    header = {"points": ["x1", "x2", "label"], "tabular": ["a", "b", "label"], "text": ["text", "label"]}[kind]
    rows = [
        ["good movie" if kind == "text" else str(i % 7), *(["1.5"] if kind != "text" else []), ["a", "b", "c"][i % 3]]
        for i in range(n)
    ]
    where = draw(st.sampled_from(["label", "column"] if kind == "tabular" else ["label"]))
    if where == "column":
        header[1] = formula.lower()
    else:
        rows[at][-1] = formula
    buf = io.StringIO()
    csv.writer(buf, quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])), lineterminator="\n").writerows(
        [header, *rows]
    )
    line = 1 if where == "column" else at + 2  # the header is line 1
    return kind, buf.getvalue().encode(), (formula.lower() if where == "column" else formula), line, where


@given(csv_with_a_formula())
def test_a_label_or_column_a_spreadsheet_would_run_is_refused_naming_line_column_and_value(case):
    kind, data, formula, line, where = case
    outcome, message = checked_or_refused(kind, "f.csv", data, {"label_column": "label"})
    assert outcome == "refused"
    assert message.startswith(f"line {line}") and f"'{formula[:40]}'" in message and "formula" in message
    if where == "label":
        assert "column label:" in message


@pytest.mark.parametrize("kind", ["points", "tabular"])
def test_negative_numbers_are_labels_and_regression_targets_not_formulas(kind):
    header = ["x1", "x2", "label"] if kind == "points" else ["a", "b", "label"]
    rows = [(i % 5, i % 3, ["-1", "+1", "-2.5"][i % 3]) for i in range(30)]
    outcome, got = checked_or_refused(kind, "n.csv", f.csv_bytes(header, rows), {"label_column": "label"})
    assert outcome == "accepted" and sorted(got.class_names) == ["+1", "-1", "-2.5"]
    rows = [(i % 5, i % 3, f"-{i}.5") for i in range(30)]
    outcome, got = checked_or_refused(
        kind, "r.csv", f.csv_bytes(header, rows), {"label_column": "label", "target": "regression"}
    )
    assert outcome == "accepted" and got.task == "regression" and float(got.y.min()) == -29.5


@pytest.mark.parametrize("bad", ["=cmd|' /C calc'!A0", "@SUM(1)", "+1+1", "-2+3"])
def test_a_class_folder_or_npz_class_name_a_spreadsheet_would_run_is_refused(bad):
    folder = bad.replace("/", "")  # a / would nest it
    zipped = f.zip_bytes(
        {f"{folder}/{i}.png" if i % 2 else f"ok/{i}.png": f.picture(i % 2, (12, 10), seed=i) for i in range(24)}
    )
    outcome, message = checked_or_refused("images", "set.zip", zipped)
    assert outcome == "refused" and f"'{folder}'" in message and "formula" in message
    n = 40
    npz = f.npz_bytes(x=np.zeros((n, 8, 8), np.uint8), y=np.arange(n) % 2, class_names=np.array(["fine", bad]))
    outcome, message = checked_or_refused("images", "set.npz", npz)
    assert outcome == "refused" and f"'{bad}'" in message


@pytest.mark.django_db
def test_through_the_admin_form_a_formula_label_shows_on_the_form_and_stores_nothing(admin_client, media):
    rows = [(i % 5, i % 3, "=cmd|' /C calc'!A0" if i == 7 else "ab"[i % 2]) for i in range(30)]
    before = Dataset.objects.count(), stored_files(media)
    name, response = post(admin_client, "points", "p.csv", f.csv_bytes(["x1", "x2", "label"], rows))
    page = response.content.decode()
    assert response.status_code == 200 and "errornote" in page
    assert "line 9, column label" in page and html.escape("'=cmd|' /C calc'!A0'") in page
    assert (Dataset.objects.count(), stored_files(media)) == before


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n\r\n ",
        f.csv_bytes(["x1", "x2", "label"], [(1, 2, GIANT)] * 25),
        f.csv_bytes(["x1", "x2", "label"], [("nan", "inf", "a")] * 25),
        f.csv_bytes(["x1", "x2", "label"], [(1, 2, "=cmd|' /C calc'!A0")] * 25),
    ],
)
def test_edge_csvs(data):
    assert checked_or_refused("points", "p.csv", data)[0] == "refused"


# --- zips and pictures ------------------------------------------------------------------------------


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_claiming(width, height, idat=b""):
    """A PNG whose header says width×height (grayscale, 8 bits), with the given (compressed) pixel data."""
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


PICTURES = [
    f.picture(c, (12, 10), mode, fmt, seed=i)
    for i, (c, (fmt, mode)) in enumerate(
        itertools.product([0, 1], [("PNG", "RGB"), ("JPEG", "L"), ("GIF", "P"), ("BMP", "RGB"), ("WEBP", "RGB")])
    )
]
PNG, JPEG = f.picture(0, (40, 30)), f.picture(1, (40, 30), fmt="JPEG")
BOMB_SIDE = 6000  # 36 megapixels of zeros: some 35 KB compressed, over the 25-megapixel limit
BOMB = png_claiming(BOMB_SIDE, BOMB_SIDE, zlib.compress(b"\0" * ((BOMB_SIDE + 1) * BOMB_SIDE), 9))
BAD_PICTURES = {
    # At least the pixel data's end goes: cut only IEND and the checksums, a PNG still decodes whole.
    "truncated png": st.integers(1, len(PNG) - 40).map(lambda k: PNG[:k]),
    "truncated jpeg": st.integers(1, len(JPEG) - 3).map(lambda k: JPEG[:k]),
    "huge header": st.tuples(st.integers(5001, 2**31 - 1), st.integers(5001, 2**31 - 1)).map(
        lambda wh: png_claiming(*wh)
    ),
    "bomb": st.just(BOMB),
    "garbage": st.binary(max_size=64),
}
names = st.text(st.characters(categories=["L", "N"], include_characters="-_ "), min_size=1, max_size=10)


def zip_of(entries):
    """entries: [(ZipInfo or name, bytes)], duplicates allowed."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile's "Duplicate name"
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in entries:
                if isinstance(info, str):
                    info = zipfile.ZipInfo(info)
                    info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
    return buf.getvalue()


@st.composite
def good_entries(draw, n_min=20):
    """Two or three class folders of pictures, enough to be accepted."""
    classes = draw(
        st.lists(names, min_size=2, max_size=3, unique_by=str.lower).filter(
            # a leading "-" would read as a formula in a spreadsheet: refused (test_a_class_folder_or_npz_...)
            lambda cs: all(not c.startswith((".", "-")) and c.strip() == c for c in cs)
        )
    )
    n = draw(st.integers(n_min, 30))
    return [
        (
            f"{classes[i % len(classes)]}/{i}.{['png', 'jpg', 'gif', 'bmp', 'webp'][i % 5]}",
            PICTURES[(i % len(classes) % 2) * 5 + i % 5],
        )
        for i in range(n)
    ]


def symlink(name):
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16
    return info


@st.composite
def zip_with_one_bad_entry(draw):
    """A zip that would be accepted, with one bad entry at a random place; returns (zip, the bad entry's name)."""
    entries = draw(good_entries())
    cls = entries[0][0].split("/")[0]
    stem = draw(names)
    what = draw(
        st.sampled_from(["symlink", "dotdot", "absolute", "nested zip", "not a picture", "ratio bomb", *BAD_PICTURES])
    )
    if what == "symlink":
        name = f"{cls}/{stem}.png"
        bad = (symlink(name), b"/etc/passwd")
    elif what == "dotdot":
        name = draw(
            st.sampled_from(
                [f"../{stem}.png", f"{cls}/../../{stem}.png", f"..\\{stem}.png", f"{cls}/../{stem}/../../x.png"]
            )
        )
        bad = (name, PICTURES[0])
    elif what == "absolute":
        name = draw(st.sampled_from([f"/{cls}/{stem}.png", f"/etc/{stem}.png", f"C:\\{stem}.png", f"d:/{stem}.png"]))
        bad = (name, PICTURES[0])
    elif what == "nested zip":
        name = f"{cls}/{stem}" + draw(st.sampled_from([".zip", ".png"]))
        bad = (name, zip_of(entries[:3]))
    elif what == "not a picture":
        name = f"{cls}/{stem}" + draw(st.sampled_from([".txt", ".exe", ".svg", ".tiff", ".npy", ""]))
        bad = (name, draw(st.binary(max_size=32)))
    elif what == "ratio bomb":
        name = f"{cls}/{stem}.png"
        bad = (name, b"\0" * draw(st.integers(1024 * 1024 + 1, 3 * 1024 * 1024)))
    else:
        name = f"{cls}/{stem}" + draw(st.sampled_from([".png", ".jpg", ".gif", ".webp"]))
        bad = (name, draw(BAD_PICTURES[what]))
    entries.insert(draw(st.integers(0, len(entries))), bad)
    note(what)
    return zip_of(entries), name


@given(zip_with_one_bad_entry())
def test_a_zip_with_one_bad_entry_is_refused_naming_it(case):
    data, bad = case
    outcome, message = checked_or_refused("images", "set.zip", data, {"height": 8, "width": 8})
    assert outcome == "refused", f"{bad!r} was accepted"
    assert f"'{bad}'" in message, message
    assert stored_files() == []


@given(good_entries(), st.data())
def test_duplicate_names_and_litter_are_accepted_or_refused_never_a_crash(entries, data):
    dupes = data.draw(st.lists(st.sampled_from(entries), max_size=5))
    litter = data.draw(
        st.lists(
            st.sampled_from([("__MACOSX/a/._1.png", b"x"), (".DS_Store", b"\0"), ("a/Thumbs.db", b""), ("dir/", b"")]),
            max_size=3,
        )
    )
    outcome, got = checked_or_refused("images", "set.zip", zip_of(entries + dupes + litter), {"height": 8, "width": 8})
    assert outcome == "accepted", got
    assert len(got.y) == len(entries) + len(dupes)  # a duplicate is one more picture, read as its own entry


@settings(max_examples=50)
@given(st.integers(101, 400), st.booleans())
def test_a_count_bomb_of_tiny_entries_is_refused_before_decoding(count, as_pictures):
    with pytest.MonkeyPatch.context() as mp:
        from django.conf import settings as django_settings

        mp.setattr(django_settings, "PLAYGROUND_UPLOAD_LIMITS", {"max_rows": 100}, raising=False)
        entries = [(f"{'ab'[i % 2]}/{i}.png", b"" if as_pictures else b"x") for i in range(count)]
        outcome, message = checked_or_refused("images", "set.zip", zip_of(entries), {"height": 8, "width": 8})
    assert outcome == "refused" and f"{count:,} pictures, more than 100" in message, message


@given(
    st.binary(max_size=300)
    | st.sampled_from([PNG, JPEG, BOMB]).flatmap(lambda b: st.integers(0, len(b)).map(lambda k: b[:k]))
)
def test_any_bytes_as_a_zip_or_npz_are_accepted_or_refused(data):
    checked_or_refused("images", "set.zip", b"PK\x03\x04" + data)
    checked_or_refused("images", "set.npz", data)


# --- the same through the admin form ----------------------------------------------------------------

counter = itertools.count()


def post(client, kind, filename, data):
    name = f"fz{next(counter)}"
    form = {
        "name": name,
        "title": name,
        "kind": kind,
        "description": "",
        "target": "classification",
        "label_column": "label",
        "height": 8,
        "width": 8,
        "color": "grayscale",
        "lowercase": "on",
        "remove_stopwords": "on",
        "max_vocab": 1000,
        "max_length": "",
        "file": SimpleUploadedFile(filename, data),
    }
    return name, client.post(ADD, form)


@pytest.mark.django_db
@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(zip_with_one_bad_entry())
def test_through_the_admin_form_a_bad_zip_shows_the_entry_and_stores_nothing(admin_client, media, case):
    data, bad = case
    before = Dataset.objects.count(), stored_files(media)
    name, response = post(admin_client, "images", "set.zip", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "errornote" in page and html.escape(f"'{bad}'") in page
    assert (Dataset.objects.count(), stored_files(media)) == before


@pytest.mark.django_db
@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(csv_files() | clean_points().map(lambda c: ("points", ".csv", c[0], {})))
def test_through_the_admin_form_a_csv_is_stored_only_when_accepted(admin_client, media, case):
    kind, ext, data, options = case
    outcome, _ = checked_or_refused(kind, "upload" + ext, data, {**options, "target": "classification"})
    before = Dataset.objects.count(), stored_files(media)
    name, response = post(admin_client, kind, "upload" + ext, data)
    if outcome == "accepted":
        assert response.status_code == 302 and Dataset.objects.filter(slug=name).exists()
    else:
        assert response.status_code == 200 and "errornote" in response.content.decode()
        assert (Dataset.objects.count(), stored_files(media)) == before


def test_csv_downloads_keep_a_formula_inert_and_leave_numbers_alone():
    from playground import exports  # noqa: PLC0415

    frame = {
        "iteration": 3,
        "epoch": "=1+1",
        "train_loss": -0.5,
        "test_loss": "-2+3",
        "learning_rate": "@SUM(1)",
        "train_accuracy": "-1",
        "points": [[1, "=cmd|' /C calc'!A0"], [2, -0.25]],
    }
    header, row = csv.reader(io.StringIO(exports.metrics_csv([frame])))
    cells = dict(zip(header, row))
    assert (cells["epoch"], cells["test_loss"], cells["learning_rate"]) == ("'=1+1", "'-2+3", "'@SUM(1)")
    assert (cells["iteration"], cells["train_loss"], cells["train_accuracy"]) == ("3", "-0.5", "-1")
    assert list(csv.reader(io.StringIO(exports.batch_loss_csv([frame])))) == [
        ["iteration", "batch_loss"],
        ["1", "'=cmd|' /C calc'!A0"],
        ["2", "-0.25"],
    ]
