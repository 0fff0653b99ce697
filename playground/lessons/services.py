"""Writes: a lesson opened, a lesson finished, and an anonymous learner's progress
handed to the account on log-in or sign-up."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from playground.lessons.selectors import owner_filter
from playground.models import LessonProgress


def _row(slug, *, user, session_key):
    lookup = owner_filter(user=user, session_key=session_key)
    fields = {"owner": user} if "owner" in lookup else {"owner": None, "owner_session": session_key}
    try:
        with transaction.atomic():
            return LessonProgress.objects.get_or_create(lesson=slug, **fields)[0]
    except IntegrityError:  # opened at the same moment in another request
        return LessonProgress.objects.get(lesson=slug, **lookup)


def lesson_open(slug, *, user, session_key):
    """Record that the learner viewed the lesson (once; the first time is kept)."""
    return _row(slug, user=user, session_key=session_key)


def lesson_finish(slug, *, user, session_key):
    """Mark the lesson finished (opened too, if it was not); finishing again keeps the first time."""
    row = _row(slug, user=user, session_key=session_key)
    if row.finished_at is None:
        row.finished_at = timezone.now()
        row.save(update_fields=["finished_at"])
    return row


def lessons_claim(session_key, user):
    """On log-in or sign-up: the anonymous session's progress becomes the user's. Where the
    account already has the lesson, the earlier opening and the earlier finish are kept."""
    if not session_key or user is None or not user.is_authenticated:
        return 0
    moved = 0
    with transaction.atomic():
        mine = {row.lesson: row for row in LessonProgress.objects.filter(owner=user)}
        for row in LessonProgress.objects.filter(owner__isnull=True, owner_session=session_key):
            kept = mine.get(row.lesson)
            if kept is None:
                row.owner, row.owner_session = user, ""
                row.save(update_fields=["owner", "owner_session"])
            else:
                kept.opened_at = min(kept.opened_at, row.opened_at)
                kept.finished_at = min(filter(None, (kept.finished_at, row.finished_at)), default=None)
                kept.save(update_fields=["opened_at", "finished_at"])
                row.delete()
            moved += 1
    return moved
