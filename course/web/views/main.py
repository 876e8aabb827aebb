import datetime

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from course.learning import practice
from course.learning import progress
from course.reporting import team_reports as reports
from course.web.content_store import catalog
from course.web.filters import site_today

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    courses = progress.courses_progress(current_user, catalog().courses)
    in_progress = next((c for c in courses if c.started and not c.finished), None)
    due = reports.learner_due_dates(current_user, catalog(), courses)
    from course.web.views.review import due_today, today_start_utc
    reviews_due = due_today(current_user)
    since = today_start_utc() - datetime.timedelta(days=400)
    streak = practice.current_streak(practice.practice_days(current_user, since), site_today())
    return render_template("main/home.html", courses=courses, current=in_progress, due=due,
                           reviews_due=reviews_due, streak=streak)


@bp.get("/health")
def health():
    # Liveness for load balancers; also the hello-world floor the benchmarks compare against.
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
