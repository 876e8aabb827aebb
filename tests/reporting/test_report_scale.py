"""`demo scale` fills the database, and the dashboard, the export and the summary run the
same number of queries for a team of 5 or 50 and for 5 or 60 teams.
"""
from __future__ import annotations

import datetime
import re

from course.data.models import Answer, Assignment, Attempt, Membership, Person, Progress, Team
from course.reporting import team_reports as reports
from helpers.content import COURSE
from helpers.db import app_db
from helpers.http import signed_in
from helpers.reports import (add_members, bulk_teams, dashboard_url, export_url, passed, set_states, summary_rows,
                             the_course)
from helpers.sql import count_queries


# --- scale and query counts -----------------------------------------------------------

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
