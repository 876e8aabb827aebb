"""Grading and branching as pure functions: Markdown in, Grade out.

Quizzes are written inline as Markdown and parsed with `parse_quiz`; grading
goes through the quiz type registry (`QUIZ_TYPES`), the same way the app does.
No database, no Flask.
"""
from __future__ import annotations

import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.learning.attempts import best_answers
from course.content.loader import load_tags
from course.content.quizzes import parse_quiz
from course.content.quiztypes import QUIZ_TYPES, GradeError, Incomplete

from helpers.app import ROOT

TAGS, _TAG_PROBLEMS = load_tags(ROOT)
TAG_SLUGS = sorted(TAGS)


def parse(text: str, dedent: bool = True):
    if dedent:
        text = textwrap.dedent(text).lstrip("\n")
    return parse_quiz("quizzes/demo/q.md", text, "demo", "q", TAGS)


def parse_clean(text: str, dedent: bool = True):
    quiz, problems = parse(text, dedent)
    errors = [str(p) for p in problems if p.level == "error"]
    assert errors == [], "\n".join(errors)
    return quiz


def errors_of(text: str) -> list[str]:
    _, problems = parse(text)
    return [p.message for p in problems if p.level == "error"]


def grade(quiz, answers):
    return QUIZ_TYPES[quiz.type].grade(quiz, answers)


def test_the_tag_vocabulary_loads():
    assert _TAG_PROBLEMS == []
    assert {"ask", "tell", "listen", "go-around"} <= set(TAG_SLUGS)


# --- scenario quizzes ---------------------------------------------------------

FOUR_SCENARIOS = """
---
pass_score: 0.75
---
## The demo that ran long {#demo}
Sam's demo ran fifteen minutes over.

- [ ] Mention it to your manager. {go-around #manager}
  > Going around Sam takes away their chance to reflect.
- [x] Ask Sam how the demo felt. {ask #ask-sam}
  > Starting with Sam's view lets them do the thinking.

## The quiet stand-up {#standup}
Nobody speaks at the stand-up.

- [x] Ask the newest person what they noticed. {ask #ask-newest}
  > A direct, friendly question opens the door.
- [ ] Say nothing and move on. {stay-silent #silent}
  > Silence keeps the problem where it is.
- [ ] Tell everyone to speak up. {tell #tell-all}
  > An order does not make it safe to speak.

## The missed deadline {#deadline}
Ana missed the report deadline again.

- [ ] Take the report over yourself. {rescue #take-over}
  > Ana learns nothing from it.
- [ ] Tell Ana to plan better. {vague #plan-better}
  > Too vague to act on.
- [x] Describe the two late reports and ask what got in the way. {specific #describe}
  > Specifics give Ana something to work with.

## The feedback you got {#feedback}
A colleague says your slides were hard to follow.

- [ ] Explain why the slides had to be dense. {defend #explain}
  > Defending closes the door on what they saw.
- [x] Thank them and ask which slide lost them first. {thank #thank}
  > Thanks first, then a question, keeps feedback coming.
"""

BEST = {"demo": "ask-sam", "standup": "ask-newest", "deadline": "describe", "feedback": "thank"}


@pytest.fixture(scope="module")
def four():
    return parse_clean(FOUR_SCENARIOS)


def test_scenario_quiz_parses_with_its_ids(four):
    assert four.type == "scenarios" and four.pass_score == 0.75
    assert [s.id for s in four.scenarios] == ["demo", "standup", "deadline", "feedback"]
    assert best_answers(four) == BEST


