"""Quiz attempts: one-time form tokens, grading through the quiz type
registry, and recording each submitted attempt exactly once.

A quiz form carries a signed token naming the person, the lesson, the quiz
version and a random nonce. Nothing is written when the form is shown; on
submit the nonce becomes the attempt's unique key, so a double click or a
resubmitted form records one attempt.

A pool (`draw: N`) shows N of its scenarios per attempt: those this learner
has not answered before come first. The drawn ids are part of the signed token,
so a submission is graded against the set its own form showed.
"""
from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from peewee import IntegrityError

from course.content.quiztypes import QUIZ_TYPES, Grade, GradeError
from course.content.quiztypes.base import GradedAnswer
from course.data.db import write_transaction
from course.data.models import Answer, Attempt
from course.learning import progress, spaced_review
from course.time import utcnow

TOKEN_MAX_AGE = 7 * 24 * 3600   # a quiz form stays valid for a week


class TamperedForm(ValueError):
    """The submission does not belong to this person, lesson or quiz: 400."""


class QuizChanged(ValueError):
    """The quiz file changed since the form was shown: ask again, store nothing."""


_RANDOM = secrets.SystemRandom()


@dataclass(frozen=True)
class FormToken:
    person_id: int
    course_slug: str
    lesson_slug: str
    content_hash: str
    nonce: str
    started_at: datetime.datetime
    scenario_ids: tuple[str, ...] | None = None    # a pool's drawn scenarios; None = the whole quiz


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="quiz-attempt")


def issue_token(secret_key: str, person, lesson, now: datetime.datetime | None = None,
                scenario_id: str = "", scenario_ids=None) -> str:
    """`scenario_ids`: the scenarios a pool drew for this form (`draw_scenarios`); signed with the rest."""
    now = now or utcnow()
    data = {"p": person.id, "c": lesson.course_slug, "l": lesson.slug, "h": lesson.quiz.content_hash,
            "s": scenario_id, "n": secrets.token_urlsafe(18), "t": now.isoformat()}
    if scenario_ids is not None:
        data["d"] = list(scenario_ids)
    return _serializer(secret_key).dumps(data)


def _valid_draw(quiz, drawn) -> bool:
    ids = {s.id for s in quiz.scenarios if not s.is_end}
    return len(drawn) == quiz.draw and len(set(drawn)) == len(drawn) and set(drawn) <= ids


def read_token(secret_key: str, token: str, person, lesson, scenario_id: str = "") -> FormToken:
    try:
        data = _serializer(secret_key).loads(token or "", max_age=TOKEN_MAX_AGE)
    except BadSignature:
        raise TamperedForm("This quiz form is not valid (it may have expired). Reload the quiz and answer again.")
    if data.get("p") != person.id or data.get("c") != lesson.course_slug or data.get("l") != lesson.slug \
            or data.get("s", "") != scenario_id:
        raise TamperedForm("This quiz form belongs to another attempt.")
    if data.get("h") != lesson.quiz.content_hash:
        raise QuizChanged("The quiz was updated while you were answering. Please answer it again.")
    drawn = tuple(data["d"]) if isinstance(data.get("d"), list) else None
    if not scenario_id and lesson.quiz.draw is not None and drawn is None:
        # A form from before the quiz became a pool: draw afresh.
        raise QuizChanged("The quiz was updated while you were answering. Please answer it again.")
    if drawn is not None and (scenario_id or lesson.quiz.draw is None or not _valid_draw(lesson.quiz, drawn)):
        raise TamperedForm("This quiz form belongs to another attempt.")
    return FormToken(person.id, data["c"], data["l"], data["h"], data["n"],
                     datetime.datetime.fromisoformat(data["t"]), drawn)


def answers_from_form(form) -> dict[str, str]:
    """`answer-<scenario id>` fields -> {scenario id: choice id}."""
    return {key[len("answer-"):]: value for key, value in form.items()
            if key.startswith("answer-") and value}


def grade(quiz, answers: dict[str, str], scenario_ids=None) -> Grade:
    """`scenario_ids`: the scenarios the attempt showed (a pool's draw); None = the whole quiz."""
    return QUIZ_TYPES[quiz.type].grade(quiz, answers, scenario_ids)


