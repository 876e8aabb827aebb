"""The team's CSV export: equal to the dashboard row by row and number by number, streamed
as an attachment, safe from spreadsheet formulas, with a Latin-1 file name.
"""
from __future__ import annotations

import datetime
import re
from urllib.parse import urlencode

import pytest
from markupsafe import escape

from course.data.models import Membership, Person, Team
from course.reporting import team_reports as reports
from course import time as course_time
from helpers.content import COURSE
from helpers.db import app_db, team_id
from helpers.http import post
from helpers.reports import (NOW, add_members, all_pages, assert_csv_equals_dashboard, dashboard_url, export_url,
                             get_csv, passed, set_states, the_course)


# --- CSV export ---------------------------------------------------------------------

CSV_FILTERS = [
    {},
    {"q": "kw"},
    {"q": "EXAMPLE.ORG"},
    {"status": "finished"},
    {"status": "in-progress"},
    {"status": "not-started"},
    {"lesson": "coaching-is-not-managing", "state": "passed"},
    {"lesson": "observations-and-sbi", "state": "completed"},
    {"lesson": "coaching-is-not-managing", "state": "not started", "sort": "activity"},
    {"sort": "completion"},
    {"sort": "activity"},
    {"q": "e", "status": "in-progress", "sort": "completion"},
    {"q": "nobody-like-this"},
]


@pytest.mark.parametrize("args", CSV_FILTERS, ids=lambda a: urlencode(a) or "all")
def test_csv_equals_the_dashboard(manager_client, rich, args):
    tid = team_id(rich, "Warehouse North")
    first, people = all_pages(manager_client, tid, **args)
    header, rows, response = get_csv(manager_client, tid, **args)
    with app_db(rich):
        course = the_course()
        lessons = course.visible_lessons()
        report = reports.team_report(Team.get_by_id(tid), course, reports.ReportFilters(**args))
    assert header[:7] == ["Name", "Email", "Status", "Completion %", "Lessons finished", "Lessons", "Last activity"]
    assert len(header) == 7 + 2 * len(lessons)
    assert_csv_equals_dashboard(first, people, header, rows, lessons)
    assert f"Download CSV of these {len(rows)} people" in first.html
    # And both equal reports.team_report, the function behind them.
    assert [r["Name"] for r in rows] == [r.name for r in report.rows]
    assert [int(r["Completion %"]) for r in rows] == [r.percent for r in report.rows]
    assert [int(r["Lessons finished"]) for r in rows] == [r.progress.finished_count for r in report.rows]
    assert first.totals["Average completion"] == f"{report.average_percent}%"
    assert first.totals["Finished the course"] == str(report.finished_people)


@pytest.mark.parametrize("args", [{}, {"status": "overdue"}, {"sort": "completion"},
                                  {"lesson": "coaching-is-not-managing", "state": "passed"}],
                         ids=lambda a: urlencode(a) or "all")
def test_csv_equals_the_dashboard_with_overdue_people(manager_client, rich, args):
    tid = team_id(rich, "Warehouse North")
    with rich.app_context():
        past = course_time.site_today() - datetime.timedelta(days=7)
    post(manager_client, f"/manage/teams/{tid}/assignment", {"course": COURSE, "due_date": past.isoformat()})
    first, people = all_pages(manager_client, tid, **args)
    header, rows, _ = get_csv(manager_client, tid, **args)
    with app_db(rich):
        lessons = the_course().visible_lessons()
    assert_csv_equals_dashboard(first, people, header, rows, lessons)
    if args.get("status") == "overdue":
        assert len(rows) == 5 and {r["Status"] for r in rows} == {"Overdue"}


def test_csv_equals_the_dashboard_over_several_pages(manager_client, rich):
    with app_db(rich):
        tid = Team.create(name="Sixty").id
        Membership.create(person=Person.by_email("manager@example.com"), team=tid, is_manager=True)
    add_members(rich, tid, [(f"Person {i:02d}", f"p{i:02d}@sixty.example") for i in range(60)])
    for i in range(0, 60, 7):
        set_states(rich, f"p{i:02d}@sixty.example", passed(i % 11, "opened"),
                   NOW - datetime.timedelta(hours=i))
    with app_db(rich):
        lessons = the_course().visible_lessons()
    for args in ({}, {"sort": "completion"}, {"sort": "activity"}, {"status": "not-started"}):
        first, people = all_pages(manager_client, tid, **args)
        header, rows, _ = get_csv(manager_client, tid, **args)
        assert_csv_equals_dashboard(first, people, header, rows, lessons)
    assert len(get_csv(manager_client, tid)[1]) == 60


def test_csv_is_streamed_as_an_attachment(manager_client, rich):
    tid = team_id(rich, "Warehouse North")
    response = manager_client.get(export_url(tid, status="in-progress"))
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Warehouse-North-coaching-at-every-level-')
    assert disposition.endswith('.csv"')
    chunks = list(response.response)     # the body arrives in pieces, not as one string
    response.close()
    assert len(chunks) > 1
    lines = b"".join(chunks).decode().splitlines()
    assert lines[0].startswith("Name,Email,Status,Completion %") and len(lines) == 1 + 3


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil.example\",\"<b>click</b>\")", "+1+2",
                                  "-2+3 & <i>friends</i>", "@SUM(A1:A2)", "\tTabbed O'Name",
                                  "\rCarriage return"])
def test_csv_neutralises_formulas_but_keeps_the_name(manager_client, rich, name):
    tid = team_id(rich, "Warehouse North")
    add_members(rich, tid, [(name, "formula@example.net")])
    _, rows, _ = get_csv(manager_client, tid, q="formula@")
    assert [r["Name"] for r in rows] == ["'" + name]
    with app_db(rich):
        assert Person.by_email("formula@example.net").name == name       # stored unchanged
    html = manager_client.get(dashboard_url(tid, q="formula@")).get_data(as_text=True)
    assert str(escape(name)) in html                                       # shown escaped
    assert "<b>click</b>" not in html and "<i>friends</i>" not in html


def test_csv_leaves_ordinary_names_alone(manager_client, rich):
    tid = team_id(rich, "Warehouse North")
    add_members(rich, tid, [("Zoë 'Quote' Smith-Jones", "zoe@example.net")])
    _, rows, _ = get_csv(manager_client, tid, q="zoe@")
    assert rows[0]["Name"] == "Zoë 'Quote' Smith-Jones"


@pytest.mark.parametrize("name", ["Łódź North", "東京チーム", "Café Ümlaut"])
def test_csv_filename_header_is_latin1_for_any_team_name(manager_client, rich, name):
    """Regression: the filename kept any str.isalnum() letter; WSGI headers must be Latin-1, and
    gunicorn answered 500 (InvalidResponseHeader) for a team called e.g. "Łódź North"."""
    tid = team_id(rich, "Warehouse North")
    with app_db(rich):
        Team.update(name=name).where(Team.id == tid).execute()
    response = manager_client.get(export_url(tid))
    body = response.get_data(as_text=True)      # run the stream to its end inside this test
    assert response.status_code == 200 and body.startswith("Name,Email")
    disposition = response.headers["Content-Disposition"]
    disposition.encode("latin-1")
    assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+\.csv"', disposition), disposition
