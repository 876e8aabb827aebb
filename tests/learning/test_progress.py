"""Lesson and course progress through HTTP, as the demo learner."""
from __future__ import annotations

import datetime

import pytest

from course.data.db import db
from course.data.models import Person, Progress
from helpers.content import COURSE, QUIZ, lesson_of
from helpers.http import post, sign_in, signed_in
from helpers.people import LEARNER, seed_people
from helpers.progress import all_rows, continue_links, learner_rows, outline_states, plain_lesson
from helpers.quiz import answer_quiz

FIRST = "coaching-is-not-managing"            # lessons 1-3 of the real course all have quizzes
SECOND = "peer-coaching-and-listening"
THIRD = "observations-and-sbi"


# --- the real course, as the demo learner -----------------------------------------------

def test_opening_a_lesson_records_opened(seeded, learner):
    assert learner_rows() == {}
    assert learner.get(f"/courses/{COURSE}/{FIRST}").status_code == 200
    rows = learner_rows()
    assert list(rows) == [FIRST]
    row = rows[FIRST]
    assert row.content_hash == lesson_of(seeded, FIRST).content_hash
    assert row.course_slug == COURSE and row.state == "opened"
    assert row.opened_at is not None and row.completed_at is None and row.passed_at is None
    states = outline_states(learner, COURSE)
    assert states[FIRST] == "Opened" and states[SECOND] == "Not started"


def test_opening_again_keeps_one_row_and_the_first_opening(seeded, learner):
    learner.get(f"/courses/{COURSE}/{FIRST}")
    first_opened = learner_rows()[FIRST].opened_at
    learner.get(f"/courses/{COURSE}/{FIRST}")
    rows = learner_rows()
    assert len(rows) == 1 and rows[FIRST].opened_at == first_opened
    assert rows[FIRST].last_visit_at >= first_opened


def test_mark_done_on_a_lesson_with_a_quiz_leads_to_the_quiz(seeded, learner):
    learner.get(f"/courses/{COURSE}/{FIRST}")
    response = post(learner, f"/courses/{COURSE}/{FIRST}/done")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/courses/{COURSE}/{FIRST}/quiz"
    row = learner_rows()[FIRST]
    assert row.completed_at is not None and row.passed_at is None
    assert outline_states(learner, COURSE)[FIRST] == "Completed"
    # The lesson page now points at its quiz instead of offering "Mark as done".
    page = learner.get(f"/courses/{COURSE}/{FIRST}").get_data(as_text=True)
    assert f'href="/courses/{COURSE}/{FIRST}/quiz">Take the quiz</a>' in page


def test_marking_done_twice_keeps_the_first_completion(seeded, learner):
    post(learner, f"/courses/{COURSE}/{FIRST}/done")
    early = datetime.datetime(2026, 1, 1, 8, 0)
    with db.connection_context():
        Progress.update(completed_at=early).execute()
    post(learner, f"/courses/{COURSE}/{FIRST}/done")
    assert learner_rows()[FIRST].completed_at == early


def test_mark_done_without_csrf_token_writes_nothing(seeded, learner):
    response = learner.post(f"/courses/{COURSE}/{FIRST}/done")
    assert response.status_code == 400
    assert learner_rows() == {}


def test_passing_the_quiz_passes_the_lesson(seeded, learner):
    post(learner, f"/courses/{COURSE}/{FIRST}/done")
    result = answer_quiz(learner, seeded, COURSE, FIRST)
    assert "Passed" in learner.get(result).get_data(as_text=True)
    row = learner_rows()[FIRST]
    assert row.passed_at is not None and row.best_score == 1.0
    assert outline_states(learner, COURSE)[FIRST] == "Passed"


def test_continue_points_at_the_quiz_when_the_lesson_is_completed_but_not_passed(seeded, learner):
    learner.get(f"/courses/{COURSE}/{FIRST}")
    post(learner, f"/courses/{COURSE}/{FIRST}/done")
    answer_quiz(learner, seeded, COURSE, FIRST, best=False)      # not passed
    links = continue_links(learner)
    assert links, "a course in progress shows Continue"
    title = lesson_of(seeded, FIRST).title
    assert links[0] == (f"/courses/{COURSE}/{FIRST}/quiz", f"{title} (quiz)")
    assert {href for href, _ in links} == {f"/courses/{COURSE}/{FIRST}/quiz"}


