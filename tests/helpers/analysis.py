"""Item analysis and content health: learners in bulk, attempts recorded without HTTP,
and the trainer's pages (and CSV) read back."""
from __future__ import annotations

import csv
import datetime
import io
import os
import re
import secrets
import time
from dataclasses import dataclass, field

from werkzeug.security import generate_password_hash

from course.data.models import Person, Progress, utcnow
from course.learning.attempts import FormToken, grade, record_attempt
from course.time import frozen_at
from helpers.app import make_app
from helpers.content import LESSON, lesson_of
from helpers.db import app_db
from helpers.http import signed_in
from helpers.pages import plain
from helpers.people import TRAINER, seed_people

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

# Paths through the real course's conversation, by the tag chosen at each turn.
BEST_PATH = ("ask", "shared-goal", "specific")            # station -> makes time -> listens -> trial
ROUGH_PATH = ("complain", "own-part", "specific")         # station -> bristles -> second chance -> trial after a repair
VAGUE_PATH = ("ask", "vague", "stay-silent")              # station -> makes time -> shrugs -> noted


# --- people and attempts ---------------------------------------------------------------

def add_learners(app, n, prefix="learner", name="Learner"):
    """n learners in one insert, all with LEARNER_PASSWORD; returns their emails in order."""
    rows = [{"email": f"{prefix}-{i:03d}@analysis.example", "name": f"{name} {prefix.title()} {i:03d}",
             "role": "learner", "password_hash": LEARNER_PASSWORD_HASH, "active": True,
             "session_version": 1, "created_at": utcnow()} for i in range(n)]
    with app_db(app):
        Person.insert_many(rows).execute()
    return [row["email"] for row in rows]


def yesterday():
    """Answers are recorded on yesterday's clock: figures include only past days (docs/privacy.md)."""
    return datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)


def record(app, email, slug, answers, course="demo"):
    """Record one quiz attempt the way the quiz view does, without HTTP (on yesterday's clock)."""
    with app_db(app), frozen_at(yesterday):
        lesson = lesson_of(app, slug, course)
        person = Person.by_email(email)
        # A pool's attempt is graded against the scenarios it drew: here, those answered.
        drawn = tuple(s.id for s in lesson.quiz.scenarios if s.id in answers) if lesson.quiz.draw else None
        token = FormToken(person.id, course, lesson.slug, lesson.quiz.content_hash,
                          secrets.token_urlsafe(18), utcnow(), drawn)
        attempt, created = record_attempt(person, lesson, token, grade(lesson.quiz, answers, drawn))
        assert created
        return attempt.id


def add_progress(app, emails, slug, minutes):
    """One progress row per learner for lesson `slug` of the demo course, opened on 2 November
    2026 at 09:00 and completed that many minutes later (None: opened but never completed)."""
    start = datetime.datetime(2026, 11, 2, 9, 0)
    with app_db(app):
        ids = {p.email: p.id for p in Person.select().where(Person.email.in_(emails))}
        Progress.insert_many([
            {"person": ids[email], "course_slug": "demo", "lesson_slug": slug, "content_hash": "x",
             "opened_at": start, "last_visit_at": start,
             "completed_at": None if m is None else start + datetime.timedelta(minutes=m),
             "passed_at": None, "best_score": None}
            for email, m in zip(emails, minutes)]).execute()


def answers(hard="ask-ola", mid="reflect", easy="thank-kim"):
    """Answers to TREE_QUIZ: the best choice of each scenario unless told otherwise."""
    return {"hard": hard, "mid": mid, "easy": easy}


def conversation_answers(quiz, tags):
    """Answers along a conversation, choosing the choice with each tag in turn."""
    out, scene = {}, quiz.scenarios[0]
    for tag in tags:
        choice = next(c for c in scene.choices if c.tag == tag)
        out[scene.id] = choice.id
        scene = quiz.scenario(choice.next_scene)
    assert scene.is_end
    return out


