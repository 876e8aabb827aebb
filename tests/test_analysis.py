"""Item analysis and content health for trainers (issue "Trainers see where learners struggle").

Every expected figure below is worked out by hand from the answers the test
gives, and compared with what the page (and the CSV) shows. At least one test
takes the quizzes over HTTP end to end; the others write attempts through
course.attempts.record_attempt, the same function the quiz view calls.
"""
from __future__ import annotations

import csv
import datetime
import html as htmllib
import io
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from werkzeug.security import generate_password_hash

from course.learning.attempts import FormToken, grade, record_attempt
from course.data.db import db
from course.data.models import Person, Progress, utcnow
from course.time import frozen_at

from support import LESSON, make_app, recorded_sql, seed_people, sign_in

COURSE = "coaching-at-every-level"
PLAIN = "coaching-is-not-managing"
CONVERSATION = "coaching-up"

# Learners created in bulk all share this password; its hash is computed once.
LEARNER_PASSWORD = "analysis-learner-pw"
LEARNER_PASSWORD_HASH = generate_password_hash(LEARNER_PASSWORD)

# A three-scenario quiz whose choices carry explicit ids, so answers can be named.
TREE_QUIZ = """
---
pass_score: 0.5
---
## The missed deadline {#hard}
Ola has missed the weekly report deadline for the third time.

- [x] Ask Ola what got in the way this week. {ask #ask-ola}
  > Asking finds the cause before anyone guesses at it.
- [ ] Tell Ola the deadline is Friday at noon, no exceptions. {tell #tell-ola}
  > Telling repeats what Ola already knows.
- [ ] Report Ola to HR straight away. {go-around #escalate}
  > Going around Ola takes away the chance to fix it together.

## The long meeting {#mid}
Noor says the Monday meeting keeps running over.

- [x] Reflect back what Noor said and ask what she has tried. {listen #reflect}
  > Listening first shows Noor you take it seriously.
- [ ] Say that some people just like the sound of their own voice. {judge #judge-them}
  > Judging the others gives Noor nothing to work with.

## The better rota {#easy}
Kim suggests a rota that would cut overtime.

- [x] Thank Kim and ask how to try it next week. {thank #thank-kim}
  > Thanks first, then a small step, keeps ideas coming.
- [ ] Say you will think about it. {vague #later}
  > A vague answer tends to end the idea.
"""

BEST = {"hard": "ask-ola", "mid": "reflect", "easy": "thank-kim"}


# --- people and attempts ---------------------------------------------------------------

def add_learners(app, n, prefix="learner", name="Learner"):
    """n learners in one insert, all with LEARNER_PASSWORD; returns their emails in order."""
    rows = [{"email": f"{prefix}-{i:03d}@analysis.example", "name": f"{name} {prefix.title()} {i:03d}",
             "role": "learner", "password_hash": LEARNER_PASSWORD_HASH, "active": True,
             "session_version": 1, "created_at": utcnow()} for i in range(n)]
    with app.app_context(), db.connection_context():
        Person.insert_many(rows).execute()
    return [row["email"] for row in rows]


def lesson_of(app, slug, course="demo"):
    lesson, _ = app.extensions["content"].catalog.find_lesson(course, slug)
    assert lesson is not None and lesson.quiz is not None, slug
    return lesson


def yesterday():
    """Answers are recorded on yesterday's clock: figures include only past days (docs/privacy.md)."""
    return datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)


def record(app, email, slug, answers, course="demo"):
    """Record one quiz attempt the way the quiz view does, without HTTP (on yesterday's clock)."""
    with app.app_context(), db.connection_context(), frozen_at(yesterday):
        lesson = lesson_of(app, slug, course)
        person = Person.by_email(email)
        token = FormToken(person.id, course, lesson.slug, lesson.quiz.content_hash,
                          secrets.token_urlsafe(18), utcnow())
        attempt, created = record_attempt(person, lesson, token, grade(lesson.quiz, answers))
        assert created
        return attempt.id


def signed_in(app, email, password=LEARNER_PASSWORD):
    client = app.test_client()
    assert sign_in(client, email, password).status_code == 302, email
    return client


def trainer_client(app):
    return signed_in(app, "trainer@example.com", "coaching-demo")


