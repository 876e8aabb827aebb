"""The shipped course's own invariants, checked against the real lessons/ and quizzes/.

These are editorial rules for *our* course (lesson length, quiz shape, variety of
the best choice), stricter than what the content engine accepts from any course.
Each failure message starts with the file to edit.
"""
from __future__ import annotations

import os
import re

import pytest

from course.content import load_catalog
from course.content.quality import analyse, load_settings

from helpers.app import ROOT

COURSE = "coaching-at-every-level"
CATALOG = load_catalog(ROOT)
LESSONS = CATALOG.course(COURSE).lessons if CATALOG.course(COURSE) else ()
QUIZZES = [lesson.quiz for lesson in LESSONS if lesson.quiz is not None]
PLAIN_QUIZZES = [quiz for quiz in QUIZZES if quiz.type == "scenarios"]
CONVERSATIONS = [quiz for quiz in QUIZZES if quiz.type == "conversation"]

TAKEAWAY = 'class="callout callout-takeaway"'
TRY_THIS_HEADING = re.compile(r"<h[1-6][^>]*>\s*Try this at work\s*</h[1-6]>")
EXPLICIT_ID = re.compile(r"\{#[^}\s]+(?:\s+(?:pass|fail))?\}\s*$")


def within(low, high):
    return lambda value: low <= value <= high


# (what is measured, how to measure it on a Lesson, the rule, the rule in words)
LESSON_RULES = [
    ("minutes", lambda l: l.minutes, within(3, 6), "3 to 6"),
    ("objectives", lambda l: len(l.objectives), within(2, 4), "2 to 4"),
    ("word count", lambda l: l.word_count, within(400, 900), "400 to 900"),
    ("takeaway callouts", lambda l: l.body_html.count(TAKEAWAY), lambda n: n == 1, "exactly 1"),
    ("'Try this at work' heading", lambda l: bool(TRY_THIS_HEADING.search(l.body_html)), bool, "present"),
    ("quiz", lambda l: l.quiz is not None, bool, f"a quizzes/{COURSE}/<slug>.md file"),
]

# (what is measured, how to measure it on a decision Scenario, the rule, the rule in words)
SCENARIO_RULES = [
    ("choices", lambda s: len(s.choices), within(3, 5), "3 to 5"),
    ("best choices", lambda s: sum(c.best for c in s.choices), lambda n: n == 1, "exactly 1"),
]

# (what is measured, how to measure it on a Choice, the rule, the rule in words)
CHOICE_RULES = [
    ("feedback", lambda c: bool(c.feedback_html.strip()), bool, "non-empty"),
    ("tag", lambda c: c.tag, lambda tag: tag in CATALOG.tags, "a tag from quizzes/tags.yml"),
]

# Names the course promises to teach: (name, pattern searched in the lessons' HTML).
NAMED_MODELS = [
    ("SBI", re.compile(r"\bSBI\b")),
    ("GROW", re.compile(r"\bGROW\b")),
    ("the coaching kata", re.compile(r"\bcoaching kata\b", re.IGNORECASE)),
]


def broken(rules, item, where):
    """One message per rule that `item` breaks, each naming `where`."""
    out = []
    for name, measure, ok, expected in rules:
        value = measure(item)
        if not ok(value):
            out.append(f"{where}: {name} is {value!r}, expected {expected}")
    return out


def conversation_paths(quiz):
    """Every path through a conversation, as the list of decision scenes taken."""
    paths, todo = [], [(quiz.scenarios[0], [])]
    while todo:
        scene, taken = todo.pop()
        if scene is None or scene.is_end:
            paths.append(taken)
            continue
        if scene in taken or len(taken) > len(quiz.scenarios):   # the loader reports loops
            paths.append(taken + [scene])
            continue
        for choice in scene.choices:
            todo.append((quiz.scenario(choice.next_scene), taken + [scene]))
    return paths


def ids(items):
    return [os.path.basename(item.path) for item in items]


# --- the catalog and the course ---------------------------------------------

def test_content_loads_without_errors_or_warnings():
    assert CATALOG.errors == (), "content errors:\n" + "\n".join(map(str, CATALOG.errors))
    assert CATALOG.warnings == (), "content warnings:\n" + "\n".join(map(str, CATALOG.warnings))


