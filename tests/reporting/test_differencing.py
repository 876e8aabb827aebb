"""Item analysis resists differencing (issue 13, item 4; the rule is in docs/privacy.md).

The attack of the issue: with 7 learners above the group size of 5, a trainer downloads the
analysis CSV, one learner submits, the trainer downloads it again and reads her choices off the
difference. Here the same attack is repeated over HTTP, the same day and on the days after, and
names none of her choices. Unit tests pin the stepping rule itself: days, waiting days, zones.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
import secrets

import pytest
from werkzeug.security import generate_password_hash

from course.data.db import db
from course.data.models import Person
from course.learning.attempts import FormToken, grade, record_attempt
from course.reporting import publication
from course.time import frozen_at, utcnow
from helpers.app import make_app
from helpers.content import LESSON
from helpers.http import sign_in
from helpers.people import seed_people

UTC = datetime.timezone.utc
MONDAY = datetime.datetime(2026, 11, 16, 12, 0, tzinfo=UTC)   # noon, the site's "today" in the tests
PASSWORD = "differencing-pw-1"
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")

# Four scenarios, three choices each: the newcomer picks the choices nobody else picked.
QUIZ = "---\npass_score: 0.5\n---\n" + "\n".join(f"""
## Scenario {n} {{#s{n}}}
Something happens at work, case {n}.

