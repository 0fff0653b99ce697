"""The upload's processing, the task's work (playground.uploads.tasks calls it; tests call it
alone): read the stored upload, preprocess it, write the .npz and mark the row, reporting
progress on the way."""

import logging
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from playground.models import Dataset
from playground.uploads import readers, store
from playground.uploads.limits import UploadError

logger = logging.getLogger(__name__)
PROGRESS_EVERY_S = 0.5


class _Progress:
    """progress(fraction, message) for the readers: written to the row at most twice a second."""

    def __init__(self, pk):
        self.pk, self.last = pk, 0.0

    def __call__(self, fraction, message):
        if time.monotonic() - self.last < PROGRESS_EVERY_S:
            return
        self.last = time.monotonic()
        Dataset.objects.filter(pk=self.pk, status=Dataset.Status.PROCESSING).update(
            progress=max(1, min(99, int(fraction * 100))), message=message
        )


def _fail(pk, message):
    Dataset.objects.filter(pk=pk, status=Dataset.Status.PROCESSING).update(
        status=Dataset.Status.FAILED, message=message
    )


def dataset_process(dataset_id):
    """The task's body: read the stored upload, preprocess it, write the .npz, mark the row
    ready (or failed, with the reason). Older versions of the family are archived."""
    taken = Dataset.objects.filter(pk=dataset_id, status=Dataset.Status.PROCESSING, started__isnull=True).update(
        started=timezone.now()
    )
    if not taken:  # gone, done, failed, or another copy of the task has it
        return None
    row = Dataset.objects.get(pk=dataset_id)
    progress = _Progress(row.pk)
    progress(0.0, _("reading the file"))
    try:
        with row.source.open("rb") as f:
            data = f.read()
        processed = readers.process(row.kind, row.source.name, data, row.options, progress)
        progress.last = 0.0
        progress(0.97, _("saving the arrays"))
        name = store.save(row.slug, processed)
    except UploadError as exc:
        _fail(row.pk, str(exc))
        return None
    except Exception as exc:  # a bug, or the storage: the row says so, the worker goes on
        logger.exception("processing dataset %s failed", row.slug)
        _fail(row.pk, _("processing failed (%(error)s)") % {"error": f"{type(exc).__name__}: {exc}"})
        return None
    metadata = {**row.metadata, **processed.summary()}
    with transaction.atomic():
        done = Dataset.objects.filter(pk=row.pk, status=Dataset.Status.PROCESSING).update(
            status=Dataset.Status.READY, progress=100, message="", arrays=name, task=processed.task, metadata=metadata
        )
        if done:
            Dataset.objects.filter(family=row.family, builtin=False, version__lt=row.version).update(archived=True)
    if not done:  # deleted while it was processed
        store.delete(name)
        return None
    return Dataset.objects.get(pk=row.pk)