def test_course_has_8_to_12_lessons():
    course = CATALOG.course(COURSE)
    assert course is not None, f"lessons/{COURSE}/: the course is missing"
    count = len(course.visible_lessons())
    assert 8 <= count <= 12, f"lessons/{COURSE}/: {count} published lessons, expected 8 to 12"


def test_course_names_sbi_grow_and_the_coaching_kata():
    text = "\n".join(lesson.body_html for lesson in LESSONS)
    missing = [name for name, pattern in NAMED_MODELS if not pattern.search(text)]
    assert not missing, f"lessons/{COURSE}/*.md: no lesson mentions {', '.join(missing)}"


# --- every lesson -------------------------------------------------------------

@pytest.mark.parametrize("lesson", LESSONS, ids=ids(LESSONS))
def test_lesson_shape(lesson):
    problems = broken(LESSON_RULES, lesson, lesson.path)
    assert not problems, "\n".join(problems)


# --- every quiz ---------------------------------------------------------------

@pytest.mark.parametrize("quiz", QUIZZES, ids=ids(QUIZZES))
def test_quiz_type_is_one_this_course_uses(quiz):
    assert quiz.type in ("scenarios", "conversation"), f"{quiz.path}: unexpected quiz type {quiz.type!r}"


@pytest.mark.parametrize("quiz", QUIZZES, ids=ids(QUIZZES))
def test_every_choice_has_feedback_and_a_known_tag(quiz):
    problems = []
    for scenario in quiz.decision_scenarios:
        for choice in scenario.choices:
            where = f"{quiz.path}:{choice.line}: scenario '{scenario.id}', choice '{choice.id}'"
            problems += broken(CHOICE_RULES, choice, where)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("quiz", QUIZZES, ids=ids(QUIZZES))
