"""Manager reports: "Managers see completion at a glance".

Team dashboard (matrix, filters, pagination), due dates and overdue people,
charts, the CSV export (equal to the page, streamed, formula-safe), who may
see what, `demo scale` and constant query counts, and the admin summary
agreeing with each team's dashboard.

Everything runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL too.
Tests whose docstring starts "Regression:" cover bugs found while this file was
written and fixed in the app since; xfail(strict=True) marks a bug still open.
"""
from __future__ import annotations

import datetime
import html as htmllib
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from markupsafe import escape

from course.data.models import Answer, Assignment, Attempt, Membership, Person, Progress, Team
from course.learning import progress
from course.reporting import team_reports as reports
from course.web import filters as course_filters
from course.web.content_store import catalog
from helpers.app import ROOT, make_app
from helpers.content import COURSE, LESSON
from helpers.db import app_db, team_id
from helpers.http import post, signed_in
from helpers.pages import Tables
from helpers.people import seed_people
from helpers.reports import (ALL_NAMES, EXTRA, NOW, add_members, all_pages, assert_csv_equals_dashboard,
                             assignments, bulk_teams, close, dashboard_url, export_url, get_csv, get_dashboard,
                             get_dashboard_for, passed, quiz_texts, set_states, summary_figures, summary_rows,
                             the_course)
from helpers.sql import count_queries


@pytest.fixture
def rich(seeded):
    add_members(seeded, "Warehouse North", EXTRA)
    set_states(seeded, "ana@example.org", passed(10), NOW - datetime.timedelta(days=1))
    set_states(seeded, "kwame@example.com", passed(4, "opened"), NOW - datetime.timedelta(days=2))
    set_states(seeded, "mei@example.com", passed(2, "completed"), NOW - datetime.timedelta(days=3))
    set_states(seeded, "bob@example.org", ["opened"], NOW - datetime.timedelta(days=10))
    return seeded


@pytest.fixture
def manager_client(rich):
    return signed_in(rich, "manager@example.com")


@pytest.fixture
def admin_client(rich):
    return signed_in(rich, "admin@example.com")


# --- 1. the team dashboard ---------------------------------------------------------

def test_matrix_shows_each_member_with_states_in_words(manager_client, rich):
    tid = team_id(rich, "Warehouse North")
    page = get_dashboard(manager_client, tid)
    assert page.names == ALL_NAMES
    by_name = {p["name"]: p for p in page.people}
    with app_db(rich):
        lessons = the_course().visible_lessons()
    assert len(lessons) == 10
    assert by_name["Ana Finished"]["states"] == ["Passed 90%"] * 10
    assert by_name["Ana Finished"]["status"] == "Finished" and by_name["Ana Finished"]["done"] == "100%"
    assert by_name["Kwame Mensah"]["states"] == ["Passed 90%"] * 4 + ["Opened"] + ["Not started"] * 5
    assert by_name["Kwame Mensah"]["status"] == "In progress" and by_name["Kwame Mensah"]["done"] == "40%"
    assert by_name["Mei Chen"]["states"] == ["Passed 90%"] * 2 + ["Completed"] + ["Not started"] * 7
    assert by_name["Mei Chen"]["done"] == "20%"
    assert by_name["Bob Opened"]["states"] == ["Opened"] + ["Not started"] * 9
    assert by_name["Bob Opened"]["status"] == "In progress" and by_name["Bob Opened"]["done"] == "0%"
    assert by_name["Lena Learner"]["states"] == ["Not started"] * 10
    assert by_name["Lena Learner"]["status"] == "Not started" and by_name["Lena Learner"]["last"] == "Never"
    # Last activity, in the site's time zone (UTC here).
    assert by_name["Ana Finished"]["last"] == (NOW - datetime.timedelta(days=1)).strftime("%-d %b %Y, %H:%M")
    assert by_name["Bob Opened"]["last"] == (NOW - datetime.timedelta(days=10)).strftime("%-d %b %Y, %H:%M")
    # "Not started" is words for screen readers; the dash is hidden from them.
    assert ('<td class="state-cell state-not-started"><span class="visually-hidden">Not started</span>'
            '<span aria-hidden="true">–</span></td>') in page.html
    # The manager is not a row, and neither is anybody from another team.
    assert "Priya Manager" not in page.names and "Yusuf Demir" not in page.html


def test_team_totals_and_lesson_rates_come_first(manager_client, rich):
    tid = team_id(rich, "Warehouse North")
    page = get_dashboard(manager_client, tid)
    assert page.totals == {"People": "6", "Finished the course": "1", "Average completion": "27%",
                           "Overdue": "0", "Not started": "2"}
    # Totals are on the page before the matrix, and lead the matrix's body.
    assert page.html.index('id="totals-heading"') < page.html.index('class="data matrix"')
    assert page.average_cell == "27%"
    # L1, L2: Ana, Kwame, Mei of 6; L3, L4: Ana, Kwame; L5-L10: Ana.
    assert page.rates == ["50%", "50%", "33%", "33%"] + ["17%"] * 6
    assert page.lesson_numbers[0][1:] == ("3 of 6", "50%")
    assert page.lesson_numbers[9][1:] == ("1 of 6", "17%")


