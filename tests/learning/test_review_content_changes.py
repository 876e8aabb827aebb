"""Review cards follow the content: a reworded scenario is rebased, a removed one retired,
a renamed lesson keeps its cards, and forms for changed scenarios save nothing.
"""
from __future__ import annotations

import datetime

import pytest
from fsrs import Rating

from course.data.models import Answer, ReviewCard
from course.learning.attempts import best_answers
from course.learning.spaced_review import card_from_json, schedule
from helpers.app import make_app
from helpers.content import LESSON, QUIZ, bump_mtime, lesson_of
from helpers.db import answers_of, query_db, row_counts
from helpers.http import signed_in
from helpers.pages import text_of
from helpers.people import LEARNER, seed_people
from helpers.quiz import take_quiz, weak_choice
from helpers.review import (DAY, T0, Clock, answer_review, aware, card_rows, cards_of, due_on_home,
                            is_empty_review_page, localdate, open_review, review_attempts, review_once)


# --- content changes ---------------------------------------------------------------------

@pytest.fixture
def tree_site(tree, database_url):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("lessons/demo/02-second.md", LESSON.format(title="Second"))
    tree.write("quizzes/demo/first.md", QUIZ)
    app = make_app(database_url, tree.root, CONTENT_RELOAD=True)
    clock = Clock(T0)
    app.config["CLOCK"] = clock
    seed_people(app)
    client = signed_in(app, LEARNER)
    take_quiz(client, "first", best_answers(lesson_of(app, "first", "demo").quiz), course="demo")
    cards = cards_of(LEARNER)
    assert set(cards) == {("first", "demo-ran-long"), ("first", "quiet-standup")}
    yield app, client, clock, tree
    app.extensions["peewee"].close_all()


def test_a_reworded_scenario_is_due_at_once_and_rebased_when_answered(tree_site):
    app, client, clock, tree = tree_site
    before = cards_of(LEARNER)
    old_hash = before[("first", "quiet-standup")].scenario_hash
    path = tree.write("quizzes/demo/first.md", QUIZ.replace("Nobody speaks at the stand-up.",
                                                            "Nobody says a word at the morning stand-up."))
    bump_mtime(path)
    clock.now = T0 + datetime.timedelta(hours=3)

    html, fields, scenario_id = open_review(client)
    assert scenario_id == "quiet-standup"
    assert "Nobody says a word at the morning stand-up." in text_of(html)
    new = lesson_of(app, "first", "demo").quiz.scenario("quiet-standup")
    assert due_on_home(client) == 1
    # Showing the pages wrote nothing: the cards are as they were.
    assert card_rows() == [(c.id, c.due, c.reviews, c.card, c.scenario_hash, c.retired_at)
                           for c in sorted(before.values(), key=lambda c: c.id)]

    response = answer_review(client, fields, scenario_id, new.best_choice.id)
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200
    card = cards_of(LEARNER)[("first", "quiet-standup")]
    assert card.scenario_hash == new.content_hash != old_hash
    assert card.retired_at is None and card.id == before[("first", "quiet-standup")].id
    untouched = cards_of(LEARNER)[("first", "demo-ran-long")]
    assert (untouched.due, untouched.scenario_hash) == (before[("first", "demo-ran-long")].due,
                                                        before[("first", "demo-ran-long")].scenario_hash)
    assert card.due > clock.naive() and card.reviews == 1
    (attempt,) = review_attempts(LEARNER)
    assert answers_of(attempt.id)[0][1] == "quiet-standup"
    assert query_db(lambda: Answer.get(Answer.attempt == attempt.id).scenario_hash) == new.content_hash


