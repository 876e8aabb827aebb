"""Walk CONTENT_DIR and build a Catalog, collecting every problem on the way.

Layout: lessons/<course>/index.md and lessons/<course>/NN-<slug>.md;
lessons/<course>/aids/<slug>.md (job aids); quizzes/<course>/<slug>.md;
quizzes/tags.yml (the behaviour-tag vocabulary).
"""
from __future__ import annotations

import hashlib
import os

import yaml

from .lessons import LESSON_FILE, SLUG, parse_aid, parse_course_index, parse_lesson
from .model import Catalog, Course, Problem, Tag
from .quizzes import parse_quiz

TAGS_FILE = "quizzes/tags.yml"


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def load_tags(content_dir: str):
    full = os.path.join(content_dir, TAGS_FILE)
    problems, tags = [], {}
    if not os.path.exists(full):
        return tags, [Problem(TAGS_FILE, 1, "the behaviour-tag vocabulary is missing")]
    try:
        data = yaml.safe_load(_read(full)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return tags, [Problem(TAGS_FILE, (mark.line + 1) if mark else 1, f"not valid YAML: {getattr(exc, 'problem', exc)}")]
    if not isinstance(data, dict):
        return tags, [Problem(TAGS_FILE, 1, "expected 'tag: {label: ..., strong: true|false}' entries")]
    for slug, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str) \
                or not isinstance(entry.get("strong"), bool) or not SLUG.match(str(slug)):
            problems.append(Problem(TAGS_FILE, 1, f"tag '{slug}' needs a lowercase slug, a 'label' and 'strong: true|false'"))
            continue
        tags[slug] = Tag(slug, entry["label"], entry["strong"], str(entry.get("description", "")))
    return tags, problems


def load_catalog(content_dir: str, default_pass_score: float = 0.75) -> Catalog:
    problems: list[Problem] = []
    tags, tag_problems = load_tags(content_dir)
    problems.extend(tag_problems)
    lessons_root = os.path.join(content_dir, "lessons")
    quizzes_root = os.path.join(content_dir, "quizzes")
    if not os.path.isdir(lessons_root):
        problems.append(Problem("lessons", 1, f"no lessons folder in {content_dir}"))
        return Catalog((), tags, tuple(problems))

    courses = []
    for course_slug in sorted(os.listdir(lessons_root)):
        course_dir = os.path.join(lessons_root, course_slug)
        if not os.path.isdir(course_dir) or course_slug.startswith("."):
            continue
        rel_dir = f"lessons/{course_slug}"
        if not SLUG.match(course_slug):
            problems.append(Problem(rel_dir, 1, "a course folder name uses lowercase letters, digits and hyphens"))
            continue
        course = _load_course(content_dir, course_slug, tags, default_pass_score, problems)
        if course is not None:
            courses.append(course)

    # Quizzes whose lesson does not exist.
    if os.path.isdir(quizzes_root):
        known = {(c.slug, l.slug) for c in courses for l in c.lessons}
        for course_slug in sorted(os.listdir(quizzes_root)):
            qdir = os.path.join(quizzes_root, course_slug)
            if not os.path.isdir(qdir):
                continue
            for name in sorted(os.listdir(qdir)):
                if name.endswith(".md") and (course_slug, name[:-3]) not in known:
                    problems.append(Problem(f"quizzes/{course_slug}/{name}", 1,
                                            f"quiz without a lesson: no lessons/{course_slug}/NN-{name} exists"))
    return Catalog(tuple(courses), tags, tuple(problems))


