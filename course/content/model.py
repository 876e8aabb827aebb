"""Frozen content objects: what the rest of the app reads, never writes.

Everything here is built once when the content loads (or a file changes in
debug mode). HTML is rendered at load time and cached on the objects, so a
request only formats a template around strings that already exist.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Problem:
    path: str          # relative to CONTENT_DIR, with forward slashes
    line: int
    message: str
    level: str = "error"   # "error" fails the check; "warning" is printed only

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.level}: {self.message}"


@dataclass(frozen=True)
class Tag:
    slug: str
    label: str          # plain-language label, e.g. "Asked before telling"
    strong: bool        # a habit we want to grow (True) or one to notice (False)
    description: str = ""


@dataclass(frozen=True)
class Choice:
    id: str
    text_html: str      # inline HTML
    text: str           # plain source text, for exports and ids
    best: bool
    tag: str
    feedback_html: str
    line: int
    next_scene: Optional[str] = None    # conversations only
    tag_intended: bool = False          # `{tag!}`: the tag/key disagreement is intended


@dataclass(frozen=True)
class Scenario:
    """One `## ` section of a quiz: a scenario, or a scene of a conversation."""
    id: str
    title: str
    prompt_html: str
    choices: tuple[Choice, ...]
    content_hash: str   # hash of this section's source: rewording starts fresh figures
    line: int
    verdict: Optional[str] = None   # conversation end scenes: "pass", "fail" or None (`{#id pass}`)

    @property
    def best_choice(self) -> Optional[Choice]:
        return next((c for c in self.choices if c.best), None)

    @property
    def is_end(self) -> bool:
        return not self.choices

    def choice(self, choice_id: str) -> Optional[Choice]:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class Quiz:
    course_slug: str
    lesson_slug: str
    type: str                  # key in the quiz type registry
    pass_score: float
    intro_html: str
    scenarios: tuple[Scenario, ...]
    content_hash: str
    path: str
    draw: Optional[int] = None  # plain quizzes: scenarios shown per attempt (a pool); None = all

    def scenario(self, scenario_id: str) -> Optional[Scenario]:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    @property
    def decision_scenarios(self) -> tuple[Scenario, ...]:
        return tuple(s for s in self.scenarios if not s.is_end)


@dataclass(frozen=True)
class ReflectionPrompt:
    """A question the learner answers privately after a lesson (front matter `reflection:`)."""
    id: str        # slug, unique within its lesson
    prompt: str    # plain text


@dataclass(frozen=True)
class Aid:
    """A job aid: a printable one-page summary, `lessons/<course>/aids/<slug>.md`."""
    slug: str
    title: str
    summary: str
    body_html: str
    path: str
    content_hash: str


@dataclass(frozen=True)
class Lesson:
    course_slug: str
    slug: str
    number: int
    title: str
    minutes: int
    objectives: tuple[str, ...]
    body_html: str
    aliases: tuple[str, ...]
    draft: bool
    content_hash: str
    path: str
    word_count: int
    quiz: Optional[Quiz] = None
    aids: tuple[str, ...] = ()                       # slugs of the course's job aids it links
    reflection: tuple[ReflectionPrompt, ...] = ()


@dataclass(frozen=True)
class Course:
    slug: str
    title: str
    summary: str
    audience: str
    intro_html: str
    lessons: tuple[Lesson, ...]     # every lesson, drafts included, in file order
    path: str
    aids: tuple[Aid, ...] = ()      # job aids, ordered by slug

    def aid(self, slug: str) -> Optional[Aid]:
        return next((a for a in self.aids if a.slug == slug), None)

    def visible_lessons(self, include_drafts: bool = False) -> tuple[Lesson, ...]:
        if include_drafts:
            return self.lessons
        return tuple(lesson for lesson in self.lessons if not lesson.draft)

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.visible_lessons())

    def neighbours(self, lesson: "Lesson", include_drafts: bool = False):
        """(previous, next) lesson around `lesson` in course order."""
        lessons = self.visible_lessons(include_drafts)
        slugs = [item.slug for item in lessons]
        if lesson.slug not in slugs:
            return None, None
        i = slugs.index(lesson.slug)
        return (lessons[i - 1] if i > 0 else None,
                lessons[i + 1] if i + 1 < len(lessons) else None)


@dataclass(frozen=True)
class Catalog:
    courses: tuple[Course, ...]
    tags: dict = field(default_factory=dict)          # slug -> Tag
    problems: tuple[Problem, ...] = ()

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "warning")

    def course(self, slug: str) -> Optional[Course]:
        return next((c for c in self.courses if c.slug == slug), None)

    def find_lesson(self, course_slug: str, slug: str) -> tuple[Optional[Lesson], bool]:
        """The lesson named by `slug` or by one of its former slugs (aliases).

        Returns (lesson, is_alias) so a caller can redirect old links.
        """
        course = self.course(course_slug)
        if course is None:
            return None, False
        for lesson in course.lessons:
            if lesson.slug == slug:
                return lesson, False
        for lesson in course.lessons:
            if slug in lesson.aliases:
                return lesson, True
        return None, False
