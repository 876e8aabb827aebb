"""Parse a course's index.md and its lesson files."""
from __future__ import annotations

import hashlib
import re

from .frontmatter import check_keys, split_front_matter
from .markdown import render
from .model import Lesson

COURSE_KEYS = {"title", "summary", "audience"}
LESSON_KEYS = {"title", "minutes", "objectives", "aliases", "draft"}
LESSON_FILE = re.compile(r"^(\d+)-([a-z0-9][a-z0-9-]*)\.md$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def parse_course_index(path: str, text: str):
    """Returns (meta dict with title/summary/audience/intro_html, problems)."""
    doc = split_front_matter(path, text)
    check_keys(doc, COURSE_KEYS, {"title"})
    for key in COURSE_KEYS:
        if key in doc.meta and not isinstance(doc.meta[key], str):
            doc.error(doc.line_of(key), f"'{key}' must be text")
    meta = {key: str(doc.meta.get(key) or "") for key in COURSE_KEYS}
    meta["intro_html"] = render(doc.body) if doc.body.strip() else ""
    return meta, doc.problems


def parse_lesson(path: str, text: str, course_slug: str, number: int, slug: str, quiz=None):
    """Returns (lesson or None, problems)."""
    doc = split_front_matter(path, text)
    if doc.problems:
        return None, doc.problems
    check_keys(doc, LESSON_KEYS, {"title", "minutes", "objectives"})
    meta = doc.meta

    title = meta.get("title")
    if title is not None and not isinstance(title, str):
        doc.error(doc.line_of("title"), "'title' must be text")
    minutes = meta.get("minutes", 0)
    if "minutes" in meta and (isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 60):
        doc.error(doc.line_of("minutes"), f"'minutes' must be a whole number from 1 to 60, not {minutes!r}")
        minutes = 0
    objectives = meta.get("objectives") or []
    if "objectives" in meta and (not isinstance(objectives, list) or not objectives
                                 or not all(isinstance(o, str) and o.strip() for o in objectives)):
        doc.error(doc.line_of("objectives"), "'objectives' must be a list of one or more lines of text ('  - ...')")
        objectives = []
    aliases = meta.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and SLUG.match(a) for a in aliases):
        doc.error(doc.line_of("aliases"), "'aliases' must be a list of former slugs (lowercase, digits, hyphens)")
        aliases = []
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        doc.error(doc.line_of("draft"), "'draft' must be true or false")
        draft = False
    if not doc.body.strip():
        doc.error(doc.body_line, "the lesson has no body text under its front matter")

    lesson = Lesson(
        course_slug=course_slug,
        slug=slug,
        number=number,
        title=str(title or slug),
        minutes=minutes,
        objectives=tuple(o.strip() for o in objectives),
        body_html=render(doc.body),
        aliases=tuple(aliases),
        draft=draft,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        path=path,
        word_count=len(re.findall(r"[A-Za-z0-9’']+", doc.body)),
        quiz=quiz,
    )
    return lesson, doc.problems
