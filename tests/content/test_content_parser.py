"""The content engine on good and bad files: messages and line numbers asserted."""
from course.content import load_catalog
from course.content.quizzes import choice_id_from_text, parse_quiz

from helpers.content import LESSON, QUIZ


def problems_of(tree, path="lessons/demo/0"):
    """Problems reported for files under `path` (the course-level ones aside)."""
    return [str(p) for p in load_catalog(tree.root).problems if p.path.startswith(path)]


def test_good_course_parses_into_frozen_objects(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", QUIZ)
    catalog = load_catalog(tree.root)
    assert catalog.problems == ()
    course = catalog.course("demo")
    lesson = course.lessons[0]
    assert (lesson.slug, lesson.number, lesson.minutes) == ("first", 1, 4)
    assert lesson.objectives == ("Tell coaching apart from managing",)
    assert '<aside class="callout callout-takeaway"' in lesson.body_html
    quiz = lesson.quiz
    assert [s.id for s in quiz.scenarios] == ["demo-ran-long", "quiet-standup"]
    assert quiz.pass_score == 0.5
    best = quiz.scenarios[0].best_choice
    assert best.tag == "ask" and "Sam" in best.feedback_html
    try:
        lesson.title = "changed"
    except Exception as exc:
        assert "frozen" in str(exc) or "cannot assign" in str(exc)
    else:
        raise AssertionError("lesson objects must be frozen")


def test_missing_front_matter_names_file_and_line(tree):
    tree.write("lessons/demo/01-first.md", "Just text, no front matter.\n")
    assert problems_of(tree) == [
        "lessons/demo/01-first.md:1: error: missing front matter: the file must start with a '---' line"]


def test_bad_yaml_names_the_line(tree):
    tree.write("lessons/demo/01-first.md", """
        ---
        title: First
        minutes: 4
        objectives: [unclosed
        ---
        Body.
        """)
    (problem,) = problems_of(tree)
    assert problem.startswith("lessons/demo/01-first.md:")
    assert "front matter is not valid YAML" in problem
    line = int(problem.split(":")[1])
    assert line in (4, 5)


def test_unknown_key_and_missing_keys(tree):
    tree.write("lessons/demo/01-first.md", """
        ---
        title: First
        minuts: 4
        ---
        Body.
        """)
    found = problems_of(tree)
    assert "lessons/demo/01-first.md:3: error: unknown front matter key 'minuts' " \
           "(allowed: aids, aliases, draft, minutes, objectives, reflection, title)" in found
    assert "lessons/demo/01-first.md:1: error: front matter is missing 'minutes'" in found
    assert "lessons/demo/01-first.md:1: error: front matter is missing 'objectives'" in found


def test_empty_lesson_and_bad_minutes(tree):
    tree.write("lessons/demo/01-first.md", """
        ---
        title: First
        minutes: many
        objectives:
          - One
        ---
        """)
    found = problems_of(tree)
    assert "lessons/demo/01-first.md:3: error: 'minutes' must be a whole number from 1 to 60, not 'many'" in found
    assert any(p.startswith("lessons/demo/01-first.md:7: error: the lesson has no body text") for p in found)


def test_quiz_errors_each_with_line(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", """
        ## One choice only {#lonely}
        A situation.

        - [x] The only answer. {ask}
          > Fine.

        ## No best {#no-best}
        A situation.

        - [ ] First. {ask}
          > One.
        - [ ] Second. {wizard}
          > Two.
        - [ ] Third. {tell}

        ## No best {#no-best}
        Duplicate id.

        - [x] A. {ask}
          > a
        - [ ] B. {tell}
          > b
        """)
    found = problems_of(tree, "quizzes/")
    assert "quizzes/demo/first.md:1: error: scenario 'lonely' needs at least two choices" in found
    assert "quizzes/demo/first.md:7: error: scenario 'no-best' has no best choice: mark one with [x]" in found
    assert any(p.startswith("quizzes/demo/first.md:12: error: unknown behaviour tag 'wizard'") for p in found)
    assert "quizzes/demo/first.md:14: error: choice 'Third.' has no feedback: add a '> ...' line under it" in found
    assert "quizzes/demo/first.md:16: error: duplicate scenario id 'no-best' (first used on line 7)" in found


def test_quiz_without_lesson_and_heading_slug_warning(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/second.md", QUIZ)
    tree.write("quizzes/demo/first.md", QUIZ.replace(" {#demo-ran-long}", ""))
    found = problems_of(tree, "quizzes/")
    assert "quizzes/demo/second.md:1: error: quiz without a lesson: no lessons/demo/NN-second.md exists" in found
    assert ("quizzes/demo/first.md:4: warning: scenario 'The demo that ran long' has no {#id}: renaming its "
            "heading will start its history afresh (add {#the-demo-that-ran-long})") in found
    quiz = load_catalog(tree.root).course("demo").lessons[0].quiz
    assert quiz.scenarios[0].id == "the-demo-that-ran-long"


def test_duplicate_slugs_and_badly_named_files(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("lessons/demo/02-first.md", LESSON.format(title="Again"))
    tree.write("lessons/demo/notes.md", LESSON.format(title="Notes"))
    found = problems_of(tree, "lessons/")
    assert "lessons/demo/02-first.md:1: error: slug 'first' is also used by lessons/demo/01-first.md" in found
    assert any(p.startswith("lessons/demo/notes.md:1: error: a lesson file is named NN-<slug>.md") for p in found)


def test_raw_html_and_javascript_links_are_escaped(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First") + """
<script>alert('x')</script>

<img src=x onerror=alert(1)>

[click me](javascript:alert(1)) and [safe](https://example.org)
""")
    html = load_catalog(tree.root).course("demo").lessons[0].body_html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "&lt;img" in html
    assert 'href="javascript:' not in html
    assert '<a href="https://example.org">safe</a>' in html


def test_choice_ids_survive_reordering(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", QUIZ)
    before = {s.id: {c.text: c.id for c in s.choices}
              for s in load_catalog(tree.root).course("demo").lessons[0].quiz.scenarios}
    swapped = QUIZ.replace("""- [ ] Mention it to your manager. {go-around}
  > Going around Sam takes away their chance to reflect.
- [x] Ask Sam how the demo felt to them. {ask}
  > Starting with Sam's view lets them do the thinking.""", """- [x] Ask Sam how the demo felt to them. {ask}
  > Starting with Sam's view lets them do the thinking.
- [ ] Mention it to your manager. {go-around}
  > Going around Sam takes away their chance to reflect.""")
    assert swapped != QUIZ
    tree.write("quizzes/demo/first.md", swapped)
    quiz = load_catalog(tree.root).course("demo").lessons[0].quiz
    after = {s.id: {c.text: c.id for c in s.choices} for s in quiz.scenarios}
    assert after == before
    assert quiz.scenarios[0].choices[0].text == "Ask Sam how the demo felt to them."


def test_rewording_a_choice_starts_a_new_id_unless_explicit():
    assert choice_id_from_text("Ask Sam how it felt.") == "ask-sam-how-it-felt"
    assert choice_id_from_text("Ask Sam how it went.") != choice_id_from_text("Ask Sam how it felt.")
    quiz, problems = parse_quiz("q.md", """
## S {#s}
Text.

- [x] Ask Sam how it went. {ask #ask-sam}
  > Good.
- [ ] Tell Sam. {tell}
  > Weak.
""", "c", "l", {})
    assert problems == []
    assert quiz.scenarios[0].choices[0].id == "ask-sam"


def test_scenario_hash_changes_only_with_its_text():
    base = QUIZ.lstrip()
    edited = base.replace("Nobody speaks at the stand-up.", "Nobody speaks at the morning stand-up.")
    q1, _ = parse_quiz("q.md", base, "c", "l", {})
    q2, _ = parse_quiz("q.md", edited, "c", "l", {})
    assert q1.scenarios[0].content_hash == q2.scenarios[0].content_hash
    assert q1.scenarios[1].content_hash != q2.scenarios[1].content_hash


def test_alias_finds_renamed_lesson(tree):
    tree.write("lessons/demo/01-coaching-basics.md", LESSON.format(title="Basics").replace(
        "minutes: 4", "minutes: 4\naliases:\n  - first"))
    catalog = load_catalog(tree.root)
    lesson, is_alias = catalog.find_lesson("demo", "first")
    assert lesson.slug == "coaching-basics" and is_alias
    assert catalog.find_lesson("demo", "coaching-basics") == (lesson, False)
    assert catalog.find_lesson("demo", "nope") == (None, False)


def test_drafts_are_kept_apart(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("lessons/demo/02-later.md", LESSON.format(title="Later").replace("minutes: 4", "minutes: 4\ndraft: true"))
    course = load_catalog(tree.root).course("demo")
    assert [l.slug for l in course.visible_lessons()] == ["first"]
    assert [l.slug for l in course.visible_lessons(include_drafts=True)] == ["first", "later"]
