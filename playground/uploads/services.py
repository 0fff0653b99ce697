"""Writes for uploaded datasets: a new set or version (stored, then processed in the
background: playground.uploads.processing), archiving, deleting."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from playground.models import Dataset
from playground.services import requeue_stale
from playground.uploads import selectors, store, tasks
from playground.uploads.limits import UploadError
from trainer import datasets

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.core.files.base import File

    from playground.uploads.processed import Processed

NAME = re.compile(r"^[a-z][a-z0-9_-]{1,40}$")


class DatasetInUse(ValueError):
    """Deleting this dataset would break saved experiments (or it is built in)."""


def check_name(name: str) -> None:
    """A new family name: a slug that is neither built in nor taken, nor looks like a version."""
    if not NAME.match(name):
        raise UploadError(_("use 2-41 lower-case letters, digits, '-' or '_', starting with a letter"))
    if re.search(r"-v\d+$", name):
        raise UploadError(_("names ending in -v<number> are kept for versions; choose another"))
    if datasets.info(name):  # built in, or one of the sets drawn on the plane
        raise UploadError(_("%(name)s is a built-in dataset; choose another name") % {"name": name})
    if Dataset.objects.filter(slug=name).exists() or Dataset.objects.filter(family=name).exists():
        raise UploadError(
            _("a dataset named %(name)s exists; replace its file on its page to make a new version") % {"name": name}
        )


def _create(*, family, version, title, kind, upload, options, description, user, checked):
    slug = family if version == 1 else f"{family}-v{version}"
    row = Dataset(
        slug=slug,
        family=family,
        version=version,
        title=title,
        kind=kind,
        task=checked.task,
        options=options,
        status=Dataset.Status.PROCESSING,
        progress=0,
        message=_("waiting to be processed"),
        uploaded_by=user,
        metadata={
            "description": description,
            "classes": len(checked.class_names) or None,
            "class_names": list(checked.class_names),
            "samples": len(checked.y),
        },
    )
    ext = os.path.splitext(upload.name)[1].lower()
    row.source.save(f"{slug}{ext}", upload, save=False)
    try:
        with transaction.atomic():
            row.save()
            transaction.on_commit(lambda: dataset_enqueue(row.pk))
    except Exception:
        row.source.delete(save=False)  # no stray file behind a row that does not exist
        raise
    return row


def dataset_upload(
    *,
    name: str,
    title: str,
    kind: str,
    upload: File,
    options: dict,
    checked: Processed,
    description: str = "",
    user: AbstractBaseUser | None = None,
) -> Dataset:
    """A new uploaded set (version 1): the file is stored and a `processing` row created;
    the task processes it once the row is committed. `checked` is readers.check()'s result."""
    return _create(
        family=name,
        version=1,
        title=title,
        kind=kind,
        upload=upload,
        options=options,
        description=description,
        user=user,
        checked=checked,
    )


def dataset_new_version(
    previous: Dataset, *, upload: File, options: dict, checked: Processed, user: AbstractBaseUser | None = None
) -> Dataset:
    """Replacing a file makes a new version (slug family-vN); the old one is archived
    once the new one is ready, and stays loadable for the experiments that use it."""
    latest = Dataset.objects.filter(family=previous.family, builtin=False).order_by("-version").first()
    return _create(
        family=previous.family,
        version=latest.version + 1,
        title=previous.title,
        kind=previous.kind,
        upload=upload,
        options=options,
        description=previous.metadata.get("description", ""),
        user=user,
        checked=checked,
    )


def dataset_enqueue(dataset_id: int) -> None:
    """Send an upload's processing task (once its row is committed)."""
    Dataset.objects.filter(pk=dataset_id).update(enqueued=timezone.now())
    tasks.process_dataset.enqueue(dataset_id)


def datasets_requeue_lost(max_age_s: float) -> list[int]:
    """Uploads whose processing task was sent more than max_age_s ago and not taken up
    (a broker that restarted empty lost it): sent again; only one copy processes the
    file (processing.dataset_process takes the row up once). Returns their ids."""
    waiting = Dataset.objects.filter(builtin=False, status=Dataset.Status.PROCESSING, started__isnull=True)
    return requeue_stale(waiting, max_age_s, tasks.process_dataset.enqueue)


def dataset_archive(row: Dataset, archived: bool = True) -> None:
    """Hide it from the picker and the list (or bring it back); it stays loadable."""
    Dataset.objects.filter(pk=row.pk, builtin=False).update(archived=archived)


def dataset_delete(row: Dataset) -> None:
    """Delete an uploaded set with its files; refused (DatasetInUse) for built-in sets and
    for sets that saved experiments or running runs use."""
    if row.builtin:
        raise DatasetInUse(_("%(name)s is built in; it cannot be deleted") % {"name": row.slug})
    if reason := selectors.dataset_in_use(row):
        raise DatasetInUse(reason)
    arrays, source = row.arrays, row.source
    row.delete()
    store.delete(arrays)
    if source:
        source.delete(save=False)


def datasets_reconcile() -> int:
    """Uploads a previous embedded server left processing can never finish: fail them, saying why."""
    return Dataset.objects.filter(builtin=False, status=Dataset.Status.PROCESSING).update(
        status=Dataset.Status.FAILED, message=_("the server restarted while it was processed; upload the file again")
    )
