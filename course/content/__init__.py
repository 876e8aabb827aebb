"""Content engine: Markdown files in, frozen validated pre-rendered objects out.

Imports nothing from the models or the views; knows nothing of requests.
"""
from __future__ import annotations

import threading

from .loader import content_signature, content_version, load_catalog
from .model import Aid, Catalog, Choice, Course, Lesson, Problem, Quiz, ReflectionPrompt, Scenario, Tag


class ContentError(RuntimeError):
    def __init__(self, problems):
        self.problems = tuple(problems)
        super().__init__("the content has errors:\n" + "\n".join(str(p) for p in self.problems))


class ContentStore:
    """Holds the Catalog being served; with `reload=True` re-reads it when a file changes.

    A file broken while running does not take the site down: the last catalog that loaded
    without errors keeps serving, and `errors` lists the problems of the files as they are now
    (`stale` is then True). Without a good catalog (broken from the start) the broken one is
    served, and its errors are the same list."""

    def __init__(self, content_dir: str, reload: bool = False, default_pass_score: float = 0.75):
        self.content_dir = content_dir
        self.reload = reload
        self.default_pass_score = default_pass_score
        self._lock = threading.Lock()
        self._signature = content_signature(content_dir)
        self._catalog = load_catalog(content_dir, default_pass_score)
        self._version = content_version(content_dir)
        self._errors = self._catalog.errors

    def _refresh(self) -> None:
        if not self.reload:
            return
        signature = content_signature(self.content_dir)
        if signature == self._signature:
            return
        with self._lock:
            if signature == self._signature:
                return
            fresh = load_catalog(self.content_dir, self.default_pass_score)
            if not fresh.errors or self._catalog.errors:
                self._catalog, self._version = fresh, content_version(self.content_dir)
            self._errors = fresh.errors
            self._signature = signature

    @property
    def catalog(self) -> Catalog:
        self._refresh()
        return self._catalog

    @property
    def errors(self) -> tuple:
        """Errors of the content files as they are now (empty when they load cleanly)."""
        self._refresh()
        return self._errors

    @property
    def stale(self) -> bool:
        """True while the files have errors and the last good catalog is served instead."""
        self._refresh()
        return bool(self._errors) and not self._catalog.errors

    @property
    def version(self) -> str:
        """The content version hash of the catalog being served (`content_version`)."""
        self._refresh()
        return self._version


__all__ = ["Aid", "Catalog", "Choice", "ContentError", "ContentStore", "Course", "Lesson",
           "Problem", "Quiz", "ReflectionPrompt", "Scenario", "Tag", "content_version", "load_catalog"]
