"""Zip files from strangers: entry paths, links, sizes and ratios checked before anything is unpacked.

An .npz is a zip too, so the image reader runs both through `open_zip`.
"""

import io
import re
import stat
import zipfile
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

from playground.uploads.limits import UploadError, megabytes

IGNORED = re.compile(r"(^|/)(__MACOSX/|\.[^/]*$|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)


def _check_path(name):
    """Zip slip: an entry must stay inside the archive."""
    normal = name.replace("\\", "/")
    if normal.startswith("/") or re.match(r"^[A-Za-z]:", normal):
        raise UploadError(
            _("zip entry '%(name)s' has an absolute path; refused (entries must be relative paths inside the archive)")
            % {"name": name}
        )
    if ".." in PurePosixPath(normal).parts:
        raise UploadError(_("zip entry '%(name)s' points outside the archive ('..'); refused") % {"name": name})


def open_zip(data, lim, what="zip"):
    """bytes -> (ZipFile, [ZipInfo of files]) after checking every entry: no absolute or
    '..' paths, no links, no entry that expands more than max_zip_ratio times, and
    at most max_unpacked_bytes in all (zip bombs)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise UploadError(
            _("the file is not a readable %(what)s archive (%(error)s)") % {"what": what, "error": exc}
        ) from None
    total, files = 0, []
    for info in infos:
        _check_path(info.filename)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UploadError(_("zip entry '%(name)s' is a symbolic link; refused") % {"name": info.filename})
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise UploadError(
                _("zip entry '%(name)s' is encrypted; upload an archive without a password") % {"name": info.filename}
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > lim["max_zip_ratio"]:
            raise UploadError(
                _(
                    "zip entry '%(name)s' expands %(ratio)s times (to %(size)s); "
                    "more than %(limit)s times is refused as a possible zip bomb"
                )
                % {
                    "name": info.filename,
                    "ratio": f"{ratio:,.0f}",
                    "size": megabytes(info.file_size),
                    "limit": lim["max_zip_ratio"],
                }
            )
        total += info.file_size
        if total > lim["max_unpacked_bytes"]:
            raise UploadError(
                _(
                    "the archive unpacks to more than %(limit)s (the limit); "
                    "refused as a possible zip bomb, or upload fewer or smaller files"
                )
                % {"limit": megabytes(lim["max_unpacked_bytes"])}
            )
        files.append(info)
    return zf, files


def read_entry(zf, info):
    """One entry's bytes, never more than it declared (a lying header is refused)."""
    try:
        with zf.open(info) as f:
            data = f.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise UploadError(
            _("zip entry '%(name)s' is damaged (%(error)s)") % {"name": info.filename, "error": exc}
        ) from None
    if len(data) > info.file_size:
        raise UploadError(
            _("zip entry '%(name)s' holds more data than its header says; refused") % {"name": info.filename}
        )
    return data


def is_ignored(name):
    """Folders' litter: macOS resource forks, hidden files, Windows thumbnails."""
    return bool(IGNORED.search(name.replace("\\", "/")))