@pytest.mark.parametrize("changes, score, passed", [
    ({}, 1.0, True),                                             # all best
    ({"feedback": "explain"}, 0.75, True),                       # exactly the pass mark passes
    ({"demo": "manager", "standup": "silent"}, 0.5, False),       # below the pass mark
    ({"demo": "manager", "standup": "tell-all", "deadline": "take-over"}, 0.25, False),
    ({"demo": "manager", "standup": "silent", "deadline": "plan-better", "feedback": "explain"}, 0.0, False),
])
def test_scenario_quiz_score_is_the_share_of_best_choices(four, changes, score, passed):
    result = grade(four, {**BEST, **changes})
    assert result.score == pytest.approx(score)
    assert result.passed is passed
    assert result.best_count == 4 - len(changes)
    assert result.end_scene is None
    # One graded answer per scenario, in quiz order, with the choice actually made.
    assert [a.scenario.id for a in result.answers] == ["demo", "standup", "deadline", "feedback"]
    chosen = {**BEST, **changes}
    assert [a.choice.id for a in result.answers] == [chosen[a.scenario.id] for a in result.answers]
    assert [a.best for a in result.answers] == [a.scenario.id not in changes for a in result.answers]


def test_pass_score_from_front_matter_decides_passing():
    lenient = parse_clean(FOUR_SCENARIOS.replace("pass_score: 0.75", "pass_score: 0.5"))
    strict = parse_clean(FOUR_SCENARIOS.replace("pass_score: 0.75", "pass_score: 1"))
    two_wrong = {**BEST, "demo": "manager", "standup": "silent"}
    assert grade(lenient, two_wrong).passed is True
    assert grade(strict, two_wrong).passed is False
    assert grade(strict, BEST).passed is True


def test_default_pass_score_applies_without_front_matter():
    quiz = parse_clean(FOUR_SCENARIOS.split("---\n", 2)[2])
    assert quiz.pass_score == 0.75
    assert grade(quiz, {**BEST, "feedback": "explain"}).passed is True
    assert grade(quiz, {**BEST, "feedback": "explain", "demo": "manager"}).passed is False


@pytest.mark.parametrize("answers, fragment", [
    ({**BEST, "no-such-scenario": "ask-sam"}, "no-such-scenario"),
    ({**BEST, "demo": "no-such-choice"}, "no-such-choice"),
    ({**BEST, "demo": "ask-newest"}, "ask-newest"),            # a real choice, but of another scenario
    ({**BEST, "demo": ""}, "demo"),
    ({"bogus": "x"}, "bogus"),                                   # unknown beats incomplete
])
def test_unknown_scenario_or_choice_is_a_grade_error(four, answers, fragment):
    with pytest.raises(GradeError) as caught:
        grade(four, answers)
    assert fragment in str(caught.value)


@pytest.mark.parametrize("skipped", [["demo"], ["standup", "feedback"], ["demo", "standup", "deadline", "feedback"]])
def test_skipped_scenarios_are_incomplete_with_the_missing_ids(four, skipped):
    answers = {k: v for k, v in BEST.items() if k not in skipped}
    with pytest.raises(Incomplete) as caught:
        grade(four, answers)
    assert list(caught.value.missing) == skipped       # in quiz order
    assert not isinstance(caught.value, GradeError)


def test_grading_does_not_change_the_answers_or_the_quiz(four):
    answers = dict(BEST)
    first = grade(four, answers)
    second = grade(four, answers)
    assert answers == BEST
    assert first == second


# --- conversations --------------------------------------------------------------

CONVERSATION = """
---
type: conversation
pass_score: 0.6
---
You want to raise a problem with the rota with Grace.

## Before the huddle {#start}
Grace is reading the handover notes.

- [x] Ask whether she has ten minutes after the huddle. {ask} -> after-huddle
  > Choosing a calm moment gives her room to listen.
- [ ] Tell her now that the rota causes missed breaks. {tell} -> rushed
  > She has no time to take it in.

## After the huddle {#after-huddle}
Grace sits down. "What's on your mind?"

- [x] Share two specific missed breaks from last week. {specific} -> end-trial
  > Specifics give her something to act on.
- [ ] Say everyone is tired of the rota. {vague} -> end-shrug
  > Too vague to act on.

## A rushed exchange {#rushed}
Grace frowns. "Not now."

- [x] Apologise and ask for ten minutes later. {ask} -> after-huddle
  > Owning the timing takes the heat out.
- [ ] Insist that it cannot wait. {tell} -> end-standoff
  > Pushing under pressure makes her dig in.

## A trial is agreed {#end-trial}
Grace agrees to try a new rota for two weeks.

## A shrug {#end-shrug}
Grace says she will bear it in mind; nothing changes.

## A stand-off {#end-standoff}
The conversation ends stiffly.
"""