def test_continue_points_at_the_first_unfinished_lesson(seeded, learner):
    # Lesson 1 passed, lesson 3 opened: the first unfinished lesson in course order is lesson 2.
    post(learner, f"/courses/{COURSE}/{FIRST}/done")
    answer_quiz(learner, seeded, COURSE, FIRST)
    learner.get(f"/courses/{COURSE}/{THIRD}")
    links = continue_links(learner)
    assert links[0] == (f"/courses/{COURSE}/{SECOND}", lesson_of(seeded, SECOND).title)


def test_the_full_journey(seeded):
    client = signed_in(seeded, LEARNER)
    assert continue_links(client) == []            # nothing started yet
    assert client.get(f"/courses/{COURSE}/{FIRST}").status_code == 200
    assert client.get(f"/courses/{COURSE}/{SECOND}").status_code == 200
    assert post(client, f"/courses/{COURSE}/{FIRST}/done").status_code == 302
    assert post(client, "/auth/sign-out").status_code == 302
    assert client.get("/").status_code == 302      # signed out

    assert sign_in(client, LEARNER).status_code == 302
    links = continue_links(client)
    assert links[0][0] == f"/courses/{COURSE}/{FIRST}/quiz"
    states = outline_states(client, COURSE)
    assert (states[FIRST], states[SECOND], states[THIRD]) == ("Completed", "Opened", "Not started")

    # Pass the quiz: Continue moves on to the second lesson, which was opened but not done.
    answer_quiz(client, seeded, COURSE, FIRST)
    assert continue_links(client)[0][0] == f"/courses/{COURSE}/{SECOND}"
    assert set(learner_rows()) == {FIRST, SECOND}


@pytest.mark.parametrize("url", [
    f"/courses/{COURSE}/nope/done",
    f"/courses/nope/{FIRST}/done",
    f"/courses/{COURSE}/{FIRST}%20/done",
    f"/courses/{COURSE}/../{FIRST}/done",
])
def test_tampered_slugs_get_404_and_write_nothing(seeded, learner, url):
    response = post(learner, url)
    assert response.status_code == 404
    assert all_rows() == 0


def test_a_learner_cannot_change_someone_elses_progress(seeded, learner):
    # No progress address carries a person: they all act on the signed-in person.
    for rule in seeded.url_map.iter_rules():
        if rule.endpoint.startswith(("learn.", "quiz.")):
            assert not any("person" in argument for argument in rule.arguments), rule.rule
    with db.connection_context():
        kwame = Person.by_email("kwame@example.com")
    # Naming someone else in the form changes nothing for them.
    response = post(learner, f"/courses/{COURSE}/{FIRST}/done",
                    {"person": str(kwame.id), "person_id": str(kwame.id), "user_id": str(kwame.id)})
    assert response.status_code == 302
    assert learner_rows("kwame@example.com") == {}
    assert set(learner_rows()) == {FIRST}


def test_someone_elses_quiz_result_is_404(seeded, learner):
    post(learner, f"/courses/{COURSE}/{FIRST}/done")
    result = answer_quiz(learner, seeded, COURSE, FIRST)
    assert learner.get(result).status_code == 200
    assert signed_in(seeded, "kwame@example.com").get(result).status_code == 404


# --- content trees: renamed and deleted lessons, certificates ------------------------------

@pytest.fixture
def two_lessons(tree):
    tree.write("lessons/demo/01-first.md", plain_lesson("First steps"))
    tree.write("lessons/demo/03-third.md", plain_lesson("Third steps"))
    return tree


def test_renamed_lesson_keeps_its_progress_through_an_alias(two_lessons, build):
    app = build(two_lessons.root)
    seed_people(app)
    client = signed_in(app, LEARNER)
    assert client.get("/courses/demo/first").status_code == 200
    assert post(client, "/courses/demo/first/done").status_code == 302
    assert outline_states(client, "demo")["first"] == "Completed"

    two_lessons.remove("lessons/demo/01-first.md")
    two_lessons.write("lessons/demo/02-renamed.md", plain_lesson("Renamed steps", "\naliases:\n  - first"))
    renamed_app = build(two_lessons.root)
    client = signed_in(renamed_app, LEARNER)
    states = outline_states(client, "demo")
    assert states == {"renamed": "Completed", "third": "Not started"}
    response = client.get("/courses/demo/first")
    assert response.status_code == 301
    assert response.headers["Location"] == "/courses/demo/renamed"
    # The learner is not asked to do it again: Continue leads on to the third lesson.
    assert continue_links(client)[0][0] == "/courses/demo/third"
    assert "first" in learner_rows()


