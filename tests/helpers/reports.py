"""Manager reports: people and lesson states in bulk, and the team dashboard, its CSV
and the summary read back as a manager sees them."""
from __future__ import annotations

import csv
import datetime
import html as htmllib
import io
import re
from urllib.parse import urlencode

from course.data.models import Assignment, Membership, Person, Progress, Team, utcnow
from course.learning import progress
from course.web.content_store import catalog
from helpers.content import COURSE
from helpers.db import app_db
from helpers.pages import Tables

NOW = utcnow().replace(second=0, microsecond=0)

# The rich Warehouse North: six people in every state (plus its manager, who is not counted).
EXTRA = [("Ana Finished", "ana@example.org"), ("Bob Opened", "bob@example.org"), ("Cleo Zero", "cleo@example.org")]
ALL_NAMES = ["Ana Finished", "Bob Opened", "Cleo Zero", "Kwame Mensah", "Lena Learner", "Mei Chen"]


# --- writing people, teams and states ----------------------------------------------------

def the_course():
    return catalog().course(COURSE)


def add_members(app, team, people, role="learner"):
    """Bulk-insert people (name, email) and make them members of `team` (id or name)."""
    with app_db(app):
        tid = team if isinstance(team, int) else Team.by_name(team).id
        now = utcnow()
        rows = [{"email": email, "name": name, "role": role, "password_hash": None, "active": True,
                 "session_version": 1, "created_at": now} for name, email in people]
        for start in range(0, len(rows), 100):
            Person.insert_many(rows[start:start + 100]).execute()
        emails = [email for _, email in people]
        ids = [pid for (pid,) in Person.select(Person.id).where(Person.email.in_(emails)).tuples()]
        Membership.insert_many([{"person": pid, "team": tid, "is_manager": False} for pid in ids]).execute()
        return ids


def bulk_teams(app, names):
    with app_db(app):
        now = utcnow()
        for start in range(0, len(names), 100):
            Team.insert_many([{"name": n, "created_at": now} for n in names[start:start + 100]]).execute()
        return {name: tid for tid, name in Team.select(Team.id, Team.name).where(Team.name.in_(names)).tuples()}


def set_states(app, email, states, last_visit=None, score=0.9):
    """Record lesson states for a person, lesson by lesson, through course.progress.

    states: list of "opened" | "completed" | "passed" | "not started", in course order.
    last_visit: if given, every progress row of the person gets this last_visit_at.
    """
    with app_db(app):
        person = Person.by_email(email)
        lessons = the_course().visible_lessons()
        for lesson, state in zip(lessons, states):
            if state == "not started":
                continue
            progress.record_open(person, lesson)
            if state in ("completed", "passed"):
                progress.mark_done(person, lesson)
            if state == "passed":
                progress.record_pass(person, lesson, score)
        if last_visit is not None:
            Progress.update(last_visit_at=last_visit).where(Progress.person == person).execute()


def passed(n, then=None):
    return ["passed"] * n + ([then] if then else [])


def assignments(app):
    with app_db(app):
        return list(Assignment.select().order_by(Assignment.id))


def close(app):
    """Close every connection of an app this test made itself (the pool keeps them open)."""
    database = app.extensions["peewee"]
    getattr(database, "close_all", database.close)()


def quiz_texts(course):
    """The words of every choice and its feedback in the course (longer than 15 characters)."""
    texts = set()
    for lesson in course.visible_lessons():
        if lesson.quiz is None:
            continue
        for scenario in lesson.quiz.scenarios:
            for choice in scenario.choices:
                texts.add(choice.text)
                for fragment in (choice.text_html, choice.feedback_html):
                    texts.add(htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip())
    return {t for t in texts if len(t) > 15}


# --- the dashboard and its CSV --------------------------------------------------------

def dashboard_url(tid, **args):
    args.setdefault("course", COURSE)
    return f"/manage/teams/{tid}?{urlencode(args)}"


def export_url(tid, **args):
    args.setdefault("course", COURSE)
    return f"/manage/teams/{tid}/export.csv?{urlencode(args)}"


class Dashboard:
    """A team dashboard page: totals, lesson rates, people with their states, chart tables."""

    def __init__(self, html):
        self.html = html
        self.tables = Tables(html)
        self.totals = {htmllib.unescape(dt): htmllib.unescape(dd) for dt, dd in
                       re.findall(r"<div><dt>(.*?)</dt><dd>(.*?)</dd></div>", html)}
        matrix = self.tables.table("matrix")
        body = matrix["rows"][1:]
        assert "totals" in body[0]["class"], "the totals row comes first"
        self.rates = [c["text"] for c in body[0]["cells"][4:]]
        self.average_cell = body[0]["cells"][2]["text"]
        self.people = []
        for row in body[1:]:
            cells = row["cells"]
            if len(cells) == 1:          # "Nobody matches these filters."
                continue
            name_cell = cells[0]
            self.people.append({"name": name_cell["parts"][0], "email": name_cell["parts"][1],
                                "status": cells[1]["text"], "done": cells[2]["text"],
                                "last": cells[3]["text"], "states": [c["text"] for c in cells[4:]]})
        lesson_table = self.tables.table(caption="Lesson completion")
        self.lesson_numbers = [(r["cells"][0]["text"], r["cells"][1]["text"], r["cells"][2]["text"])
                               for r in lesson_table["rows"][1:]]
        weekly = self.tables.table(caption="Lessons finished per week")
        self.weekly_numbers = [(r["cells"][0]["text"], int(r["cells"][1]["text"])) for r in weekly["rows"][1:]]

    @property
    def names(self):
        return [p["name"] for p in self.people]

    @property
    def has_next(self):
        return 'rel="next"' in self.html


