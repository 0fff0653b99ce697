"""CSV files as people save them: the encoding, the delimiter, the header, then rows of text.

Line numbers in messages are the file's own (the header is line 1), so a
person can find the row in a spreadsheet or an editor.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from playground.uploads.limits import UploadError

HANGUL = re.compile(r"[\uac00-\ud7a3]")
DELIMITERS = {";": gettext_lazy("semicolons"), "\t": gettext_lazy("tabs"), "|": gettext_lazy("vertical bars")}


@dataclass
class Table:
    """A CSV read as text: the header (lower-cased, trimmed), the non-empty rows and their line numbers."""

    header: list
    rows: list  # [[str, ...], ...], each as long as the header
    lines: list  # the file line where each row ends
    encoding: str

    def column(self, name):
        i = self.header.index(name)
        return [row[i] for row in self.rows]


def decode(data):
    """bytes -> (text, encoding name): UTF-8 with or without a BOM, or Korean CP949
    (what Excel saves on Korean Windows); anything else is explained."""
    if not data.strip():
        raise UploadError(_("the file is empty"))
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8) :], "UTF-8 with BOM"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UploadError(_("the file is UTF-16 text; save it as UTF-8 (in Excel: 'CSV UTF-8 (comma delimited)')"))
    else:
        encoding = "UTF-8"
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise UploadError(
            _("line %(line)s: the file contains NUL bytes; is it a CSV text file (not a spreadsheet)?") % {"line": line}
        )
    try:
        return data.decode("utf-8"), encoding
    except UnicodeDecodeError as exc:
        bad = exc
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        text = None
    if text is not None and HANGUL.search(text):
        return text, "CP949 (Korean)"
    line = data[: bad.start].count(b"\n") + 1
    raise UploadError(
        _(
            "line %(line)s: byte %(byte)s is not UTF-8, and the file is not Korean CP949 "
            "either; save it as UTF-8 (in Excel: 'CSV UTF-8 (comma delimited)')"
        )
        % {"line": line, "byte": f"0x{data[bad.start]:02x}"}
    )


def _check_delimiter(first_line, expected):
    if "," in first_line:
        return
    for char, name in DELIMITERS.items():
        if char in first_line:
            raise UploadError(
                _(
                    "line 1: the columns are separated by %(separator)s, not commas; save the file as "
                    "comma-separated CSV with the columns %(expected)s"
                )
                % {"separator": name, "expected": expected}
            )
    raise UploadError(
        _(
            "line 1: the header '%(header)s' has a single column; the file needs the "
            "columns %(expected)s, separated by commas"
        )
        % {"header": first_line.strip()[:60], "expected": expected}
    )


def looks_numeric(value):
    try:
        float(value)
    except ValueError:
        return False
    return True


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP's "CSV injection"):
# a class or column name like =cmd|' /C calc'!A0 would run on the machine of whoever opens a CSV
# it lands in. A number (-1, +2.5, -1e3) is a number, and a legitimate label.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value):
    return str(value).startswith(FORMULA_STARTS) and not looks_numeric(value)


def formula_start(value):
    """How a message names the first character of a formula_like value."""
    return {"\t": _("a tab"), "\r": _("a carriage return")}.get(value[0], f"'{value[0]}'")


def check_label(value, line, column):
    """UploadError naming the line and column if a class name would run as a spreadsheet formula."""
    if formula_like(value):
        raise UploadError(
            _(
                "line %(line)s, column %(column)s: the label '%(value)s' starts with %(start)s, so a "
                "spreadsheet would run it as a formula; rename the class to start with a letter or a digit"
            )
            % {"line": line, "column": column, "value": value[:40], "start": formula_start(value)}
        )


def check_column(name):
    if formula_like(name):
        raise UploadError(
            _(
                "line 1: the column name '%(name)s' starts with %(start)s, so a spreadsheet would run it "
                "as a formula; rename the column to start with a letter or a digit"
            )
            % {"name": name[:40], "start": formula_start(name)}
        )


def read(data, expected, max_rows):
    """bytes -> Table. `expected` describes the header for messages ("x1,x2,label")."""
    text, encoding = decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    _check_delimiter(first, expected)
    reader = csv.reader(io.StringIO(text, newline=""))
    header, rows, lines = None, [], []
    try:
        for row in reader:
            if not any(field.strip() for field in row):
                continue  # blank lines
            if header is None:
                header = [field.strip().lstrip("\ufeff").lower() for field in row]
                if all(looks_numeric(f) for f in header if f):
                    raise UploadError(
                        _(
                            "line %(line)s: the first line should be the header %(expected)s, "
                            "but it looks like data ('%(data)s'); add the header line"
                        )
                        % {"line": reader.line_num, "expected": expected, "data": ",".join(row)[:60]}
                    )
                continue
            if len(row) != len(header):
                raise UploadError(
                    _(
                        "line %(line)s: %(fields)s fields, but the header has %(columns)s "
                        "(%(header)s); a comma inside a value needs quotes around the value"
                    )
                    % {"line": reader.line_num, "fields": len(row), "columns": len(header), "header": ",".join(header)}
                )
            if len(rows) >= max_rows:
                raise UploadError(
                    _("more than %(limit)s rows of data (the limit); upload fewer samples") % {"limit": f"{max_rows:,}"}
                )
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise UploadError(_("line %(line)s: %(error)s") % {"line": reader.line_num, "error": exc}) from None
    if not rows:
        raise UploadError(_("the file has a header but no rows of data"))
    for i, name in enumerate(header):
        if not name:
            raise UploadError(
                _("line 1: column %(number)s has no name; every column needs one in the header") % {"number": i + 1}
            )
        if header.index(name) != i:
            raise UploadError(_("line 1: the column '%(name)s' appears twice in the header") % {"name": name})
        check_column(name)
    return Table(header, rows, lines, encoding)


def numbers(table, name):
    """One column as float64, or UploadError naming the line and column of the first bad value."""
    values = table.column(name)
    try:
        array = np.asarray(values, dtype=np.float64)
    except ValueError:
        array = None
    if array is None:
        for value, line in zip(values, table.lines):
            if not value.strip():
                raise UploadError(
                    _("line %(line)s, column %(column)s: the value is empty; every row needs one")
                    % {"line": line, "column": name}
                )
            if not looks_numeric(value):
                raise UploadError(
                    _("line %(line)s, column %(column)s: '%(value)s' is not a number")
                    % {"line": line, "column": name, "value": value[:40]}
                )
        raise UploadError(_("column %(column)s: the values are not all numbers") % {"column": name})  # not reached
    bad = np.flatnonzero(~np.isfinite(array))
    if len(bad):
        i = bad[0]
        raise UploadError(
            _(
                "line %(line)s, column %(column)s: '%(value)s' is not a finite number "
                "(NaN and infinity cannot be learned from); fix the value or remove the row"
            )
            % {"line": table.lines[i], "column": name, "value": values[i].strip()}
        )
    return array


def labels(table, name, max_classes):
    """A class column -> (int32 indices, class names). Names sort as numbers when they all are integers."""
    values = [v.strip() for v in table.column(name)]
    for value, line in zip(values, table.lines):
        if not value:
            raise UploadError(
                _("line %(line)s, column %(column)s: the label is empty; every row needs one")
                % {"line": line, "column": name}
            )
        check_label(value, line, name)
    names = sorted(set(values), key=lambda v: (0, int(v), v) if re.fullmatch(r"-?\d+", v) else (1, 0, v))
    if len(names) == 1:
        raise UploadError(
            _("column %(column)s: only one class ('%(name)s'); a classifier needs examples of at least two")
            % {"column": name, "name": names[0]}
        )
    if len(names) > max_classes:
        raise UploadError(
            _(
                "column %(column)s: %(count)s different labels, more than %(limit)s classes (the limit); "
                "if the label is a quantity, choose the regression target"
            )
            % {"column": name, "count": f"{len(names):,}", "limit": max_classes}
        )
    index = {v: i for i, v in enumerate(names)}
    return np.array([index[v] for v in values], np.int32), names
