"""analyse(catalog, settings) -> QualityReport: the cue figures of every quiz and
course, and the quality warnings. Pure: reads the frozen Catalog, writes nothing."""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

from ..model import Problem
from ..quiztypes import QUIZ_TYPES
from ..quiztypes.conversation import find_cycle
from .checks import conversation_problems, position_problems, recall_problems, tag_problems
from .cues import DIRECTIONS, CueReader, choice_probabilities, hit_probability
from .probability import conversation_pass_probability, pass_probability
from .report import PASS_LIMIT, SHARE_LIMIT, CourseQuality, CueFigure, QualityReport, QuizQuality
from .settings import QualitySettings
from .text import content_words, takeaway_text

EPSILON = 1e-9


def analyse(catalog, settings: Optional[QualitySettings] = None) -> QualityReport:
    """The quality report of every quiz that loaded without errors."""
    settings = settings or QualitySettings()
    broken = {p.path for p in catalog.problems if p.level == "error"}
    courses = tuple(_analyse_course(course, catalog.tags, settings, broken) for course in catalog.courses)
    problems = list(settings.problems)
    for course in courses:
        problems.extend(course.problems)
        for quiz in course.quizzes:
            problems.extend(quiz.problems)
    problems.sort(key=lambda p: (p.path, p.line))
    return QualityReport(courses, settings, tuple(problems))


def _sound(quiz, broken: set) -> bool:
    """Only a quiz the loader accepted is analysed (errors are fixed first)."""
    scenes = quiz.decision_scenarios
    if quiz.path in broken or not scenes or quiz.scenarios[0].is_end:
        return False
    if any(len(s.choices) < 2 or sum(c.best for c in s.choices) != 1 for s in scenes):
        return False
    if quiz.type in QUIZ_TYPES and QUIZ_TYPES[quiz.type].branching:
        if any(quiz.scenario(c.next_scene or "") is None for s in scenes for c in s.choices):
            return False
        return find_cycle(quiz) is None
    return True


def _branching(quiz) -> bool:
    return quiz.type in QUIZ_TYPES and QUIZ_TYPES[quiz.type].branching


def _figure(feature, direction, hits, chance_hits, pass_p, chance_pass) -> CueFigure:
    n = len(hits)
    expected = sum(hits, Fraction(0))
    return CueFigure(
        name=f"{direction}-{feature.name}",
        description=f"guess {feature.has if direction == 'prefer' else feature.lacks}",
        share=float(expected / n) if n else 0.0,
        chance=float(sum(chance_hits, Fraction(0)) / n) if n else 0.0,
        pass_probability=float(pass_p),
        chance_pass_probability=float(chance_pass),
        feature=feature.name,
        direction=direction,
        scenarios=n,
        expected_hits=float(expected),
    )


def _analyse_quiz(lesson, quiz, reader: CueReader, tags: dict, course_title: str) -> QuizQuality:
    takeaway = content_words(takeaway_text(lesson.body_html))
    scenes = quiz.decision_scenarios
    marks = [reader.marks(s.choices, takeaway) for s in scenes]
    best = [s.choices.index(s.best_choice) for s in scenes]
    chance_hits = [Fraction(1, len(s.choices)) for s in scenes]
    branching = _branching(quiz)

    def passing(hits, probabilities):
        if branching:
            return conversation_pass_probability(
                quiz, {s.id: p for s, p in zip(scenes, probabilities)}, quiz.pass_score)
        return pass_probability(hits, quiz.pass_score, quiz.draw)

    chance_pass = passing(chance_hits, [[Fraction(1, len(s.choices))] * len(s.choices) for s in scenes])
    strategies, cues, problems = [], [], []
    lines: dict[str, list[int]] = {}
    for feature in reader.features:
        pair = []
        for direction in DIRECTIONS:
            hits = [hit_probability(m[feature.name], direction, b) for m, b in zip(marks, best)]
            probabilities = [choice_probabilities(m[feature.name], direction) for m in marks]
            figure = _figure(feature, direction, hits, chance_hits, passing(hits, probabilities), chance_pass)
            lines[figure.name] = [s.line for s, h in zip(scenes, hits) if h == 1]
            pair.append(figure)
        strategies.extend(pair)
        cues.append(max(pair, key=lambda f: (f.pass_probability, f.share)))

    for cue in cues:
        if cue.pass_probability > PASS_LIMIT and cue.pass_probability > cue.chance_pass_probability + EPSILON:
            problems.append(Problem(quiz.path, 1, _pass_message(quiz, cue, lines[cue.name]), "warning"))
    if chance_pass > PASS_LIMIT:
        problems.append(Problem(quiz.path, 1,
                                f"a blind guess passes this quiz with probability {float(chance_pass):.2f} "
                                f"(limit {PASS_LIMIT}): add choices or scenarios, or raise pass_score", "warning"))
    problems += position_problems(quiz)
    problems += tag_problems(quiz, tags)
    problems += recall_problems(quiz, lesson, course_title)
    if branching:
        problems += conversation_problems(quiz)
    return QuizQuality(
        path=quiz.path, course_slug=quiz.course_slug, lesson_slug=quiz.lesson_slug, type=quiz.type,
        pass_score=quiz.pass_score, draw=quiz.draw, scenarios=len(scenes),
        chance=float(sum(chance_hits, Fraction(0)) / len(scenes)),
        chance_pass_probability=float(chance_pass),
        cues=tuple(cues), strategies=tuple(strategies), problems=tuple(problems),
    )


