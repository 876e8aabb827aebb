from flask import Blueprint, Response, abort, current_app, render_template, stream_with_context

from course.content.quality import PASS_LIMIT, SHARE_LIMIT
from course.reporting import exports, item_analysis
from course.time import site_today
from course.web.content_store import catalog, quality_report
from course.web.policy import trainer_required

bp = Blueprint("trainer", __name__, url_prefix="/trainer")


@bp.before_request
@trainer_required
def _trainers_only():
    return None


@bp.get("/")
def index():
    cat = catalog()
    return render_template("trainer/index.html", courses=cat.courses, warnings=cat.warnings)


def _lesson_or_404(course_slug, lesson_slug, with_quiz: bool = False):
    """The lesson (drafts included: trainers preview them); 404 if missing, or quizless when a quiz is needed."""
    course = catalog().course(course_slug)
    lesson, _ = catalog().find_lesson(course_slug, lesson_slug)
    if course is None or lesson is None or (with_quiz and lesson.quiz is None):
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
    course, lesson = _lesson_or_404(course_slug, lesson_slug, with_quiz=True)
    return render_template("trainer/preview_quiz.html", course=course, lesson=lesson,
                           quiz=lesson.quiz, tags=catalog().tags)


def _min_group() -> int:
    return int(current_app.config["MIN_GROUP_SIZE"])


@bp.get("/quality/")
def quality():
    """Could a test-wise learner pass without understanding? The figures of `content check`."""
    return render_template("trainer/quality.html", report=quality_report(),
                           share_limit=SHARE_LIMIT, pass_limit=PASS_LIMIT)


@bp.get("/analysis/")
def analysis_index():
    return render_template("trainer/analysis_index.html",
                           quizzes=item_analysis.quiz_overview(catalog(), _min_group()), min_group=_min_group())


@bp.get("/analysis/<course_slug>/<lesson_slug>")
def quiz_analysis(course_slug, lesson_slug):
    course, lesson = _lesson_or_404(course_slug, lesson_slug, with_quiz=True)
    result = item_analysis.analyse_quiz(lesson, _min_group())
    return render_template("trainer/analysis.html", course=course, lesson=lesson, result=result,
                           tags=catalog().tags)


@bp.get("/analysis/<course_slug>/<lesson_slug>.csv")
def quiz_analysis_csv(course_slug, lesson_slug):
    course, lesson = _lesson_or_404(course_slug, lesson_slug, with_quiz=True)
    result = item_analysis.analyse_quiz(lesson, _min_group())
    header, rows = exports.analysis_rows(result)
    name = f"item-analysis-{course.slug}-{lesson.slug}-{site_today().isoformat()}.csv"
    return Response(stream_with_context(exports.stream_csv(header, rows)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/health")
def health():
    cat = catalog()
    courses = [(course, item_analysis.content_health(course, _min_group())) for course in cat.courses]
    drafts = [(course, lesson) for course in cat.courses for lesson in course.lessons if lesson.draft]
    return render_template("trainer/health.html", courses=courses, warnings=cat.warnings, drafts=drafts,
                           min_group=_min_group())
