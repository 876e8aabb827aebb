"""Each rule of docs/privacy.md, checked against the running app, role by role.

The `clients` fixture signs in one client per role (plus an anonymous one) on
the real course; tree tests build a small course whose answers they control.
"""
from __future__ import annotations

import html as htmllib
import json
import re

import pytest

from course.data.db import db
from course.data.models import Answer, Attempt, Person, Progress, ReviewCard
from helpers.quiz import first_draw, first_draw_best
from helpers.analysis import (BEST_PATH, FIGURE_COLUMNS, ROUGH_PATH, VAGUE_PATH, add_learners, answers,
                              assert_hidden_everywhere, assert_shown, conversation_answers, csv_rows, get_ok, record,
                              reword, section, table_after, tree_quiz_app)
from helpers.app import make_app
from helpers.content import COURSE, CONVERSATION, PLAIN, lesson_of
from helpers.db import team_id
from helpers.http import sign_in, signed_in
from helpers.pages import plain
from helpers.people import LEARNER, MANAGER, ROLE_EMAILS, TRAINER, seed_people


@pytest.fixture
def small_app(quiz_app):
    """The one-lesson TREE_QUIZ course of reporting/conftest.py."""
    return quiz_app


# --- figures from fewer than MIN_GROUP_SIZE learners are hidden -------------------------------

def test_figures_from_fewer_than_five_learners_are_hidden_on_the_page_and_in_the_csv(small_app):
    assert small_app.config["MIN_GROUP_SIZE"] == 5
    emails = add_learners(small_app, 5)
    for email in emails[:4]:
        record(small_app, email, "first", answers(hard="tell-ola"))
    trainer = signed_in(small_app, TRAINER)
    assert_hidden_everywhere(trainer, 5)
    html = get_ok(trainer, "/trainer/analysis/demo/first")
    assert "Fewer than 5 learners have answered this version yet" in plain(html)
    # The fifth learner makes the group big enough.
    record(small_app, emails[4], "first", answers())
    assert_shown(trainer, 5)


def test_a_smaller_min_group_size_is_honoured(tree, database_url):
    app = tree_quiz_app(tree, database_url, MIN_GROUP_SIZE=3)
    try:
        emails = add_learners(app, 3)
        for email in emails[:2]:
            record(app, email, "first", answers())
        trainer = signed_in(app, TRAINER)
        assert_hidden_everywhere(trainer, 3)
        assert "groups under 3 learners hidden" in plain(get_ok(trainer, "/trainer/analysis/demo/first"))
        assert "Figures drawn from fewer than 3 learners are hidden" in plain(get_ok(trainer, "/trainer/analysis/"))
        record(app, emails[2], "first", answers(hard="escalate"))
        assert_shown(trainer, 3)
    finally:
        app.extensions["peewee"].close_all()


def test_conversation_paths_and_endings_under_the_group_size_say_fewer_than(database_url, content_dir):
    app = make_app(database_url, content_dir, MIN_GROUP_SIZE=3)
    try:
        seed_people(app)
        quiz = lesson_of(app, CONVERSATION, COURSE).quiz
        emails = add_learners(app, 5)
        for email in emails[:3]:
            record(app, email, CONVERSATION, conversation_answers(quiz, BEST_PATH), course=COURSE)
        record(app, emails[3], CONVERSATION, conversation_answers(quiz, ROUGH_PATH), course=COURSE)
        record(app, emails[4], CONVERSATION, conversation_answers(quiz, VAGUE_PATH), course=COURSE)
        html = get_ok(signed_in(app, TRAINER), f"/trainer/analysis/{COURSE}/{CONVERSATION}")
        assert table_after(html, "Where conversations end") == [["A two-week trial", "3"],
                                                                ["A trial, after a repair", "fewer than 3"],
                                                                ["Noted, nothing changes", "fewer than 3"]]
        assert [row[1] for row in table_after(html, "Paths taken")] == ["3", "fewer than 3", "fewer than 3"]
    finally:
        app.extensions["peewee"].close_all()


def test_a_hidden_earlier_wording_does_not_reveal_which_choice_was_picked(small_app, tree):
    emails = add_learners(small_app, 6)
    # One learner answers version 1 of "hard" with the weak choice; then it is reworded.
    record(small_app, emails[0], "first", answers(hard="tell-ola"))
    reword(tree, "for the third time.", "for the third time this quarter.")
    for email in emails[1:]:
        record(small_app, email, "first", answers())
    trainer = signed_in(small_app, TRAINER)
    old = section(get_ok(trainer, "/trainer/analysis/demo/first"), "hard", earlier=True)
    assert old.hidden
    rows = [r for r in csv_rows(trainer, "/trainer/analysis/demo/first.csv")
            if r["Scenario id"] == "hard" and r["Current version"] == "no"]
    assert all(row[column] == "" for row in rows for column in FIGURE_COLUMNS)
    listed = {row["Choice id"] for row in rows} - {""}
    # Either no choice rows, or every choice of the scenario: never just the one that was picked.
    assert listed in (set(), {"ask-ola", "tell-ola", "escalate"}), listed


# --- trainers never see who answered what --------------------------------------------------

