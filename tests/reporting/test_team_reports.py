"""Manager reports: "Managers see completion at a glance".

The team dashboard (matrix, filters, sorting, pagination), its charts, and the
summary of teams agreeing with each team's dashboard. Due dates, the CSV export,
who sees what and query counts have files of their own beside this one.

Everything runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL too.
Tests whose docstring starts "Regression:" cover bugs found while these files were
written and fixed in the app since; xfail(strict=True) marks a bug still open.
"""
from __future__ import annotations

import datetime
import re

import pytest

from course.data.models import Membership, Person, Team
from course.learning import progress
from course.reporting import team_reports as reports
from course import time as course_time
from course.web.content_store import catalog
from helpers.app import make_app
from helpers.content import LESSONS, COURSE, LESSON
from helpers.db import app_db, team_id
from helpers.http import post, signed_in
from helpers.people import seed_people
from helpers.reports import (ALL_NAMES, NOW, add_members, close, get_csv, get_dashboard, get_dashboard_for, passed,
                             set_states, summary_figures, summary_rows, the_course)


# --- the team dashboard ---------------------------------------------------------


def pct(part, whole) -> str:
    """A share as the reports print it (rounded to a whole percent)."""
    return f"{round(100 * part / whole)}%"

def test_matrix_shows_each_member_with_states_in_words(manager_client, rich):
    tid = team_id(rich, "Warehouse North")
    page = get_dashboard(manager_client, tid)
    assert page.names == ALL_NAMES
    by_name = {p["name"]: p for p in page.people}
    with app_db(rich):
        lessons = the_course().visible_lessons()
    assert len(lessons) == LESSONS
    assert by_name["Ana Finished"]["states"] == ["Passed 90%"] * LESSONS
    assert by_name["Ana Finished"]["status"] == "Finished" and by_name["Ana Finished"]["done"] == "100%"
    assert by_name["Kwame Mensah"]["states"] == ["Passed 90%"] * 4 + ["Opened"] + ["Not started"] * (LESSONS - 5)
    assert by_name["Kwame Mensah"]["status"] == "In progress" and by_name["Kwame Mensah"]["done"] == pct(4, LESSONS)
    assert by_name["Mei Chen"]["states"] == ["Passed 90%"] * 2 + ["Completed"] + ["Not started"] * (LESSONS - 3)
    assert by_name["Mei Chen"]["done"] == pct(2, LESSONS)
    assert by_name["Bob Opened"]["states"] == ["Opened"] + ["Not started"] * (LESSONS - 1)
    assert by_name["Bob Opened"]["status"] == "In progress" and by_name["Bob Opened"]["done"] == "0%"
    assert by_name["Lena Learner"]["states"] == ["Not started"] * LESSONS
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
    # Ana finished every lesson, Kwame 4, Mei 2, three people none: lessons finished / lessons to finish.
    assert page.totals == {"People": "6", "Finished the course": "1", "Average completion": pct(LESSONS + 6, 6 * LESSONS),
                           "Overdue": "0", "Not started": "2"}
    # Totals are on the page before the matrix, and lead the matrix's body.
    assert page.html.index('id="totals-heading"') < page.html.index('class="data matrix"')
    assert page.average_cell == pct(LESSONS + 6, 6 * LESSONS)
    # L1, L2: Ana, Kwame, Mei of 6; L3, L4: Ana, Kwame; L5-L10: Ana.
    assert page.rates == ["50%", "50%", "33%", "33%"] + ["17%"] * (LESSONS - 4)
    assert page.lesson_numbers[0][1:] == ("3 of 6", "50%")
    assert page.lesson_numbers[LESSONS - 1][1:] == ("1 of 6", "17%")


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
    set_states(rich, "member60@big.example", passed(LESSONS))
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


# --- charts ---------------------------------------------------------------------------

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
    # Every lesson finished in the fixture was passed this week: all of Ana's, 4 and 2.
    assert page.weekly_numbers[-1][1] == LESSONS + 6 and sum(c for _, c in page.weekly_numbers) == LESSONS + 6
    # Charts follow the filters.
    filtered = get_dashboard(manager_client, tid, q="kwame")
    assert [c for _, c in filtered.weekly_numbers][-1] == 4
    assert filtered.lesson_numbers[0][1:] == ("1 of 1", "100%")


# --- the summary agrees with each dashboard -------------------------------------------

def test_summary_figures_equal_each_teams_dashboard(admin_client, rich):
    # More variety: Clinic Support with progress, an inactive member and a manager with progress;
    # a past due date on one team and a future one on the other.
    set_states(rich, "siobhan@example.com", passed(LESSONS))
    set_states(rich, "yusuf@example.com", passed(7, "completed"))
    add_members(rich, "Clinic Support", [("Gone Person", "gone@example.net")])
    set_states(rich, "gone@example.net", passed(LESSONS))
    set_states(rich, "clinic.manager@example.com", passed(LESSONS))     # a manager's own progress never counts
    with app_db(rich):
        Person.update(active=False).where(Person.email == "gone@example.net").execute()
    with rich.app_context():
        today = course_time.site_today()
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
    assert figures["Warehouse North"] == {"People": "6", "Finished the course": "1", "Average completion": pct(LESSONS + 6, 6 * LESSONS),
                                          "Overdue": "5", "Due": f"{today - datetime.timedelta(days=2):%-d %B %Y}"}
    assert figures["Clinic Support"]["People"] == "2" and figures["Clinic Support"]["Average completion"] == pct(LESSONS + 7, 2 * LESSONS)
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