def test_a_removed_scenario_retires_its_card(tree_site):
    app, client, clock, tree = tree_site
    without = QUIZ[:QUIZ.index("## The demo that ran long")] + QUIZ[QUIZ.index("## The quiet stand-up"):]
    path = tree.write("quizzes/demo/first.md", without)
    bump_mtime(path)
    clock.now = T0 + datetime.timedelta(hours=3)

    assert is_empty_review_page(client)[0]
    cards = cards_of(LEARNER)
    assert all(c.retired_at is None for c in cards.values())     # a page view writes nothing

    # On the due day only the remaining scenario is served; the removed one never is.
    clock.now = aware(cards[("first", "quiet-standup")].due)
    assert due_on_home(client) == 1
    html, fields, scenario_id = open_review(client)
    assert scenario_id == "quiet-standup"
    choice = lesson_of(app, "first", "demo").quiz.scenario("quiet-standup").best_choice.id
    assert answer_review(client, fields, scenario_id, choice).status_code == 303
    assert is_empty_review_page(client)[0]
    # The answer brought the cards in step: the removed scenario's card is retired.
    cards = cards_of(LEARNER)
    assert cards[("first", "demo-ran-long")].retired_at == clock.naive()
    assert cards[("first", "quiet-standup")].retired_at is None
    assert cards_of(LEARNER)[("first", "demo-ran-long")].reviews == 0
    assert client.get("/").status_code == 200 and client.get("/habits").status_code == 200


def test_a_deleted_lesson_retires_its_cards(tree_site):
    app, client, clock, tree = tree_site
    tree.remove("lessons/demo/01-first.md")
    tree.remove("quizzes/demo/first.md")        # a quiz without its lesson is a content error
    clock.now = T0 + datetime.timedelta(hours=3)

    before = card_rows()
    response = client.get("/review")
    assert response.status_code == 200 and "Nothing is due for review right now." in text_of(response)
    assert card_rows() == before      # nothing is served and nothing is written
    clock.now = T0 + 30 * DAY
    assert client.get("/review").status_code == 200 and is_empty_review_page(client)[0]
    assert due_on_home(client) == 0
    assert client.get("/habits").status_code == 200


def test_a_review_form_for_a_removed_scenario_saves_nothing(tree_site):
    app, client, clock, tree = tree_site
    clock.now = aware(max(c.due for c in cards_of(LEARNER).values()))
    _, fields, scenario_id = open_review(client)
    choice = lesson_of(app, "first", "demo").quiz.scenario(scenario_id).best_choice.id
    keep = "quiet-standup" if scenario_id == "demo-ran-long" else "demo-ran-long"
    start = QUIZ.index("## The demo that ran long") if keep == "quiet-standup" else QUIZ.index("## The quiet stand-up")
    end = QUIZ.index("## The quiet stand-up") if keep == "quiet-standup" else len(QUIZ)
    path = tree.write("quizzes/demo/first.md", QUIZ[:start] + QUIZ[end:])
    bump_mtime(path)
    before = (row_counts(), card_rows())
    response = answer_review(client, fields, scenario_id, choice)
    assert response.status_code in (302, 303) and response.headers["Location"].endswith("/review")
    assert (row_counts(), card_rows()) == before
    assert client.get("/review").status_code == 200


def test_a_review_form_sent_after_another_scenario_changed_saves_nothing_and_asks_again(tree_site):
    app, client, clock, tree = tree_site
    clock.now = aware(max(c.due for c in cards_of(LEARNER).values()))
    _, fields, scenario_id = open_review(client)
    assert scenario_id == "demo-ran-long"
    choice = lesson_of(app, "first", "demo").quiz.scenario(scenario_id).best_choice.id
    path = tree.write("quizzes/demo/first.md", QUIZ.replace("Nobody speaks at the stand-up.",
                                                            "Nobody says a word at the stand-up."))
    bump_mtime(path)
    before = (row_counts(), card_rows())
    response = answer_review(client, fields, scenario_id, choice)
    assert response.status_code in (302, 303) and response.headers["Location"].endswith("/review")
    assert (row_counts(), card_rows()) == before
    # Asked again with a fresh form, the answer is kept.
    _, fresh, again = open_review(client)
    assert again == "demo-ran-long" and fresh["token"] != fields["token"]
    choice = lesson_of(app, "first", "demo").quiz.scenario(again).best_choice.id
    assert answer_review(client, fresh, again, choice).status_code == 303
    assert len(review_attempts(LEARNER)) == 1


