"""Learners: course outline, lesson pages, job aids, reflections, commitments, marking done, certificates."""
import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from course.learning import commitments, progress, reflections
from course.reporting import lesson_states
from course.time import site_today
from course.web.content_store import catalog
from course.web.filters import has_try_this

bp = Blueprint("learn", __name__, url_prefix="/courses")


@bp.before_request
@login_required
def _signed_in():
    return None


def course_or_404(course_slug):
    course = catalog().course(course_slug)
    if course is None:
        abort(404)
    return course


def published_lesson_or_404(course_slug, lesson_slug):
    course = course_or_404(course_slug)
    lesson, is_alias = catalog().find_lesson(course_slug, lesson_slug)
    if lesson is None or lesson.draft:
        abort(404)
    return course, lesson, is_alias


@bp.get("/<course_slug>/")
def outline(course_slug):
    course = course_or_404(course_slug)
    return render_template("learn/outline.html", course=course,
                           progress=lesson_states.course_progress(current_user, course))


@bp.get("/<course_slug>/<lesson_slug>")
def lesson(course_slug, lesson_slug):
    course, lesson, is_alias = published_lesson_or_404(course_slug, lesson_slug)
    if is_alias:
        return redirect(url_for("learn.lesson", course_slug=course_slug, lesson_slug=lesson.slug), 301)
    state = lesson_states.course_progress(current_user, course)
    if progress.visit_needs_recording(state.of(lesson.slug), lesson):
        progress.record_open(current_user, lesson)
        state = None        # read again below, with the visit
    return _render_lesson(course, lesson, state)


def _commitment_form(text="", check_in_on=None, error=None) -> dict:
    today = site_today()
    return {"text": text, "error": error, "max_text": commitments.MAX_TEXT,
            "check_in_on": check_in_on or commitments.default_check_in(today).isoformat(),
            "min_date": today.isoformat(),
            "max_date": (today + datetime.timedelta(days=commitments.MAX_DAYS)).isoformat()}


def _render_lesson(course, lesson, state=None, status=200, reflection_error=None, answers=None,
                   commitment_form=None):
    """The lesson page; `answers` (prompt id -> text) replaces the saved answers after a refused save."""
    if state is None:
        state = lesson_states.course_progress(current_user, course)
    previous, following = course.neighbours(lesson)
    saved = reflections.latest_answers(current_user, lesson) if lesson.reflection else {}
    if answers is None:
        answers = {prompt_id: row.text for prompt_id, row in saved.items()}
    return render_template("learn/lesson.html", course=course, lesson=lesson, previous=previous,
                           following=following, mine=state.of(lesson.slug), progress=state,
                           reflection_saved=saved, reflection_answers=answers,
                           reflection_error=reflection_error,
                           reflection_max=reflections.MAX_TEXT,
                           commitment_form=commitment_form or _commitment_form()), status


REFLECTION_FIELD = "reflection-"


@bp.post("/<course_slug>/<lesson_slug>/reflection")
def save_reflection(course_slug, lesson_slug):
    course, lesson, _ = published_lesson_or_404(course_slug, lesson_slug)
    answers = {key[len(REFLECTION_FIELD):]: value for key, value in request.form.items()
               if key.startswith(REFLECTION_FIELD)}
    try:
        saved = reflections.save_reflections(current_user, lesson, answers)
    except reflections.ReflectionError as exc:
        if not lesson.reflection:
            abort(400, str(exc))
        # The learner's words stay in the boxes, so nothing they wrote is lost.
        return _render_lesson(course, lesson, status=400, reflection_error=exc, answers=answers)
    flash("Saved. Only you can see this." if saved else "Nothing to save: every answer was empty.",
          "success" if saved else "info")
    return redirect(url_for("learn.lesson", course_slug=course.slug, lesson_slug=lesson.slug), 303)


@bp.post("/<course_slug>/<lesson_slug>/commitment")
def commit(course_slug, lesson_slug):
    course, lesson, _ = published_lesson_or_404(course_slug, lesson_slug)
    if not has_try_this(lesson.body_html):
        abort(400, "This lesson has no “Try this at work” section, so there is nothing to commit to. Nothing was saved.")
    text, day = request.form.get("text", ""), request.form.get("check_in_on", "")
    try:
        commitment = commitments.make_commitment(current_user, lesson, text, commitments.parse_date(day),
                                                 site_today(), catalog())
    except commitments.CommitmentError as exc:
        # What the learner wrote stays in the box, so nothing is lost.
        form = _commitment_form(text=text[:commitments.MAX_TEXT * 2], check_in_on=day[:10] or None, error=exc)
        return _render_lesson(course, lesson, status=400, commitment_form=form)
    flash(f"Committed. On {commitment.check_in_on.strftime('%-d %B')} your home page asks how it went. "
          "Only you can see what you wrote.", "success")
    return redirect(url_for("learn.lesson", course_slug=course.slug, lesson_slug=lesson.slug) + "#commitment", 303)


@bp.get("/<course_slug>/aids/<aid_slug>")
def aid(course_slug, aid_slug):
    course = course_or_404(course_slug)
    job_aid = course.aid(aid_slug)
    if job_aid is None:
        abort(404)
    lessons = [lesson for lesson in course.visible_lessons() if job_aid.slug in lesson.aids]
    return render_template("learn/aid.html", course=course, aid=job_aid, lessons=lessons)


@bp.post("/<course_slug>/<lesson_slug>/done")
def mark_done(course_slug, lesson_slug):
    course, lesson, _ = published_lesson_or_404(course_slug, lesson_slug)
    progress.mark_done(current_user, lesson)
    if lesson.quiz is not None:
        return redirect(url_for("quiz.take", course_slug=course.slug, lesson_slug=lesson.slug))
    flash(f"“{lesson.title}” is marked as done.", "success")
    following = lesson_states.course_progress(current_user, course).next
    if following is None:
        return redirect(url_for("learn.outline", course_slug=course.slug))
    return redirect(url_for("learn.lesson", course_slug=course.slug, lesson_slug=following.lesson.slug))


@bp.get("/<course_slug>/certificate")
def certificate(course_slug):
    course = course_or_404(course_slug)
    state = lesson_states.course_progress(current_user, course)
    if not state.finished:
        abort(404)
    return render_template("learn/certificate.html", course=course, progress=state)
