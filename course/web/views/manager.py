"""Managers (and admins): team completion, due dates, charts, CSV export.

Every team is looked up through policy.team_or_404, which filters by the
teams this person manages in the query itself: other teams give 404.
"""
import datetime

from flask import (Blueprint, Response, abort, flash, redirect, render_template, request,
                   stream_with_context, url_for)
from flask_login import current_user

from course.learning import assignments
from course.reporting import charts, commitment_counts, exports, team_reports
from course.time import site_today
from course.web.content_store import catalog
from course.web.filters import localtime_text
from course.web.pagination import paginate
from course.web.policy import has_role, manager_required, team_or_404, visible_teams

bp = Blueprint("manager", __name__, url_prefix="/manage")


@bp.before_request
@manager_required
def _managers_only():
    return None


def _course():
    courses = catalog().courses
    if not courses:
        abort(404)
    slug = request.args.get("course") or request.form.get("course")
    if slug is None:
        return courses[0]
    course = catalog().course(slug)
    if course is None:
        abort(404)
    return course


@bp.get("/")
def summary():
    course = _course()
    q = request.args.get("q", "").strip()
    teams = visible_teams(current_user, q)
    page = paginate(teams, request.args.get("page"))
    rows = team_reports.team_summaries(page.items, course)
    return render_template("manager/summary.html", course=course, courses=catalog().courses, page=page,
                           rows=rows, q=q, is_admin=has_role(current_user, "admin"))


@bp.get("/teams/<id:team_id>")
def team(team_id):
    team = team_or_404(current_user, team_id)
    course = _course()
    filters = team_reports.ReportFilters.from_args(request.args)
    report = team_reports.team_report(team, course, filters)
    page = paginate(_ListQuery(report.rows), request.args.get("page"))
    lesson_chart = charts.bar_chart(
        "lesson-chart", f"Lesson completion in {team.name}",
        f"Share of the {len(report.rows)} people shown who finished each lesson of {course.title}.",
        [charts.Bar(s.lesson.title, s.rate, f"{round(s.rate * 100)}%") for s in report.lesson_stats])
    weekly_chart = charts.column_chart(
        "weekly-chart", "Lessons finished per week",
        "Number of lessons finished by the people shown in each of the last 12 weeks.",
        [(start.strftime("%-d %b"), count) for start, count in report.weekly])
    return render_template("manager/team.html", team=team, course=course, courses=catalog().courses,
                           report=report, page=page, filters=filters, lesson_chart=lesson_chart,
                           weekly_chart=weekly_chart, statuses=team_reports.STATUSES, sorts=team_reports.SORTS,
                           lesson_states=team_reports.LESSON_STATES, today=site_today(),
                           default_due=site_today() + datetime.timedelta(days=30),
                           commitments=commitment_counts.team_commitment_counts(team, course.slug))


@bp.get("/teams/<id:team_id>/export.csv")
def export(team_id):
    team = team_or_404(current_user, team_id)
    course = _course()
    report = team_reports.team_report(team, course, team_reports.ReportFilters.from_args(request.args), with_charts=False)
    header, rows = exports.team_report_rows(report, localtime_text)
    filename = f"{team.name}-{course.slug}-{site_today().isoformat()}.csv"
    # Header values must be Latin-1 under WSGI: keep ASCII letters and digits only.
    safe_name = "".join(c if (c.isascii() and c.isalnum()) or c in "-_." else "-" for c in filename)
    return Response(stream_with_context(exports.stream_csv(header, rows)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{safe_name}"'})


@bp.post("/teams/<id:team_id>/assignment")
def assign(team_id):
    team = team_or_404(current_user, team_id)
    course = _course()
    if request.form.get("action") == "remove":
        assignments.unassign_course(team, course)
        flash(f"{course.title} is no longer assigned to {team.name}.", "success")
    else:
        try:
            assignment = assignments.assign_course(team, course, request.form.get("due_date", ""), current_user)
        except assignments.AssignmentError as exc:
            flash(str(exc), "error")
        else:
            flash(f"{course.title} is assigned to {team.name}, due {assignment.due_date:%-d %B %Y}.", "success")
    return redirect(url_for("manager.team", team_id=team.id, course=course.slug), 303)


class _ListQuery:
    """Lets an in-memory list go through the same paginate() as queries."""

    def __init__(self, items):
        self.items = items

    def count(self):
        return len(self.items)

    def paginate(self, number, per_page):
        start = (number - 1) * per_page
        return self.items[start:start + per_page]