@pytest.fixture(scope="module")
def conversation():
    return parse_clean(CONVERSATION)


def test_conversation_parses_and_its_best_path_is_short(conversation):
    assert conversation.type == "conversation"
    assert [s.id for s in conversation.decision_scenarios] == ["start", "after-huddle", "rushed"]
    assert best_answers(conversation) == {"start": "ask-whether-she-has-ten-minutes-after-the-huddle",
                                          "after-huddle": "share-two-specific-missed-breaks-from-last-week"}


def _choice(quiz, scene_id, tag):
    return next(c.id for c in quiz.scenario(scene_id).choices if c.tag == tag)


@pytest.mark.parametrize("path, score, passed, end", [
    # [(scene, tag of the choice made)], expected score, passed, end scene reached
    ([("start", "ask"), ("after-huddle", "specific")], 1.0, True, "end-trial"),
    ([("start", "ask"), ("after-huddle", "vague")], 0.5, False, "end-shrug"),
    ([("start", "tell"), ("rushed", "ask"), ("after-huddle", "specific")], 2 / 3, True, "end-trial"),
    ([("start", "tell"), ("rushed", "ask"), ("after-huddle", "vague")], 1 / 3, False, "end-shrug"),
    ([("start", "tell"), ("rushed", "tell")], 0.0, False, "end-standoff"),
])
def test_conversation_score_follows_the_path_taken(conversation, path, score, passed, end):
    answers = {scene: _choice(conversation, scene, tag) for scene, tag in path}
    result = grade(conversation, answers)
    assert [a.scenario.id for a in result.answers] == [scene for scene, _ in path]
    assert result.score == pytest.approx(score)
    assert result.passed is passed
    assert result.end_scene is not None and result.end_scene.id == end
    assert result.end_scene.is_end


def test_answers_for_scenes_off_the_path_are_a_grade_error(conversation):
    answers = dict(best_answers(conversation))
    answers["rushed"] = _choice(conversation, "rushed", "ask")     # never visited on the best path
    with pytest.raises(GradeError) as caught:
        grade(conversation, answers)
    assert "rushed" in str(caught.value)


@pytest.mark.parametrize("answers, fragment", [
    ({"start": "no-such-choice"}, "no-such-choice"),
    ({"nowhere": "x"}, "nowhere"),
    ({"end-trial": "x"}, "end-trial"),          # an end scene takes no answer
])
def test_unknown_scene_or_choice_in_a_conversation_is_a_grade_error(conversation, answers, fragment):
    with pytest.raises(GradeError) as caught:
        grade(conversation, answers)
    assert fragment in str(caught.value)


@pytest.mark.parametrize("given, missing", [
    ({}, ("start",)),
    ({"start": "tell-her-now-that-the-rota-causes-missed-breaks"}, ("rushed",)),
    ({"start": "ask-whether-she-has-ten-minutes-after-the-huddle"}, ("after-huddle",)),
])
def test_unanswered_scene_on_the_path_is_incomplete(conversation, given, missing):
    with pytest.raises(Incomplete) as caught:
        grade(conversation, given)
    assert caught.value.missing == missing


# --- the checks that make grading safe ----------------------------------------

def test_unreachable_scene_is_an_error():
    text = CONVERSATION.replace("-> rushed", "-> end-standoff")
    found = errors_of(text)
    assert any("'rushed'" in m and "cannot be reached" in m for m in found), found


def test_arrow_to_a_missing_scene_is_an_error():
    found = errors_of(CONVERSATION.replace("-> end-shrug", "-> missing-scene"))
    assert any("'-> missing-scene' names no scene" in m for m in found), found


def test_missing_arrow_in_a_conversation_is_an_error():
    found = errors_of(CONVERSATION.replace(" {vague} -> end-shrug", " {vague}"))
    assert any("every choice ends with '-> scene-id'" in m for m in found), found