def test_deleting_a_lesson_file_keeps_progress_rows(two_lessons, build):
    app = build(two_lessons.root)
    seed_people(app)
    client = signed_in(app, LEARNER)
    post(client, "/courses/demo/first/done")
    post(client, "/courses/demo/third/done")
    before = learner_rows()
    assert set(before) == {"first", "third"}

    two_lessons.remove("lessons/demo/03-third.md")
    smaller_app = build(two_lessons.root)
    client = signed_in(smaller_app, LEARNER)
    assert outline_states(client, "demo") == {"first": "Completed"}
    assert client.get("/courses/demo/third").status_code == 404
    after = learner_rows()
    assert set(after) == {"first", "third"}
    assert after["third"].completed_at == before["third"].completed_at


def test_draft_lessons_cannot_be_marked_done(tree, build):
    tree.write("lessons/demo/01-first.md", plain_lesson("First steps"))
    tree.write("lessons/demo/02-draft.md", plain_lesson("Draft steps", "\ndraft: true"))
    app = build(tree.root)
    seed_people(app)
    client = signed_in(app, LEARNER)
    assert post(client, "/courses/demo/draft/done").status_code == 404
    assert all_rows() == 0


def test_certificate_only_once_the_course_is_finished(two_lessons, build):
    app = build(two_lessons.root)
    seed_people(app)
    client = signed_in(app, LEARNER)
    assert client.get("/courses/demo/certificate").status_code == 404
    assert post(client, "/courses/demo/first/done").status_code == 302
    assert client.get("/courses/demo/certificate").status_code == 404
    last = post(client, "/courses/demo/third/done")
    assert last.status_code == 302 and last.headers["Location"] == "/courses/demo/"
    with db.connection_context():
        Progress.update(completed_at=datetime.datetime(2026, 3, 4, 10, 0)).where(
            Progress.lesson_slug == "first").execute()
        Progress.update(completed_at=datetime.datetime(2026, 3, 5, 11, 0)).where(
            Progress.lesson_slug == "third").execute()
    page = client.get("/courses/demo/certificate")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Demo course" in html and "Lena Learner" in html
    assert "5 March 2026" in html                   # the day the last lesson was finished
    # Someone else has not finished it.
    assert signed_in(app, "kwame@example.com").get("/courses/demo/certificate").status_code == 404


def test_certificate_for_a_course_with_a_quiz_needs_the_quiz_passed(tree, build):
    tree.write("lessons/demo/01-first.md", plain_lesson("First steps"))
    tree.write("quizzes/demo/first.md", QUIZ)
    app = build(tree.root)
    seed_people(app)
    client = signed_in(app, LEARNER)
    assert post(client, "/courses/demo/first/done").headers["Location"] == "/courses/demo/first/quiz"
    assert client.get("/courses/demo/certificate").status_code == 404
    answer_quiz(client, app, "demo", "first")
    assert client.get("/courses/demo/certificate").status_code == 200


@pytest.mark.parametrize("zone, shown", [("UTC", "1 January 2026"), ("Pacific/Auckland", "2 January 2026")])
def test_dates_are_shown_in_the_site_time_zone(tree, build, zone, shown):
    tree.write("lessons/demo/01-first.md", plain_lesson("First steps"))
    app = build(tree.root, TIMEZONE=zone)
    seed_people(app)
    client = signed_in(app, LEARNER)
    post(client, "/courses/demo/first/done")
    with db.connection_context():
        Progress.update(completed_at=datetime.datetime(2026, 1, 1, 20, 0)).execute()   # naive UTC
    certificate = client.get("/courses/demo/certificate").get_data(as_text=True)
    assert shown in certificate
    assert f"Finished</strong> on {shown}" in client.get("/courses/demo/").get_data(as_text=True)
