"""The dataset pages: /datasets/ (every set) and /datasets/<slug>/ (one, with its preview)."""

from dataclasses import asdict

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from playground.uploads import previews, selectors
from trainer import datasets


@require_GET
def dataset_list(request):
    return render(request, "datasets/list.html", {"datasets": selectors.datasets_listed()})


@require_GET
def dataset_detail(request, slug):
    if slug in datasets.BUILTIN:
        info, row, versions = datasets.BUILTIN[slug], None, []
        page = previews.builtin_page(slug)
    else:
        row = selectors.dataset_get(slug)
        if row is None:
            raise Http404("no such dataset (or it is still being processed)")
        info, versions = selectors.dataset_info(row), selectors.dataset_versions(row)
        page = previews.upload_page(row)
    info = asdict(info) if row else selectors.translated(asdict(info))  # a built-in set's title in the page's language
    context = {"info": info, "row": row, "versions": versions, "page": page, "metadata": row.metadata if row else {}}
    return render(request, "datasets/detail.html", context)