def _load_course(content_dir, course_slug, tags, default_pass_score, problems):
    course_dir = os.path.join(content_dir, "lessons", course_slug)
    rel_dir = f"lessons/{course_slug}"
    index_path = os.path.join(course_dir, "index.md")
    if os.path.exists(index_path):
        meta, index_problems = parse_course_index(f"{rel_dir}/index.md", _read(index_path))
        problems.extend(index_problems)
    else:
        problems.append(Problem(f"{rel_dir}/index.md", 1, "the course has no index.md (title, summary)"))
        meta = {"title": course_slug, "summary": "", "audience": "", "intro_html": ""}

    entries = []
    for name in sorted(os.listdir(course_dir)):
        if not name.endswith(".md") or name == "index.md":
            continue
        match = LESSON_FILE.match(name)
        if not match:
            problems.append(Problem(f"{rel_dir}/{name}", 1,
                                    "a lesson file is named NN-<slug>.md (e.g. 01-coaching-is-not-managing.md)"))
            continue
        entries.append((int(match.group(1)), match.group(2), name))
    entries.sort()

    aids = _load_aids(content_dir, course_slug, problems)
    known_aids = {aid.slug for aid in aids}

    lessons, numbers, names = [], {}, {}
    for number, slug, name in entries:
        rel = f"{rel_dir}/{name}"
        if number in numbers:
            problems.append(Problem(rel, 1, f"lesson number {number:02d} is also used by {numbers[number]}"))
        numbers.setdefault(number, rel)
        quiz = None
        quiz_file = os.path.join(content_dir, "quizzes", course_slug, f"{slug}.md")
        if os.path.exists(quiz_file):
            quiz, quiz_problems = parse_quiz(f"quizzes/{course_slug}/{slug}.md", _read(quiz_file),
                                             course_slug, slug, tags, default_pass_score)
            problems.extend(quiz_problems)
        lesson, lesson_problems = parse_lesson(rel, _read(os.path.join(course_dir, name)),
                                               course_slug, number, slug, quiz, known_aids)
        problems.extend(lesson_problems)
        if lesson is None:
            continue
        for key in (lesson.slug, *lesson.aliases):
            if key in names:
                problems.append(Problem(rel, 1, f"slug '{key}' is also used by {names[key]}"))
            names.setdefault(key, rel)
        lessons.append(lesson)
    if not lessons:
        problems.append(Problem(rel_dir, 1, "the course has no lessons"))

    return Course(
        slug=course_slug,
        title=meta["title"] or course_slug,
        summary=meta["summary"],
        audience=meta["audience"],
        intro_html=meta["intro_html"],
        lessons=tuple(lessons),
        path=rel_dir,
        aids=tuple(aids),
    )


def _load_aids(content_dir, course_slug, problems):
    """The course's job aids, lessons/<course>/aids/<slug>.md, ordered by slug."""
    aids_dir = os.path.join(content_dir, "lessons", course_slug, "aids")
    if not os.path.isdir(aids_dir):
        return []
    aids = []
    for name in sorted(os.listdir(aids_dir)):
        rel = f"lessons/{course_slug}/aids/{name}"
        if not name.endswith(".md") or not os.path.isfile(os.path.join(aids_dir, name)):
            continue
        if not SLUG.match(name[:-3]):
            problems.append(Problem(rel, 1, "a job aid file is named <slug>.md (lowercase letters, digits, hyphens)"))
            continue
        aid, aid_problems = parse_aid(rel, _read(os.path.join(aids_dir, name)), name[:-3])
        problems.extend(aid_problems)
        if aid is not None:
            aids.append(aid)
    return aids


def content_signature(content_dir: str) -> tuple:
    """Cheap fingerprint of every content file, to notice edits in debug mode.

    Walks lessons/ and quizzes/ recursively, so job aids (lessons/<course>/aids/)
    and quizzes/quality.yml count too."""
    sig = []
    for sub in ("lessons", "quizzes"):
        root = os.path.join(content_dir, sub)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except FileNotFoundError:
                    continue
                sig.append((dirpath, name, st.st_mtime_ns, st.st_size))
    return tuple(sig)


def content_version(content_dir: str) -> str:
    """A hash over every content file's hash (lessons/ and quizzes/, by relative path): the same
    on every host that serves the same files, whatever their times or order on disk."""
    entries = []
    for sub in ("lessons", "quizzes"):
        root = os.path.join(content_dir, sub)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                try:
                    with open(path, "rb") as fh:
                        digest = hashlib.sha256(fh.read()).hexdigest()
                except OSError:
                    continue
                entries.append(f"{os.path.relpath(path, content_dir).replace(os.sep, '/')}\0{digest}\n")
    return hashlib.sha256("".join(entries).encode()).hexdigest()[:16]
