"""Spaced review of past scenarios, and the learner's habits mirror."""
import datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from course.content.quiztypes import GradeError
from course.learning import attempts, commitments, practice, spaced_review
from course.reporting import charts
from course.time import review_day, site_today, to_local
from course.web.content_store import catalog
from course.web.inputs import form_id

bp = Blueprint("review", __name__)


@bp.before_request
@login_required
def _signed_in():
    return None


def daily_limit() -> int:
    return int(current_app.config["REVIEW_DAILY_LIMIT"])


def due_today(person) -> int:
    """How many reviews are due today (the home page and the navigation show it)."""
    return spaced_review.due_count(person, catalog(), daily_limit(), *review_day())


@bp.get("/review")
def queue():
    items = spaced_review.due_items(current_user, catalog(), daily_limit(), *review_day())
    if not items:
        start, _ = review_day()
        done = spaced_review.reviews_done_today(current_user, start)
        upcoming = spaced_review.next_due(current_user, catalog())
        next_day = None
        if upcoming is not None:
            next_day = max(to_local(upcoming).date(), site_today() + datetime.timedelta(days=1))
        return render_template("review/empty.html", next_day=next_day, done_today=done, limit=daily_limit())
    item = items[0]
    token = attempts.issue_token(current_app.config["SECRET_KEY"], current_user, item.lesson,
                                 scenario_id=item.scenario.id)
    return render_template("review/question.html", item=item, token=token, remaining=len(items))


@bp.post("/review")
def answer():
    card = spaced_review.card_for(current_user, form_id("card"))
    if card is None:
        abort(400, "This review does not belong to you. Nothing was saved.")
    lesson, _ = catalog().find_lesson(card.course_slug, card.lesson_slug)
    scenario = lesson.quiz.scenario(card.scenario_id) if lesson and lesson.quiz else None
    if scenario is None:
        return redirect(url_for("review.queue"))
    try:
        token = attempts.read_token(current_app.config["SECRET_KEY"], request.form.get("token", ""),
                                    current_user, lesson, scenario_id=scenario.id)
    except attempts.TamperedForm as exc:
        abort(400, str(exc))
    except attempts.QuizChanged:
        return redirect(url_for("review.queue"))
    already = attempts.attempt_by_token(current_user, token)
    if already is not None:     # the same form again: show what was recorded
        return redirect(url_for("review.feedback", attempt_id=already.id), 303)
    if not spaced_review.still_due(current_user, card, catalog(), daily_limit(), *review_day()):
        # Another tab answered this card already, or today's set is done: nothing to record.
        return redirect(url_for("review.queue"), 303)
    choice_id = request.form.get(f"answer-{scenario.id}")
    if not choice_id:
        fresh = attempts.issue_token(current_app.config["SECRET_KEY"], current_user, lesson, scenario_id=scenario.id)
        item = spaced_review.DueItem(card, lesson, scenario, card.due)
        return render_template("review/question.html", item=item, token=fresh, remaining=None,
                               error="Choose one answer."), 400
    try:
        result = attempts.grade_one(scenario, choice_id)
    except GradeError as exc:
        abort(400, f"This answer names a choice the scenario does not have ({exc}). Nothing was saved.")
    attempt, _ = attempts.record_review(current_user, lesson, token, result, card, catalog())
    return redirect(url_for("review.feedback", attempt_id=attempt.id), 303)


@bp.get("/review/answers/<id:attempt_id>")
def feedback(attempt_id):
    attempt = attempts.attempt_for(current_user, attempt_id)
    if attempt is None or attempt.kind != "review":
        abort(404)
    lesson, _ = catalog().find_lesson(attempt.course_slug, attempt.lesson_slug)
    answers = attempts.answers_of(attempt, lesson.quiz if lesson else None)
    card = spaced_review.card_of_answer(current_user, attempt.course_slug,
                                        lesson.slug if lesson else attempt.lesson_slug,
                                        answers[0].scenario.id if answers and answers[0].scenario else "")
    remaining = due_today(current_user)
    return render_template("review/feedback.html", attempt=attempt, lesson=lesson, item=answers[0] if answers else None,
                           card=card, remaining=remaining)


@bp.get("/habits")
def habits():
    history = practice.answer_history(current_user)
    cat = catalog()
    mirror = practice.habits(history, cat)
    weekly = practice.weekly_strong_share(history, cat, site_today())
    chart = charts.column_chart(
        "habits-chart", "Share of choices that were strong coaching habits, per week",
        "For each of the last 12 weeks, the percentage of your answers that chose a strong habit.",
        [(start.strftime("%-d %b"), round(100 * strong / total) if total else 0) for start, strong, total in weekly])
    tried = commitments.tried_by_tag(current_user)
    at_work = sorted(((cat.tags[slug], count) for slug, count in tried.items() if slug in cat.tags),
                     key=lambda pair: (-pair[1], pair[0].label))
    return render_template("review/habits.html", mirror=mirror, weekly=weekly, chart=chart, answers=len(history),
                           tried=tried, at_work=at_work)
