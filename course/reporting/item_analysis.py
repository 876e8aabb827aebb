"""Item analysis and content health for trainers: read-only, aggregate, private.

Figures are grouped by scenario *version* (its content hash): a rewritten
scenario starts fresh, and older versions stay viewable. Every denominator is
per scenario (the learners and answers of the attempts that showed it), so a
pool, whose attempts each draw a few of its scenarios, needs nothing special. Any group of fewer
than MIN_GROUP_SIZE learners is reported as hidden, and no query here returns
a person's name. Figures move only in steps of at least MIN_GROUP_SIZE new
learners, at the end of a day (course/reporting/publication.py), so comparing
two downloads cannot single out one learner's choices.
"""
from __future__ import annotations

import datetime
import functools
import operator
import statistics
from dataclasses import dataclass, field
from typing import Optional

from peewee import Case, fn

from course.content.quiztypes import QUIZ_TYPES
from course.data.models import Answer, Attempt, Progress
from course.reporting import publication

HARD_BELOW = 0.4     # first-try share of the best choice under this: most learners miss it
EASY_FROM = 0.95     # ... at or over this: everyone gets it right


@dataclass
class ChoiceFigure:
    choice: object                 # content Choice, or None for a choice no longer in the text
    choice_id: str
    tag: str
    count: int = 0
    from_content: bool = False     # built from the current wording of the scenario
    recorded_best: bool = False    # what the answers recorded: earlier wordings keep their key

    @property
    def best(self) -> bool:
        return self.choice.best if self.from_content else self.recorded_best

    def share(self, total: int) -> float:
        return self.count / total if total else 0.0


@dataclass
class ScenarioFigures:
    scenario: object               # content Scenario (None when the id no longer exists)
    scenario_id: str
    version: str
    current: bool                  # this version is the one in the file now
    learners: int = 0
    answers: int = 0
    best_answers: int = 0
    first_learners: int = 0
    first_best: int = 0
    choices: list = field(default_factory=list)
    hidden: bool = False
    answered: int = 0              # learners who answered this version at all, published or not yet
    published_until: Optional[datetime.datetime] = None    # the publication point (naive UTC)

    @property
    def best_share(self) -> float:
        return self.best_answers / self.answers if self.answers else 0.0

    @property
    def first_best_share(self) -> float:
        return self.first_best / self.first_learners if self.first_learners else 0.0

    @property
    def published_through(self) -> Optional[datetime.date]:
        """The last site day whose answers the figures include."""
        return publication.day_closed_by(self.published_until) if self.published_until else None

    @property
    def unpicked(self) -> list:
        return [c for c in self.choices if c.count == 0 and c.choice is not None]

    @property
    def flag(self) -> Optional[str]:
        if self.hidden or not self.first_learners:
            return None
        if self.first_best_share < HARD_BELOW:
            return "Most learners miss this: check the wording and the answer key"
        if self.first_best_share >= EASY_FROM:
            return "Almost everyone gets this right first time: it may be too easy"
        return None


@dataclass
class PathFigure:
    scenes: tuple                  # scene ids along the path, end scene last
    learners: int


@dataclass
class QuizAnalysis:
    lesson: object
    quiz: object
    min_group: int
    scenarios: list                # ScenarioFigures for current versions, in file order
    older: list                    # ScenarioFigures for earlier versions
    respondents: int               # distinct learners with at least one attempt
    paths: list = field(default_factory=list)      # conversations only
    endings: list = field(default_factory=list)    # (scene, learners) for conversations
    paths_hidden: bool = False


def _scope(lesson):
    return ((Attempt.course_slug == lesson.course_slug)
            & Attempt.lesson_slug.in_((lesson.slug, *lesson.aliases)) & (Attempt.kind == "quiz"))