def test_a_loop_is_an_error_naming_it():
    found = errors_of(CONVERSATION.replace("{specific} -> end-trial", "{specific} -> start"))
    loops = [m for m in found if "loop" in m]
    assert loops, found
    assert "start" in loops[0] and "after-huddle" in loops[0]


def test_arrow_in_a_plain_quiz_is_an_error():
    found = errors_of(FOUR_SCENARIOS.replace("{ask #ask-sam}", "{ask #ask-sam} -> standup"))
    assert any("only works in a conversation" in m for m in found), found


def test_conversation_without_an_end_scene_is_an_error():
    text = CONVERSATION.split("## A trial is agreed")[0]
    found = errors_of(text)
    assert any("at least one end scene" in m for m in found), found


# --- properties -----------------------------------------------------------------

WORDS = st.sampled_from("ask listen team shift rota report demo slide ward nurse plan week "
                        "quietly today later their first second change".split())


def sentence(min_words=2, max_words=8):
    return st.lists(WORDS, min_size=min_words, max_size=max_words).map(
        lambda words: " ".join(words).capitalize() + ".")


def _choice_line(text, best, tag, choice_id, feedback, arrow=None):
    line = f"- [{'x' if best else ' '}] {text} {{{tag} #{choice_id}}}"
    if arrow:
        line += f" -> {arrow}"
    return line + f"\n  > {feedback}\n"


@st.composite
def scenario_quizzes(draw):
    """(markdown, pass_score, [(scenario id, [choice ids], best index)])."""
    count = draw(st.integers(1, 6))
    pass_score = draw(st.sampled_from([0.25, 0.5, 0.6, 0.75, 0.8, 1]))
    parts, shape = [f"---\npass_score: {pass_score}\n---\n"], []
    for i in range(count):
        n_choices = draw(st.integers(2, 4))
        best = draw(st.integers(0, n_choices - 1))
        ids = [f"s{i}-c{j}" for j in range(n_choices)]
        parts.append(f"## {draw(sentence(1, 5))} {{#scenario-{i}}}\n{draw(sentence())}\n\n")
        for j, choice_id in enumerate(ids):
            parts.append(_choice_line(draw(sentence()), j == best, draw(st.sampled_from(TAG_SLUGS)),
                                      choice_id, draw(sentence())))
        parts.append("\n")
        shape.append((f"scenario-{i}", ids, best))
    return "".join(parts), float(pass_score), shape


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), generated=scenario_quizzes())
def test_generated_scenario_quizzes_parse_clean_and_grade_within_bounds(data, generated):
    text, pass_score, shape = generated
    quiz = parse_clean(text, dedent=False)
    assert [s.id for s in quiz.scenarios] == [sid for sid, _, _ in shape]
    assert quiz.pass_score == pass_score
    for scenario, (_, ids, best) in zip(quiz.scenarios, shape):
        assert [c.id for c in scenario.choices] == ids
        assert scenario.best_choice.id == ids[best]
        assert all(c.feedback_html.strip() for c in scenario.choices)

    all_best = grade(quiz, best_answers(quiz))
    assert all_best.score == 1.0 and all_best.passed

    picks = [data.draw(st.integers(0, len(ids) - 1)) for _, ids, _ in shape]
    answers = {sid: ids[pick] for (sid, ids, _), pick in zip(shape, picks)}
    result = grade(quiz, answers)
    expected = sum(pick == best for (_, _, best), pick in zip(shape, picks)) / len(shape)
    assert 0.0 <= result.score <= 1.0
    assert result.score == pytest.approx(expected)
    assert result.passed is (result.score >= pass_score)
    assert len(result.answers) == len(shape)


