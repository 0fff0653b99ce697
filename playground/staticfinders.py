"""Django's static file finders, except that a path outside the static roots is not found.

`manage.py runserver` (daphne's, in DEBUG) serves /static/ through Django's
ASGIStaticFilesHandler, which turns only Http404 into an answer: a request like
GET /static/../settings.py or /static/%2e%2e/playground/settings/base.py made the finders'
safe_join raise SuspiciousFileOperation, and the handler answered 500 with a traceback in the
log. Here such a path is simply not found (404), as any other missing file, and still nothing
outside the roots is ever served. Settings: STATICFILES_FINDERS."""

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation


class _InsideRoots:
    def find(self, path, find_all=False):
        try:
            return super().find(path, find_all=find_all)
        except SuspiciousFileOperation:  # "../x": outside every root
            return []  # what Django's finders answer for a miss (finders.find reads None as a match)


class FileSystemFinder(_InsideRoots, finders.FileSystemFinder):
    """STATICFILES_DIRS."""


class AppDirectoriesFinder(_InsideRoots, finders.AppDirectoriesFinder):
    """Each app's static/ (the admin's)."""
