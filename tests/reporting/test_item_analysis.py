"""Item analysis for trainers (issue "Trainers see where learners struggle"): each
scenario's figures, its versions, the CSV, query counts, and who may see the pages.

Every expected figure below is worked out by hand from the answers the test
gives, and compared with what the page (and the CSV) shows. At least one test
takes the quizzes over HTTP end to end; the others write attempts through
course.attempts.record_attempt, the same function the quiz view calls.
Conversations and content health have files of their own beside this one.
"""
from __future__ import annotations

import csv
import io
import os
import re
import time

import pytest

from helpers.analysis import (LEARNER_PASSWORD, TREE_QUIZ, add_learners, yesterday, answers, csv_rows, get_ok, record, reword,
                              section, sections, table_after, trainer_client)
from helpers.app import make_app, reset_postgres
from helpers.content import COURSE, CONVERSATION, LESSON, PLAIN
from helpers.http import signed_in
from helpers.pages import plain
from helpers.people import seed_people
from helpers.quiz import take_quiz
from helpers.sql import count_queries


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
        client = signed_in(quiz_app, emails[index], LEARNER_PASSWORD)
        for attempt in attempts:
            take_quiz(client, "first", attempt, course="demo")
    quiz_app.config["CLOCK"] = None
    return quiz_app


def test_item_analysis_page_shows_hand_computed_figures_for_quizzes_taken_over_http(answered_over_http):
    html = get_ok(trainer_client(answered_over_http), "/trainer/analysis/demo/first")
    assert "Item analysis: Meetings and deadlines" in plain(html)
    assert "10 learners with at least one attempt" in plain(html)
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
    assert plain(html).count("Nobody picks this") == 1


def test_the_index_lists_each_quiz_with_its_number_of_learners(answered_over_http):
    html = get_ok(trainer_client(answered_over_http), "/trainer/analysis/")
    rows = [[plain(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
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
    assert "1 learner with at least one attempt" in plain(get_ok(client, "/trainer/analysis/demo/renamed"))
    index = get_ok(client, "/trainer/analysis/")
    row = re.search(r"<tr>\s*<th scope=\"row\"><a[^>]*>Renamed</a>.*?</tr>", index, re.S).group(0)
    assert plain(row).endswith(" 1")


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


def _queries_with(tree, database_url, learners):
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
        counts = {url: count_queries(app, client, url) for url in QUERY_URLS}
        page = get_ok(client, "/trainer/analysis/demo/first")
        assert section(page, "hard").figures["Learners"] == str(learners)
        talk = get_ok(client, "/trainer/analysis/demo/talk")
        good = sum(1 for i in range(learners) if i % 4)     # 4 of 6, 45 of 60
        assert ["They fix it", str(good) if good >= 5 else "fewer than 5"] in table_after(talk, "Where conversations end")
        return counts
    finally:
        app.extensions["peewee"].close_all()


def test_the_number_of_queries_does_not_grow_with_the_number_of_learners(tree, database_url, tmp_path):
    urls = {}
    if database_url.startswith("sqlite"):
        urls = {n: f"sqlite:///{tmp_path / f'queries-{n}.sqlite3'}" for n in (6, 60)}
    else:

        urls = {6: database_url, 60: database_url}
    few = _queries_with(tree, urls[6], 6)
    if not database_url.startswith("sqlite"):
        reset_postgres(database_url)
    many = _queries_with(tree, urls[60], 60)
    assert few == many, (few, many)
    # Loading the trainer, then two grouped queries (three for a conversation).
    assert few["/trainer/analysis/demo/first"] <= 4 and few["/trainer/analysis/demo/talk"] <= 5, few


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
    assert "0 learners with at least one attempt" in plain(html)