- [x] Ask what they noticed, case {n}. {{ask #s{n}-ask}}
  > Asking first.
- [ ] Tell them what to do, case {n}. {{tell #s{n}-tell}}
  > Telling.
- [ ] Report it upwards, case {n}. {{go-around #s{n}-report}}
  > Going around.
""" for n in range(1, 5))
CROWD = {f"s{n}": f"s{n}-ask" for n in range(1, 5)}                 # what the 7 learners pick
NEWCOMER = {f"s{n}": f"s{n}-report" for n in range(1, 5)}           # what only she picks

TALK = """
---
type: conversation
pass_score: 0.5
---
## Asked for help {#start}
A colleague asks you to fix their spreadsheet.

- [x] Ask what they have tried so far. {ask #ask} -> good-end
  > They do the thinking.
- [ ] Fix it for them. {rescue #rescue} -> bad-end
  > They will be back tomorrow.

## They fix it {#good-end}
They find the broken formula themselves.

## Back tomorrow {#bad-end}
The same question comes back the next day.
"""


class Clock:
    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


@pytest.fixture
def site(tree, database_url):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="Four scenarios"))
    tree.write("quizzes/demo/first.md", QUIZ)
    tree.write("lessons/demo/02-talk.md", LESSON.format(title="A conversation"))
    tree.write("quizzes/demo/talk.md", TALK)
    clock = Clock(MONDAY)
    app = make_app(database_url, tree.root, CLOCK=clock)
    seed_people(app)
    app.clock = clock
    yield app
    app.extensions["peewee"].close_all()


def add_learners(app, n, prefix):
    rows = [{"email": f"{prefix}-{i}@diff.example", "name": f"{prefix} {i}", "role": "learner",
             "password_hash": PASSWORD_HASH, "active": True, "session_version": 1, "created_at": utcnow()}
            for i in range(n)]
    with app.app_context(), db.connection_context():
        Person.insert_many(rows).execute()
    return [row["email"] for row in rows]


def record(app, email, slug, answers, when):
    with app.app_context(), db.connection_context(), frozen_at(lambda: when):
        lesson, _ = app.extensions["content"].catalog.find_lesson("demo", slug)
        person = Person.by_email(email)
        token = FormToken(person.id, "demo", lesson.slug, lesson.quiz.content_hash, secrets.token_urlsafe(18), utcnow())
        assert record_attempt(person, lesson, token, grade(lesson.quiz, answers))[1]


def take_over_http(app, email, slug, answers):
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    page = client.get(f"/courses/demo/{slug}/quiz").get_data(as_text=True)
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    assert data.get("token") and data.get("csrf_token")
    data.update({f"answer-{scenario}": choice for scenario, choice in answers.items()})
    assert client.post(f"/courses/demo/{slug}/quiz", data=data).status_code == 303


def trainer(app):
    client = app.test_client()
    assert sign_in(client, "trainer@example.com").status_code == 302
    return client


def download(client, slug="first"):
    response = client.get(f"/trainer/analysis/demo/{slug}.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def chosen(rows):
    """Times chosen per choice id, as the CSV shows them ('' when hidden)."""
    return {row["Choice id"]: row["Times chosen"] for row in rows if row["Choice id"]}


def named_by_difference(before, after):
    """What the issue's attacker reads off two downloads: per scenario, the one choice whose count
    went up by exactly one when the scenario's answers went up by exactly one."""
    named = {}
    b, a = chosen(before), chosen(after)
    for scenario in CROWD:
        ups = {cid: int(a[cid] or 0) - int(b.get(cid) or 0) for cid in a if cid.startswith(scenario + "-")}
        if sum(ups.values()) == 1:
            named[scenario] = next(cid for cid, up in ups.items() if up == 1)
    return named


def test_the_issues_attack_names_none_of_the_newcomers_choices(site):
    sunday = MONDAY - datetime.timedelta(days=1)
    for email in add_learners(site, 7, "crowd"):
        record(site, email, "first", CROWD, sunday)
    (newcomer,) = add_learners(site, 1, "newcomer")
    client = trainer(site)
    before = download(client)
    assert {row["Learners"] for row in before} == {"7"}, "the 7 learners of yesterday are published"
    page_before = client.get("/trainer/analysis/demo/first").get_data(as_text=True)

    # The attacker is competent: had the figures moved by her answers alone, it names all four.
    simulated = [dict(row, **{"Times chosen": str(int(row["Times chosen"]) + 1)})
                 if row["Choice id"] in NEWCOMER.values() else row for row in before]
    assert named_by_difference(before, simulated) == NEWCOMER

    take_over_http(site, newcomer, "first", NEWCOMER)           # the same day, over HTTP
    after = download(client)
    assert after == before
    assert named_by_difference(before, after) == {}
    page_after = client.get("/trainer/analysis/demo/first").get_data(as_text=True)
    figures = lambda html: re.findall(r"<dd>(.*?)</dd>|<td class=\"num\">(.*?)</td>", html)  # noqa: E731
    assert figures(page_after) == figures(page_before)

    # The next day and the one after: she is still the only newcomer, so nothing moves.
    for days in (1, 2):
        site.clock.moment = MONDAY + datetime.timedelta(days=days)
        later = download(client)
        assert later == before and named_by_difference(before, later) == {}

    # Four more learners (five newcomers in all): the figures move by five learners at once.
    wednesday = MONDAY + datetime.timedelta(days=2)
    for email in add_learners(site, 4, "late"):
        record(site, email, "first", CROWD, wednesday)
    assert download(client) == before, "Wednesday's answers wait for the end of Wednesday"
    site.clock.moment = MONDAY + datetime.timedelta(days=3)
    moved = download(client)
    assert {row["Learners"] for row in moved} == {"12"}
    assert named_by_difference(before, moved) == {}
    for n in range(1, 5):
        # Her pick is in the figures now, mixed with four others: 0 -> 1 of 5 newcomers.
        assert chosen(moved)[f"s{n}-report"] == "1" and chosen(moved)[f"s{n}-ask"] == "11"


def test_a_newcomers_retake_and_conversation_path_wait_as_well(site):
    sunday = MONDAY - datetime.timedelta(days=1)
    emails = add_learners(site, 6, "crowd")
    for email in emails:
        record(site, email, "first", CROWD, sunday)
        record(site, email, "talk", {"start": "ask"}, sunday)
    client = trainer(site)
    first, talk = download(client), client.get("/trainer/analysis/demo/talk").get_data(as_text=True)
    assert "They fix it" in talk and "6" in talk
    # A known learner retakes, and a newcomer plays the conversation: nothing shows today.
    take_over_http(site, emails[0], "first", NEWCOMER)
    (newcomer,) = add_learners(site, 1, "newcomer")
    take_over_http(site, newcomer, "talk", {"start": "rescue"})
    assert download(client) == first
    after = client.get("/trainer/analysis/demo/talk").get_data(as_text=True)
    assert "Back tomorrow" not in after and after.count("<td") == talk.count("<td")


# --- the stepping rule --------------------------------------------------------------------------

def _steps(app, moment, min_group=5):
    app.clock.moment = moment
    with app.test_request_context():
        return publication.Steps(min_group)


def _hours(counts_by_day, start=datetime.date(2026, 11, 10)):
    return [((start + datetime.timedelta(days=i)).strftime("%Y-%m-%d") + " 10", n) for i, n in enumerate(counts_by_day)]


def test_days_with_too_few_newcomers_wait_for_the_next_step(site):
    steps = _steps(site, datetime.datetime(2026, 11, 16, 12, 0, tzinfo=UTC))
    assert steps.last_day == datetime.date(2026, 11, 15)
    # 10th: 3, 11th: 1, 12th: 2 (6 since nothing: a step), 13th: 4 (waits), 14th: 0, 15th: 1 (5: a step)
    assert steps.cutoff(_hours([3, 1, 2, 4, 0, 1])) == datetime.datetime(2026, 11, 16, 0, 0)
    assert steps.cutoff(_hours([3, 1, 2, 4])) == datetime.datetime(2026, 11, 13, 0, 0)
    assert steps.cutoff(_hours([3, 1])) is None
    # Today's newcomers never count, however many.
    assert steps.cutoff(_hours([0, 0, 0, 0, 0, 0, 50])) is None


@pytest.mark.parametrize("zone,point", [("UTC", datetime.datetime(2026, 11, 16, 0, 0)),
                                        ("Europe/Oslo", datetime.datetime(2026, 11, 15, 23, 0)),
                                        ("America/New_York", datetime.datetime(2026, 11, 16, 5, 0)),
                                        ("Asia/Kolkata", datetime.datetime(2026, 11, 15, 19, 0))])
def test_a_step_closes_at_the_sites_midnight_to_the_hour(site, zone, point):
    site.config["TIMEZONE"] = zone
    with site.test_request_context():
        assert publication.point_after(datetime.date(2026, 11, 15)) == point
        assert publication.day_closed_by(point) == datetime.date(2026, 11, 15)


def test_just_after_a_half_hour_midnight_the_day_before_is_not_closed_yet(site):
    site.config["TIMEZONE"] = "Asia/Kolkata"          # UTC+5:30: midnight is 18:30 UTC
    early = _steps(site, datetime.datetime(2026, 11, 15, 18, 40, tzinfo=UTC))   # 00:10 on the 16th
    assert early.last_day == datetime.date(2026, 11, 14)
    later = _steps(site, datetime.datetime(2026, 11, 15, 19, 0, tzinfo=UTC))
    assert later.last_day == datetime.date(2026, 11, 15)