def test_a_renamed_lesson_keeps_its_cards(tree_site):
    app, client, clock, tree = tree_site
    before = cards_of(LEARNER)
    tree.remove("lessons/demo/01-first.md")
    tree.remove("quizzes/demo/first.md")
    tree.write("lessons/demo/01-renamed.md", LESSON.format(title="First").replace(
        "minutes: 4", "minutes: 4\naliases:\n  - first"))
    tree.write("quizzes/demo/renamed.md", QUIZ)
    assert not app.extensions["content"].catalog.problems
    clock.now = aware(max(c.due for c in before.values()))
    assert due_on_home(client) == 2
    _, response = review_once(client, app, course="demo")
    assert review_attempts(LEARNER)[0].lesson_slug == "renamed"
    after = cards_of(LEARNER)
    assert {k[1]: (c.id, c.retired_at) for k, c in after.items()} == \
        {k[1]: (c.id, None) for k, c in before.items()}
    assert {k[0] for k in after} == {"renamed"}
    assert client.get(response.headers["Location"]).status_code == 200


def test_home_page_does_not_count_reviews_of_a_deleted_lesson(tree_site):
    """The home page's count follows the content too, before /review is visited."""
    app, client, clock, tree = tree_site
    clock.now = aware(max(c.due for c in cards_of(LEARNER).values()))
    assert due_on_home(client) == 2
    tree.remove("lessons/demo/01-first.md")
    tree.remove("quizzes/demo/first.md")
    assert due_on_home(client) == 0


def test_feedback_shows_the_due_date_of_the_card_just_reviewed(tree, database_url):
    """The feedback page names the reviewed card's own next date. Two lessons may use the
    same scenario ids (the content check only refuses duplicates within one quiz)."""
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("lessons/demo/02-second.md", LESSON.format(title="Second"))
    tree.write("quizzes/demo/first.md", QUIZ)
    tree.write("quizzes/demo/second.md", QUIZ)
    app = make_app(database_url, tree.root)
    clock = Clock(T0)
    app.config["CLOCK"] = clock
    try:
        assert not app.extensions["content"].catalog.problems
        seed_people(app)
        client = signed_in(app, LEARNER)
        first, second = lesson_of(app, "first", "demo").quiz, lesson_of(app, "second", "demo").quiz
        # "first": demo-ran-long wrong (Again); "second": all best (Good).
        take_quiz(client, "first", {**best_answers(first), "demo-ran-long": weak_choice(first.scenario("demo-ran-long")).id},
                  course="demo")
        take_quiz(client, "second", best_answers(second), course="demo")
        cards = cards_of(LEARNER)
        clock.now = aware(cards[("second", "demo-ran-long")].due)
        # Both demo-ran-long cards reviewed right today come back on different dates.
        a, b = (card_from_json(cards[(lesson, "demo-ran-long")].card) for lesson in ("first", "second"))
        assert localdate(schedule(a, Rating.Good, clock.now).due) != localdate(schedule(b, Rating.Good, clock.now).due)

        shown = {}
        for _ in range(len(cards)):
            _, fields, scenario_id = open_review(client)
            card = query_db(lambda: ReviewCard.get_by_id(int(fields["card"])))
            quiz = first if card.lesson_slug == "first" else second
            response = answer_review(client, fields, scenario_id, quiz.scenario(scenario_id).best_choice.id)
            assert response.status_code == 303
            after = query_db(lambda: ReviewCard.get_by_id(card.id))
            text = text_of(client.get(response.headers["Location"]))
            shown[(card.lesson_slug, scenario_id)] = f"This scenario comes back on {localdate(after.due)}" in text
        assert shown == {key: True for key in cards}
    finally:
        app.extensions["peewee"].close_all()
