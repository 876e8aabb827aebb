"""Learners: course outline, lesson pages, marking done, certificates."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from course.learning import progress
from course.reporting import lesson_states
from course.web.content_store import catalog

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
        state = lesson_states.course_progress(current_user, course)
    previous, following = course.neighbours(lesson)
    return render_template("learn/lesson.html", course=course, lesson=lesson, previous=previous,
                           following=following, mine=state.of(lesson.slug), progress=state)


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