def grade_one(scenario, choice_id: str) -> Grade:
    """A single scenario answered on its own (a review)."""
    choice = scenario.choice(choice_id or "")
    if choice is None:
        raise GradeError(f"unknown choice '{choice_id}' for scenario '{scenario.id}'")
    return Grade((GradedAnswer(scenario, choice),), 1.0 if choice.best else 0.0, choice.best)


def best_answers(quiz, scenario_ids=None) -> dict[str, str]:
    """The all-best answers: every scenario (or those of `scenario_ids`, a pool's draw),
    or the best path through a conversation."""
    if not QUIZ_TYPES[quiz.type].branching:
        return {s.id: s.best_choice.id for s in shown_scenarios(quiz, scenario_ids)}
    answers, scene = {}, quiz.scenarios[0]
    while scene is not None and not scene.is_end and scene.id not in answers:
        answers[scene.id] = scene.best_choice.id
        scene = quiz.scenario(scene.best_choice.next_scene)
    return answers


# --- pools ------------------------------------------------------------------------

def shown_scenarios(quiz, scenario_ids=None) -> tuple:
    """The scenarios an attempt shows, in file order: the drawn ones, or all when None."""
    if scenario_ids is None:
        return quiz.scenarios
    drawn = set(scenario_ids)
    return tuple(s for s in quiz.scenarios if s.id in drawn)


def pick_from_pool(quiz, seen: set, rng=_RANDOM) -> tuple[str, ...] | None:
    """Pure: `quiz.draw` scenario ids, those not in `seen` first (at random among them),
    then random others; in file order. None when the quiz is not a pool."""
    if quiz.draw is None or QUIZ_TYPES[quiz.type].branching:
        return None
    pool = [s.id for s in quiz.scenarios if not s.is_end]
    count = min(quiz.draw, len(pool))
    unseen = [sid for sid in pool if sid not in seen]
    if len(unseen) >= count:
        chosen = set(rng.sample(unseen, count))
    else:
        chosen = set(unseen) | set(rng.sample([sid for sid in pool if sid in seen], count - len(unseen)))
    return tuple(sid for sid in pool if sid in chosen)


def seen_scenarios(person, lesson, kind: str = "quiz") -> set:
    """Scenario ids (any version) this person answered in attempts of this lesson, aliases included."""
    return {sid for (sid,) in Answer.select(Answer.scenario_id).join(Attempt)
            .where((Attempt.person == person) & (Attempt.course_slug == lesson.course_slug)
                   & Attempt.lesson_slug.in_((lesson.slug, *lesson.aliases)) & (Attempt.kind == kind))
            .distinct().tuples()}


def draw_scenarios(person, lesson, rng=_RANDOM) -> tuple[str, ...] | None:
    """The scenarios one attempt of a pool shows this person: unseen ones first. A read
    (nothing is stored: the draw travels in the form token). None when the quiz is no pool."""
    quiz = lesson.quiz
    if quiz is None or quiz.draw is None or QUIZ_TYPES[quiz.type].branching:
        return None
    return pick_from_pool(quiz, seen_scenarios(person, lesson), rng)


def answered_before(person, lesson, kind: str, attempt_id: int) -> set:
    """(scenario id, version) pairs this person answered in earlier attempts."""
    return set(Answer.select(Answer.scenario_id, Answer.scenario_hash).join(Attempt)
               .where((Attempt.person == person) & (Attempt.course_slug == lesson.course_slug)
                      & Attempt.lesson_slug.in_((lesson.slug, *lesson.aliases))
                      & (Attempt.kind == kind) & (Attempt.id != attempt_id)).distinct().tuples())