def _pass_message(quiz, cue: CueFigure, certain: list[int]) -> str:
    what = "scenes" if _branching(quiz) else "scenarios"
    pool = f" (a pool, draw {quiz.draw})" if quiz.draw else ""
    where = f"; the guess is certain at line(s) {', '.join(map(str, certain))}" if certain else ""
    return (f"'{cue.name}' ({cue.description}) passes this quiz with probability "
            f"{cue.pass_probability:.2f} (a blind guess: {cue.chance_pass_probability:.2f}, limit {PASS_LIMIT}): "
            f"it finds the best choice in {cue.share:.0%} of the {cue.scenarios} {what}{pool} "
            f"(chance {cue.chance:.0%}){where}")


def _analyse_course(course, tags: dict, settings: QualitySettings, broken: set) -> CourseQuality:
    pairs = [(lesson, lesson.quiz) for lesson in course.lessons
             if lesson.quiz is not None and _sound(lesson.quiz, broken)]
    positions = max((len(s.choices) for _, q in pairs for s in q.decision_scenarios), default=0)
    reader = CueReader(settings, positions)
    quizzes = tuple(_analyse_quiz(lesson, quiz, reader, tags, course.title) for lesson, quiz in pairs)
    total = sum(q.scenarios for q in quizzes)
    chance_hits = sum(q.chance * q.scenarios for q in quizzes)
    count = len(quizzes) or 1

    strategies = []
    for i, first in enumerate(quizzes[0].strategies if quizzes else ()):
        rows = [q.strategies[i] for q in quizzes]
        hits = sum(r.expected_hits for r in rows)
        strategies.append(CueFigure(
            name=first.name, description=first.description,
            share=hits / total if total else 0.0, chance=chance_hits / total if total else 0.0,
            pass_probability=sum(r.pass_probability for r in rows) / count,
            chance_pass_probability=sum(q.chance_pass_probability for q in quizzes) / count,
            feature=first.feature, direction=first.direction, scenarios=total, expected_hits=hits))
    cues = [max(strategies[i:i + 2], key=lambda f: (f.share, f.pass_probability))
            for i in range(0, len(strategies), 2)]

    problems = []
    for cue in cues:
        if cue.share > SHARE_LIMIT + EPSILON and cue.share > cue.chance + EPSILON:
            index = strategies.index(cue)
            top = max(quizzes, key=lambda q: q.strategies[index].expected_hits)
            mine = top.strategies[index]
            problems.append(Problem(top.path, 1, (
                f"course-wide, '{cue.name}' ({cue.description}) finds the best choice in {cue.share:.0%} of "
                f"{total} scenarios (chance {cue.chance:.0%}, limit {SHARE_LIMIT:.0%}); this quiz contributes "
                f"most: {mine.expected_hits:.1f} of {cue.expected_hits:.1f} expected hits "
                f"({mine.share:.0%} of its {mine.scenarios})"), "warning"))
    if quizzes and total and chance_hits / total > SHARE_LIMIT + EPSILON:
        top = max(quizzes, key=lambda q: q.chance)
        problems.append(Problem(top.path, 1, (
            f"course-wide, a blind guess finds the best choice in {chance_hits / total:.0%} of {total} "
            f"scenarios (limit {SHARE_LIMIT:.0%}): write more choices per scenario (this quiz: "
            f"{top.chance:.0%})"), "warning"))
    return CourseQuality(
        slug=course.slug, title=course.title, scenarios=total,
        chance=chance_hits / total if total else 0.0,
        chance_pass_probability=sum(q.chance_pass_probability for q in quizzes) / count,
        quizzes=quizzes, cues=tuple(cues), strategies=tuple(strategies), problems=tuple(problems))
