"""Spaced review: the app's clock in tests, the cards stored, the review and home pages.

Time never comes from the wall clock: tests set `app.config["CLOCK"]` to a Clock
and move it by assignment (`clock.now = ...`).
"""
from __future__ import annotations

import datetime
import os
import re

import yaml

from course.data.models import Attempt, Person, ReviewCard
from helpers.app import ROOT
from helpers.content import COURSE, lesson_of
from helpers.db import query_db
from helpers.http import csrf_from
from helpers.pages import hidden_fields, radio_groups, text_of
from helpers.quiz import weak_choice

UTC = datetime.timezone.utc
T0 = datetime.datetime(2025, 3, 5, 10, 0, tzinfo=UTC)     # a Wednesday
DAY = datetime.timedelta(days=1)

with open(os.path.join(ROOT, "quizzes", "tags.yml"), encoding="utf-8") as _fh:
    TAGS = yaml.safe_load(_fh)              # slug -> {label, strong, description}


# --- the clock ------------------------------------------------------------------------

class Clock:
    """The app's clock: `clock.now = ...` moves time for every request."""

    def __init__(self, now: datetime.datetime):
        self.now = now

    def __call__(self) -> datetime.datetime:
        return self.now

    def naive(self) -> datetime.datetime:
        return self.now.astimezone(UTC).replace(tzinfo=None)


def state(card) -> dict:
    """A card's scheduling state (fsrs names each Card by the wall-clock millisecond it was made)."""
    return {k: v for k, v in card.to_dict().items() if k != "card_id"}


def aware(value: datetime.datetime) -> datetime.datetime:
    return value.replace(tzinfo=UTC)


def localdate(value: datetime.datetime, zone: str = "UTC") -> str:
    from zoneinfo import ZoneInfo
    return aware(value).astimezone(ZoneInfo(zone)).strftime("%-d %B %Y")


# --- cards and review attempts in the database ------------------------------------------

def cards_of(email) -> dict:
    """{(lesson slug, scenario id): ReviewCard}"""
    return query_db(lambda: {(c.lesson_slug, c.scenario_id): c for c in ReviewCard.select().join(Person)
                             .where(Person.email == email).order_by(ReviewCard.id)})


def card_rows(email=None):
    """Every card's moving parts, to prove nothing changed."""
    query = ReviewCard.select().order_by(ReviewCard.id)
    if email:
        query = query.join(Person).where(Person.email == email)
    return query_db(lambda: [(c.id, c.due, c.reviews, c.card, c.scenario_hash, c.retired_at) for c in query])


def review_attempts(email):
    return query_db(lambda: list(Attempt.select().join(Person)
                                 .where((Person.email == email) & (Attempt.kind == "review")).order_by(Attempt.id)))


# --- the home page and /review ----------------------------------------------------------

def home(client):
    """(reviews due today, practice streak, the page's text) from the home page."""
    response = client.get("/")
    assert response.status_code == 200
    text = text_of(response)
    due = re.search(r"(\d+) scenarios? due for review today", text)
    streak = re.search(r"Practice streak: (\d+) days?", text)
    assert due and streak, text
    return int(due.group(1)), int(streak.group(1)), text


def due_on_home(client):
    return home(client)[0]


def streak_on_home(client):
    return home(client)[1]


def open_review(client):
    """GET /review; returns (html, form fields, scenario id) of the question served."""
    response = client.get("/review")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "What would you do?" in html, text_of(html)
    fields = hidden_fields(html)
    assert set(fields) == {"csrf_token", "token", "card"} and fields["csrf_token"] == csrf_from(html)
    (group,) = radio_groups(html)
    return html, fields, group[len("answer-"):]


def answer_review(client, fields, scenario_id, choice_id):
    return client.post("/review", data={**fields, f"answer-{scenario_id}": choice_id})


def review_once(client, app, lesson_slug=None, right=True, course=COURSE):
    """Answer the question /review serves; returns (scenario id, response)."""
    html, fields, scenario_id = open_review(client)
    card = query_db(lambda: ReviewCard.get_by_id(int(fields["card"])))
    lesson = lesson_of(app, lesson_slug or card.lesson_slug, course)
    scenario = lesson.quiz.scenario(scenario_id)
    choice = scenario.best_choice if right else weak_choice(scenario)
    response = answer_review(client, fields, scenario_id, choice.id)
    assert response.status_code == 303, response.status_code
    return scenario_id, response


def is_empty_review_page(client):
    """(whether /review says nothing is due, the page's text)"""
    response = client.get("/review")
    assert response.status_code == 200
    text = text_of(response)
    return "Nothing is due for review right now." in text and "What would you do?" not in text, text
