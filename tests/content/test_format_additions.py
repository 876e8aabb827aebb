"""The format additions: draw pools, `{tag!}`, end-scene verdicts, job aids, reflection.

Every addition is parsed into the frozen model; every mistake is reported as path:line.
"""
import os
import time

from course.content import load_catalog
from course.content.loader import content_signature

from helpers.content import LESSON, QUIZ


def problems_of(tree, path=""):
    return [str(p) for p in load_catalog(tree.root).problems if p.path.startswith(path)]


def scenario(sid, best_text="Ask Sam what happened.", other="Tell Sam the answer.", extra=""):
    return f"""
## Scenario {sid} {{#{sid}}}
Something happened at work.

- [x] {best_text} {{ask}}
  > Good.
- [ ] {other} {{tell{extra}}}
  > Weak.
"""


def pool(n, front="pass_score: 0.75\ndraw: 4"):
    return f"---\n{front}\n---\n" + "".join(scenario(f"s{i}") for i in range(1, n + 1))


def quiz_of(tree):
    return load_catalog(tree.root).course("demo").lessons[0].quiz


# --- draw pools -----------------------------------------------------------------

def test_draw_makes_a_pool(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", pool(6))
    assert problems_of(tree) == []
    quiz = quiz_of(tree)
    assert quiz.draw == 4 and len(quiz.scenarios) == 6


def test_no_draw_means_show_all(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", QUIZ)
    assert quiz_of(tree).draw is None


def test_small_pool_warns_at_the_draw_line(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", pool(5))
    assert problems_of(tree) == [
        "quizzes/demo/first.md:3: warning: the pool has 5 scenario(s) for draw: 4; write at least 6 "
        "so a retake shows scenarios the learner has not seen"]
    assert quiz_of(tree).draw == 4


def test_draw_larger_than_the_pool_is_an_error(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", pool(3))
    assert problems_of(tree) == [
        "quizzes/demo/first.md:3: error: draw: 4 asks for more scenarios than the quiz has (3)"]


def test_draw_must_be_a_whole_number_from_one(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    for bad in ("0", "two", "true", "2.5", "-1"):
        tree.write("quizzes/demo/first.md", pool(6, f"draw: {bad}"))
        found = problems_of(tree)
        assert len(found) == 1 and found[0].startswith(
            "quizzes/demo/first.md:2: error: draw must be a whole number of scenarios, 1 or more"), (bad, found)


def test_draw_in_a_conversation_is_an_error(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", CONVERSATION.replace("pass_score: 0.5", "pass_score: 0.5\ndraw: 1"))
    assert problems_of(tree) == [
        "quizzes/demo/first.md:4: error: draw only works in a plain scenarios quiz: "
        "a conversation is one path, not a pool"]


# --- {tag!} ---------------------------------------------------------------------

def test_bang_marks_the_tag_as_intended(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", QUIZ.replace("{go-around}", "{go-around! #to-manager}"))
    assert problems_of(tree) == []
    choices = quiz_of(tree).scenarios[0].choices
    assert (choices[0].tag, choices[0].tag_intended, choices[0].id) == ("go-around", True, "to-manager")
    assert (choices[1].tag, choices[1].tag_intended) == ("ask", False)


def test_a_loose_bang_is_an_error(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", QUIZ.replace("{go-around}", "{go-around !}"))
    assert problems_of(tree) == [
        "quizzes/demo/first.md:7: error: write the '!' right after the tag, without a space: {tell!}"]


def test_unknown_tag_with_bang_is_still_unknown(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", QUIZ.replace("{go-around}", "{wizard!}"))
    (problem,) = problems_of(tree)
    assert problem.startswith("quizzes/demo/first.md:7: error: unknown behaviour tag 'wizard'")


# --- end-scene verdicts ------------------------------------------------------------

CONVERSATION = """
---
type: conversation
pass_score: 0.5
---
You want to raise the rota with Grace.

## Before the huddle {#start}
Grace is reading the notes.

- [x] Ask for ten minutes after the huddle. {ask} -> calm
  > Good timing.
- [ ] Tell her now. {tell} -> rushed
  > No time to listen.

## A calm talk {#calm pass}
Grace listens and agrees to a trial.

## A rushed exchange {#rushed fail}
Grace says "not now".
"""


def test_end_scene_verdicts(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", CONVERSATION)
    assert problems_of(tree) == []
    quiz = quiz_of(tree)
    assert [(s.id, s.verdict) for s in quiz.scenarios] == [("start", None), ("calm", "pass"), ("rushed", "fail")]


def test_end_scene_without_verdict_is_fine(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", CONVERSATION.replace("{#calm pass}", "{#calm}"))
    assert problems_of(tree) == []
    assert quiz_of(tree).scenario("calm").verdict is None


def test_unknown_verdict_names_the_line(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", CONVERSATION.replace("{#calm pass}", "{#calm passed}"))
    assert problems_of(tree) == [
        "quizzes/demo/first.md:15: error: unknown verdict 'passed' after the scene id: "
        "an end scene says {#calm pass} or {#calm fail}"]


def test_two_verdicts_are_an_error(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", CONVERSATION.replace("{#calm pass}", "{#calm pass fail}"))
    assert problems_of(tree) == [
        "quizzes/demo/first.md:15: error: a heading has one verdict after its id; found pass fail"]


def test_verdict_without_id_is_an_error(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", CONVERSATION.replace("{#calm pass}", "{pass}").replace("-> calm", "-> a-calm-talk"))
    found = problems_of(tree)
    assert "quizzes/demo/first.md:15: error: a verdict goes after the scene id: {#scene-id pass}" in found


def test_verdict_on_a_scene_with_choices_is_an_error(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", CONVERSATION.replace("{#start}", "{#start pass}"))
    assert problems_of(tree) == [
        "quizzes/demo/first.md:7: error: scene 'start' has choices, so it has no verdict: "
        "'pass' belongs on an end scene"]


def test_verdict_in_a_plain_quiz_is_an_error(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", QUIZ.replace("{#quiet-standup}", "{#quiet-standup pass}"))
    assert problems_of(tree) == [
        "quizzes/demo/first.md:12: error: a verdict ({#quiet-standup pass}) only belongs on "
        "the end scene of a conversation"]


# --- lesson front matter: aids and reflection --------------------------------------

AID = """
---
title: GROW on one page
summary: The four stages and a question or two for each.
---
## Goal
- What would good look like?

<b>not bold</b>
"""


def lesson_with(front):
    return LESSON.format(title="First").replace("minutes: 4", "minutes: 4\n" + front)


def test_job_aids_are_parsed_and_linked(tree):
    tree.write("lessons/demo/aids/grow.md", AID)
    tree.write("lessons/demo/aids/sbi.md", "---\ntitle: SBI\n---\nSituation, behaviour, impact.\n")
    tree.write("lessons/demo/aids/notes.txt", "ignored")
    tree.write("lessons/demo/01-first.md", lesson_with("aids: [grow, sbi]"))
    catalog = load_catalog(tree.root)
    assert catalog.problems == ()
    course = catalog.course("demo")
    assert [a.slug for a in course.aids] == ["grow", "sbi"]
    grow = course.aid("grow")
    assert grow.title == "GROW on one page"
    assert grow.summary == "The four stages and a question or two for each."
    assert grow.path == "lessons/demo/aids/grow.md"
    assert '<h2 id="goal">Goal</h2>' in grow.body_html
    assert "<b>" not in grow.body_html and "&lt;b&gt;" in grow.body_html
    assert len(grow.content_hash) == 16
    assert course.aid("sbi").summary == ""
    assert course.aid("nope") is None
    assert course.lessons[0].aids == ("grow", "sbi")
    assert [l.slug for l in course.lessons] == ["first"]      # aids/ is not a lesson


def test_lesson_naming_a_missing_aid_is_an_error_at_its_line(tree):
    tree.write("lessons/demo/aids/grow.md", AID)
    tree.write("lessons/demo/01-first.md", lesson_with("aids: [grow, kata]"))
    assert problems_of(tree) == [
        "lessons/demo/01-first.md:4: error: no job aid 'kata': add aids/kata.md beside the lessons (known: grow)"]


def test_bad_aids_lists(tree):
    tree.write("lessons/demo/aids/grow.md", AID)
    tree.write("lessons/demo/01-first.md", lesson_with("aids: grow"))
    assert problems_of(tree) == [
        "lessons/demo/01-first.md:4: error: 'aids' must be a list of job aid slugs, e.g. [grow]"]
    tree.write("lessons/demo/01-first.md", lesson_with("aids: [grow, grow]"))
    assert problems_of(tree) == ["lessons/demo/01-first.md:4: error: job aid 'grow' is listed twice"]


def test_aid_file_problems(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("lessons/demo/aids/grow.md", "---\nsummary: [not text]\ncolour: red\n---\n")
    tree.write("lessons/demo/aids/Bad_Name.md", AID)
    tree.write("lessons/demo/aids/plain.md", "No front matter.\n")
    found = problems_of(tree, "lessons/demo/aids/")
    assert "lessons/demo/aids/grow.md:1: error: front matter is missing 'title'" in found
    assert "lessons/demo/aids/grow.md:2: error: 'summary' must be text" in found
    assert "lessons/demo/aids/grow.md:3: error: unknown front matter key 'colour' (allowed: summary, title)" in found
    assert "lessons/demo/aids/grow.md:5: error: the job aid has no body text under its front matter" in found
    assert "lessons/demo/aids/Bad_Name.md:1: error: a job aid file is named <slug>.md " \
           "(lowercase letters, digits, hyphens)" in found
    assert "lessons/demo/aids/plain.md:1: error: missing front matter: the file must start with a '---' line" in found


def test_reflection_prompts(tree):
    tree.write("lessons/demo/01-first.md", lesson_with(
        "reflection:\n  - id: coach-this-week\n    prompt: Whom will you coach this week,\n      and on what?\n"
        "  - id: learn-from\n    prompt: Who could teach you something?"))
    catalog = load_catalog(tree.root)
    assert catalog.problems == ()
    reflection = catalog.course("demo").lessons[0].reflection
    assert [(r.id, r.prompt) for r in reflection] == [
        ("coach-this-week", "Whom will you coach this week, and on what?"),
        ("learn-from", "Who could teach you something?")]


def test_no_reflection_or_aids_by_default(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    lesson = load_catalog(tree.root).course("demo").lessons[0]
    assert lesson.reflection == () and lesson.aids == ()


def test_reflection_errors_name_the_line(tree):
    cases = {
        "reflection: Whom will you coach?":
            "'reflection' must be a list of prompts, each with an 'id' and a 'prompt'",
        "reflection:\n  - prompt: No id here":
            "reflection prompt 1 needs exactly 'id' and 'prompt' "
            "(  - id: coach-this-week / prompt: Whom will you coach this week?)",
        "reflection:\n  - id: Coach This Week\n    prompt: Whom?":
            "reflection prompt 1: id 'Coach This Week' must use lowercase letters, digits and hyphens",
        "reflection:\n  - id: a\n    prompt: One?\n  - id: a\n    prompt: Two?":
            "reflection prompt id 'a' is used twice in this lesson",
        "reflection:\n  - id: a\n    prompt: '  '":
            "reflection prompt 'a' has no prompt text",
        "reflection:\n  - id: a\n    prompt: One?\n    extra: 1":
            "reflection prompt 1 needs exactly 'id' and 'prompt' "
            "(  - id: coach-this-week / prompt: Whom will you coach this week?)",
    }
    for front, message in cases.items():
        tree.write("lessons/demo/01-first.md", lesson_with(front))
        assert problems_of(tree) == [f"lessons/demo/01-first.md:4: error: {message}"], front


# --- debug reload ------------------------------------------------------------------

def test_signature_notices_job_aids(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    before = content_signature(tree.root)
    path = tree.write("lessons/demo/aids/grow.md", AID)
    added = content_signature(tree.root)
    assert added != before
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("One more line.\n")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    assert content_signature(tree.root) != added