def record_attempt(person, lesson, token: FormToken, result: Grade, kind: str = "quiz", review_card=None,
                   catalog=None):
    """Store the attempt and its answers; returns (attempt, created).

    A second submission of the same form finds the first attempt instead.
    For a pool, `result` must grade the scenarios `token` drew (`grade(..., token.scenario_ids)`).
    A passed quiz schedules its scenarios for review; a review answer moves
    `review_card` on. Both happen in the same transaction, only for a new attempt."""
    if token.scenario_ids is not None and \
            sorted(a.scenario.id for a in result.answers) != sorted(token.scenario_ids):
        raise GradeError("the answers graded are not the scenarios this form drew")
    try:
        # SQLite: BEGIN IMMEDIATE, the write lock from the start (the reads below are in it,
        # so the first-try flags see every earlier attempt, as before).
        with write_transaction():
            attempt = Attempt.create(
                person=person, course_slug=lesson.course_slug, lesson_slug=lesson.slug,
                quiz_type=lesson.quiz.type, content_hash=lesson.quiz.content_hash, token=token.nonce,
                kind=kind, started_at=token.started_at, submitted_at=utcnow(),
                score=result.score, passed=result.passed)
            seen = answered_before(person, lesson, kind, attempt.id)
            Answer.insert_many([
                {"attempt": attempt, "position": i, "scenario_id": a.scenario.id,
                 "scenario_hash": a.scenario.content_hash, "choice_id": a.choice.id,
                 "best": a.best, "tag": a.choice.tag,
                 "first_try": (a.scenario.id, a.scenario.content_hash) not in seen}
                for i, a in enumerate(result.answers)]).execute()
            if kind == "quiz":
                if result.passed:
                    progress.record_pass(person, lesson, result.score)
                    spaced_review.schedule_after_pass(person, lesson, attempt, result.answers,
                                                      first_attempt=not seen)
                else:
                    progress.record_score(person, lesson, result.score)
            if review_card is not None:
                # Cards catch up with content edits here, in the write, never on a page view.
                spaced_review.sync_cards(person, catalog)
                spaced_review.apply_review(person, spaced_review.card_for(person, review_card.id), result.passed)
    except IntegrityError:
        existing = Attempt.get_or_none((Attempt.token == token.nonce) & (Attempt.person == person))
        if existing is None:
            raise
        return existing, False
    return attempt, True


def record_review(person, lesson, token: FormToken, result: Grade, card, catalog):
    """A spaced-review answer: one attempt of kind "review" that moves its card on
    (after bringing the person's cards in step with `catalog`)."""
    return record_attempt(person, lesson, token, result, kind="review", review_card=card, catalog=catalog)


def recent_quiz_attempts(person, limit: int):
    return Attempt.for_person(person).where(Attempt.kind == "quiz").limit(limit)


def attempt_by_token(person, token: FormToken):
    return Attempt.get_or_none((Attempt.token == token.nonce) & (Attempt.person == person))


def attempt_for(person, attempt_id: int):
    return Attempt.get_or_none((Attempt.id == attempt_id) & (Attempt.person == person))


@dataclass(frozen=True)
class ReviewedAnswer:
    position: int
    scenario: object        # current content Scenario, or None when removed
    chosen: object          # content Choice, or None when it no longer exists
    best_choice: object     # content Choice, or None
    was_best: bool
    tag: str
    changed: bool           # the scenario was rewritten since this answer


def answers_of(attempt, quiz) -> list[ReviewedAnswer]:
    """Each answer beside today's content (which may have changed since)."""
    out = []
    for answer in attempt.answers.order_by(Answer.position):
        scenario = quiz.scenario(answer.scenario_id) if quiz else None
        out.append(ReviewedAnswer(
            position=answer.position + 1,
            scenario=scenario,
            chosen=scenario.choice(answer.choice_id) if scenario else None,
            best_choice=scenario.best_choice if scenario else None,
            was_best=answer.best,
            tag=answer.tag,
            changed=scenario is None or scenario.content_hash != answer.scenario_hash,
        ))
    return out


def export_attempts(person) -> list[dict]:
    out = []
    for attempt in Attempt.select().where(Attempt.person == person).order_by(Attempt.submitted_at, Attempt.id):
        out.append({
            "course": attempt.course_slug, "lesson": attempt.lesson_slug, "kind": attempt.kind,
            "content_hash": attempt.content_hash, "started_at": attempt.started_at.isoformat() + "Z",
            "submitted_at": attempt.submitted_at.isoformat() + "Z", "score": attempt.score,
            "passed": attempt.passed,
            "answers": [{"scenario": a.scenario_id, "choice": a.choice_id, "best": a.best, "tag": a.tag}
                        for a in attempt.answers.order_by(Answer.position)],
        })
    return out