class _Hidden(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value", "")


def take_quiz_over_http(client, slug, answers, course="demo"):
    """Open the quiz page, send its hidden fields back with the answers, like a browser."""
    url = f"/courses/{course}/{slug}/quiz"
    page = client.get(url)
    assert page.status_code == 200
    parser = _Hidden()
    parser.feed(page.get_data(as_text=True))
    assert parser.fields.get("token") and parser.fields.get("csrf_token")
    data = dict(parser.fields)
    data.update({f"answer-{scenario}": choice for scenario, choice in answers.items()})
    response = client.post(url, data=data)
    assert response.status_code == 303, response.status_code


# --- reading the pages -------------------------------------------------------------------

def text_of(fragment: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@dataclass
class ChoiceRow:
    text: str
    best: bool
    nobody: bool
    tag: str
    chosen: int
    share: int


@dataclass
class Section:
    scenario_id: str
    version: str
    earlier: bool
    hidden: bool
    flag: str
    figures: dict
    rows: list = field(default_factory=list)
    text: str = ""

    def row(self, starts):
        matches = [r for r in self.rows if r.text.startswith(starts)]
        assert len(matches) == 1, (starts, self.rows)
        return matches[0]


def sections(html: str) -> list[Section]:
    """Every scenario block of an item-analysis page, current ones first."""
    current, _, earlier = html.partition("<h2>Earlier wordings</h2>")
    out = []
    for part, is_earlier in ((current, False), (earlier, True)):
        for body in re.findall(r'<section class="scenario"[^>]*>(.*?)</section>', part, re.S):
            sid, version = re.search(r"id <code>(.*?)</code>.*?version <code>(.*?)</code>", body, re.S).groups()
            flag = re.search(r"<strong>Flag:</strong>(.*?)</p>", body, re.S)
            figures = {text_of(k): text_of(v) for k, v in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", body, re.S)}
            rows = []
            tbody = re.search(r"<tbody>(.*?)</tbody>", body, re.S)
            for tr in re.findall(r"<tr>(.*?)</tr>", tbody.group(1) if tbody else "", re.S):
                cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
                first = cells[0]
                label = text_of(re.sub(r'<(strong|span) class="badge[^"]*">.*?</\1>', "", first, flags=re.S))
                rows.append(ChoiceRow(label, "badge-best" in first, "Nobody picks this" in first,
                                      text_of(cells[1]), int(text_of(cells[2])), int(text_of(cells[3]).rstrip("%"))))
            out.append(Section(sid, version, is_earlier, '<p class="badge">Hidden</p>' in body,
                               text_of(flag.group(1)) if flag else "", figures, rows, text_of(body)))
    return out


def section(html, scenario_id, earlier=False):
    found = [s for s in sections(html) if s.scenario_id == scenario_id and s.earlier == earlier]
    assert len(found) == 1, (scenario_id, earlier, [(s.scenario_id, s.earlier) for s in sections(html)])
    return found[0]


def table_after(html: str, heading: str) -> list[list[str]]:
    """Body rows (as cell texts) of the first table after an <h3> heading."""
    start = html.index(f"<h3>{heading}</h3>")
    table = re.search(r"<tbody>(.*?)</tbody>", html[start:], re.S).group(1)
    return [[text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def csv_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


# --- fixtures ------------------------------------------------------------------------------

@pytest.fixture
def quiz_app(tree, database_url):
    """A one-lesson course with TREE_QUIZ; content reloads when a file changes."""
    tree.write("lessons/demo/01-first.md", LESSON.format(title="Meetings and deadlines"))
    tree.write("quizzes/demo/first.md", TREE_QUIZ)
    app = make_app(database_url, tree.root, CONTENT_RELOAD=True)
    seed_people(app)
    yield app
    app.extensions["peewee"].close_all()


def answers(hard="ask-ola", mid="reflect", easy="thank-kim"):
    return {"hard": hard, "mid": mid, "easy": easy}


# --- the figures of a plain quiz, over HTTP -------------------------------------------------

# Ten learners. Each entry: the answers of each of their attempts, in order.
HISTORY = {
    0: [answers()],
    1: [answers()],
    2: [answers()],
    3: [answers(hard="tell-ola"), answers()],
    4: [answers(hard="tell-ola"), answers()],
    5: [answers(hard="tell-ola"), answers()],
    6: [answers(hard="tell-ola", mid="judge-them"), answers()],
    7: [answers(hard="tell-ola", mid="judge-them"), answers(hard="tell-ola", mid="judge-them", easy="later")],
    8: [answers(hard="tell-ola", mid="judge-them")],
    9: [answers(hard="tell-ola", mid="judge-them")],
}
# Worked out by hand from HISTORY (15 attempts, one answer per scenario in each):
#  hard: first tries 10, best on the first try 3 (learners 0-2)        -> 30 %, "most learners miss this"
#        answers 15, best 3 + 4 retakes (3-6) = 7                        -> 47 %
#        ask-ola 7 (47 %), tell-ola 8 (53 %), escalate 0 (0 %, nobody picks it)
#  mid:  first tries 10, best on the first try 6 (0-5)                  -> 60 %, no flag
#        answers 15, best 6 + 4 retakes (3-6) = 10                       -> 67 %
#        reflect 10 (67 %), judge-them 5 (33 %)
#  easy: first tries 10, all best                                        -> 100 %, "may be too easy"
#        answers 15, best 14 (learner 7's retake chose "later")          -> 93 %
#        thank-kim 14 (93 %), later 1 (7 %)
EXPECTED = {
    "hard": {"learners": 10, "first": 30, "overall": 47, "answers": 15,
             "rows": [("Ask Ola", True, "Asked before telling", 7, 47, False),
                      ("Tell Ola", False, "Told the answer", 8, 53, False),
                      ("Report Ola", False, "Went around the person", 0, 0, True)],
             "flag": "Most learners miss this"},
    "mid": {"learners": 10, "first": 60, "overall": 67, "answers": 15,
            "rows": [("Reflect back", True, "Listened and reflected back", 10, 67, False),
                     ("Say that some", False, "Judged the person", 5, 33, False)],
            "flag": ""},
    "easy": {"learners": 10, "first": 100, "overall": 93, "answers": 15,
             "rows": [("Thank Kim", True, "Thanked the giver", 14, 93, False),
                      ("Say you will", False, "Gave vague praise or criticism", 1, 7, False)],
             "flag": "too easy"},
}


@pytest.fixture
def answered_over_http(quiz_app):
    emails = add_learners(quiz_app, len(HISTORY))
    quiz_app.config["CLOCK"] = yesterday      # taken yesterday, looked at today
    for index, attempts in HISTORY.items():
        client = signed_in(quiz_app, emails[index])
        for attempt in attempts:
            take_quiz_over_http(client, "first", attempt)
    quiz_app.config["CLOCK"] = None
    return quiz_app


def test_item_analysis_page_shows_hand_computed_figures_for_quizzes_taken_over_http(answered_over_http):
    html = get_ok(trainer_client(answered_over_http), "/trainer/analysis/demo/first")
    assert "Item analysis: Meetings and deadlines" in text_of(html)
    assert "10 learners with at least one attempt" in text_of(html)
    assert [s.scenario_id for s in sections(html)] == ["hard", "mid", "easy"]
    for scenario_id, want in EXPECTED.items():
        got = section(html, scenario_id)
        assert not got.hidden
        assert got.figures == {"Learners": str(want["learners"]), "Best on first try": f"{want['first']}%",
                               "Best over all attempts": f"{want['overall']}%", "Answers": str(want["answers"])}
        assert [(r.best, r.tag, r.chosen, r.share, r.nobody) for r in got.rows] == [w[1:] for w in want["rows"]]
        assert all(r.text.startswith(w[0]) for r, w in zip(got.rows, want["rows"])), got.rows
        if want["flag"]:
            assert want["flag"] in got.flag
        else:
            assert got.flag == ""
    assert section(html, "hard").flag == "Most learners miss this: check the wording and the answer key."
    assert section(html, "easy").flag == "Almost everyone gets this right first time: it may be too easy."
    assert "Earlier wordings" not in html


def test_only_the_choice_nobody_picks_is_marked(answered_over_http):
    html = get_ok(trainer_client(answered_over_http), "/trainer/analysis/demo/first")
    marked = [(s.scenario_id, r.text) for s in sections(html) for r in s.rows if r.nobody]
    assert marked == [("hard", "Report Ola to HR straight away.")]
    assert text_of(html).count("Nobody picks this") == 1


def test_the_index_lists_each_quiz_with_its_number_of_learners(answered_over_http):
    html = get_ok(trainer_client(answered_over_http), "/trainer/analysis/")
    rows = [[text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1), re.S)]
    assert rows == [["Meetings and deadlines", "Demo course", "Scenarios", "10"]]
    assert 'href="/trainer/analysis/demo/first"' in html


def test_the_csv_carries_the_same_numbers_as_the_page(answered_over_http):
    client = trainer_client(answered_over_http)
    html = get_ok(client, "/trainer/analysis/demo/first")
    response = client.get("/trainer/analysis/demo/first.csv")
    assert re.search(r'filename="item-analysis-demo-first-\d{4}-\d{2}-\d{2}\.csv"',
                     response.headers["Content-Disposition"])
    rows = csv_rows(client, "/trainer/analysis/demo/first.csv")
    assert list(rows[0]) == ["Scenario id", "Scenario", "Version", "Current version", "Learners",
                             "Best on first try %", "Best over all attempts %", "Choice id", "Choice", "Tag",
                             "Best choice", "Times chosen", "Share %"]
    assert len(rows) == 3 + 2 + 2
    for scenario_id in ("hard", "mid", "easy"):
        page = section(html, scenario_id)
        mine = [r for r in rows if r["Scenario id"] == scenario_id]
        assert {r["Version"] for r in mine} == {page.version}
        assert {r["Current version"] for r in mine} == {"yes"}
        assert {r["Learners"] for r in mine} == {page.figures["Learners"]}
        assert {r["Best on first try %"] + "%" for r in mine} == {page.figures["Best on first try"]}
        assert {r["Best over all attempts %"] + "%" for r in mine} == {page.figures["Best over all attempts"]}
        assert [(r["Choice"], r["Best choice"] == "yes", int(r["Times chosen"]), int(r["Share %"])) for r in mine] \
            == [(p.text, p.best, p.chosen, p.share) for p in page.rows]
    by_id = {r["Choice id"]: r for r in rows}
    assert (by_id["escalate"]["Times chosen"], by_id["escalate"]["Tag"]) == ("0", "go-around")
    assert (by_id["tell-ola"]["Times chosen"], by_id["tell-ola"]["Share %"]) == ("8", "53")


def test_a_miss_on_the_first_try_counts_as_a_miss_even_after_a_perfect_retake(quiz_app):
    emails = add_learners(quiz_app, 5)
    for email in emails:
        record(quiz_app, email, "first", answers(hard="tell-ola"))
        record(quiz_app, email, "first", answers())
    html = get_ok(trainer_client(quiz_app), "/trainer/analysis/demo/first")
    hard = section(html, "hard")
    # 5 first tries, none best: 0 %. 10 answers, 5 best: 50 %.
    assert hard.figures == {"Learners": "5", "Best on first try": "0%", "Best over all attempts": "50%",
                            "Answers": "10"}
    assert hard.flag.startswith("Most learners miss this")
    assert [(r.chosen, r.share) for r in hard.rows] == [(5, 50), (5, 50), (0, 0)]
    # The scenario they got right both times is flagged the other way.
    mid = section(html, "mid")
    assert mid.figures["Best on first try"] == "100%" and mid.figures["Best over all attempts"] == "100%"
    assert "too easy" in mid.flag


def test_flags_sit_at_the_documented_thresholds(tree, database_url):
    """Under 40 % best on the first try: hard; 40 % is not. 95 % or more: too easy; 90 % is not."""
    tree.write("lessons/demo/01-first.md", LESSON.format(title="Thresholds"))
    tree.write("quizzes/demo/first.md", TREE_QUIZ)
    app = make_app(database_url, tree.root)
    seed_people(app)
    emails = add_learners(app, 20)
    # hard: 8 of 20 best (40 %); mid: 7 of 20 (35 %); easy: 19 of 20 (95 %).
    for i, email in enumerate(emails):
        record(app, email, "first", answers(hard="ask-ola" if i < 8 else "tell-ola",
                                            mid="reflect" if i < 7 else "judge-them",
                                            easy="thank-kim" if i < 19 else "later"))
    html = get_ok(trainer_client(app), "/trainer/analysis/demo/first")
    assert section(html, "hard").figures["Best on first try"] == "40%" and section(html, "hard").flag == ""
    assert section(html, "mid").figures["Best on first try"] == "35%"
    assert section(html, "mid").flag.startswith("Most learners miss this")
    assert section(html, "easy").figures["Best on first try"] == "95%" and "too easy" in section(html, "easy").flag
    # One more learner misses the easy one: 19 of 21 is 90 %, no longer flagged.
    (extra,) = add_learners(app, 1, prefix="extra")
    record(app, extra, "first", answers(easy="later"))
    html = get_ok(trainer_client(app), "/trainer/analysis/demo/first")
    assert section(html, "easy").figures["Best on first try"] == "90%" and section(html, "easy").flag == ""


# --- versions ------------------------------------------------------------------------------

def reword(tree, old, new, relpath="quizzes/demo/first.md"):
    path = os.path.join(tree.root, relpath)
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert old in text
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace(old, new))
    stamp = time.time() + 10
    os.utime(path, (stamp, stamp))


def test_a_reworded_scenario_starts_from_zero_and_keeps_its_earlier_figures(quiz_app, tree):
    emails = add_learners(quiz_app, 6)
    # Version 1 of "hard": 2 of 6 best on the first try.
    for i, email in enumerate(emails):
        record(quiz_app, email, "first", answers(hard="ask-ola" if i < 2 else "tell-ola"))
    client = trainer_client(quiz_app)
    first_page = get_ok(client, "/trainer/analysis/demo/first")
    before, mid_before = section(first_page, "hard"), section(first_page, "mid")
    assert before.figures["Learners"] == "6" and before.figures["Best on first try"] == "33%"

    reword(tree, "for the third time.", "for the third time this month.")
    html = get_ok(client, "/trainer/analysis/demo/first")
    now = section(html, "hard")
    assert now.version != before.version
    assert now.hidden and "Nobody has answered this version yet" in now.text
    assert "Learners" not in now.figures and now.rows == []
    assert "Earlier wordings" in html
    old = section(html, "hard", earlier=True)
    assert old.version == before.version and not old.hidden
    assert old.figures == {"Learners": "6", "Best on first try": "33%", "Best over all attempts": "33%",
                           "Answers": "6"}
    assert sorted(r.chosen for r in old.rows) == [2, 4]
    # Scenarios left as they were keep their figures and are not repeated as earlier wordings.
    assert section(html, "mid").version == mid_before.version
    assert section(html, "mid").figures["Learners"] == "6" and section(html, "easy").figures["Learners"] == "6"
    assert [s.scenario_id for s in sections(html) if s.earlier] == ["hard"]

    # The same learners answer the new wording: it counts them afresh, from their first try at it.
    for i, email in enumerate(emails[:5]):
        record(quiz_app, email, "first", answers(hard="ask-ola" if i < 4 else "escalate"))
    html = get_ok(client, "/trainer/analysis/demo/first")
    now = section(html, "hard")
    assert now.figures == {"Learners": "5", "Best on first try": "80%", "Best over all attempts": "80%",
                           "Answers": "5"}
    assert [(r.text.split()[0], r.chosen) for r in now.rows] == [("Ask", 4), ("Tell", 0), ("Report", 1)]
    assert now.row("Tell Ola").nobody
    assert section(html, "hard", earlier=True).figures["Learners"] == "6"
    # Scenarios not reworded now have 6 + 5 answers from 6 learners.
    assert section(html, "mid").figures["Learners"] == "6" and section(html, "mid").figures["Answers"] == "11"

    rows = csv_rows(client, "/trainer/analysis/demo/first.csv")
    hard_rows = [r for r in rows if r["Scenario id"] == "hard"]
    assert {(r["Version"], r["Current version"], r["Learners"]) for r in hard_rows} == {
        (now.version, "yes", "5"), (before.version, "no", "6")}


def test_an_earlier_wording_still_shows_which_choice_was_best(quiz_app, tree):
    emails = add_learners(quiz_app, 5)
    for i, email in enumerate(emails):
        record(quiz_app, email, "first", answers(hard="ask-ola" if i < 3 else "tell-ola"))
    reword(tree, "for the third time.", "for the fourth time.")
    client = trainer_client(quiz_app)
    rows = [r for r in csv_rows(client, "/trainer/analysis/demo/first.csv")
            if r["Scenario id"] == "hard" and r["Current version"] == "no"]
    assert rows and rows[0]["Best over all attempts %"] == "60"
    assert {r["Choice id"]: r["Best choice"] for r in rows} == {"ask-ola": "yes", "tell-ola": "no"}
    old = section(get_ok(client, "/trainer/analysis/demo/first"), "hard", earlier=True)
    assert "no longer in the quiz" not in old.text


def test_the_same_scenario_in_two_quizzes_of_a_course_counts_first_tries_in_each(tree, database_url):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("lessons/demo/02-recap.md", LESSON.format(title="Recap"))
    tree.write("quizzes/demo/first.md", TREE_QUIZ)
    tree.write("quizzes/demo/recap.md", TREE_QUIZ)      # a recap quiz reusing the same scenarios
    app = make_app(database_url, tree.root)
    seed_people(app)
    for email in add_learners(app, 5):
        record(app, email, "first", answers())
        record(app, email, "recap", answers(hard="tell-ola"))
    html = get_ok(trainer_client(app), "/trainer/analysis/demo/recap")
    hard = section(html, "hard")
    assert not hard.hidden
    assert hard.figures["Learners"] == "5" and hard.figures["Best on first try"] == "0%"


def test_the_index_counts_a_learner_once_after_a_lesson_is_renamed(tree, database_url):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("quizzes/demo/first.md", TREE_QUIZ)
    app = make_app(database_url, tree.root, CONTENT_RELOAD=True)
    seed_people(app)
    (email,) = add_learners(app, 1)
    record(app, email, "first", answers())
    # The lesson is renamed; its old slug becomes an alias.
    tree.remove("lessons/demo/01-first.md")
    tree.remove("quizzes/demo/first.md")
    tree.write("lessons/demo/01-renamed.md", LESSON.format(title="Renamed").replace(
        "minutes: 4", "minutes: 4\naliases:\n  - first"))
    tree.write("quizzes/demo/renamed.md", TREE_QUIZ)
    stamp = time.time() + 10
    for relpath in ("lessons/demo/01-renamed.md", "quizzes/demo/renamed.md"):
        os.utime(os.path.join(tree.root, relpath), (stamp, stamp))
    record(app, email, "renamed", answers())
    client = trainer_client(app)
    assert "1 learner with at least one attempt" in text_of(get_ok(client, "/trainer/analysis/demo/renamed"))
    index = get_ok(client, "/trainer/analysis/")
    row = re.search(r"<tr>\s*<th scope=\"row\"><a[^>]*>Renamed</a>.*?</tr>", index, re.S).group(0)
    assert text_of(row).endswith(" 1")


# --- a branching conversation (the real course) --------------------------------------------

def _path(quiz, tags):
    """Answers along a conversation, choosing the choice with each tag in turn."""
    out, scene = {}, quiz.scenarios[0]
    for tag in tags:
        choice = next(c for c in scene.choices if c.tag == tag)
        out[scene.id] = choice.id
        scene = quiz.scenario(choice.next_scene)
    assert scene.is_end
    return out


BEST_PATH = ("ask", "shared-goal", "specific")            # station -> makes time -> listens -> trial
ROUGH_PATH = ("complain", "ask", "specific")              # station -> bristles -> listens -> trial
VAGUE_PATH = ("ask", "vague", "stay-silent")              # station -> makes time -> shrugs -> noted


def test_conversation_analysis_shows_paths_taken_and_where_conversations_end(seeded):
    app = seeded
    quiz = lesson_of(app, CONVERSATION, COURSE).quiz
    emails = add_learners(app, 8)
    plan = {0: [BEST_PATH], 1: [BEST_PATH], 2: [BEST_PATH], 3: [BEST_PATH], 4: [BEST_PATH],
            5: [ROUGH_PATH], 6: [ROUGH_PATH], 7: [VAGUE_PATH, BEST_PATH]}
    for index, paths in plan.items():
        for tags in paths:
            record(app, emails[index], CONVERSATION, _path(quiz, tags), course=COURSE)
    trainer = trainer_client(app)
    html = get_ok(trainer, f"/trainer/analysis/{COURSE}/{CONVERSATION}")
    assert "8 learners with at least one attempt" in text_of(html)
    assert "How learners move through the conversation" in html and "paths are hidden" not in html
    # Endings, by distinct learner: 8 reached the trial (learner 7 on the retake), 1 ended noted.
    assert table_after(html, "Where conversations end") == [["A two-week trial", "8"],
                                                            ["Noted, nothing changes", "fewer than 5"]]
    titles = lambda *ids: " → ".join(quiz.scenario(i).title for i in ids)  # noqa: E731
    assert table_after(html, "Paths taken") == [
        [titles("grace-at-the-station", "grace-makes-time", "grace-listens", "end-trial-agreed"), "6"],
        [titles("grace-at-the-station", "grace-bristles", "grace-listens", "end-trial-agreed"), "fewer than 5"],
        [titles("grace-at-the-station", "grace-makes-time", "grace-shrugs", "end-noted-not-acted"), "fewer than 5"],
    ]
    # Scenes: the first scene was answered 9 times by 8 learners; 6 chose the best first time
    # (0-4 and 7), and 7 of the 9 answers were best.
    station = section(html, "grace-at-the-station")
    assert station.figures == {"Learners": "8", "Best on first try": "75%", "Best over all attempts": "78%",
                               "Answers": "9"}
    assert [(r.tag, r.chosen, r.nobody) for r in station.rows] == [
        ("Complained without a proposal", 2, False), ("Asked before telling", 7, False),
        ("Went around the person", 0, True)]
    # "Grace makes time": learners 0-4 and 7 (twice): 6 learners, 5 best first tries.
    makes_time = section(html, "grace-makes-time")
    assert makes_time.figures == {"Learners": "6", "Best on first try": "83%", "Best over all attempts": "86%",
                                  "Answers": "7"}
    # Scenes fewer than 5 learners reached are hidden; end scenes have no figures at all.
    assert section(html, "grace-bristles").hidden and section(html, "grace-shrugs").hidden
    assert section(html, "grace-hears-secondhand").hidden
    assert "Nobody has answered this version yet" in section(html, "grace-hears-secondhand").text
    assert "end-trial-agreed" not in {s.scenario_id for s in sections(html)}
    listens = section(html, "grace-listens")
    assert listens.figures["Learners"] == "8" and listens.figures["Best on first try"] == "100%"
    assert "too easy" in listens.flag
    # The CSV has the same per-scene numbers, and no figures for the hidden scenes.
    rows = csv_rows(trainer, f"/trainer/analysis/{COURSE}/{CONVERSATION}.csv")
    assert [(r["Choice id"], r["Learners"], r["Best on first try %"], r["Best over all attempts %"], r["Times chosen"],
             r["Share %"]) for r in rows if r["Scenario id"] == "grace-at-the-station"] == [
        (c.id, "8", "75", "78", str(n), str(round(100 * n / 9))) for c, n in zip(quiz.scenario("grace-at-the-station").choices,
                                                                            (2, 7, 0))]
    assert {r["Learners"] for r in rows if r["Scenario id"] == "grace-bristles"} == {"fewer than 5"}
    assert {r["Scenario id"] for r in rows} == {s.id for s in quiz.scenarios if not s.is_end}


def test_conversation_paths_are_hidden_below_the_group_size(seeded):
    quiz = lesson_of(seeded, CONVERSATION, COURSE).quiz
    for email in add_learners(seeded, 4):
        record(seeded, email, CONVERSATION, _path(quiz, BEST_PATH), course=COURSE)
    html = get_ok(trainer_client(seeded), f"/trainer/analysis/{COURSE}/{CONVERSATION}")
    assert "Fewer than 5 learners have played this version of the conversation; paths are hidden." in text_of(html)
    assert "<h3>Paths taken</h3>" not in html and "<h3>Where conversations end</h3>" not in html
    assert all(s.hidden for s in sections(html))


# --- CSV safety ----------------------------------------------------------------------------

INJECTION_QUIZ = """
---
pass_score: 0.5
---
## =HYPERLINK("http://evil.example","Click") {#formula}
A cell that starts with an equals sign.

- [x] =1+1 and ask what they think. {ask #sum}
  > Feedback.
- [ ] @SUM(A1:A9) tell them. {tell #at-sign}
  > Feedback.
- [ ] +cmd|' /C calc'!A0 {stay-silent #plus}
  > Feedback.
- [ ] -2+3 say nothing. {vague #minus}
  > Feedback.
"""


def test_csv_neutralises_formulas_in_choice_and_scenario_text(tree, database_url):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="Formulas"))
    tree.write("quizzes/demo/first.md", INJECTION_QUIZ)
    app = make_app(database_url, tree.root)
    seed_people(app)
    for i, email in enumerate(add_learners(app, 5)):
        record(app, email, "first", {"formula": ["sum", "at-sign", "plus", "minus", "sum"][i]})
    client = trainer_client(app)
    response = client.get("/trainer/analysis/demo/first.csv")
    raw = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(raw)))
    by_id = {r["Choice id"]: r for r in rows}
    assert by_id["sum"]["Choice"] == "'=1+1 and ask what they think."
    assert by_id["at-sign"]["Choice"] == "'@SUM(A1:A9) tell them."
    assert by_id["plus"]["Choice"].startswith("'+cmd")
    assert by_id["minus"]["Choice"] == "'-2+3 say nothing."
    assert {r["Scenario"] for r in rows} == {"'=HYPERLINK(\"http://evil.example\",\"Click\")"}
    # No cell of the file starts with a formula character.
    for row in csv.reader(io.StringIO(raw)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    # The figures are untouched: 2 of 5 chose "sum".
    assert (by_id["sum"]["Times chosen"], by_id["sum"]["Share %"], by_id["sum"]["Learners"]) == ("2", "40", "5")


# --- query count ---------------------------------------------------------------------------

def count_queries(app, client, url, monkeypatch):
    with recorded_sql(app) as executed:
        response = client.get(url)
        body = response.get_data()        # a streamed CSV runs its generator here
    assert response.status_code == 200 and body
    return executed


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

QUERY_URLS = ("/trainer/analysis/demo/first", "/trainer/analysis/demo/first.csv", "/trainer/analysis/demo/talk",
              "/trainer/analysis/demo/talk.csv", "/trainer/analysis/", "/trainer/health")


def _queries_with(tree, database_url, learners, monkeypatch):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    tree.write("lessons/demo/02-talk.md", LESSON.format(title="Talk"))
    tree.write("quizzes/demo/first.md", TREE_QUIZ)
    tree.write("quizzes/demo/talk.md", TALK)
    app = make_app(database_url, tree.root)
    try:
        seed_people(app)
        for i, email in enumerate(add_learners(app, learners)):
            record(app, email, "first", answers(hard=["ask-ola", "tell-ola", "escalate"][i % 3]))
            record(app, email, "talk", {"start": "ask" if i % 4 else "rescue"})
            if i % 2:
                record(app, email, "first", answers())
        client = trainer_client(app)
        client.get("/trainer/analysis/demo/first")      # warm up: the first request may differ
        counts = {url: len(count_queries(app, client, url, monkeypatch)) for url in QUERY_URLS}
        page = get_ok(client, "/trainer/analysis/demo/first")
        assert section(page, "hard").figures["Learners"] == str(learners)
        talk = get_ok(client, "/trainer/analysis/demo/talk")
        good = sum(1 for i in range(learners) if i % 4)     # 4 of 6, 45 of 60
        assert ["They fix it", str(good) if good >= 5 else "fewer than 5"] in table_after(talk, "Where conversations end")
        return counts
    finally:
        app.extensions["peewee"].close_all()


def test_the_number_of_queries_does_not_grow_with_the_number_of_learners(tree, database_url, tmp_path,
                                                                         monkeypatch):
    urls = {}
    if database_url.startswith("sqlite"):
        urls = {n: f"sqlite:///{tmp_path / f'queries-{n}.sqlite3'}" for n in (6, 60)}
    else:
        from support import reset_postgres
        urls = {6: database_url, 60: database_url}
    few = _queries_with(tree, urls[6], 6, monkeypatch)
    if not database_url.startswith("sqlite"):
        reset_postgres(database_url)
    many = _queries_with(tree, urls[60], 60, monkeypatch)
    assert few == many, (few, many)
    # Loading the trainer, then two grouped queries (three for a conversation).
    assert few["/trainer/analysis/demo/first"] <= 4 and few["/trainer/analysis/demo/talk"] <= 5, few


# --- content health ------------------------------------------------------------------------

HEALTH_LESSONS = {
    # slug: (title, front matter extra)
    "01-reading": ("Reading lesson", ""),
    "02-dropping": ("Dropping lesson", ""),
    "03-half": ("Half lesson", ""),
    "04-few": ("Few lesson", ""),
    "05-unfinished": ("Unfinished draft", "draft: true"),
}

NO_ID_QUIZ = """
---
pass_score: 0.5
---
## A scenario without an id
Something happened.

- [x] Ask about it. {ask}
  > Good.
- [ ] Tell them. {tell}
  > Less good.
"""


@pytest.fixture
def health_app(tree, database_url):
    for name, (title, extra) in HEALTH_LESSONS.items():
        text = LESSON.format(title=title)
        if extra:
            text = text.replace("minutes: 4", f"minutes: 4\n{extra}")
        tree.write(f"lessons/demo/{name}.md", text)
    tree.write("quizzes/demo/reading.md", NO_ID_QUIZ)
    app = make_app(database_url, tree.root)
    seed_people(app)
    yield app
    app.extensions["peewee"].close_all()


def _progress(app, emails, slug, minutes):
    """One progress row per learner; minutes None means opened but never completed."""
    start = datetime.datetime(2026, 11, 2, 9, 0)
    with app.app_context(), db.connection_context():
        ids = {p.email: p.id for p in Person.select().where(Person.email.in_(emails))}
        Progress.insert_many([
            {"person": ids[email], "course_slug": "demo", "lesson_slug": slug, "content_hash": "x",
             "opened_at": start, "last_visit_at": start,
             "completed_at": None if m is None else start + datetime.timedelta(minutes=m),
             "passed_at": None, "best_score": None}
            for email, m in zip(emails, minutes)]).execute()


def health_row(html, title):
    row = re.search(r"<tr>\s*<th scope=\"row\">" + re.escape(title) + r".*?</tr>", html, re.S).group(0)
    cells = [text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
    keys = ["lesson", "opened", "completed", "drop-off", "stated", "median", "average", "flags"]
    return dict(zip(keys, cells))


def test_content_health_lists_warnings_drafts_drop_off_and_reading_time(health_app):
    app = health_app
    emails = add_learners(app, 7)
    # Reading lesson (4 minutes stated): 7 completed; one took 3 hours (a learner coming back
    # later, not reading), so times are 5, 7, 9, 10, 12, 30: median 9.5, mean 73 / 6 = 12.2.
    _progress(app, emails, "reading", [5, 7, 9, 10, 12, 30, 180])
    # Dropping: 6 opened, 2 completed: 67 % drop-off, flagged.
    _progress(app, emails[:6], "dropping", [3, 4, None, None, None, None])
    # Half: 6 opened, 3 completed: exactly 50 %, not "more than half".
    _progress(app, emails[:6], "half", [3, 4, 5, None, None, None])
    # Few: 4 opened, none completed: too few to flag.
    _progress(app, emails[:4], "few", [None, None, None, None])

    html = get_ok(trainer_client(app), "/trainer/health")
    text = text_of(html)
    # Content check warnings: the scenario without an {#id}.
    warnings = text[text.index("Content check warnings"):text.index("Drafts awaiting publication")]
    assert "quizzes/demo/reading.md:4" in warnings
    assert "scenario 'A scenario without an id' has no {#id}" in warnings
    assert "(add {#a-scenario-without-an-id})" in warnings
    # Drafts awaiting publication.
    drafts = text[text.index("Drafts awaiting publication"):text.index("Demo course: drop-off and reading time")]
    assert re.search(r"Unfinished draft \(Demo course, lessons/demo/05-unfinished\.md ?\)", drafts), drafts
    assert "Reading lesson" not in drafts
    assert 'href="/trainer/preview/demo/unfinished"' in html

    assert health_row(html, "Reading lesson") == {
        "lesson": "Reading lesson", "opened": "7", "completed": "7", "drop-off": "0%", "stated": "4",
        "median": "9.5", "average": "12.2", "flags": "Takes much longer than stated"}
    assert health_row(html, "Dropping lesson") == {
        "lesson": "Dropping lesson", "opened": "6", "completed": "2", "drop-off": "67%", "stated": "4",
        "median": "–", "average": "–", "flags": "High drop-off"}
    assert health_row(html, "Half lesson")["drop-off"] == "50%" and health_row(html, "Half lesson")["flags"] == ""
    assert health_row(html, "Few lesson")["drop-off"] == "100%" and health_row(html, "Few lesson")["flags"] == ""
    assert health_row(html, "Unfinished draft (draft)")["opened"] == "0"


def test_reading_time_within_the_stated_minutes_is_not_flagged(health_app):
    emails = add_learners(health_app, 5)
    _progress(health_app, emails, "reading", [2, 3, 4, 6, 8])      # median 4, mean 4.6; 4 stated
    row = health_row(get_ok(trainer_client(health_app), "/trainer/health"), "Reading lesson")
    assert (row["median"], row["average"], row["flags"]) == ("4.0", "4.6", "")


def test_a_clean_tree_has_no_warnings_and_no_drafts(quiz_app):
    text = text_of(get_ok(trainer_client(quiz_app), "/trainer/health"))
    assert "None: flask --app app content check is clean." in text
    assert "No drafts." in text


# --- who can reach the trainer pages ---------------------------------------------------------

TRAINER_PAGES = ["/trainer/analysis/", f"/trainer/analysis/{COURSE}/{PLAIN}", f"/trainer/analysis/{COURSE}/{PLAIN}.csv",
                 f"/trainer/analysis/{COURSE}/{CONVERSATION}", f"/trainer/analysis/{COURSE}/{CONVERSATION}.csv",
                 "/trainer/health"]


@pytest.mark.parametrize("url", TRAINER_PAGES)
def test_the_demo_trainer_and_admin_reach_analysis_pages_learner_and_manager_get_403(clients, url):
    for role in ("trainer", "admin"):
        assert clients[role].get(url).status_code == 200, role
    for role in ("learner", "manager"):
        assert clients[role].get(url).status_code == 403, role
    anonymous = clients["anonymous"].get(url)
    assert anonymous.status_code == 302 and "/auth/sign-in" in anonymous.headers["Location"]


def test_the_trainer_content_page_links_to_analysis_and_health(clients):
    html = get_ok(clients["trainer"], "/trainer/")
    assert 'href="/trainer/analysis/"' in html and 'href="/trainer/health"' in html


def test_unknown_quizzes_and_lessons_without_a_quiz_are_not_found(clients):
    trainer = clients["trainer"]
    assert trainer.get(f"/trainer/analysis/{COURSE}/no-such-lesson").status_code == 404
    assert trainer.get(f"/trainer/analysis/no-such-course/{PLAIN}").status_code == 404
    assert trainer.get(f"/trainer/analysis/{COURSE}/no-such-lesson.csv").status_code == 404


def test_the_real_course_with_no_attempts_hides_every_scenario(clients):
    html = get_ok(clients["trainer"], f"/trainer/analysis/{COURSE}/{PLAIN}")
    found = sections(html)
    assert found and all(s.hidden for s in found)
    assert "0 learners with at least one attempt" in text_of(html)