def test_trainers_see_no_names_or_emails_next_to_answers(small_app):
    emails = add_learners(small_app, 40, prefix="private", name="Zebulon")
    for i, email in enumerate(emails):
        record(small_app, email, "first", answers(hard=["ask-ola", "tell-ola", "escalate"][i % 3]))
    record(small_app, "learner@example.com", "first", answers(mid="judge-them"))
    with small_app.app_context(), db.connection_context():
        people = [(p.name, p.email) for p in Person.select().where(Person.role == "learner")]
    assert len(people) > 40
    trainer = signed_in(small_app, TRAINER)
    for url in ("/trainer/analysis/demo/first", "/trainer/analysis/demo/first.csv", "/trainer/analysis/",
                "/trainer/health"):
        body = htmllib.unescape(trainer.get(url).get_data(as_text=True))
        assert "Zebulon" not in body and "@analysis.example" not in body, url
        for name, email in people:
            assert name not in body and email not in body, (url, name)
    # The figures are there all the same.
    assert section(get_ok(trainer, "/trainer/analysis/demo/first"), "hard").figures["Learners"] == "41"


# --- managers see completion, never answers ------------------------------------------------

def test_managers_see_completion_but_no_answers(seeded):
    quiz = lesson_of(seeded, PLAIN, COURSE).quiz
    weak = {s.id: next(c for c in s.choices if not c.best).id for s in first_draw(quiz)}
    best = {s.id: s.best_choice.id for s in first_draw(quiz)}
    record(seeded, "learner@example.com", PLAIN, weak, course=COURSE)
    record(seeded, "learner@example.com", PLAIN, best, course=COURSE)
    record(seeded, "kwame@example.com", PLAIN, {**best, first_draw(quiz)[0].id: weak[first_draw(quiz)[0].id]},
           course=COURSE)
    manager = signed_in(seeded, MANAGER)
    team = team_id(seeded, "Warehouse North")
    page = htmllib.unescape(get_ok(manager, f"/manage/teams/{team}"))
    export = manager.get(f"/manage/teams/{team}/export.csv").get_data(as_text=True)
    # Completion is there: names, "Passed" with the best score.
    assert "Lena Learner" in page and "Kwame Mensah" in page and "Passed 100%" in page
    assert "Lena Learner" in export
    # Answers are not: no choice's words, feedback or behaviour label.
    for body in (page, htmllib.unescape(export)):
        for scenario in first_draw(quiz):
            for choice in scenario.choices:
                assert choice.text not in body, choice.text
                assert plain(choice.text_html) not in plain(body), choice.text
                assert plain(choice.feedback_html)[:60] not in plain(body)
        for label in ("Told the answer", "Took the problem over", "Asked before telling"):
            assert label not in body
    # Nor can a manager open the item analysis.
    assert manager.get(f"/trainer/analysis/{COURSE}/{PLAIN}").status_code == 403


def test_another_teams_pages_answer_404_for_a_manager(clients, seeded):
    manager = clients["manager"]
    own, other = team_id(seeded, "Warehouse North"), team_id(seeded, "Clinic Support")
    assert manager.get(f"/manage/teams/{own}").status_code == 200
    assert manager.get(f"/manage/teams/{own}/export.csv").status_code == 200
    for team in (other, 99999):
        assert manager.get(f"/manage/teams/{team}").status_code == 404
        assert manager.get(f"/manage/teams/{team}/export.csv").status_code == 404
        page = get_ok(manager, "/manage/")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        data = {"due_date": "2030-01-01", "course": COURSE}
        if token:
            data["csrf_token"] = token.group(1)
        assert manager.post(f"/manage/teams/{team}/assignment", data=data).status_code == 404
    assert "Clinic Support" not in get_ok(manager, "/manage/")
    # The admin sees every team.
    assert clients["admin"].get(f"/manage/teams/{other}").status_code == 200


# --- who reaches which pages ----------------------------------------------------------------

TRAINER_URLS = ["/trainer/", "/trainer/analysis/", f"/trainer/analysis/{COURSE}/{PLAIN}",
                f"/trainer/analysis/{COURSE}/{PLAIN}.csv", "/trainer/health",
                f"/trainer/preview/{COURSE}/{PLAIN}", f"/trainer/preview/{COURSE}/{PLAIN}/quiz"]
MANAGER_URLS = ["/manage/", "/manage/teams/{team}", "/manage/teams/{team}/export.csv"]
ADMIN_URLS = ["/admin/people", "/admin/teams"]


def test_learners_cannot_reach_trainer_manager_or_admin_pages(clients, seeded):
    team = team_id(seeded, "Warehouse North")
    for url in TRAINER_URLS + MANAGER_URLS + ADMIN_URLS:
        assert clients["learner"].get(url.format(team=team)).status_code == 403, url


