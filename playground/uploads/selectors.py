"""Reads about datasets: the DatasetInfo map the spec parser needs, the builder's
catalog with the uploaded sets, and what the dataset pages list."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from playground.models import Dataset, Experiment, Run
from trainer import datasets
from trainer import spec as specs

if TYPE_CHECKING:
    from trainer.text import Pipeline


def dataset_info(row: Dataset) -> datasets.DatasetInfo:
    """A ready uploaded Dataset row -> trainer.datasets.DatasetInfo (what trainer.spec.parse checks against)."""
    m = row.metadata
    return datasets.DatasetInfo(
        row.slug,
        row.title,
        row.kind,
        row.task,
        m.get("description", ""),
        m.get("classes"),
        tuple(m["input_shape"]),
        tuple(m.get("class_names") or ()),
        m["samples"],
        m["samples"],
        builtin=False,
        vocab_size=m.get("vocab_size"),
    )


def dataset_infos() -> dict[str, datasets.DatasetInfo]:
    """{slug: DatasetInfo} of every ready uploaded set, archived versions included (saved
    experiments still load them): pass it to trainer.spec.parse(..., uploads=)."""
    rows = Dataset.objects.filter(builtin=False, status=Dataset.Status.READY)
    return {row.slug: dataset_info(row) for row in rows}


def translated(entry: dict) -> dict:
    """A built-in set's or a preset's dict with its title and description in the request's language
    (trainer marks them with gettext_noop; an uploaded set's are the staff's own words, kept)."""
    return {**entry, **{k: _(entry[k]) for k in ("title", "description") if entry.get(k)}}


def catalog() -> dict:
    """trainer.spec.catalog() plus the uploaded sets the picker offers: ready ones
    (selectable) and ones still processing (shown greyed with their progress)."""
    out = specs.catalog()
    out["datasets"] = [translated(d) for d in out["datasets"]]
    out["presets"] = [translated(p) for p in out["presets"]]
    rows = Dataset.objects.filter(builtin=False, archived=False).exclude(status=Dataset.Status.FAILED).order_by("slug")
    for row in rows:
        base = (
            asdict(dataset_info(row))
            if row.is_ready
            else {
                "name": row.slug,
                "title": row.title,
                "kind": row.kind,
                "task": row.task,
                "description": row.metadata.get("description", ""),
                "classes": row.metadata.get("classes"),
                "builtin": False,
            }
        )
        out["datasets"].append(
            {
                **base,
                "uploaded": True,
                "ready": row.is_ready,
                "status": row.status,
                "progress": row.progress,
                "version": row.version,
            }
        )
    return out


def dataset_in_use(row: Dataset) -> str | None:
    """Why the row cannot be deleted (saved experiments or active runs use it), or None."""
    name = {"spec__dataset__name": row.slug}
    saved = Experiment.objects.filter(saved__isnull=False, **name).count()
    active = Run.objects.filter(status__in=Run.ACTIVE, **{f"experiment__{k}": v for k, v in name.items()}).count()
    if saved or active:
        what = _(" and ").join(
            x
            for x in (
                ngettext("%(n)s saved experiment", "%(n)s saved experiments", saved) % {"n": saved} if saved else "",
                ngettext("%(n)s run in progress", "%(n)s runs in progress", active) % {"n": active} if active else "",
            )
            if x
        )
        return _("%(name)s is used by %(what)s; archive it instead (it stays loadable for them)") % {
            "name": row.slug,
            "what": what,
        }
    return None


def datasets_listed() -> list[dict]:
    """What /datasets/ shows: the built-in sets (from trainer's registry), then the current
    version of each ready uploaded set, as dicts for the template."""
    listed = [
        {
            "name": i.name,
            "title": _(i.title),
            "kind": i.kind,
            "task": i.task,
            "description": _(i.description),
            "samples": i.default_samples,
            "classes": i.classes,
            "builtin": True,
        }
        for i in datasets.BUILTIN.values()
    ]
    rows = Dataset.objects.filter(builtin=False, archived=False, status=Dataset.Status.READY).order_by("kind", "slug")
    listed += [
        {
            "name": r.slug,
            "title": r.title,
            "kind": r.kind,
            "task": r.task,
            "description": r.metadata.get("description", ""),
            "samples": r.metadata.get("samples"),
            "classes": r.metadata.get("classes"),
            "builtin": False,
            "version": r.version,
        }
        for r in rows
    ]
    return listed


def dataset_get(slug: str) -> Dataset | None:
    """A ready uploaded set (archived versions too: old links keep working), else None."""
    return Dataset.objects.filter(slug=slug, builtin=False, status=Dataset.Status.READY).first()


def dataset_versions(row: Dataset) -> list[Dataset]:
    """Every version of an uploaded set, newest first."""
    if row.builtin:
        return []
    return list(Dataset.objects.filter(family=row.family, builtin=False).order_by("-version"))


def dataset_arrays(slug: str) -> str:
    """The storage name of a ready uploaded set's .npz."""
    return (
        Dataset.objects.filter(slug=slug, builtin=False, status=Dataset.Status.READY)
        .values_list("arrays", flat=True)
        .get()
    )


def dataset_text_pipeline(slug: str) -> Pipeline:
    """An uploaded text set's fitted trainer.text.Pipeline (stored vocabulary and options), for predictions."""
    from playground.uploads import store, textsets  # noqa: PLC0415 (storage and the text reader: only here)

    row = Dataset.objects.get(slug=slug, builtin=False, status=Dataset.Status.READY)
    arrays = store.load(row.arrays, ("vocab", "vocab_counts"))
    return textsets.pipeline_of(row.metadata, arrays["vocab"].tolist(), arrays["vocab_counts"].tolist())
