import datetime

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user

from course.learning import commitments, practice, spaced_review
from course.reporting import lesson_states, team_reports
from course.time import review_day, site_today
from course.web.content_store import catalog
from course.web.health import readiness

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    courses = lesson_states.courses_progress(current_user, catalog().courses)
    in_progress = next((c for c in courses if c.started and not c.finished), None)
    due = team_reports.learner_due_dates(current_user, catalog(), courses, site_today())
    today_start, tomorrow_start = review_day()
    reviews_due = spaced_review.due_count(current_user, catalog(), int(current_app.config["REVIEW_DAILY_LIMIT"]),
                                          today_start, tomorrow_start)
    since = today_start - datetime.timedelta(days=400)
    streak = practice.current_streak(practice.practice_days(current_user, since), site_today())
    today = site_today()
    check_ins = commitments.due_check_ins(current_user, today)
    return render_template("main/home.html", courses=courses, current=in_progress, due=due,
                           reviews_due=reviews_due, streak=streak, check_ins=check_ins,
                           outcomes=commitments.OUTCOMES, reflection_max=commitments.MAX_REFLECTION,
                           move_default=(today + datetime.timedelta(days=commitments.DEFAULT_DAYS)).isoformat(),
                           move_min=(today + datetime.timedelta(days=1)).isoformat(),
                           move_max=(today + datetime.timedelta(days=commitments.MOVE_DAYS)).isoformat())


@bp.get("/health")
def health():
    # Liveness for load balancers; also the hello-world floor the benchmarks compare against.
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/healthz")
def healthz():
    # Readiness: the database answers, migrations are applied, the content loaded cleanly.
    report, status = readiness()
    response = jsonify(report)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