@pytest.mark.parametrize("args, names", [
    ({"q": "kw"}, ["Kwame Mensah"]),
    ({"q": "EXAMPLE.ORG"}, ["Ana Finished", "Bob Opened", "Cleo Zero"]),
    ({"q": "nobody-like-this"}, []),
    ({"q": "50%"}, []),                       # LIKE wildcards are searched for literally
    ({"status": "finished"}, ["Ana Finished"]),
    ({"status": "in-progress"}, ["Bob Opened", "Kwame Mensah", "Mei Chen"]),
    ({"status": "not-started"}, ["Cleo Zero", "Lena Learner"]),
    ({"status": "overdue"}, []),
    ({"status": "bogus"}, ALL_NAMES),         # unknown values are ignored
    ({"lesson": "coaching-is-not-managing", "state": "passed"}, ["Ana Finished", "Kwame Mensah", "Mei Chen"]),
    ({"lesson": "coaching-is-not-managing", "state": "opened"}, ["Bob Opened"]),
    ({"lesson": "coaching-is-not-managing", "state": "not started"}, ["Cleo Zero", "Lena Learner"]),
    ({"lesson": "observations-and-sbi", "state": "completed"}, ["Mei Chen"]),
    ({"lesson": "receiving-feedback-well", "state": "opened"}, ["Kwame Mensah"]),
    ({"lesson": "coaching-is-not-managing"}, ALL_NAMES),       # a lesson without a state filters nothing
    ({"sort": "name"}, ALL_NAMES),
    ({"sort": "completion"}, ["Ana Finished", "Kwame Mensah", "Mei Chen", "Bob Opened", "Cleo Zero", "Lena Learner"]),
    ({"status": "in-progress", "sort": "completion"}, ["Kwame Mensah", "Mei Chen", "Bob Opened"]),
    ({"q": "e", "lesson": "coaching-is-not-managing", "state": "passed", "sort": "completion"},
     ["Ana Finished", "Kwame Mensah", "Mei Chen"]),
])
def test_filters_and_sorts(manager_client, rich, args, names):
    tid = team_id(rich, "Warehouse North")
    page = get_dashboard(manager_client, tid, **args)
    assert page.names == names
    if not names:
        assert "Nobody matches these filters." in page.html


def test_sort_by_activity_puts_the_most_recent_first(manager_client, rich):
    tid = team_id(rich, "Warehouse North")
    page = get_dashboard(manager_client, tid, sort="activity")
    assert page.names[:4] == ["Ana Finished", "Kwame Mensah", "Mei Chen", "Bob Opened"]
    assert sorted(page.names[4:]) == ["Cleo Zero", "Lena Learner"]


def test_sort_by_activity_breaks_ties_by_name(manager_client, rich):
    """Regression: sort=activity used reverse=True over (last_activity, name), so people with the
    same last activity (everyone who never started) came Z to A."""
    tid = team_id(rich, "Warehouse North")
    page = get_dashboard(manager_client, tid, sort="activity")
    assert page.names[4:] == ["Cleo Zero", "Lena Learner"]


def test_filtered_page_says_how_many_are_shown_of_the_team(manager_client, rich):
    tid = team_id(rich, "Warehouse North")
    page = get_dashboard(manager_client, tid, status="not-started")
    assert page.totals["People shown"] == "2 of 6"
    assert "Download CSV of these 2 people" in page.html


def test_name_search_still_says_how_many_are_in_the_team(manager_client, rich):
    """Regression: team_size was counted after the q search, so the page said "People: 1"."""
    tid = team_id(rich, "Warehouse North")
    page = get_dashboard(manager_client, tid, q="kwame")
    assert page.names == ["Kwame Mensah"]
    assert page.totals.get("People shown") == "1 of 6"