@st.composite
def conversations(draw, with_cycle=False):
    """A random DAG of decision scenes d0..d(n-1) plus end scenes; every edge points forward,
    d0 -> d1 -> ... is a chain so every scene is reachable, and every end scene has an arrow in.
    With `with_cycle`, one arrow is turned back to an earlier (or the same) scene."""
    n = draw(st.integers(1, 5))
    counts = [draw(st.integers(2, 4)) for _ in range(n)]
    free = [(i, j) for i in range(n) for j in range(counts[i]) if not (j == 0 and i < n - 1)]
    m = draw(st.integers(1, min(3, len(free))))
    order = draw(st.permutations(free))
    targets = {}
    for i in range(n - 1):
        targets[(i, 0)] = f"d{i + 1}"                         # the chain
    for k, slot in enumerate(order):
        if k < m:
            targets[slot] = f"e{k}"                           # every end scene gets an arrow in
        else:
            later = [f"d{x}" for x in range(slot[0] + 1, n)] + [f"e{x}" for x in range(m)]
            targets[slot] = draw(st.sampled_from(later))
    if with_cycle:
        i = draw(st.integers(0, n - 1))
        j = draw(st.integers(0, counts[i] - 1))
        targets[(i, j)] = f"d{draw(st.integers(0, i))}"
    best = [draw(st.integers(0, c - 1)) for c in counts]
    pass_score = draw(st.sampled_from([0.5, 0.6, 1]))
    parts = [f"---\ntype: conversation\npass_score: {pass_score}\n---\n{draw(sentence())}\n\n"]
    for i in range(n):
        parts.append(f"## {draw(sentence(1, 4))} {{#d{i}}}\n{draw(sentence())}\n\n")
        for j in range(counts[i]):
            parts.append(_choice_line(draw(sentence()), j == best[i], draw(st.sampled_from(TAG_SLUGS)),
                                      f"d{i}-c{j}", draw(sentence()), arrow=targets[(i, j)]))
        parts.append("\n")
    for k in range(m):
        parts.append(f"## {draw(sentence(1, 4))} {{#e{k}}}\n{draw(sentence())}\n\n")
    return "".join(parts), targets, best, n


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), generated=conversations())
def test_generated_acyclic_conversations_parse_clean_and_the_best_path_scores_one(data, generated):
    text, targets, best, n = generated
    quiz = parse_clean(text, dedent=False)
    assert quiz.type == "conversation"

    answers = best_answers(quiz)
    result = grade(quiz, answers)
    assert result.score == 1.0 and result.passed
    assert result.end_scene is not None and result.end_scene.is_end
    assert result.end_scene.id.startswith("e")
    assert [a.scenario.id for a in result.answers] == list(answers)

    # Any walk through the conversation scores the share of best choices along it.
    walk, scene, made = {}, "d0", []
    while scene.startswith("d"):
        i = int(scene[1:])
        pick = data.draw(st.integers(0, len([k for k in targets if k[0] == i]) - 1))
        walk[scene] = f"d{i}-c{pick}"
        made.append(pick == best[i])
        scene = targets[(i, pick)]
    result = grade(quiz, walk)
    assert result.score == pytest.approx(sum(made) / len(made))
    assert 0.0 <= result.score <= 1.0
    assert result.end_scene.id == scene
    assert [a.scenario.id for a in result.answers] == list(walk)

    # Stopping one turn early is incomplete, naming the scene still to answer.
    last = list(walk)[-1]
    with pytest.raises(Incomplete) as caught:
        grade(quiz, {k: v for k, v in walk.items() if k != last})
    assert caught.value.missing == (last,)
    # An answer for a scene the walk never visited is refused.
    off_path = [f"d{i}" for i in range(n) if f"d{i}" not in walk]
    if off_path:
        with pytest.raises(GradeError):
            grade(quiz, {**walk, off_path[0]: f"{off_path[0]}-c0"})


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated=conversations(with_cycle=True))
def test_generated_conversations_with_a_cycle_report_the_loop(generated):
    text, _, _, _ = generated
    _, problems = parse(text, dedent=False)
    errors = [p for p in problems if p.level == "error"]
    loops = [p for p in errors if "loop" in p.message]
    assert len(loops) == 1, [str(p) for p in errors]
    # The message names the loop scene by scene, ending where it started.
    names = loops[0].message.split(": ", 1)[1].split(" -> ")
    assert len(names) >= 2 and names[0] == names[-1]
    assert all(name.startswith("d") for name in names)