def analyse_quiz(lesson, min_group: int) -> QuizAnalysis:
    """Three aggregate queries (four for a conversation) whatever the number of learners."""
    quiz = lesson.quiz
    scope = _scope(lesson)
    steps = publication.Steps(min_group)

    # 1. Per scenario version: new learners per hour, hence its publication point.
    cutoffs, answered = publication.scenario_cutoffs(scope, steps)
    published = [(Answer.scenario_id == sid) & (Answer.scenario_hash == version) & (Attempt.submitted_at < cut)
                 for (sid, version), cut in cutoffs.items() if cut is not None]
    # 2. Per choice of each scenario version, up to its point: times chosen, times best, and
    #    first answers (each learner who was shown the version has exactly one).
    counts = [] if not published else (
        Answer.select(Answer.scenario_id, Answer.scenario_hash, Answer.choice_id, Answer.tag,
                      fn.COUNT(Answer.id), fn.SUM(Answer.best.cast("integer")),
                      fn.SUM(Answer.first_try.cast("integer")),
                      fn.SUM(Case(None, [(Answer.first_try & Answer.best, 1)], 0)))
        .join(Attempt).where(scope & functools.reduce(operator.or_, published))
        .group_by(Answer.scenario_id, Answer.scenario_hash, Answer.choice_id, Answer.tag).tuples())
    # 3. People with any attempt (participation, not choices: not held back).
    respondents = Attempt.select(fn.COUNT(Attempt.person.distinct())).where(scope).scalar() or 0

    figures: dict[tuple, ScenarioFigures] = {}
    for scenario in quiz.scenarios:
        if scenario.is_end:
            continue
        fig = ScenarioFigures(scenario, scenario.id, scenario.content_hash, True)
        fig.choices = [ChoiceFigure(c, c.id, c.tag, from_content=True) for c in scenario.choices]
        figures[(scenario.id, scenario.content_hash)] = fig
    for sid, ver in answered:
        if (sid, ver) not in figures:
            figures[(sid, ver)] = ScenarioFigures(quiz.scenario(sid), sid, ver, False)
    for key, fig in figures.items():
        fig.answered, fig.published_until = answered.get(key, 0), cutoffs.get(key)
    for sid, ver, cid, tag, n, best, firsts, first_best in counts:
        key = (sid, ver)
        fig = figures[key]
        fig.answers += n
        fig.best_answers += int(best or 0)
        # Every learner shown this version has exactly one first answer to it (in a
        # pool, a learner the version was never drawn for has none).
        fig.first_learners += int(firsts or 0)
        fig.first_best += int(first_best or 0)
        match = next((c for c in fig.choices if c.choice_id == cid), None)
        if match is None:
            # An earlier wording: a choice whose id is still in the scenario has the same words.
            same_words = fig.scenario.choice(cid) if fig.scenario else None
            match = ChoiceFigure(same_words, cid, tag)
            fig.choices.append(match)
        match.count += n
        match.recorded_best = match.recorded_best or bool(best)
    for fig in figures.values():
        fig.learners = fig.first_learners
        fig.hidden = fig.learners < min_group
        fig.choices.sort(key=lambda c: (c.choice is None, -c.count) if not fig.current else 0)

    order = {s.id: i for i, s in enumerate(quiz.scenarios)}
    current = [f for f in figures.values() if f.current]
    current.sort(key=lambda f: order.get(f.scenario_id, 999))
    older = sorted((f for f in figures.values() if not f.current),
                   key=lambda f: (order.get(f.scenario_id, 999), f.scenario_id, f.version))
    analysis = QuizAnalysis(lesson, quiz, min_group, current, older, respondents)
    if QUIZ_TYPES[quiz.type].branching:
        _paths(analysis, scope, min_group, steps)
    return analysis


