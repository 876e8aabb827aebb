from flask import Blueprint, abort, redirect, render_template, url_for

from ..content_app import catalog

bp = Blueprint("learn", __name__, url_prefix="/courses")


def _course_or_404(course_slug):
    course = catalog().course(course_slug)
    if course is None:
        abort(404)
    return course


@bp.get("/<course_slug>/")
def outline(course_slug):
    course = _course_or_404(course_slug)
    return render_template("learn/outline.html", course=course, lessons=course.visible_lessons())


@bp.get("/<course_slug>/<lesson_slug>")
def lesson(course_slug, lesson_slug):
    course = _course_or_404(course_slug)
    lesson, is_alias = catalog().find_lesson(course_slug, lesson_slug)
    if lesson is None or lesson.draft:
        abort(404)
    if is_alias:
        return redirect(url_for("learn.lesson", course_slug=course_slug, lesson_slug=lesson.slug), 301)
    previous, following = course.neighbours(lesson)
    return render_template("learn/lesson.html", course=course, lesson=lesson,
                           previous=previous, following=following)
