"""A person's own account: password change, where they are signed in, results, private reflections
and commitments (with their check-ins)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from course.learning import attempts as attempts_record
from course.learning import commitments as commitments_record
from course.learning import people
from course.learning import reflections as reflections_record
from course.reporting import lesson_states
from course.time import site_today
from course.web.content_store import catalog
from course.web.login import begin_session, current_session_remembered, live_sessions

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    if request.method == "POST":
        error = None
        if not people.verify_password(current_user, request.form.get("current", "")):
            error = "Your current password is not right."
        elif request.form.get("new", "") != request.form.get("confirm", ""):
            error = "The two new passwords differ."
        else:
            try:
                people.set_password(current_user._get_current_object(), request.form.get("new", ""),
                                    current_app.config["PASSWORD_MIN_LENGTH"])
            except people.PeopleError as exc:
                error = str(exc)
        if error:
            return _page(error=error), 400
        # Every session ended with the change; this browser gets a new one.
        begin_session(current_user._get_current_object(), remember=current_session_remembered())
        flash("Your password is changed. Other devices are signed out.", "success")
        return redirect(url_for("main.home"))
    return _page()


def _page(error=None):
    return render_template("account/password.html", error=error, sessions=live_sessions(current_user))


@bp.get("/attempts")
@login_required
def attempts():
    cat = catalog()
    rows = []
    for attempt in attempts_record.recent_quiz_attempts(current_user, 200):
        lesson, _ = cat.find_lesson(attempt.course_slug, attempt.lesson_slug)
        rows.append({"attempt": attempt, "lesson": lesson if lesson and lesson.quiz and not lesson.draft else None})
    return render_template("account/attempts.html", rows=rows,
                           courses=lesson_states.courses_progress(current_user, cat.courses))


@bp.get("/reflections")
@login_required
def reflections():
    """The signed-in person's own reflections; no address shows anyone else's."""
    return render_template("account/reflections.html",
                           groups=reflections_record.reflections_by_lesson(current_user, catalog()))


@bp.get("/commitments")
@login_required
def commitments():
    """The signed-in person's own commitments, check-ins and reflections; no address shows anyone else's."""
    return render_template("account/commitments.html",
                           entries=commitments_record.commitments_of(current_user, catalog()),
                           outcomes=commitments_record.OUTCOMES, today=site_today())


@bp.post("/commitments/<id:commitment_id>/check-in")
@login_required
def check_in(commitment_id):
    """How a commitment went (from the home page). Someone else's commitment is not found: 404."""
    try:
        commitment = commitments_record.check_in(current_user, commitment_id, request.form.get("outcome", ""),
                                                 request.form.get("reflection", ""), request.form.get("new_date", ""),
                                                 site_today())
    except commitments_record.CommitmentError as exc:
        abort(400, str(exc))
    if commitment is None:
        abort(404)
    if commitment.outcome is None:
        flash(f"Moved: your home page asks again on {commitment.check_in_on.strftime('%-d %B')}.", "success")
    else:
        flash("Thank you. Your check-in is saved on your commitments page; only you can read it.", "success")
    return redirect(url_for("main.home"), 303)
