from flask import Blueprint, abort, render_template

from ..content_app import catalog
from ..policy import trainer_required

bp = Blueprint("trainer", __name__, url_prefix="/trainer")


@bp.before_request
@trainer_required
def _trainers_only():
    return None


@bp.get("/")
def index():
    cat = catalog()
    return render_template("trainer/index.html", courses=cat.courses, warnings=cat.warnings)


def _lesson_or_404(course_slug, lesson_slug):
    course = catalog().course(course_slug)
    lesson, _ = catalog().find_lesson(course_slug, lesson_slug)
    if course is None or lesson is None:
        abort(404)
    return course, lesson


@bp.get("/preview/<course_slug>/<lesson_slug>")
def preview_lesson(course_slug, lesson_slug):
    course, lesson = _lesson_or_404(course_slug, lesson_slug)
    previous, following = course.neighbours(lesson, include_drafts=True)
    return render_template("learn/lesson.html", course=course, lesson=lesson, preview=True,
                           previous=previous, following=following)


@bp.get("/preview/<course_slug>/<lesson_slug>/quiz")
def preview_quiz(course_slug, lesson_slug):
    course, lesson = _lesson_or_404(course_slug, lesson_slug)
    if lesson.quiz is None:
        abort(404)
    return render_template("trainer/preview_quiz.html", course=course, lesson=lesson,
                           quiz=lesson.quiz, tags=catalog().tags)