def get_dashboard(client, tid, **args):
    response = client.get(dashboard_url(tid, **args))
    assert response.status_code == 200, response.status_code
    return Dashboard(response.get_data(as_text=True))


def get_dashboard_for(client, tid, course_slug):
    response = client.get(f"/manage/teams/{tid}?course={course_slug}")
    assert response.status_code == 200
    return Dashboard(response.get_data(as_text=True))


def all_pages(client, tid, **args):
    """The dashboard's people over every page, with the first page's totals."""
    first = get_dashboard(client, tid, **args)
    people, page, number = list(first.people), first, 1
    while page.has_next:
        number += 1
        page = get_dashboard(client, tid, page=number, **args)
        people += page.people
    return first, people


def get_csv(client, tid, **args):
    response = client.get(export_url(tid, **args))
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))
    header, body = rows[0], rows[1:]
    return header, [dict(zip(header, row)) for row in body], response


def page_state(state, score):
    if state == "Passed":
        return "Passed" + (f" {score}%" if score != "" else "")
    return state


def page_time(csv_text):
    if not csv_text:
        return "Never"
    return datetime.datetime.strptime(csv_text, "%Y-%m-%d %H:%M").strftime("%-d %b %Y, %H:%M")


def assert_csv_equals_dashboard(first, page_people, header, csv_rows, lessons):
    """Row by row and number by number, the CSV says what the page says."""
    assert len(csv_rows) == len(page_people)
    for shown, row in zip(page_people, csv_rows):
        assert shown["name"] == row["Name"] and shown["email"] == row["Email"]
        assert shown["status"] == row["Status"]
        assert shown["done"] == f"{row['Completion %']}%"
        assert int(row["Completion %"]) == round(100 * int(row["Lessons finished"]) / int(row["Lessons"]))
        assert shown["last"] == page_time(row["Last activity"])
        assert shown["states"] == [page_state(row[f"{l.title} (state)"], row[f"{l.title} (best score %)"])
                                   for l in lessons]
    # Totals, computed from the file, equal the totals on the page.
    n = len(csv_rows)
    people_dt = "People" if "People" in first.totals else "People shown"
    assert first.totals[people_dt].split()[0] == str(n)
    assert first.totals["Finished the course"] == str(sum(r["Status"] == "Finished" for r in csv_rows))
    assert first.totals["Overdue"] == str(sum(r["Status"] == "Overdue" for r in csv_rows))
    finished_lessons = sum(int(r["Lessons finished"]) for r in csv_rows)
    lessons_to_finish = sum(int(r["Lessons"]) for r in csv_rows)
    average = round(100 * finished_lessons / lessons_to_finish) if lessons_to_finish else 0
    assert first.totals["Average completion"] == f"{average}%" == first.average_cell
    not_started = sum(all(r[f"{l.title} (state)"] == "Not started" for l in lessons) for r in csv_rows)
    assert first.totals["Not started"] == str(not_started)
    # Per-lesson rates (every lesson of the course has a quiz: finished means passed).
    assert all(l.quiz is not None for l in lessons)
    for i, lesson in enumerate(lessons):
        k = sum(r[f"{lesson.title} (state)"] == "Passed" for r in csv_rows)
        rate = k / n if n else 0.0
        assert first.rates[i] == f"{round(rate * 100)}%"
        assert first.lesson_numbers[i] == (lesson.title, f"{k} of {n}", f"{round(rate * 100)}%")


# --- the summary of teams ---------------------------------------------------------------

def summary_rows(html):
    """The summary table's team rows (not its totals), as cell texts."""
    table = Tables(html).tables[0]
    return [[c["text"] for c in r["cells"]] for r in table["rows"][1:] if "totals" not in r["class"]]


def summary_figures(client):
    html = client.get(f"/manage/?course={COURSE}").get_data(as_text=True)
    out = {}
    for cells in summary_rows(html):
        team, people, finished, average, due, overdue = cells
        out[team] = {"People": people, "Finished the course": finished, "Average completion": average,
                     "Overdue": overdue.replace(" overdue", ""), "Due": due}
    return out
