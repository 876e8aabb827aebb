"""Parse a course's index.md, its lesson files and its job aids."""
from __future__ import annotations

import hashlib
import re

from .frontmatter import check_keys, split_front_matter
from .markdown import render
from .model import Aid, Lesson, ReflectionPrompt

COURSE_KEYS = {"title", "summary", "audience"}
LESSON_KEYS = {"title", "minutes", "objectives", "aliases", "draft", "aids", "reflection"}
AID_KEYS = {"title", "summary"}
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


def parse_aid(path: str, text: str, slug: str):
    """A job aid file `aids/<slug>.md`. Returns (aid or None, problems)."""
    doc = split_front_matter(path, text)
    if doc.problems:
        return None, doc.problems
    check_keys(doc, AID_KEYS, {"title"})
    for key in AID_KEYS:
        if key in doc.meta and not isinstance(doc.meta[key], str):
            doc.error(doc.line_of(key), f"'{key}' must be text")
    if not doc.body.strip():
        doc.error(doc.body_line, "the job aid has no body text under its front matter")
    title, summary = doc.meta.get("title"), doc.meta.get("summary")
    return Aid(
        slug=slug,
        title=title.strip() if isinstance(title, str) and title.strip() else slug,
        summary=summary.strip() if isinstance(summary, str) else "",
        body_html=render(doc.body),
        path=path,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
    ), doc.problems


def _aids(doc, known_aids):
    aids = doc.meta.get("aids") or []
    line = doc.line_of("aids")
    if not isinstance(aids, list) or not all(isinstance(a, str) and SLUG.match(a) for a in aids):
        doc.error(line, "'aids' must be a list of job aid slugs, e.g. [grow]")
        return ()
    out = []
    for slug in aids:
        if slug in out:
            doc.error(line, f"job aid '{slug}' is listed twice")
            continue
        if known_aids is not None and slug not in known_aids:
            doc.error(line, f"no job aid '{slug}': add aids/{slug}.md beside the lessons"
                            + (f" (known: {', '.join(sorted(known_aids))})" if known_aids else ""))
        out.append(slug)
    return tuple(out)


def _reflection(doc):
    items = doc.meta.get("reflection") or []
    line = doc.line_of("reflection")
    if not isinstance(items, list):
        doc.error(line, "'reflection' must be a list of prompts, each with an 'id' and a 'prompt'")
        return ()
    out, seen = [], set()
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or set(item) != {"id", "prompt"}:
            doc.error(line, f"reflection prompt {number} needs exactly 'id' and 'prompt' "
                            "(  - id: coach-this-week / prompt: Whom will you coach this week?)")
            continue
        prompt_id, prompt = item["id"], item["prompt"]
        if not isinstance(prompt_id, str) or not SLUG.match(prompt_id):
            doc.error(line, f"reflection prompt {number}: id {prompt_id!r} must use lowercase letters, digits and hyphens")
            continue
        if prompt_id in seen:
            doc.error(line, f"reflection prompt id '{prompt_id}' is used twice in this lesson")
            continue
        if not isinstance(prompt, str) or not prompt.strip():
            doc.error(line, f"reflection prompt '{prompt_id}' has no prompt text")
            continue
        seen.add(prompt_id)
        out.append(ReflectionPrompt(prompt_id, " ".join(prompt.split())))
    return tuple(out)


def parse_lesson(path: str, text: str, course_slug: str, number: int, slug: str, quiz=None,
                 known_aids=None):
    """Returns (lesson or None, problems). `known_aids`: the course's job aid slugs
    (None skips the check that every listed aid exists)."""
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
    aids = _aids(doc, known_aids)
    reflection = _reflection(doc)

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
        aids=aids,
        reflection=reflection,
    )
    return lesson, doc.problems