def test_every_scenario_heading_has_an_explicit_id(quiz):
    with open(os.path.join(ROOT, quiz.path), encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    problems = [f"{quiz.path}:{number}: heading {line!r} does not end with {{#id}}"
                for number, line in enumerate(lines, start=1)
                if line.startswith("## ") and not EXPLICIT_ID.search(line)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("quiz", PLAIN_QUIZZES, ids=ids(PLAIN_QUIZZES))
def test_plain_quiz_shape(quiz):
    problems = []
    shown = quiz.draw or len(quiz.scenarios)
    if not 3 <= shown <= 5:
        problems.append(f"{quiz.path}: an attempt shows {shown} scenarios, expected 3 to 5")
    if quiz.draw is None or len(quiz.scenarios) < quiz.draw + 2:
        problems.append(f"{quiz.path}: {len(quiz.scenarios)} scenarios with draw {quiz.draw}: "
                        "make it a pool of at least draw + 2, so a retake shows new situations")
    for scenario in quiz.scenarios:
        problems += broken(SCENARIO_RULES, scenario, f"{quiz.path}:{scenario.line}: scenario '{scenario.id}'")
    assert not problems, "\n".join(problems)


def test_best_choice_stands_in_at_least_three_positions():
    positions = {scenario.choices.index(scenario.best_choice) + 1
                 for quiz in QUIZZES for scenario in quiz.decision_scenarios
                 if scenario.best_choice is not None}
    assert len(positions) >= 3, (f"quizzes/{COURSE}/*.md: the best choice only ever stands in "
                                 f"position(s) {sorted(positions)}; vary it over at least three")


# --- conversations --------------------------------------------------------------

def test_course_has_a_conversation():
    assert CONVERSATIONS, f"quizzes/{COURSE}/*.md: no quiz has 'type: conversation'"


@pytest.mark.parametrize("quiz", CONVERSATIONS, ids=ids(CONVERSATIONS))
def test_conversation_shape(quiz):
    problems = []
    for scene in quiz.decision_scenarios:
        problems += broken(SCENARIO_RULES, scene, f"{quiz.path}:{scene.line}: scene '{scene.id}'")
    paths = conversation_paths(quiz)
    for path in paths:
        if not 1 <= len(path) <= 3:
            route = " -> ".join(scene.id for scene in path)
            problems.append(f"{quiz.path}: the path {route} has {len(path)} decisions, expected at most 3")
    if max((len(path) for path in paths), default=0) != 3:
        problems.append(f"{quiz.path}: the longest path should take 3 turns")
    assert not problems, "\n".join(problems)


# --- assessment quality and reach -------------------------------------------------

QUALITY = analyse(CATALOG, load_settings(ROOT))
BEST_CHOICES = [s.best_choice for q in QUIZZES for s in q.decision_scenarios if s.best_choice]
UK_ONLY = re.compile(r"\b(A&E|fortnight|cashing up|twelve-top|rota|queue-jump\w*|half (?:six|seven|eight|nine)|"
                     r"appraisal|trolley|tills)\b", re.IGNORECASE)


def test_the_course_has_no_quality_warning_so_it_passes_the_strict_check():
    assert not QUALITY.problems, "\n".join(map(str, QUALITY.problems))
    course = QUALITY.course(COURSE)
    for cue in course.cues:
        assert cue.share <= 0.40, f"quizzes/{COURSE}/: {cue.description} finds {cue.share:.0%} of best choices"
    for quiz in course.quizzes:
        for cue in quiz.cues:
            assert cue.pass_probability <= 0.5, f"{quiz.path}: {cue.description} passes with {cue.pass_probability:.2f}"


def test_content_check_strict_exits_zero(runner):
    result = runner.invoke(args=["content", "check", "--strict"])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output.splitlines()[-1]


def test_questions_are_as_common_among_distractors_as_among_best_choices():
    distractors = [c for q in QUIZZES for s in q.decision_scenarios for c in s.choices if not c.best]
    best_share = sum("?" in c.text for c in BEST_CHOICES) / len(BEST_CHOICES)
    other_share = sum("?" in c.text for c in distractors) / len(distractors)
    assert abs(best_share - other_share) <= 0.15, (f"quizzes/{COURSE}/: {best_share:.0%} of best choices ask a "
                                                  f"question but {other_share:.0%} of distractors do")


def test_telling_and_escalating_are_sometimes_the_best_move():
    firm = [c for c in BEST_CHOICES if c.tag in ("direct", "escalate")]
    assert len(firm) >= 0.1 * len(BEST_CHOICES), (f"quizzes/{COURSE}/: only {len(firm)} of {len(BEST_CHOICES)} "
                                                  "best choices tell or escalate")


def test_the_leaders_seat_lesson_the_job_aids_and_the_closing_reflection_are_there():
    course = CATALOG.course(COURSE)
    lesson, _ = CATALOG.find_lesson(COURSE, "when-your-team-coaches-you")
    assert lesson is not None and lesson.quiz is not None and not lesson.draft
    for slug in ("grow", "sbi", "kata-questions", "coaching-up-checklist", "leader-feedback-routine"):
        aid = course.aid(slug)
        assert aid is not None, f"lessons/{COURSE}/aids/{slug}.md is missing"
        assert any(slug in l.aids for l in course.lessons), f"no lesson links the job aid '{slug}'"
        words = len(re.findall(r"\w+", re.sub(r"<[^>]+>", " ", aid.body_html)))
        assert 150 <= words <= 450, f"{aid.path}: {words} words, expected one printed page (150 to 450)"
    last = course.visible_lessons()[-1]
    assert len(last.reflection) >= 2, f"{last.path}: the course ends with a two-way reflection"


def test_plain_global_english_with_a_remote_team_and_settings_outside_the_uk():
    texts = [(l.path, l.body_html) for l in LESSONS]
    texts += [(q.path, s.prompt_html + " ".join(c.text for c in s.choices)) for q in QUIZZES for s in q.scenarios]
    found = [f"{path}: {m.group(0)!r}" for path, text in texts for m in UK_ONLY.finditer(text)]
    assert not found, "UK-only words:\n" + "\n".join(found)
    prompts = " ".join(s.prompt_html for q in QUIZZES for s in q.scenarios)
    assert re.search(r"\b(remote|hybrid)\b", prompts, re.IGNORECASE)
    places = re.findall(r"\b(Toronto|Manila|Monterrey|Nairobi|Lagos|Lisbon|Singapore|Warsaw|São Paulo|Bangalore)\b", prompts)
    assert len(set(places)) >= 5, f"quizzes/{COURSE}/: settings outside the UK: {sorted(set(places))}"
