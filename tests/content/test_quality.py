"""The quiz-quality check: cue figures, exact pass probabilities, every warning
kind (one content tree that trips it, one that does not) and the CLI."""
from fractions import Fraction as F

import pytest

from course.content import load_catalog
from course.content.quality import (analyse, conversation_pass_probability, load_settings, parse_settings,
                                    pass_probability, pass_threshold)
from course.content.quality.text import proper_names

from helpers.app import make_app
from helpers.content import LESSON

QUIZ_PATH = "quizzes/demo/first.md"
TAGS = ["tell", "rescue", "vague", "stay-silent"]


def scenario(sid, choices, prompt="Something came up at work this morning."):
    """choices: list of (text, best, tag)."""
    lines = [f"## Scenario {sid} {{#{sid}}}", prompt, ""]
    for text, best, tag in choices:
        lines.append(f"- [{'x' if best else ' '}] {text} {{{tag}}}")
        lines.append("  > Feedback.")
    return "\n".join(lines) + "\n\n"


def balanced(sid, best_at, n=4):
    """Choices of equal length with no cue: only the position differs."""
    return scenario(sid, [(f"Do thing {chr(65 + i)}{sid[-1]} today.", i == best_at,
                           "ask" if i == best_at else TAGS[i % len(TAGS)]) for i in range(n)])


def guessable(sid, best_at):
    """The best choice is the only one with a '?'."""
    texts = ["Tell them to fix it today.", "Leave it all until Monday.", "Send them a reminder note.",
             "Let the team sort it out!!"]      # every choice 26 characters long
    return scenario(sid, [("Where did things go wrong?" if i == best_at else texts[i], i == best_at,
                           "ask" if i == best_at else TAGS[i]) for i in range(4)])


def quiz(*scenarios, front="pass_score: 0.75"):
    return f"---\n{front}\n---\n" + "".join(scenarios)


BALANCED = quiz(*(balanced(f"s{i}", at) for i, at in enumerate([0, 1, 2, 3, 0, 1], start=1)))
GUESSABLE = quiz(*(guessable(f"s{i}", at) for i, at in enumerate([0, 1, 2, 1], start=1)))


def report_of(tree):
    catalog = load_catalog(tree.root)
    assert catalog.errors == (), catalog.errors
    return analyse(catalog, load_settings(tree.root))


def warnings_of(tree, contains=""):
    return [str(p) for p in report_of(tree).problems if contains in p.message]


