"""Reads: the course with a learner's progress."""

from playground.lessons import catalog, content
from playground.models import LessonProgress


def owner_filter(*, user, session_key):
    """The lookup for one learner's rows (None: an anonymous visitor with no session yet)."""
    if user is not None and user.is_authenticated:
        return {"owner": user}
    return {"owner__isnull": True, "owner_session": session_key} if session_key else None


def lesson_progress(*, user, session_key):
    """slug -> "finished" | "opened" for the lessons this learner has opened."""
    lookup = owner_filter(user=user, session_key=session_key)
    if lookup is None:
        return {}
    rows = LessonProgress.objects.filter(**lookup).values_list("lesson", "finished_at")
    return {slug: "finished" if finished else "opened" for slug, finished in rows}


def course_outline(*, user, session_key):
    """[{"slug", "title", "lessons": [{slug, title, summary, state}]}] in course order;
    state: new | opened | finished."""
    progress = lesson_progress(user=user, session_key=session_key)
    sections = []
    for section in catalog.SECTIONS:
        lessons = [
            {**content.lesson(entry.slug), "state": progress.get(entry.slug, "new")}
            for entry in catalog.LESSONS
            if entry.section == section
        ]
        sections.append({"slug": section, "title": content.section_title(section), "lessons": lessons})
    return sections