def test_pagination_at_50_rows(manager_client, rich):
    big = [(f"Member {i:02d}", f"member{i:02d}@big.example") for i in range(1, 61)]
    with app_db(rich):
        tid = Team.create(name="Big Team").id
        Membership.create(person=Person.by_email("manager@example.com"), team=tid, is_manager=True)
    add_members(rich, tid, big)
    set_states(rich, "member60@big.example", passed(10))
    first = get_dashboard(manager_client, tid)
    assert first.names == [name for name, _ in big[:50]]
    assert "People 1–50 of 60" in first.html
    assert f'rel="next" href="/manage/teams/{tid}?course={COURSE}&amp;page=2"' in first.html
    assert first.totals["People"] == "60"          # totals cover every page, not just this one
    assert first.totals["Finished the course"] == "1"
    second = get_dashboard(manager_client, tid, page=2)
    assert second.names == [name for name, _ in big[50:]]
    assert "People 51–60 of 60" in second.html and 'rel="prev"' in second.html and not second.has_next
    # Pager links keep the filters and the sort.
    sorted_first = get_dashboard(manager_client, tid, sort="completion")
    assert sorted_first.names[0] == "Member 60"
    assert "sort=completion" in re.search(r'rel="next" href="([^"]+)"', sorted_first.html).group(1)
    # A page number past the end shows the last page.
    assert get_dashboard(manager_client, tid, page=99).names == second.names
    # And the CSV has all 60.
    _, rows, _ = get_csv(manager_client, tid)
    assert len(rows) == 60


# --- 2. assignments and due dates ------------------------------------------------------