@pytest.fixture
def lesson(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    return tree


# --- the arithmetic ----------------------------------------------------------------

def test_threshold_matches_grading():
    assert pass_threshold(0.75, 4) == 3
    assert pass_threshold(0.6, 5) == 3          # 3/5 == 0.6 passes
    assert pass_threshold(0.5, 2) == 1
    assert pass_threshold(1.0, 4) == 4
    assert pass_threshold(0.7, 3) == 3          # 2/3 < 0.7


def test_poisson_binomial_by_hand():
    assert pass_probability([F(1, 2)] * 3, 0.6) == F(1, 2)                # P(2 or 3 of 3 coins)
    assert pass_probability([F(1, 4)] * 4, 0.75) == F(13, 256)           # 4*(1/4)^3*(3/4) + (1/4)^4
    assert pass_probability([F(1), F(1), F(1, 3)], 1.0) == F(1, 3)
    assert pass_probability([F(1), F(0)], 0.5) == 1
    assert pass_probability([], 0.5) == 0


def test_draw_pool_by_hand():
    # Pairs of {1, 1/2, 0} with one right answer needed: (1 + 1 + 1/2) / 3.
    assert pass_probability([F(1), F(1, 2), F(0)], 0.5, draw=2) == F(5, 6)
    # Three of four sure scenarios, draw 3, all needed: only one of the four triples.
    assert pass_probability([F(1), F(1), F(1), F(0)], 0.75, draw=3) == F(1, 4)
    # draw == pool is the plain tail.
    p = [F(1, 2), F(1, 3), F(3, 4)]
    assert pass_probability(p, 0.6, draw=3) == pass_probability(p, 0.6)


def test_draw_pool_through_content(lesson):
    # A pool of 5, draw 2, both needed; the cue is sure in 2 scenarios, blind (1/4) in 3.
    plain = [scenario(f"p{i}", [(f"Do thing {c}{i} today.", c == "A", "ask" if c == "A" else "tell")
                                for c in "ABCD"]) for i in (3, 4, 5)]
    lesson.write(QUIZ_PATH, quiz(guessable("p1", 0), guessable("p2", 2), *plain, front="pass_score: 0.75\ndraw: 2"))
    figures = {c.name: c for c in report_of(lesson).quiz(QUIZ_PATH).strategies}
    cue = figures["prefer-question"]
    # pairs: 1 sure-sure (1), 6 sure-blind (1/4), 3 blind-blind (1/16) over C(5,2) = 10
    assert cue.pass_probability == pytest.approx((1 + 6 / 4 + 3 / 16) / 10)
    assert cue.chance_pass_probability == pytest.approx(1 / 16)
    assert cue.expected_hits == pytest.approx(2 + 3 / 4)
    assert cue.share == pytest.approx((2 + 3 / 4) / 5) and cue.chance == pytest.approx(0.25)


def test_conversation_pass_probability_by_hand(lesson):
    lesson.write(QUIZ_PATH, CONVERSATION)
    report = report_of(lesson)
    q = report.quiz(QUIZ_PATH)
    # Blind: two steps, one best needed of two: 1 - (1/2)(1/2).
    assert q.chance_pass_probability == pytest.approx(0.75)
    # prefer-question is sure at the start (only the best has a '?'): passes always.
    figures = {c.name: c for c in q.strategies}
    assert figures["prefer-question"].pass_probability == pytest.approx(1.0)
    catalog = load_catalog(lesson.root)
    conv = catalog.course("demo").lessons[0].quiz
    never_best = {s.id: [F(0) if c.best else F(1, len(s.choices) - 1) for c in s.choices]
                  for s in conv.decision_scenarios}
    assert conversation_pass_probability(conv, never_best, 0.5) == 0


# --- a guessable quiz and a balanced one --------------------------------------------

def test_guessable_quiz_is_flagged_with_file_and_line(lesson):
    lesson.write(QUIZ_PATH, GUESSABLE)
    report = report_of(lesson)
    q = report.quiz(QUIZ_PATH)
    assert q.strongest.name == "prefer-question"
    assert (q.strongest.share, q.strongest.pass_probability) == (1.0, 1.0)
    assert q.chance_pass_probability == pytest.approx(13 / 256)
    found = [str(p) for p in report.problems]
    assert (f"{QUIZ_PATH}:1: warning: 'prefer-question' (guess a choice with a '?') passes this quiz with "
            f"probability 1.00 (a blind guess: 0.05, limit 0.5): it finds the best choice in 100% of the 4 "
            f"scenarios (chance 25%); the guess is certain at line(s) 4, 16, 28, 40") in found
    assert any(p.startswith(f"{QUIZ_PATH}:1: warning: course-wide, 'prefer-question'") and "100% of 4" in p
               for p in found)


def test_balanced_quiz_is_not_flagged(lesson):
    lesson.write(QUIZ_PATH, BALANCED)
    report = report_of(lesson)
    assert report.problems == ()
    q = report.quiz(QUIZ_PATH)
    assert q.scenarios == 6 and q.draw is None
    assert all(c.pass_probability <= 0.5 for c in q.strategies)
    assert all(c.share <= 0.4 for c in report.course("demo").strategies)


def test_report_structure(lesson):
    lesson.write(QUIZ_PATH, GUESSABLE)
    report = report_of(lesson)
    (course,) = report.courses
    assert course.slug == "demo" and course.quizzes == report.quizzes and course.scenarios == 4
    q = course.quizzes[0]
    features = [c.feature for c in q.cues]
    assert features == ["longest", "shortest", "question", "keyword", "third-party", "justifying", "echo",
                        "position-1", "position-2", "position-3", "position-4"]
    assert [s.name for s in q.strategies[:4]] == ["prefer-longest", "avoid-longest", "prefer-shortest",
                                                  "avoid-shortest"]
    assert len(course.cues) == len(features) and len(course.strategies) == 2 * len(features)
    for figure in q.strategies:
        assert figure.scenarios == 4 and figure.chance == 0.25
        assert 0 <= figure.pass_probability <= 1 and figure.description.startswith("guess ")


# --- warning kinds: each trips and does not trip --------------------------------------

def test_course_wide_share_is_reported_at_the_quiz_contributing_most(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("lessons/demo/02-second.md", LESSON.format(title="Second"))
    # first: one '?'-cued scenario of six (the pool cannot be passed by it); second: five of six.
    tree.write("quizzes/demo/first.md", quiz(guessable("a1", 0), *(balanced(f"a{i}", i % 4) for i in range(2, 7))))
    tree.write("quizzes/demo/second.md", quiz(*(guessable(f"b{i}", i % 4) for i in range(1, 6)), balanced("b6", 1)))
    found = warnings_of(tree, "course-wide, 'prefer-question'")
    assert len(found) == 1
    assert found[0].startswith("quizzes/demo/second.md:1: warning: course-wide, 'prefer-question' (guess a choice "
                               "with a '?') finds the best choice in 62% of 12 scenarios (chance 25%, limit 40%); "
                               "this quiz contributes most: 5.2 of 7.5 expected hits (88% of its 6)")


def test_course_wide_share_under_the_limit_is_fine(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", quiz(guessable("a1", 0), *(balanced(f"a{i}", i % 4) for i in range(2, 7))))
    assert warnings_of(tree, "course-wide") == []
    assert warnings_of(tree) == []


def test_blind_guessing_warnings(lesson):
    two = [scenario(f"t{i}", [(f"Do thing A{i} now.", True, "ask"), (f"Do thing B{i} now.", False, "tell")])
           for i in (1, 2, 3)]
    lesson.write(QUIZ_PATH, quiz(*two, front="pass_score: 0.6"))
    found = warnings_of(lesson, "blind guess")
    assert f"{QUIZ_PATH}:1: warning: a blind guess passes this quiz with probability 0.50 (limit 0.5): " \
           "add choices or scenarios, or raise pass_score" not in found        # exactly 0.5 is not above
    assert f"{QUIZ_PATH}:1: warning: course-wide, a blind guess finds the best choice in 50% of 3 scenarios " \
           "(limit 40%): write more choices per scenario (this quiz: 50%)" in found
    lesson.write(QUIZ_PATH, quiz(*two[:2], front="pass_score: 0.5"))
    assert f"{QUIZ_PATH}:1: warning: a blind guess passes this quiz with probability 0.75 (limit 0.5): " \
           "add choices or scenarios, or raise pass_score" in warnings_of(lesson, "blind guess")


def test_positions_used_once_each(lesson):
    lesson.write(QUIZ_PATH, quiz(*(balanced(f"s{i}", at) for i, at in enumerate([2, 0, 3, 1], start=1))))
    assert warnings_of(lesson, "positions") == [
        f"{QUIZ_PATH}:1: warning: the best choices use positions 1 to 4 exactly once each, so the last answer "
        "can be deduced from the others: let a position repeat, or make the quiz a pool (draw)"]
    lesson.write(QUIZ_PATH, quiz(*(balanced(f"s{i}", at) for i, at in enumerate([2, 0, 3, 3], start=1))))
    assert warnings_of(lesson, "positions") == []
    pool = [balanced(f"s{i}", at) for i, at in enumerate([2, 0, 3, 1], start=1)]
    lesson.write(QUIZ_PATH, quiz(*pool, front="pass_score: 0.75\ndraw: 2"))   # a drawn set differs each time
    assert warnings_of(lesson, "positions") == []


def test_tag_against_key(lesson):
    weak_best = balanced("s1", 0).replace("{ask}", "{tell}")
    strong_distractor = balanced("s2", 1).replace("{tell}", "{listen}")
    lesson.write(QUIZ_PATH, quiz(weak_best, strong_distractor, *(balanced(f"s{i}", i % 4) for i in range(3, 7))))
    assert warnings_of(lesson, "tagged") == [
        f"{QUIZ_PATH}:7: warning: the best choice 'Do thing A1 today.' is tagged 'tell', a habit to notice "
        "(strong: false in quizzes/tags.yml): pick a tag that fits, or write {tell!} if the key is intended",
        f"{QUIZ_PATH}:19: warning: the distractor 'Do thing A2 today.' is tagged 'listen', a habit to grow "
        "(strong: true in quizzes/tags.yml): pick a tag that fits, or write {listen!} if the key is intended"]
    lesson.write(QUIZ_PATH, quiz(weak_best.replace("{tell}", "{tell!}"), strong_distractor.replace(
        "{listen}", "{listen!}"), *(balanced(f"s{i}", i % 4) for i in range(3, 7))))
    assert warnings_of(lesson, "tagged") == []
    lesson.write(QUIZ_PATH, quiz(balanced("s1", 0).replace("{ask}", "{escalate}"),
                                 *(balanced(f"s{i}", i % 4) for i in range(2, 7))))
    assert warnings_of(lesson, "tagged") == []      # escalate is strong: a fitting tag for a best choice


WORKED_EXAMPLE = """
---
title: First
minutes: 4
objectives:
  - Use GROW
---
On Monday, Sam came to Priyanka with a problem. Priyanka asked Sam about the Goal, then the
Reality. In the Options stage Sam listed three ideas; options are cheap. The team works in Lagos,
in the Year 5 office, and Priyanka read a study from Harvard Business School. The model is GROW and
the follow-up used SBI. Later that March, Sam tried one.

::: takeaway
Ask before you tell.
:::
"""


def test_recall_of_the_lessons_people(tree):
    tree.write("lessons/demo/01-first.md", WORKED_EXAMPLE)
    tree.write("quizzes/demo/first.md", quiz(
        scenario("s1", [(f"Do thing {c}1 today.", c == "A", "ask" if c == "A" else "tell") for c in "ABCD"],
                 prompt="On Tuesday your colleague Sam says his plan for the demo is stuck."),
        scenario("s2", [(f"Do thing {c}2 today.", c == "B", "ask" if c == "B" else "tell") for c in "ABCD"],
                 prompt="Back with Priyanka and Sam, the plan has slipped again."),
        *(balanced(f"s{i}", i % 4) for i in range(3, 7))))
    assert warnings_of(tree, "also named in the lesson") == [
        f"{QUIZ_PATH}:4: warning: scenario 's1' names Sam, also named in the lesson: a scenario that replays "
        "the lesson's example tests memory of the page, not the skill in a new situation (other people, "
        "another workplace)",
        f"{QUIZ_PATH}:16: warning: scenario 's2' names Priyanka, Sam, also named in the lesson: a scenario "
        "that replays the lesson's example tests memory of the page, not the skill in a new situation "
        "(other people, another workplace)"]


def test_recall_ignores_words_that_are_not_the_lessons_people(tree):
    tree.write("lessons/demo/01-first.md", WORKED_EXAMPLE)
    prompt = ("On Monday in March, Dana from the Lagos site uses GROW and SBI: in the Options stage she "
              "quotes Harvard Business School and the Year 5 team. She reads Demo course notes.")
    tree.write("quizzes/demo/first.md", quiz(
        scenario("s1", [(f"Do thing {c}1 today.", c == "A", "ask" if c == "A" else "tell") for c in "ABCD"],
                 prompt=prompt),
        *(balanced(f"s{i}", i % 4) for i in range(2, 7))))
    assert warnings_of(tree, "also named in the lesson") == []


def test_proper_names_heuristics():
    lesson = ("Yusuf asked Siobhan for help. Then Siobhan asked about the Goal. The goal was clear. "
              "She met Amy Edmondson at the Center for Creative Leadership in Lagos on Friday.")
    assert proper_names([lesson]) == {"Siobhan"}
    assert proper_names(["I told Yusuf. \"Yusuf, wait,\" I said, and Yusuf's desk was in Ward 7."]) == {"Yusuf"}
    assert proper_names(["We met Sofía and Zoë today."]) == {"Sofía", "Zoë"}
    assert proper_names(["We met Coaching people."], exclude=["Coaching"]) == set()


def test_settings_file(lesson):
    lesson.write(QUIZ_PATH, BALANCED.replace("Do thing A1 today.", "Do stuff A1 today."))
    lesson.write("quizzes/quality.yml", "keywords:\n  - stuff\n")
    report = report_of(lesson)
    settings = report.settings
    assert settings.keywords == ("stuff",) and "manager" in settings.third_parties
    figures = {c.name: c for c in report.quiz(QUIZ_PATH).strategies}
    assert figures["prefer-keyword"].expected_hits == 1 + 5 / 4
    lesson.remove("quizzes/quality.yml")
    assert load_settings(lesson.root).keywords[0] == "ask" and load_settings(lesson.root).path is None


def test_malformed_settings_are_path_line_problems():
    bad = parse_settings("keywords:\n  - ask\n  - 12\n  - ''\nthird_parties: manager\ncolour: red\n")
    assert [str(p) for p in bad.problems] == [
        "quizzes/quality.yml:3: error: each entry of 'keywords' is a word or phrase, not '12'",
        "quizzes/quality.yml:4: error: each entry of 'keywords' is a word or phrase, not an empty entry",
        "quizzes/quality.yml:5: error: 'third_parties' must be a list of words or phrases ('  - ...')",
        "quizzes/quality.yml:6: error: unknown key 'colour' (allowed: keywords, third_parties, justifying)"]
    assert bad.keywords == ("ask",)
    (problem,) = parse_settings("keywords: [ask\n").problems
    assert str(problem).startswith("quizzes/quality.yml:") and "not valid YAML" in str(problem)
    assert parse_settings("- ask\n").problems[0].message.startswith("expected 'keywords:'")
    assert parse_settings("").problems == ()


# --- conversations ------------------------------------------------------------------

CONVERSATION = """
---
type: conversation
pass_score: 0.5
---
You want to raise the rota with your charge nurse.

## Before the huddle {#start}
The huddle starts in five minutes.

- [x] Could we talk after the huddle? {ask} -> calm
  > Good timing.
- [ ] Say it all right now. {complain} -> rushed
  > No time to listen.

## A calm talk {#calm}
She has ten minutes.

- [x] Share one example. {specific} -> good-end
  > Concrete.
- [ ] Say it is always bad. {vague} -> good-end
  > Vague.

## A rushed exchange {#rushed}
She is busy.

- [x] Offer to come back later. {ask} -> good-end
  > Better.
- [ ] Keep on talking. {complain} -> bad-end
  > No.

## Agreed {#good-end}
She agrees to look at it.

## Nothing changes {#bad-end}
Nothing changes.
"""


def test_ending_reached_by_passing_and_failing_paths(lesson):
    lesson.write(QUIZ_PATH, CONVERSATION)
    # good-end: start(best)->calm(any) passes; start(other)->rushed(best) passes (1 of 2). All pass:
    assert warnings_of(lesson, "ending") == []
    lesson.write(QUIZ_PATH, CONVERSATION.replace("pass_score: 0.5", "pass_score: 1.0"))
    assert warnings_of(lesson, "ending") == [
        f"{QUIZ_PATH}:31: warning: ending 'good-end' is reached by 1 passing and 2 failing path(s) "
        "(e.g. failing: start -> calm, 1 of 2 best): an ending should agree with the score of every path "
        "that reaches it"]


def test_verdicts_against_path_scores(lesson):
    lesson.write(QUIZ_PATH, CONVERSATION.replace("{#good-end}", "{#good-end pass}").replace(
        "{#bad-end}", "{#bad-end fail}"))
    assert warnings_of(lesson, "ending") == []
    lesson.write(QUIZ_PATH, CONVERSATION.replace("{#good-end}", "{#good-end fail}").replace(
        "{#bad-end}", "{#bad-end pass}"))
    assert warnings_of(lesson, "ending") == [
        f"{QUIZ_PATH}:31: warning: ending 'good-end' says fail, but 3 of the 3 path(s) reaching it pass the "
        "quiz (e.g. start -> calm: 2 of 2 best, 1 needed to pass): make the ending follow from the path, "
        "or change the choices that lead here",
        f"{QUIZ_PATH}:34: warning: ending 'bad-end' says pass, but 1 of the 1 path(s) reaching it fail the "
        "quiz (e.g. start -> rushed: 0 of 2 best, 1 needed to pass): make the ending follow from the path, "
        "or change the choices that lead here"]


def test_longest_reply_always_best_on_the_best_path(lesson):
    lesson.write(QUIZ_PATH, CONVERSATION.replace("Share one example.", "Share one example from last week's rota."))
    assert warnings_of(lesson, "longest one") == [
        f"{QUIZ_PATH}:7: warning: the best reply is the longest one in every scene of the best path "
        "(start -> calm): a test-wise learner passes by picking the longest reply"]
    lesson.write(QUIZ_PATH, CONVERSATION)
    assert warnings_of(lesson, "longest one") == []


def test_cue_along_conversation_paths(lesson):
    lesson.write(QUIZ_PATH, CONVERSATION.replace("pass_score: 0.5", "pass_score: 1.0"))
    found = warnings_of(lesson, "passes this quiz")
    # '?' only on the best reply at the start; then a blind guess at 'calm': 1/2.
    assert not any("'prefer-question'" in p for p in found)
    q = report_of(lesson).quiz(QUIZ_PATH)
    assert {c.name: c for c in q.strategies}["prefer-question"].pass_probability == pytest.approx(0.5)
    assert q.chance_pass_probability == pytest.approx(0.25)
    lesson.write(QUIZ_PATH, CONVERSATION.replace("pass_score: 0.5", "pass_score: 1.0").replace(
        "Share one example.", "Could you share one example?"))
    assert any(p.startswith(f"{QUIZ_PATH}:1: warning: 'prefer-question' (guess a choice with a '?') passes "
                            "this quiz with probability 1.00 (a blind guess: 0.25, limit 0.5)")
               for p in warnings_of(lesson, "passes this quiz"))


def test_quizzes_with_errors_are_not_analysed(lesson):
    lesson.write(QUIZ_PATH, GUESSABLE.replace("{tell}", "{wizard}"))
    catalog = load_catalog(lesson.root)
    assert catalog.errors
    report = analyse(catalog)
    assert report.quizzes == () and report.problems == ()


def test_content_layer_imports_no_web_or_database_code():
    import pathlib
    root = pathlib.Path(__file__).resolve().parents[2] / "course" / "content"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for banned in ("flask", "peewee", "playhouse", "werkzeug", "from ..models", "from ...models"):
            assert f"import {banned}" not in text and f"from {banned}" not in text, (path, banned)


# --- the CLI -------------------------------------------------------------------------

def run_check(tree, database_url, *args):
    app = make_app(database_url, tree.root, CONTENT_STRICT=False)
    return app.test_cli_runner().invoke(args=["content", "check", *args])


def test_cli_guessable_quiz_warns_and_fails_strict(lesson, database_url):
    lesson.write(QUIZ_PATH, GUESSABLE)
    result = run_check(lesson, database_url)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert any(l.startswith(f"{QUIZ_PATH}:1: warning: 'prefer-question'") for l in lines)
    assert f"  {QUIZ_PATH}: 4 scenario(s), all shown; strongest cue prefer-question: 100% (chance 25%), " \
           "passes 1.00 (chance 0.05)" in lines
    assert "  question       100%      0%     25%" in lines
    count = sum(1 for l in lines if ": warning: " in l)
    assert lines[-1] == (f"1 course(s), 1 lesson(s), 4 scenario(s): 0 error(s), {count} warning(s) "
                         f"({count} from the quality check)")

    strict = run_check(lesson, database_url, "--strict")
    assert strict.exit_code == 1
    strict_lines = strict.output.strip().splitlines()
    assert any(l.startswith(f"{QUIZ_PATH}:1: error: 'prefer-question'") for l in strict_lines)
    assert not any(": warning: " in l for l in strict_lines)
    assert strict_lines[-1].startswith(f"1 course(s), 1 lesson(s), 4 scenario(s): {count} error(s), 0 warning(s)")


def test_cli_balanced_quiz_passes_strict(lesson, database_url):
    lesson.write(QUIZ_PATH, BALANCED)
    result = run_check(lesson, database_url, "--strict")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("Quiz quality, demo")
    assert lines[-1] == "1 course(s), 1 lesson(s), 6 scenario(s): 0 error(s), 0 warning(s)"


def test_cli_strict_also_fails_on_loader_warnings(lesson, database_url):
    lesson.write(QUIZ_PATH, BALANCED.replace(" {#s1}", ""))
    assert run_check(lesson, database_url).exit_code == 0
    strict = run_check(lesson, database_url, "--strict")
    assert strict.exit_code == 1
    assert f"{QUIZ_PATH}:4: error: scenario 'Scenario s1' has no {{#id}}" in strict.output


def test_cli_malformed_settings_fail(lesson, database_url):
    lesson.write(QUIZ_PATH, BALANCED)
    lesson.write("quizzes/quality.yml", "keywords: ask\n")
    result = run_check(lesson, database_url)
    assert result.exit_code == 1
    assert "quizzes/quality.yml:1: error: 'keywords' must be a list of words or phrases ('  - ...')" in result.output
