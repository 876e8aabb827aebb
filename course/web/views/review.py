"""Spaced review of past scenarios, and the learner's habits mirror."""
import datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from course.learning import attempts
from course.reporting import charts
from course.learning import practice
from course.learning import spaced_review as review
from course.content.quiztypes import GradeError
from course.web.content_store import catalog
from course.web.filters import site_today, site_zone
from course.data.models import ReviewCard

bp = Blueprint("review", __name__)


@bp.before_request
@login_required
def _signed_in():
    return None


def _midnight_utc(day: datetime.date) -> datetime.datetime:
    midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=site_zone())
    return midnight.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def today_start_utc() -> datetime.datetime:
    """Midnight at the start of today in the site's zone, as naive UTC."""
    return _midnight_utc(site_today())


def tomorrow_start_utc() -> datetime.datetime:
    return _midnight_utc(site_today() + datetime.timedelta(days=1))


def due_today(person) -> int:
    review.sync_cards(person, catalog())
    return review.due_count(person, daily_limit(), today_start_utc(), tomorrow_start_utc())


def daily_limit() -> int:
    return int(current_app.config["REVIEW_DAILY_LIMIT"])


@bp.get("/review")
def queue():
    items = review.due_items(current_user, catalog(), daily_limit(), today_start_utc(), tomorrow_start_utc())
    if not items:
        done = review.reviews_done_today(current_user, today_start_utc())
        upcoming = (ReviewCard.select().where((ReviewCard.person == current_user.id)
                                              & ReviewCard.retired_at.is_null())
                    .order_by(ReviewCard.due).first())
        next_day = None
        if upcoming is not None:
            from course.web.filters import to_local
            next_day = max(to_local(upcoming.due).date(), site_today() + datetime.timedelta(days=1))
        return render_template("review/empty.html", next_day=next_day, done_today=done, limit=daily_limit())
    item = items[0]
    token = attempts.issue_token(current_app.config["SECRET_KEY"], current_user, item.lesson,
                                 scenario_id=item.scenario.id)
    return render_template("review/question.html", item=item, token=token, remaining=len(items))


@bp.post("/review")
def answer():
    card = ReviewCard.get_or_none((ReviewCard.id == request.form.get("card", type=int))
                                  & (ReviewCard.person == current_user.id))
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
    if not _still_due(card):
        # Another tab answered this card already, or today's set is done: nothing to record.
        return redirect(url_for("review.queue"), 303)
    choice_id = request.form.get(f"answer-{scenario.id}")
    if not choice_id:
        fresh = attempts.issue_token(current_app.config["SECRET_KEY"], current_user, lesson, scenario_id=scenario.id)
        item = review.DueItem(card, lesson, scenario)
        return render_template("review/question.html", item=item, token=fresh, remaining=None,
                               error="Choose one answer."), 400
    try:
        result = attempts.grade_one(scenario, choice_id)
    except GradeError as exc:
        abort(400, f"This answer names a choice the scenario does not have ({exc}). Nothing was saved.")
    attempt, _ = attempts.record_attempt(
        current_user, lesson, token, result, kind="review",
        on_created=lambda _attempt: review.apply_review(current_user, card, result.passed))
    return redirect(url_for("review.feedback", attempt_id=attempt.id), 303)


def _still_due(card) -> bool:
    fresh = ReviewCard.get_or_none(ReviewCard.id == card.id)
    if fresh is None or fresh.retired_at is not None or fresh.due >= tomorrow_start_utc():
        return False
    return review.reviews_done_today(current_user, today_start_utc()) < daily_limit()


@bp.get("/review/answers/<int:attempt_id>")
def feedback(attempt_id):
    attempt = attempts.attempt_for(current_user, attempt_id)
    if attempt is None or attempt.kind != "review":
        abort(404)
    lesson, _ = catalog().find_lesson(attempt.course_slug, attempt.lesson_slug)
    answers = attempts.review(attempt, lesson.quiz if lesson else None)
    card = ReviewCard.get_or_none((ReviewCard.person == current_user.id)
                                  & (ReviewCard.course_slug == attempt.course_slug)
                                  & (ReviewCard.lesson_slug == (lesson.slug if lesson else attempt.lesson_slug))
                                  & (ReviewCard.scenario_id == (answers[0].scenario.id if answers and answers[0].scenario else "")))
    remaining = review.due_count(current_user, daily_limit(), today_start_utc(), tomorrow_start_utc())
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
    return render_template("review/habits.html", mirror=mirror, weekly=weekly, chart=chart, answers=len(history))