def test_manager_assigns_changes_and_removes_a_due_date(manager_client, rich):
    tid = team_id(rich, "Warehouse North")
    url = f"/manage/teams/{tid}/assignment"
    response = post(manager_client, url, {"course": COURSE, "due_date": "2026-12-31"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/manage/teams/{tid}?course={COURSE}")
    page = manager_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is assigned to Warehouse North, due 31 December 2026." in page
    assert "· due 31 December 2026" in page
    [row] = assignments(rich)
    assert row.due_date == datetime.date(2026, 12, 31) and row.course_slug == COURSE
    with app_db(rich):
        assert Assignment.get_by_id(row.id).assigned_by.email == "manager@example.com"

    post(manager_client, url, {"course": COURSE, "due_date": "2027-01-15"})
    [changed] = assignments(rich)
    assert changed.id == row.id and changed.due_date == datetime.date(2027, 1, 15)

    response = post(manager_client, url, {"course": COURSE, "action": "remove"})
    assert response.status_code == 303 and assignments(rich) == []
    page = manager_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is no longer assigned to Warehouse North" in page and "· not assigned" in page


@pytest.mark.parametrize("due", ["", "31/12/2026", "2026-02-30", "2026-13-01", "next friday", "2026-12-31x"])
def test_invalid_due_date_flashes_an_error_and_writes_nothing(manager_client, rich, due):
    tid = team_id(rich, "Warehouse North")
    response = post(manager_client, f"/manage/teams/{tid}/assignment", {"course": COURSE, "due_date": due})
    assert response.status_code == 303
    page = manager_client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-error" role="alert">Give the due date as a date, e.g. 2026-12-31.' in page
    assert assignments(rich) == []


def test_invalid_date_keeps_the_existing_due_date(manager_client, rich):
    tid = team_id(rich, "Warehouse North")
    post(manager_client, f"/manage/teams/{tid}/assignment", {"course": COURSE, "due_date": "2026-12-31"})
    post(manager_client, f"/manage/teams/{tid}/assignment", {"course": COURSE, "due_date": "soon"})
    [row] = assignments(rich)
    assert row.due_date == datetime.date(2026, 12, 31)


def test_unknown_course_is_404_and_writes_nothing(manager_client, rich):
    tid = team_id(rich, "Warehouse North")
    response = post(manager_client, f"/manage/teams/{tid}/assignment", {"course": "no-such-course",
                                                                        "due_date": "2026-12-31"})
    assert response.status_code == 404 and assignments(rich) == []


def test_dashboard_flags_people_not_finished_by_a_past_due_date(manager_client, rich):
    tid = team_id(rich, "Warehouse North")
    with rich.app_context():
        past = course_filters.site_today() - datetime.timedelta(days=3)
    post(manager_client, f"/manage/teams/{tid}/assignment", {"course": COURSE, "due_date": past.isoformat()})
    page = get_dashboard(manager_client, tid)
    status = {p["name"]: p["status"] for p in page.people}
    assert status == {"Ana Finished": "Finished", "Bob Opened": "Overdue", "Cleo Zero": "Overdue",
                      "Kwame Mensah": "Overdue", "Lena Learner": "Overdue", "Mei Chen": "Overdue"}
    assert page.html.count('<strong class="overdue">Overdue</strong>') == 5
    assert page.totals["Overdue"] == "5"
    assert get_dashboard(manager_client, tid, status="overdue").names == [
        "Bob Opened", "Cleo Zero", "Kwame Mensah", "Lena Learner", "Mei Chen"]
    # Due today is not overdue yet.
    with rich.app_context():
        today = course_filters.site_today()
    post(manager_client, f"/manage/teams/{tid}/assignment", {"course": COURSE, "due_date": today.isoformat()})
    assert get_dashboard(manager_client, tid).totals["Overdue"] == "0"


def test_learners_see_their_own_due_dates_on_the_home_page(rich):
    manager = signed_in(rich, "manager@example.com")
    tid = team_id(rich, "Warehouse North")
    set_states(rich, "kwame@example.com", passed(10))
    with rich.app_context():
        past = course_filters.site_today() - datetime.timedelta(days=1)
    post(manager, f"/manage/teams/{tid}/assignment", {"course": COURSE, "due_date": past.isoformat()})

    lena = signed_in(rich, "learner@example.com").get("/").get_data(as_text=True)
    assert "Your due dates" in lena
    assert f"Coaching at Every Level</a>: due {past:%-d %B %Y}" in lena
    assert '<strong class="overdue">Overdue</strong>' in lena
    kwame = signed_in(rich, "kwame@example.com").get("/").get_data(as_text=True)
    assert "Your due dates" in kwame and "<strong>Finished</strong>" in kwame and "Overdue" not in kwame
    # Another team's learner has no due dates.
    yusuf = signed_in(rich, "yusuf@example.com").get("/").get_data(as_text=True)
    assert "Your due dates" not in yusuf

    future = past + datetime.timedelta(days=30)
    post(manager, f"/manage/teams/{tid}/assignment", {"course": COURSE, "due_date": future.isoformat()})
    lena = signed_in(rich, "learner@example.com").get("/").get_data(as_text=True)
    assert f"due {future:%-d %B %Y}" in lena and "Overdue" not in lena
    assert "0 of 10 lessons finished" in lena


ZONES = {"Pacific/Kiritimati": 14, "Pacific/Pago_Pago": -11}


def test_a_manager_is_not_given_the_due_dates_of_the_team_they_manage(rich):
    tid = team_id(rich, "Warehouse North")
    with app_db(rich):
        Assignment.create(team=tid, course_slug=COURSE, due_date=datetime.date(2020, 1, 1))
    learner_home = signed_in(rich, "learner@example.com").get("/").get_data(as_text=True)
    assert "Your due dates" in learner_home and '<strong class="overdue">Overdue</strong>' in learner_home
    manager_home = signed_in(rich, "manager@example.com").get("/").get_data(as_text=True)
    assert "Your due dates" not in manager_home


def test_overdue_follows_the_sites_date_not_utc(database_url):
    """Due today-in-UTC: in Kiritimati (UTC+14) the site's date may already be tomorrow, in
    Pago Pago (UTC-11) it is never later than the UTC date."""
    from zoneinfo import ZoneInfo
    apps = {zone: make_app(database_url, ROOT, TIMEZONE=zone) for zone in ZONES}
    seed_people(apps["Pacific/Pago_Pago"])
    app = apps["Pacific/Pago_Pago"]      # the last one created owns the database proxy
    site = {}
    for zone, zone_app in apps.items():
        with zone_app.app_context():
            before = datetime.datetime.now(ZoneInfo(zone)).date()
            site[zone] = course_filters.site_today()
            after = datetime.datetime.now(ZoneInfo(zone)).date()
        assert site[zone] in (before, after)
    utc_today = datetime.datetime.now(datetime.timezone.utc).date()
    assert site["Pacific/Pago_Pago"] <= utc_today <= site["Pacific/Kiritimati"]
    assert (site["Pacific/Kiritimati"] - site["Pacific/Pago_Pago"]).days in (1, 2)

    with app_db(app):
        team = Team.by_name("Warehouse North")
        Assignment.create(team=team, course_slug=COURSE, due_date=utc_today)
        course = the_course()
        # Deterministic: the flag is "the site's today is after the due date".
        assert reports.team_report(team, course, today=utc_today).overdue_people == 0
        assert reports.team_report(team, course, today=utc_today + datetime.timedelta(days=1)).overdue_people == 3
        # With each zone's real date.
        assert reports.team_report(team, course, today=site["Pacific/Pago_Pago"]).overdue_people == 0
        expected = 3 if site["Pacific/Kiritimati"] > utc_today else 0
        assert reports.team_report(team, course, today=site["Pacific/Kiritimati"]).overdue_people == expected
        summary = reports.team_summaries([team], course, today=utc_today + datetime.timedelta(days=1))
        assert summary[0].overdue_people == 3
    for zone_app in apps.values():
        close(zone_app)


def _noon_utc():
    """2026-11-23 12:00 UTC: 02:00 on the 24th in Kiritimati, 01:00 on the 23rd in Pago Pago."""
    return datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize("zone, overdue", [("Pacific/Kiritimati", True), ("Pacific/Pago_Pago", False)])
def test_overdue_on_pages_uses_the_site_time_zone(database_url, zone, overdue):
    app = make_app(database_url, ROOT, TIMEZONE=zone, CLOCK=_noon_utc)
    seed_people(app)
    with app.app_context():
        assert course_filters.site_today() == (datetime.date(2026, 11, 24) if overdue else datetime.date(2026, 11, 23))
    set_states(app, "kwame@example.com", passed(3, "opened"))
    manager = signed_in(app, "manager@example.com")
    tid = team_id(app, "Warehouse North")
    post(manager, f"/manage/teams/{tid}/assignment", {"course": COURSE, "due_date": "2026-11-23"})
    page = get_dashboard(manager, tid)
    assert page.totals["Overdue"] == ("3" if overdue else "0")
    # Times are shown in the site's zone, on the page and in the CSV alike.
    kwame = [p for p in page.people if p["name"] == "Kwame Mensah"][0]
    assert kwame["last"] == ("24 Nov 2026, 02:00" if overdue else "23 Nov 2026, 01:00")
    header, rows, _ = get_csv(manager, tid)
    with app_db(app):
        lessons = the_course().visible_lessons()
    assert_csv_equals_dashboard(page, page.people, header, rows, lessons)
    home = signed_in(app, "learner@example.com").get("/").get_data(as_text=True)
    assert "Your due dates" in home and "due 23 November 2026" in home
    assert ('<strong class="overdue">Overdue</strong>' in home) is overdue
    admin = signed_in(app, "admin@example.com")
    summary = admin.get(f"/manage/?course={COURSE}").get_data(as_text=True)
    assert ("<strong>3 overdue</strong>" in summary) is overdue
    close(app)


# --- 3. charts ---------------------------------------------------------------------------

def test_dashboard_has_accessible_svg_charts_with_tables(manager_client, rich):
    tid = team_id(rich, "Warehouse North")
    with app_db(rich):
        Team.update(name="R&D <North>").where(Team.id == tid).execute()
    page = get_dashboard(manager_client, tid)
    svgs = re.findall(r"<svg\b[^>]*>.*?</svg>", page.html, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        chart_id = re.search(r'id="([^"]+)"', svg).group(1)
        assert 'role="img"' in svg.split(">", 1)[0]
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert re.search(rf'<title id="{chart_id}-title">[^<]+</title>', svg)
        assert re.search(rf'<desc id="{chart_id}-desc">[^<]+</desc>', svg)
    lesson_svg, weekly_svg = svgs
    # Titles are escaped, never markup.
    assert "<title id=\"lesson-chart-title\">Lesson completion in R&amp;D &lt;North&gt;</title>" in lesson_svg
    assert "Share of the 6 people shown" in lesson_svg
    # The numbers in the bars equal the table's numbers and the matrix's rates.
    bar_values = re.findall(r'class="chart-value">([^<]*)</text>', lesson_svg)
    assert bar_values == [rate for _, _, rate in page.lesson_numbers] == page.rates
    column_values = [int(v) for v in re.findall(r'class="chart-value">([^<]*)</text>', weekly_svg)]
    assert column_values == [count for _, count in page.weekly_numbers]
    assert len(page.weekly_numbers) == 12
    # Every lesson finished in the fixture was passed this week: 10 + 4 + 2.
    assert page.weekly_numbers[-1][1] == 16 and sum(c for _, c in page.weekly_numbers) == 16
    # Charts follow the filters.
    filtered = get_dashboard(manager_client, tid, q="kwame")
    assert [c for _, c in filtered.weekly_numbers][-1] == 4
    assert filtered.lesson_numbers[0][1:] == ("1 of 1", "100%")


# --- 4. CSV export ---------------------------------------------------------------------

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
        report = reports.team_report(Team.get_by_id(tid), course, reports.Filters(**args))
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
        past = course_filters.site_today() - datetime.timedelta(days=7)
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


# --- 5. who sees what -------------------------------------------------------------------

def test_manager_gets_404_for_a_team_they_do_not_manage(manager_client, rich):
    other = team_id(rich, "Clinic Support")
    assert manager_client.get(dashboard_url(other)).status_code == 404
    export = manager_client.get(export_url(other))
    assert export.status_code == 404 and "Nobody" not in export.get_data(as_text=True)
    assert manager_client.get(f"/manage/teams/{other}").status_code == 404
    assert manager_client.get("/manage/teams/999999").status_code == 404
    response = post(manager_client, f"/manage/teams/{other}/assignment", {"course": COURSE, "due_date": "2026-12-31"})
    assert response.status_code == 404
    assert assignments(rich) == []
    # Nor can they remove another team's due date.
    with app_db(rich):
        Assignment.create(team=other, course_slug=COURSE, due_date=datetime.date(2026, 12, 31))
    response = post(manager_client, f"/manage/teams/{other}/assignment", {"course": COURSE, "action": "remove"})
    assert response.status_code == 404 and len(assignments(rich)) == 1


def test_membership_without_managing_gives_no_access(manager_client, rich):
    """Being an ordinary member of another team does not make it visible."""
    other = team_id(rich, "Clinic Support")
    with app_db(rich):
        Membership.create(person=Person.by_email("manager@example.com"), team=other, is_manager=False)
    assert manager_client.get(dashboard_url(other)).status_code == 404
    assert "Clinic Support" not in manager_client.get("/manage/").get_data(as_text=True)


def test_manager_summary_lists_only_the_managed_team(manager_client, rich):
    html = manager_client.get("/manage/").get_data(as_text=True)
    summary = Tables(html).tables[0]
    teams = [r["cells"][0]["text"] for r in summary["rows"][1:]]
    assert teams == ["Warehouse North"]
    assert "Clinic Support" not in html and "the teams you manage" in html
    clinic = signed_in(rich, "clinic.manager@example.com").get("/manage/").get_data(as_text=True)
    assert "Clinic Support" in clinic and "Warehouse North" not in clinic


def test_learners_and_trainers_get_403(clients, seeded):
    tid = team_id(seeded, "Warehouse North")
    urls = ["/manage/", f"/manage/teams/{tid}", dashboard_url(tid), export_url(tid)]
    for role in ("learner", "trainer"):
        client = clients[role]
        for url in urls:
            response = client.get(url)
            response.get_data()
            assert response.status_code == 403, (role, url)
        response = post(client, f"/manage/teams/{tid}/assignment", {"course": COURSE, "due_date": "2026-12-31"})
        assert response.status_code == 403, role
    assert assignments(seeded) == []
    anonymous = clients["anonymous"].get("/manage/")
    assert anonymous.status_code == 302 and "/auth/sign-in" in anonymous.headers["Location"]



def test_admin_sees_every_team_paginated_and_searchable(admin_client, rich):
    names = [f"Bulk team {i:03d}" for i in range(1, 121)]
    bulk_teams(rich, names)
    everyone = sorted(names + ["Clinic Support", "Warehouse North"])
    first = admin_client.get("/manage/").get_data(as_text=True)
    assert "every team" in first
    assert [r[0] for r in summary_rows(first)] == everyone[:50]
    assert "Showing 1–50 of 122 · page 1 of 3" in first
    third = admin_client.get("/manage/?page=3").get_data(as_text=True)
    assert [r[0] for r in summary_rows(third)] == everyone[100:]
    assert "Showing 101–122 of 122" in third and 'rel="next"' not in third
    found = admin_client.get("/manage/?q=Bulk+team+11").get_data(as_text=True)
    assert [r[0] for r in summary_rows(found)] == [f"Bulk team {i}" for i in range(110, 120)]
    assert 'name="q" type="search" value="Bulk team 11"' in found
    found_page = admin_client.get("/manage/?q=Bulk&page=2").get_data(as_text=True)
    assert [r[0] for r in summary_rows(found_page)] == names[50:100]
    next_link = parse_qs(urlsplit(htmllib.unescape(re.search(r'rel="next" href="([^"]+)"', found_page).group(1))).query)
    assert next_link["q"] == ["Bulk"] and next_link["page"] == ["3"]
    assert "No teams match." in admin_client.get("/manage/?q=zzz-none").get_data(as_text=True)
    # The admin may open any team's dashboard and export.
    for team in ("Clinic Support", "Warehouse North"):
        tid = team_id(rich, team)
        assert admin_client.get(dashboard_url(tid)).status_code == 200
        export = admin_client.get(export_url(tid))
        assert export.status_code == 200 and export.get_data(as_text=True).startswith("Name,Email")


def test_summary_pages_keep_the_chosen_course(tree, database_url):
    """Regression: the summary's pager dropped the course, so "Next page" on any course but the
    first showed the first course."""
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First steps"))
    tree.course("second", "Second course")
    tree.write("lessons/second/01-other.md", LESSON.format(title="Other steps"))
    app = make_app(database_url, tree.root)
    seed_people(app)
    bulk_teams(app, [f"Team {i:02d}" for i in range(60)])
    admin = signed_in(app, "admin@example.com")
    html = admin.get("/manage/?course=second").get_data(as_text=True)
    assert "Second course" in html
    next_link = htmllib.unescape(re.search(r'rel="next" href="([^"]+)"', html).group(1))
    assert "course=second" in next_link
    second = admin.get(next_link).get_data(as_text=True)
    assert "Second course" in second and "Showing 51–62 of 62" in second
    prev_link = htmllib.unescape(re.search(r'rel="prev" href="([^"]+)"', second).group(1))
    assert "course=second" in prev_link
    close(app)



def test_managers_never_see_individual_answers(seeded):
    from course.devtools import demo
    with app_db(seeded):
        demo.seed_progress(catalog())
        course = the_course()
        assert Answer.select().count() > 0 and Attempt.select().count() > 0
        texts = quiz_texts(course)
    assert len(texts) > 50
    for email in ("manager@example.com", "admin@example.com"):
        client = signed_in(seeded, email)
        tid = team_id(seeded, "Warehouse North")
        for url in (dashboard_url(tid), dashboard_url(tid, sort="completion"), f"/manage/?course={COURSE}",
                    export_url(tid)):
            body = htmllib.unescape(client.get(url).get_data(as_text=True))
            leaked = [t for t in texts if t in body]
            assert leaked == [], (email, url, leaked[:3])
        # The dashboard shows scores, not answers: Kwame passed four quizzes.
        kwame = [p for p in get_dashboard(client, tid).people if p["name"] == "Kwame Mensah"][0]
        assert kwame["states"][:4] == ["Passed 100%"] * 4


# --- 6. scale and query counts -----------------------------------------------------------

def test_demo_scale_fills_people_progress_and_attempts(seeded):
    with app_db(seeded):
        before = {m.__name__: m.select().count() for m in (Team, Person, Membership, Progress, Attempt, Answer)}
    result = seeded.test_cli_runner().invoke(args=["demo", "scale", "--learners", "300", "--teams", "6"])
    assert result.exit_code == 0, result.output
    counts = dict((k, int(v)) for v, k in re.findall(r"(\d+) (teams|people|progress|attempts|answers)", result.output))
    with app_db(seeded):
        after = {m.__name__: m.select().count() for m in (Team, Person, Membership, Progress, Attempt, Answer)}
        assert after["Team"] - before["Team"] == counts["teams"] == 6
        assert after["Person"] - before["Person"] == counts["people"] == 306
        assert after["Membership"] - before["Membership"] == 306
        assert after["Progress"] - before["Progress"] == counts["progress"] > 300
        assert after["Attempt"] - before["Attempt"] == counts["attempts"] > 300
        assert after["Answer"] - before["Answer"] == counts["answers"] > counts["attempts"]
        scale_teams = list(Team.select().where(Team.name.startswith("Scale team")).order_by(Team.name))
        assert len(scale_teams) == 6
        for team in scale_teams:
            managers = Membership.select().where((Membership.team == team) & (Membership.is_manager == True))  # noqa: E712
            learners = Membership.select().where((Membership.team == team) & (Membership.is_manager == False))  # noqa: E712
            assert managers.count() == 1 and learners.count() == 50
        # Synthetic people cannot sign in.
        assert Person.select().where(Person.email.endswith("@scale.example") & Person.password_hash.is_null(False)).count() == 0
        # Every scale team's summary equals its dashboard totals.
        course = the_course()
        for summary in reports.team_summaries(scale_teams, course):
            report = reports.team_report(summary.team, course)
            assert (summary.members, summary.finished_people, summary.average_percent) == \
                (len(report.rows), report.finished_people, report.average_percent)
    # A new row after scale gets a fresh id (the sequences were moved on PostgreSQL).
    with app_db(seeded):
        Team.create(name="After scale")
        Person.create(email="after@scale.test", name="After")



def test_dashboard_and_export_run_a_constant_number_of_queries(seeded):
    result = seeded.test_cli_runner().invoke(args=["demo", "scale", "--learners", "300", "--teams", "6"])
    assert result.exit_code == 0, result.output
    with app_db(seeded):
        large = Team.select().where(Team.name.startswith("Scale team")).order_by(Team.name).first()
        learner_ids = [m.person_id for m in Membership.select().where(
            (Membership.team == large) & (Membership.is_manager == False)).order_by(Membership.id)]  # noqa: E712
        small = Team.create(name="Small team")
        Membership.insert_many([{"person": pid, "team": small.id, "is_manager": False}
                                for pid in learner_ids[:5]]).execute()
        sizes = {t: Membership.select().where((Membership.team == t) & (Membership.is_manager == False)).count()  # noqa: E712
                 for t in (small.id, large.id)}
        assert Progress.select().where(Progress.person.in_(learner_ids[:5])).count() > 0
    assert sizes[large.id] == 10 * sizes[small.id] == 50
    admin = signed_in(seeded, "admin@example.com")
    for args in ({}, {"sort": "completion", "status": "in-progress"}, {"q": "Learner"}):
        small_page = count_queries(seeded, admin, dashboard_url(small.id, **args), warm_up=True)
        large_page = count_queries(seeded, admin, dashboard_url(large.id, **args), warm_up=True)
        assert small_page == large_page, args
        small_csv = count_queries(seeded, admin, export_url(small.id, **args), warm_up=True)
        large_csv = count_queries(seeded, admin, export_url(large.id, **args), warm_up=True)
        assert small_csv == large_csv, args
        assert large_page < 20 and large_csv < 20, (large_page, large_csv)
    # With a due date too.
    with app_db(seeded):
        for team in (small.id, large.id):
            Assignment.create(team=team, course_slug=COURSE, due_date=datetime.date(2020, 1, 1))
    assert count_queries(seeded, admin, dashboard_url(small.id), warm_up=True) == \
        count_queries(seeded, admin, dashboard_url(large.id), warm_up=True)


def test_summary_runs_a_constant_number_of_queries(rich):
    admin = signed_in(rich, "admin@example.com")

    def add_teams(names):
        ids = bulk_teams(rich, names)
        for name, tid in ids.items():
            slug = name.lower().replace(" ", "-")
            add_members(rich, tid, [(f"{name} member {i}", f"{slug}-{i}@teams.example") for i in range(3)])
            set_states(rich, f"{slug}-0@teams.example", passed(3, "opened"))
            with app_db(rich):
                Assignment.create(team=tid, course_slug=COURSE, due_date=datetime.date(2020, 1, 1))

    add_teams([f"Five {i}" for i in range(3)])             # + Warehouse North, Clinic Support = 5

    with app_db(rich):
        assert Team.select().count() == 5
    five = count_queries(rich, admin, f"/manage/?course={COURSE}", warm_up=True)
    add_teams([f"Sixty {i:02d}" for i in range(55)])
    with app_db(rich):
        assert Team.select().count() == 60
    sixty = count_queries(rich, admin, f"/manage/?course={COURSE}", warm_up=True)
    assert five == sixty
    assert count_queries(rich, admin, f"/manage/?course={COURSE}&page=2", warm_up=True) == five
    assert count_queries(rich, admin, f"/manage/?course={COURSE}&q=Sixty", warm_up=True) == five
    html = admin.get(f"/manage/?course={COURSE}").get_data(as_text=True)
    assert len(summary_rows(html)) == 50
    # A manager's summary of one team costs the same.
    manager = signed_in(rich, "manager@example.com")
    assert count_queries(rich, manager, "/manage/", warm_up=True) == five


# --- 7. the summary agrees with each dashboard -------------------------------------------


def test_summary_figures_equal_each_teams_dashboard(admin_client, rich):
    # More variety: Clinic Support with progress, an inactive member and a manager with progress;
    # a past due date on one team and a future one on the other.
    set_states(rich, "siobhan@example.com", passed(10))
    set_states(rich, "yusuf@example.com", passed(7, "completed"))
    add_members(rich, "Clinic Support", [("Gone Person", "gone@example.net")])
    set_states(rich, "gone@example.net", passed(10))
    set_states(rich, "clinic.manager@example.com", passed(10))     # a manager's own progress never counts
    with app_db(rich):
        Person.update(active=False).where(Person.email == "gone@example.net").execute()
    with rich.app_context():
        today = course_filters.site_today()
    for team, due in (("Warehouse North", today - datetime.timedelta(days=2)),
                      ("Clinic Support", today + datetime.timedelta(days=9))):
        post(admin_client, f"/manage/teams/{team_id(rich, team)}/assignment",
             {"course": COURSE, "due_date": due.isoformat()})
    figures = summary_figures(admin_client)
    assert set(figures) == {"Warehouse North", "Clinic Support"}
    for team, summary in figures.items():
        page = get_dashboard(admin_client, team_id(rich, team))
        for label in ("People", "Finished the course", "Average completion", "Overdue"):
            assert summary[label] == page.totals[label], (team, label)
    assert figures["Warehouse North"] == {"People": "6", "Finished the course": "1", "Average completion": "27%",
                                          "Overdue": "5", "Due": f"{today - datetime.timedelta(days=2):%-d %B %Y}"}
    assert figures["Clinic Support"]["People"] == "2" and figures["Clinic Support"]["Average completion"] == "85%"
    # The same through the functions.
    with app_db(rich):
        course = the_course()
        teams = list(Team.select().order_by(Team.name))
        for summary in reports.team_summaries(teams, course):
            report = reports.team_report(summary.team, course)
            assert (summary.members, summary.finished_people, summary.average_percent, summary.overdue_people) == \
                (len(report.rows), report.finished_people, report.average_percent, report.overdue_people)


def test_summary_average_equals_dashboard_for_any_number_of_lessons(tree, database_url):
    """Regression: the dashboard averaged each person's rounded percent (16% for 1 of 3 and 0 of 3
    lessons) while the summary divided lessons finished by lessons to finish (17%)."""
    for i, title in enumerate(["One", "Two", "Three"], 1):
        tree.write(f"lessons/demo/0{i}-l{i}.md", LESSON.format(title=title))
    app = make_app(database_url, tree.root)
    seed_people(app)
    with app_db(app):
        course = catalog().course("demo")
        Person.update(active=False).where(Person.email == "mei@example.com").execute()
        kwame = Person.by_email("kwame@example.com")
        progress.record_open(kwame, course.visible_lessons()[0])
        progress.mark_done(kwame, course.visible_lessons()[0])
    admin = signed_in(app, "admin@example.com")
    tid = team_id(app, "Warehouse North")
    page = get_dashboard_for(admin, tid, "demo")
    html = admin.get("/manage/?course=demo").get_data(as_text=True)
    row = [r for r in summary_rows(html) if r[0] == "Warehouse North"][0]
    close(app)
    assert row[3] == page.totals["Average completion"] == "17%"
