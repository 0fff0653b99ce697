"""The readers (tables, imagesets, textsets): one entry point per phase, whatever the kind.

check(): everything that can reject a file, fast enough for the admin form's
request (CSV values, zip entries, every picture decodes, npz shapes);
process(): the same reading plus the preprocessing (resizing, the text
pipeline), in the background task, reporting progress.
"""

from django.utils.translation import gettext as _

from playground.uploads import csvfile, imagesets, tables, textsets
from playground.uploads.limits import UploadError, limits, megabytes

EXTENSIONS = {
    "points": (".csv", ".txt"),
    "tabular": (".csv", ".txt"),
    "images": (".zip", ".npz"),
    "text": (".csv", ".txt"),
}


def _reader(kind, name):
    if kind == "points":
        return tables.points
    if kind == "tabular":
        return tables.tabular
    if kind == "images":
        return lambda data, options, lim, progress=None, decode_only=False: imagesets.read(
            data, name, options, lim, progress, decode_only
        )
    if kind == "text":
        return textsets.read
    raise UploadError(_("unknown kind %(kind)s") % {"kind": repr(kind)})


def check_file(kind, name, size):
    """Before reading: the file's name and size."""
    lim = limits()
    if size > lim["max_bytes"]:
        raise UploadError(
            _("the file is %(size)s; the limit is %(limit)s")
            % {"size": megabytes(size), "limit": megabytes(lim["max_bytes"])}
        )
    if not name.lower().endswith(EXTENSIONS[kind]):
        raise UploadError(
            _("a %(kind)s dataset is a %(extensions)s file; '%(name)s' is not")
            % {"kind": kind, "extensions": _(" or ").join(EXTENSIONS[kind]), "name": name}
        )
    if size == 0:
        raise UploadError(_("the file is empty"))


def _names_checked(processed):
    """Every class name, whatever the kind (a zip's folder names, an .npz's class_names; the CSV
    readers name the line and column first): none may run as a spreadsheet formula."""
    for class_name in processed.class_names:
        if csvfile.formula_like(class_name):
            raise UploadError(
                _(
                    "the class name '%(name)s' starts with %(start)s, so a spreadsheet would run it as a "
                    "formula; rename the class to start with a letter or a digit"
                )
                % {"name": str(class_name)[:40], "start": csvfile.formula_start(str(class_name))}
            )
    return processed


def check(kind, name, data, options):
    """bytes -> Processed with the labels and sizes (x may be a placeholder), or UploadError."""
    check_file(kind, name, len(data))
    reader = _reader(kind, name)
    if kind in ("images", "text"):
        return _names_checked(reader(data, options, limits(), decode_only=True))
    return _names_checked(reader(data, options, limits()))


def process(kind, name, data, options, progress=None):
    """bytes -> Processed, the arrays a run trains on; progress(fraction, message) as it goes."""
    check_file(kind, name, len(data))
    return _names_checked(_reader(kind, name)(data, options, limits(), progress))
