"""Taking a quiz: the form, the submission, the result. Every attempt is kept."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from course.content.quiztypes import QUIZ_TYPES, GradeError, Incomplete
from course.learning import attempts
from course.reporting import lesson_states
from course.web.views.learn import published_lesson_or_404

bp = Blueprint("quiz", __name__, url_prefix="/courses")


@bp.before_request
@login_required
def _signed_in():
    return None


def _quiz_lesson(course_slug, lesson_slug):
    course, lesson, is_alias = published_lesson_or_404(course_slug, lesson_slug)
    if lesson.quiz is None:
        abort(404)
    return course, lesson, is_alias


def _render_take(course, lesson, token, answers, error=None, missing=(), status=200, scene=None,
                 scenario_ids=None):
    """`scenario_ids`: the scenarios this form's token drew (a pool); None shows the whole quiz."""
    quiz = lesson.quiz
    quiz_type = QUIZ_TYPES[quiz.type]
    if quiz_type.branching and scene is None:
        scene = quiz.scenarios[0]
    path = []
    if quiz_type.branching:
        # The scenes answered so far, in order, to show the conversation up to now.
        current = quiz.scenarios[0]
        while current is not None and current.id != scene.id and current.id in answers:
            choice = current.choice(answers[current.id])
            path.append((current, choice))
            current = quiz.scenario(choice.next_scene)
    return render_template(quiz_type.template, course=course, lesson=lesson, quiz=quiz, token=token,
                           answers=answers, error=error, missing=set(missing), scene=scene, path=path,
                           step=len(path) + 1, scenarios=attempts.shown_scenarios(quiz, scenario_ids)), status


def _fresh_form(lesson):
    """A new token for this person, with a new draw when the quiz is a pool: (token, drawn ids)."""
    drawn = attempts.draw_scenarios(current_user, lesson)
    return attempts.issue_token(current_app.config["SECRET_KEY"], current_user, lesson, scenario_ids=drawn), drawn


@bp.get("/<course_slug>/<lesson_slug>/quiz")
def take(course_slug, lesson_slug):
    course, lesson, is_alias = _quiz_lesson(course_slug, lesson_slug)
    if is_alias:
        return redirect(url_for("quiz.take", course_slug=course.slug, lesson_slug=lesson.slug), 301)
    token, drawn = _fresh_form(lesson)
    return _render_take(course, lesson, token, {}, scenario_ids=drawn)


@bp.post("/<course_slug>/<lesson_slug>/quiz")
def submit(course_slug, lesson_slug):
    course, lesson, _ = _quiz_lesson(course_slug, lesson_slug)
    quiz = lesson.quiz
    raw_token = request.form.get("token", "")
    try:
        token = attempts.read_token(current_app.config["SECRET_KEY"], raw_token, current_user, lesson)
    except attempts.TamperedForm as exc:
        abort(400, str(exc))
    except attempts.QuizChanged as exc:
        fresh, drawn = _fresh_form(lesson)
        return _render_take(course, lesson, fresh, {}, error=str(exc), status=409, scenario_ids=drawn)

    answers = attempts.answers_from_form(request.form)
    try:
        # Graded against the scenarios this form's own token drew, never others.
        result = attempts.grade(quiz, answers, token.scenario_ids)
    except GradeError as exc:
        abort(400, f"This submission names a scenario or choice the quiz does not have ({exc}). Nothing was saved.")
    except Incomplete as exc:
        if QUIZ_TYPES[quiz.type].branching:
            next_scene = quiz.scenario(exc.missing[0])
            if request.form.get("current") != next_scene.id:
                # The conversation moves on to the scene this choice leads to.
                return _render_take(course, lesson, raw_token, answers, scene=next_scene)
            return _render_take(course, lesson, raw_token, answers, scene=next_scene, missing=exc.missing,
                                error="Choose one response to continue.", status=400)
        count = len(exc.missing)
        return _render_take(course, lesson, raw_token, answers, missing=exc.missing, status=400,
                            scenario_ids=token.scenario_ids,
                            error=f"Choose an answer for every scenario: {count} still "
                                  f"{'needs' if count == 1 else 'need'} one. Nothing was saved yet.")
    attempt, _ = attempts.record_attempt(current_user, lesson, token, result)
    return redirect(url_for("quiz.result", course_slug=course.slug, lesson_slug=lesson.slug,
                            attempt_id=attempt.id), 303)


@bp.get("/<course_slug>/<lesson_slug>/quiz/attempts/<id:attempt_id>")
def result(course_slug, lesson_slug, attempt_id):
    course, lesson, _ = _quiz_lesson(course_slug, lesson_slug)
    attempt = attempts.attempt_for(current_user, attempt_id)
    if attempt is None or attempt.kind != "quiz" or attempt.course_slug != course.slug or attempt.lesson_slug not in (lesson.slug, *lesson.aliases):
        abort(404)
    state = lesson_states.course_progress(current_user, course)
    answers = attempts.answers_of(attempt, lesson.quiz)
    end_scene = None
    if QUIZ_TYPES[lesson.quiz.type].branching and answers and answers[-1].chosen:
        end_scene = lesson.quiz.scenario(answers[-1].chosen.next_scene)
    return render_template("quiz/result.html", course=course, lesson=lesson, quiz=lesson.quiz,
                           attempt=attempt, answers=answers, progress=state, end_scene=end_scene)
