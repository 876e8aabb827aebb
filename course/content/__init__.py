"""Content engine: Markdown files in, frozen validated pre-rendered objects out.

Imports nothing from the models or the views; knows nothing of requests.
"""
from __future__ import annotations

import threading

from .loader import content_signature, load_catalog
from .model import Aid, Catalog, Choice, Course, Lesson, Problem, Quiz, ReflectionPrompt, Scenario, Tag


class ContentError(RuntimeError):
    def __init__(self, problems):
        self.problems = tuple(problems)
        super().__init__("the content has errors:\n" + "\n".join(str(p) for p in self.problems))


class ContentStore:
    """Holds the current Catalog; with `reload=True` re-reads it when a file changes."""

    def __init__(self, content_dir: str, reload: bool = False, default_pass_score: float = 0.75):
        self.content_dir = content_dir
        self.reload = reload
        self.default_pass_score = default_pass_score
        self._lock = threading.Lock()
        self._signature = content_signature(content_dir)
        self._catalog = load_catalog(content_dir, default_pass_score)

    @property
    def catalog(self) -> Catalog:
        if self.reload:
            signature = content_signature(self.content_dir)
            if signature != self._signature:
                with self._lock:
                    if signature != self._signature:
                        self._catalog = load_catalog(self.content_dir, self.default_pass_score)
                        self._signature = signature
        return self._catalog


__all__ = ["Aid", "Catalog", "Choice", "ContentError", "ContentStore", "Course", "Lesson",
           "Problem", "Quiz", "ReflectionPrompt", "Scenario", "Tag", "load_catalog"]