def reword(tree, old, new, relpath="quizzes/demo/first.md"):
    """Change a quiz file's words in place, with a later modification time (content reloads)."""
    path = os.path.join(tree.root, relpath)
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert old in text
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace(old, new))
    stamp = time.time() + 10
    os.utime(path, (stamp, stamp))


def trainer_client(app):
    return signed_in(app, TRAINER)


def tree_quiz_app(tree, database_url, **config):
    """An app on a one-lesson course with TREE_QUIZ (content reloads), with the demo people."""
    tree.write("lessons/demo/01-first.md", LESSON.format(title="Meetings and deadlines"))
    tree.write("quizzes/demo/first.md", TREE_QUIZ)
    app = make_app(database_url, tree.root, CONTENT_RELOAD=True, **config)
    seed_people(app)
    return app


# --- reading the pages -------------------------------------------------------------------

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
            figures = {plain(k): plain(v) for k, v in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", body, re.S)}
            rows = []
            tbody = re.search(r"<tbody>(.*?)</tbody>", body, re.S)
            for tr in re.findall(r"<tr>(.*?)</tr>", tbody.group(1) if tbody else "", re.S):
                cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
                first = cells[0]
                label = plain(re.sub(r'<(strong|span) class="badge[^"]*">.*?</\1>', "", first, flags=re.S))
                rows.append(ChoiceRow(label, "badge-best" in first, "Nobody picks this" in first,
                                      plain(cells[1]), int(plain(cells[2])), int(plain(cells[3]).rstrip("%"))))
            out.append(Section(sid, version, is_earlier, '<p class="badge">Hidden</p>' in body,
                               plain(flag.group(1)) if flag else "", figures, rows, plain(body)))
    return out


def section(html, scenario_id, earlier=False):
    found = [s for s in sections(html) if s.scenario_id == scenario_id and s.earlier == earlier]
    assert len(found) == 1, (scenario_id, earlier, [(s.scenario_id, s.earlier) for s in sections(html)])
    return found[0]


def table_after(html: str, heading: str) -> list[list[str]]:
    """Body rows (as cell texts) of the first table after an <h3> heading."""
    start = html.index(f"<h3>{heading}</h3>")
    table = re.search(r"<tbody>(.*?)</tbody>", html[start:], re.S).group(1)
    return [[plain(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def health_row(html, title):
    """The content-health table's row for a lesson, by column."""
    row = re.search(r"<tr>\s*<th scope=\"row\">" + re.escape(title) + r".*?</tr>", html, re.S).group(0)
    cells = [plain(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
    keys = ["lesson", "opened", "completed", "drop-off", "stated", "median", "average", "flags"]
    return dict(zip(keys, cells))


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


# Every figure column of the item-analysis CSV.
FIGURE_COLUMNS = ("Best on first try %", "Best over all attempts %", "Times chosen", "Share %")


def assert_hidden_everywhere(client, min_group):
    """TREE_QUIZ's analysis shows no figure of any scenario, on the page or in the CSV."""
    html = get_ok(client, "/trainer/analysis/demo/first")
    for found in sections(html):
        assert found.hidden, found.scenario_id
        assert found.figures == {} and found.rows == [] and found.flag == ""
        assert "Nobody picks this" not in found.text
    assert "Download as CSV" in html
    rows = csv_rows(client, "/trainer/analysis/demo/first.csv")
    assert rows, "hidden groups keep their rows, without figures"
    for row in rows:
        assert row["Learners"] == f"fewer than {min_group}", row
        assert all(row[column] == "" for column in FIGURE_COLUMNS), row


def assert_shown(client, learners):
    """TREE_QUIZ's analysis shows every scenario's figures, from `learners` learners."""
    html = get_ok(client, "/trainer/analysis/demo/first")
    for found in sections(html):
        assert not found.hidden and found.figures["Learners"] == str(learners)
    rows = csv_rows(client, "/trainer/analysis/demo/first.csv")
    assert {row["Learners"] for row in rows} == {str(learners)}
    assert all(row[column] != "" for row in rows for column in FIGURE_COLUMNS)
