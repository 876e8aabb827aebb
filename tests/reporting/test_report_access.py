"""Who sees which report: a manager only the teams they manage, an admin every team,
learners and trainers none; nobody sees individual answers.
"""
from __future__ import annotations

import datetime
import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

from course.data.models import Answer, Assignment, Attempt, Membership, Person
from course.web.content_store import catalog
from helpers.app import make_app
from helpers.content import COURSE, LESSON
from helpers.db import app_db, team_id
from helpers.http import post, signed_in
from helpers.pages import Tables
from helpers.people import seed_people
from helpers.reports import (assignments, bulk_teams, close, dashboard_url, export_url, get_dashboard, quiz_texts,
                             summary_rows, the_course)


# --- who sees what -------------------------------------------------------------------

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
