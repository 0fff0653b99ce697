"""The limits on untrusted files, and the error every check raises."""

from django.conf import settings

DEFAULTS = {
    "max_bytes": 50 * 1024 * 1024,
    "max_unpacked_bytes": 200 * 1024 * 1024,
    "max_zip_ratio": 100,
    "max_rows": 50_000,
    "min_rows": 20,
    "max_columns": 100,
    "max_classes": 20,
    "max_image_side": 64,
    "max_image_pixels": 25_000_000,
    "max_text_chars": 5_000,
    "max_processed_bytes": 256 * 1024 * 1024,
}


class UploadError(ValueError):
    """A file the playground cannot use. The message names the line, column or
    file at fault and says what to do about it; the admin form shows it."""


def limits():
    """DEFAULTS overridden by settings.PLAYGROUND_UPLOAD_LIMITS (read at each call: tests change it)."""
    return {**DEFAULTS, **getattr(settings, "PLAYGROUND_UPLOAD_LIMITS", {})}


def megabytes(n):
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"
