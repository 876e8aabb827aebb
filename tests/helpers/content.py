"""Content for tests: throwaway content trees, sample lessons and quizzes, the real course."""
from __future__ import annotations

import os
import shutil
import textwrap

from helpers.app import ROOT

# The real course of the repository, and lessons of it the tests use.
COURSE = "coaching-at-every-level"
PLAIN = "coaching-is-not-managing"          # a pool of 6 drawing 4, pass mark 75 %
SECOND = "peer-coaching-and-listening"      # a pool of 6 drawing 4, pass mark 75 %
CONVERSATION = "coaching-up"                # branching, pass mark 60 %


def _published_lessons() -> int:
    from course.content import load_catalog
    return len(load_catalog(ROOT).course(COURSE).visible_lessons())


LESSONS = _published_lessons()              # published lessons in the real course


class ContentTree:
    """A throwaway CONTENT_DIR that tests write lessons and quizzes into."""

    def __init__(self, root):
        self.root = str(root)
        os.makedirs(os.path.join(self.root, "lessons"), exist_ok=True)
        os.makedirs(os.path.join(self.root, "quizzes"), exist_ok=True)
        shutil.copy(os.path.join(ROOT, "quizzes", "tags.yml"), os.path.join(self.root, "quizzes", "tags.yml"))

    def write(self, relpath: str, text: str) -> str:
        path = os.path.join(self.root, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(textwrap.dedent(text).lstrip("\n"))
        return path

    def remove(self, relpath: str) -> None:
        os.remove(os.path.join(self.root, relpath))

    def course(self, slug="demo", title="Demo course"):
        self.write(f"lessons/{slug}/index.md", f"""
            ---
            title: {title}
            summary: A course for tests.
            ---
            What this course is about.
            """)
        return self


LESSON = """
---
title: {title}
minutes: 4
objectives:
  - Tell coaching apart from managing
---
Coaching helps the other person think.

::: takeaway
Ask before you tell.
:::
"""

QUIZ = """
---
pass_score: 0.5
---
## The demo that ran long {#demo-ran-long}
Sam's demo ran fifteen minutes over.

- [ ] Mention it to your manager. {go-around}
  > Going around Sam takes away their chance to reflect.
- [x] Ask Sam how the demo felt to them. {ask}
  > Starting with Sam's view lets them do the thinking.

## The quiet stand-up {#quiet-standup}
Nobody speaks at the stand-up.

- [x] Ask the newest person what they noticed. {ask}
  > A direct, friendly question opens the door.
- [ ] Say nothing and move on. {stay-silent}
  > Silence keeps the problem where it is.
"""


def lesson_of(app, lesson_slug, course=COURSE):
    """The published lesson `lesson_slug` of `course` in the app's catalog; it must have a quiz."""
    lesson, _ = app.extensions["content"].catalog.find_lesson(course, lesson_slug)
    assert lesson is not None and lesson.quiz is not None, (course, lesson_slug)
    return lesson


def bump_mtime(path, seconds=10):
    """Move a file's modification time `seconds` on, so that CONTENT_RELOAD sees it changed."""
    stamp = os.stat(path).st_mtime + seconds
    os.utime(path, (stamp, stamp))
