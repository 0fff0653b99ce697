"""The course pages: the list with the learner's progress, one lesson, and "Mark as finished".
Thin: the words in content, reads in selectors, writes in services."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from playground.http import session_key
from playground.lessons import catalog, content, selectors, services


def _learner(request):
    return {"user": request.user, "session_key": request.session.session_key}


def _known(slug):
    if slug not in catalog.BY_SLUG:
        raise Http404("no such lesson")


@require_GET
def lesson_list(request):
    return render(request, "lessons/list.html", {"sections": selectors.course_outline(**_learner(request))})


@require_GET
def lesson_detail(request, slug):
    _known(slug)
    services.lesson_open(slug, user=request.user, session_key=session_key(request))
    previous, following = catalog.neighbours(slug)
    return render(
        request,
        "lessons/detail.html",
        {
            "lesson": content.lesson(slug),
            "state": selectors.lesson_progress(**_learner(request)).get(slug, "new"),
            "previous": previous and content.lesson(previous.slug),
            "next": following and content.lesson(following.slug),
        },
    )


@require_POST
def lesson_finish(request, slug):
    _known(slug)
    services.lesson_finish(slug, user=request.user, session_key=session_key(request))
    return redirect("lesson", slug=slug)
