"""Due dates: a manager assigns a course to a team with a due date; people not finished by
it are overdue, on the dashboard and on their own home page, by the site's date.
"""
from __future__ import annotations

import datetime

import pytest

from course.data.models import Assignment, Team
from course.reporting import team_reports as reports
from course import time as course_time
from helpers.app import ROOT, make_app
from helpers.content import LESSONS, COURSE
from helpers.db import app_db, team_id
from helpers.http import post, signed_in
from helpers.people import seed_people
from helpers.reports import (assert_csv_equals_dashboard, assignments, close, get_csv, get_dashboard, passed,
                             set_states, the_course)


# --- assignments and due dates ------------------------------------------------------

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
        past = course_time.site_today() - datetime.timedelta(days=3)
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
        today = course_time.site_today()
    post(manager_client, f"/manage/teams/{tid}/assignment", {"course": COURSE, "due_date": today.isoformat()})
    assert get_dashboard(manager_client, tid).totals["Overdue"] == "0"


def test_learners_see_their_own_due_dates_on_the_home_page(rich):
    manager = signed_in(rich, "manager@example.com")
    tid = team_id(rich, "Warehouse North")
    set_states(rich, "kwame@example.com", passed(LESSONS))
    with rich.app_context():
        past = course_time.site_today() - datetime.timedelta(days=1)
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
    assert f"0 of {LESSONS} lessons finished" in lena


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
            site[zone] = course_time.site_today()
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
        assert course_time.site_today() == (datetime.date(2026, 11, 24) if overdue else datetime.date(2026, 11, 23))
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