def test_each_role_reaches_only_its_own_pages(clients, seeded):
    team = team_id(seeded, "Warehouse North")
    expected = {
        "trainer": {"trainer": 200, "manager": 403, "admin": 403},
        "manager": {"trainer": 403, "manager": 200, "admin": 403},
        "admin": {"trainer": 200, "manager": 200, "admin": 200},
    }
    for role, want in expected.items():
        for group, urls in (("trainer", TRAINER_URLS), ("manager", MANAGER_URLS), ("admin", ADMIN_URLS)):
            for url in urls:
                assert clients[role].get(url.format(team=team)).status_code == want[group], (role, url)
    for url in TRAINER_URLS + MANAGER_URLS + ADMIN_URLS:
        response = clients["anonymous"].get(url.format(team=team))
        assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"], url


def test_learners_see_only_their_own_attempts(seeded):
    quiz = lesson_of(seeded, PLAIN, COURSE).quiz
    attempt_id = record(seeded, "kwame@example.com", PLAIN, {s.id: s.best_choice.id for s in first_draw(quiz)},
                        course=COURSE)
    url = f"/courses/{COURSE}/{PLAIN}/quiz/attempts/{attempt_id}"
    kwame = seeded.test_client()
    assert sign_in(kwame, "kwame@example.com").status_code == 302
    assert kwame.get(url).status_code == 200
    learner = signed_in(seeded, LEARNER)
    assert learner.get(url).status_code == 404
    assert learner.get(f"/review/answers/{attempt_id}").status_code == 404
    assert "Kwame" not in learner.get("/account/attempts").get_data(as_text=True)
    # Not even a trainer or an admin can open someone else's attempt page.
    for role in ("trainer", "admin", "manager"):
        assert signed_in(seeded, ROLE_EMAILS[role]).get(url).status_code == 404, role


# --- data-protection requests ------------------------------------------------------------------

def _counts(app, person_id):
    with app.app_context(), db.connection_context():
        return {
            "attempts": Attempt.select().where(Attempt.person == person_id).count(),
            "answers": Answer.select().join(Attempt).where(Attempt.person == person_id).count(),
            "progress": Progress.select().where(Progress.person == person_id).count(),
            "review cards": ReviewCard.select().where(ReviewCard.person == person_id).count(),
        }


def _person_id(app, email):
    with app.app_context(), db.connection_context():
        return Person.by_email(email).id


def _history(app):
    """Kwame and Mei each fail and then pass the first quiz (passing schedules review cards)."""
    quiz = lesson_of(app, PLAIN, COURSE).quiz
    weak = {s.id: next(c for c in s.choices if not c.best).id for s in first_draw(quiz)}
    best = {s.id: s.best_choice.id for s in first_draw(quiz)}
    for email in ("kwame@example.com", "mei@example.com"):
        record(app, email, PLAIN, weak, course=COURSE)
        record(app, email, PLAIN, best, course=COURSE)
    return quiz, weak, best


def test_export_data_returns_the_persons_own_answers(seeded):
    quiz, weak, best = _history(seeded)
    result = seeded.test_cli_runner().invoke(args=["users", "export-data", "kwame@example.com"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["person"]["email"] == "kwame@example.com"
    quiz_attempts = [a for a in data["attempts"] if a["kind"] == "quiz"]
    assert [(a["lesson"], a["passed"]) for a in quiz_attempts] == [(PLAIN, False), (PLAIN, True)]
    for attempt, chosen in zip(quiz_attempts, (weak, best)):
        assert [(a["scenario"], a["choice"]) for a in attempt["answers"]] == \
            [(s.id, chosen[s.id]) for s in first_draw(quiz)]
        assert [a["best"] for a in attempt["answers"]] == [chosen is best] * len(first_draw(quiz))
        assert [a["tag"] for a in attempt["answers"]] == [s.choice(chosen[s.id]).tag for s in first_draw(quiz)]
    assert "mei@example.com" not in result.stdout and "Mei Chen" not in result.stdout


def test_export_data_includes_the_review_schedule(seeded):
    _history(seeded)
    assert _counts(seeded, _person_id(seeded, "kwame@example.com"))["review cards"] > 0
    result = seeded.test_cli_runner().invoke(args=["users", "export-data", "kwame@example.com"])
    data = json.loads(result.stdout)
    assert any("review" in key for key in data), sorted(data)


def test_erase_removes_attempts_answers_progress_and_review_cards(seeded):
    _history(seeded)
    kwame, mei = _person_id(seeded, "kwame@example.com"), _person_id(seeded, "mei@example.com")
    before = _counts(seeded, kwame)
    assert all(n > 0 for n in before.values()), before
    mei_before = _counts(seeded, mei)
    result = seeded.test_cli_runner().invoke(args=["users", "erase", "kwame@example.com", "--yes"])
    assert result.exit_code == 0, result.output
    assert _counts(seeded, kwame) == {"attempts": 0, "answers": 0, "progress": 0, "review cards": 0}
    with seeded.app_context(), db.connection_context():
        assert Person.by_email("kwame@example.com") is None
        assert Answer.select().where(Answer.attempt.not_in(Attempt.select(Attempt.id))).count() == 0
    assert _counts(seeded, mei) == mei_before
    # The item analysis no longer counts the erased learner.
    html = get_ok(signed_in(seeded, TRAINER), f"/trainer/analysis/{COURSE}/{PLAIN}")
    assert "1 learner with at least one attempt" in plain(html)