def _paths(analysis, scope, min_group, steps) -> None:
    """How learners move through a conversation: whole paths and their endings, published
    in the same steps as the figures, counted per learner from their first attempt."""
    quiz = analysis.quiz
    rows = (Answer.select(Answer.attempt, Attempt.person, publication.hour_of_submission(),
                          Answer.scenario_id, Answer.choice_id)
            .join(Attempt).where(scope & (Attempt.content_hash == quiz.content_hash))
            .order_by(Answer.attempt, Answer.position).tuples())
    per_attempt: dict[int, list] = {}
    people: dict[int, int] = {}
    hours: dict[int, str] = {}
    first_hour: dict[int, str] = {}
    for attempt_id, person_id, hour, scene_id, choice_id in rows:
        per_attempt.setdefault(attempt_id, []).append((scene_id, choice_id))
        people[attempt_id], hours[attempt_id] = person_id, hour
        first_hour[person_id] = min(hour, first_hour.get(person_id, hour))
    cutoff = publication.learner_cutoff(first_hour.values(), steps)
    until = publication.hour_text(cutoff) if cutoff is not None else ""
    per_attempt = {a: moves for a, moves in per_attempt.items() if hours[a] < until}
    path_people: dict[tuple, set] = {}
    for attempt_id, steps in per_attempt.items():
        scenes = [scene for scene, _ in steps]
        last_scene = quiz.scenario(steps[-1][0])
        choice = last_scene.choice(steps[-1][1]) if last_scene else None
        if choice is not None and choice.next_scene:
            scenes.append(choice.next_scene)
        path_people.setdefault(tuple(scenes), set()).add(people[attempt_id])
    total = len({p for ps in path_people.values() for p in ps})
    analysis.paths_hidden = total < min_group
    analysis.paths = sorted((PathFigure(path, len(ps)) for path, ps in path_people.items()),
                            key=lambda p: (-p.learners, p.scenes))
    endings: dict[str, set] = {}
    for path, ps in path_people.items():
        endings.setdefault(path[-1], set()).update(ps)
    analysis.endings = sorted(((quiz.scenario(scene), len(ps)) for scene, ps in endings.items()
                               if quiz.scenario(scene) is not None), key=lambda e: -e[1])


def quiz_overview(catalog, min_group: int):
    """Per quiz: learners with an attempt (one grouped query for every quiz)."""
    # Former slugs count as the lesson's own, so a learner who answered before
    # and after a rename is one learner.
    pairs = [((Attempt.course_slug == course.slug) & (Attempt.lesson_slug == alias), lesson.slug)
             for course in catalog.courses for lesson in course.lessons for alias in lesson.aliases]
    lesson_key = Case(None, pairs, Attempt.lesson_slug) if pairs else Attempt.lesson_slug
    counts = {(c, l): n for c, l, n in
              Attempt.select(Attempt.course_slug, lesson_key, fn.COUNT(Attempt.person.distinct()))
              .where(Attempt.kind == "quiz").group_by(Attempt.course_slug, lesson_key).tuples()}
    return [(course, lesson, counts.get((course.slug, lesson.slug), 0))
            for course in catalog.courses for lesson in course.lessons if lesson.quiz is not None]


# --- content health ------------------------------------------------------------

@dataclass
class LessonHealth:
    lesson: object
    opened: int
    completed: int
    median_minutes: Optional[float]
    mean_minutes: Optional[float]

    @property
    def drop_off(self) -> float:
        return 1 - self.completed / self.opened if self.opened else 0.0

    @property
    def high_drop_off(self) -> bool:
        return self.opened >= 5 and self.drop_off > 0.5

    @property
    def slow(self) -> bool:
        return self.median_minutes is not None and self.median_minutes > 2 * self.lesson.minutes


READING_CAP = datetime.timedelta(hours=2)   # longer gaps are a learner coming back later, not reading


def content_health(course, min_group: int) -> list[LessonHealth]:
    """Drop-off and reading time per lesson, from two grouped queries."""
    opened = dict(Progress.select(Progress.lesson_slug, fn.COUNT(Progress.id))
                  .where(Progress.course_slug == course.slug).group_by(Progress.lesson_slug).tuples())
    durations: dict[str, list] = {}
    completed: dict[str, int] = {}
    for slug, started, done in (Progress.select(Progress.lesson_slug, Progress.opened_at, Progress.completed_at)
                                .where((Progress.course_slug == course.slug) & Progress.completed_at.is_null(False))
                                .tuples()):
        completed[slug] = completed.get(slug, 0) + 1
        if done >= started and done - started <= READING_CAP:
            durations.setdefault(slug, []).append((done - started).total_seconds() / 60)
    out = []
    for lesson in course.lessons:
        slugs = (lesson.slug, *lesson.aliases)
        times = [t for s in slugs for t in durations.get(s, [])]
        enough = len(times) >= min_group
        out.append(LessonHealth(
            lesson, sum(opened.get(s, 0) for s in slugs), sum(completed.get(s, 0) for s in slugs),
            round(statistics.median(times), 1) if enough else None,
            round(statistics.fmean(times), 1) if enough else None))
    return out
