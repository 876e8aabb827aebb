"""Scenario pools (`draw: N`): each attempt shows N scenarios of the pool, those the
learner has not answered before first; the drawn ids ride in the signed form token
and are what the submission is graded against.

Everything a learner does goes through HTTP, with the form's fields read from the
page the way a browser sends them back; what is stored is read from the database.
"""
from __future__ import annotations

import csv
import datetime
import html as htmllib
import io
import random
import re
from html.parser import HTMLParser

import pytest
from itsdangerous import URLSafeTimedSerializer

from course.content import load_catalog
from course.content.quiztypes import GradeError, Incomplete
from course.data.db import db
from course.data.models import Answer, Attempt, Person, ReviewCard
from course.learning import attempts, spaced_review
from course.reporting import item_analysis

from support import LESSON, QUIZ, make_app, seed_people, sign_in

POOL, DRAW = 6, 4
POOL_IDS = [f"s{i}" for i in range(1, POOL + 1)]
URL = "/courses/demo/first/quiz"
PLAIN_URL = "/courses/demo/second/quiz"
SECRET = "test-secret"          # tests/support.py make_app


def scenario_md(i: int) -> str:
    best = f"- [x] Ask what they noticed in case {i}. {{ask #best-s{i}}}\n  > Asking first lets them think.\n"
    weak = f"- [ ] Tell them the fix for case {i}. {{tell #weak-s{i}}}\n  > Telling skips what they noticed.\n"
    return (f"## Situation number {i} {{#s{i}}}\nSomething happened at work, case {i}.\n\n"
            + (best + weak if i % 2 else weak + best) + "\n")


POOL_QUIZ = f"---\npass_score: 0.75\ndraw: {DRAW}\n---\n" + "".join(scenario_md(i) for i in range(1, POOL + 1))


def write_course(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="A pooled lesson"))
    tree.write("quizzes/demo/first.md", POOL_QUIZ)
    tree.write("lessons/demo/02-second.md", LESSON.format(title="A plain lesson"))
    tree.write("quizzes/demo/second.md", QUIZ)        # two scenarios, no draw
    return tree


def build(tree, database_url, **overrides):
    app = make_app(database_url, write_course(tree).root, **overrides)
    seed_people(app)
    return app


@pytest.fixture
def pool_app(tree, database_url):
    app = build(tree, database_url, MIN_GROUP_SIZE=1)
    yield app
    app.extensions["peewee"].close_all()


def client_for(app, email="learner@example.com"):
    client = app.test_client()
    assert sign_in(client, email).status_code == 302, email
    return client


def quiz_of(app, slug="first"):
    lesson, _ = app.extensions["content"].catalog.find_lesson("demo", slug)
    return lesson.quiz


# --- reading the quiz form ------------------------------------------------------------

class _Form(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hidden, self.radio_names = {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag != "input" or not attrs.get("name"):
            return
        if attrs.get("type") == "hidden":
            self.hidden[attrs["name"]] = attrs.get("value", "")
        elif attrs.get("type") == "radio" and attrs["name"] not in self.radio_names:
            self.radio_names.append(attrs["name"])


def _form(html: str) -> _Form:
    parser = _Form()
    parser.feed(html)
    return parser


def drawn_ids(html: str) -> list[str]:
    """The scenario ids a quiz page shows, in page order (from the radio names `answer-<id>`)."""
    return [name[len("answer-"):] for name in _form(html).radio_names if name.startswith("answer-")]


def drawn_best_answers(html: str, quiz) -> dict[str, str]:
    """Best answers for exactly the scenarios the quiz page drew: {scenario id: best choice id}.

    Reads the radio names `answer-<scenario id>` from the form, so it works for a pool
    (only the drawn scenarios) and for a plain quiz (all of them) alike."""
    answers = {}
    for scenario_id in drawn_ids(html):
        scenario = quiz.scenario(scenario_id)
        assert scenario is not None, f"the page shows '{scenario_id}', which the quiz does not have"
        answers[scenario_id] = scenario.best_choice.id
    return answers


def open_quiz(client, url=URL):
    """(html, hidden fields, drawn ids) of a freshly opened quiz page."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    fields = _form(html).hidden
    assert fields.get("token") and fields.get("csrf_token")
    return html, fields, drawn_ids(html)


def submit(client, fields, answers, url=URL):
    data = dict(fields)
    data.update({f"answer-{sid}": cid for sid, cid in answers.items()})
    return client.post(url, data=data)


def attempt_id_of(response) -> int:
    assert response.status_code == 303, response.status_code
    match = re.search(r"/quiz/attempts/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def best(ids) -> dict[str, str]:
    return {sid: f"best-{sid}" for sid in ids}


def in_db(fn):
    with db.connection_context():
        return fn()


def row_counts():
    return in_db(lambda: (Attempt.select().count(), Answer.select().count()))


def answers_of(attempt_id):
    return in_db(lambda: [(a.position, a.scenario_id, a.choice_id, a.best, a.first_try)
                          for a in Answer.select().where(Answer.attempt == attempt_id).order_by(Answer.position)])


def token_payload(token: str) -> dict:
    return URLSafeTimedSerializer(SECRET, salt="quiz-attempt").loads(token)


def text_of(html: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- drawing: N of M, in file order -----------------------------------------------------

def test_the_page_shows_n_of_m_scenarios_in_file_order_and_writes_nothing(pool_app):
    learner = client_for(pool_app)
    html, fields, drawn = open_quiz(learner)
    assert len(drawn) == DRAW and set(drawn) <= set(POOL_IDS)
    assert drawn == sorted(drawn, key=POOL_IDS.index), "shown in file order"
    text = text_of(html)
    for n in range(1, DRAW + 1):
        assert f"Scenario {n} of {DRAW}:" in text
    assert f"of {POOL}:" not in text and f"{DRAW} scenarios · choose" in text
    quiz = quiz_of(pool_app)
    for scenario in quiz.scenarios:
        assert (scenario.title in text) == (scenario.id in drawn)
    # The draw is in the signed token, and nothing is stored when the form is shown.
    assert token_payload(fields["token"])["d"] == drawn
    assert row_counts() == (0, 0)


def test_reloading_the_page_may_draw_again(pool_app):
    learner = client_for(pool_app)
    draws = {tuple(open_quiz(learner)[2]) for _ in range(30)}
    assert len(draws) > 1       # 15 possible sets: 30 identical draws would be a broken random
    assert all(len(d) == DRAW for d in draws)


def test_a_quiz_without_draw_shows_everything_and_its_token_has_no_draw(pool_app):
    learner = client_for(pool_app)
    html, fields, drawn = open_quiz(learner, PLAIN_URL)
    quiz = quiz_of(pool_app, "second")
    assert drawn == [s.id for s in quiz.scenarios]
    assert "d" not in token_payload(fields["token"])
    attempt_id = attempt_id_of(submit(learner, fields, drawn_best_answers(html, quiz), PLAIN_URL))
    assert [row[1] for row in answers_of(attempt_id)] == [s.id for s in quiz.scenarios]


# --- the token's set is what is graded ----------------------------------------------------

def test_the_submission_is_graded_against_its_own_tokens_draw(pool_app):
    learner = client_for(pool_app)
    quiz = quiz_of(pool_app)
    html, fields, drawn = open_quiz(learner)
    # Another page opened later (a reload) draws again; the first form keeps its own set.
    for _ in range(30):
        _, _, other = open_quiz(learner)
        if other != drawn:
            break
    assert other != drawn
    refused = submit(learner, fields, best(other))
    assert refused.status_code == 400 and "did not show" in text_of(refused.get_data(as_text=True))
    assert row_counts() == (0, 0)

    attempt_id = attempt_id_of(submit(learner, fields, drawn_best_answers(html, quiz)))
    assert [(pos, sid, cid, was_best) for pos, sid, cid, was_best, _ in answers_of(attempt_id)] == [
        (i, sid, f"best-{sid}", True) for i, sid in enumerate(drawn)]
    attempt = in_db(lambda: Attempt.get_by_id(attempt_id))
    assert attempt.score == 1.0 and attempt.passed


def test_a_token_re_signed_with_another_draw_is_refused(pool_app):
    learner = client_for(pool_app)
    _, fields, drawn = open_quiz(learner)
    payload = token_payload(fields["token"])
    other = [sid for sid in POOL_IDS if sid not in drawn] + drawn[:DRAW - (POOL - DRAW)]
    payload["d"] = sorted(other, key=POOL_IDS.index)
    forged = URLSafeTimedSerializer("not-the-secret", salt="quiz-attempt").dumps(payload)
    response = submit(learner, {**fields, "token": forged}, best(payload["d"]))
    assert response.status_code == 400 and "This quiz form is not valid" in text_of(response.get_data(as_text=True))
    assert row_counts() == (0, 0)


def test_an_answer_for_a_scenario_outside_the_draw_is_refused_and_nothing_is_written(pool_app):
    learner = client_for(pool_app)
    _, fields, drawn = open_quiz(learner)
    undrawn = next(sid for sid in POOL_IDS if sid not in drawn)
    response = submit(learner, fields, {**best(drawn), undrawn: f"best-{undrawn}"})
    assert response.status_code == 400
    text = text_of(response.get_data(as_text=True))
    assert "Request not accepted" in text and undrawn in text and "Nothing was saved" in text
    assert row_counts() == (0, 0)
    assert in_db(lambda: ReviewCard.select().count()) == 0


def test_a_missing_drawn_answer_shows_the_drawn_page_again_and_stores_nothing(pool_app):
    learner = client_for(pool_app)
    quiz = quiz_of(pool_app)
    _, fields, drawn = open_quiz(learner)
    skipped = drawn[1]
    response = submit(learner, fields, {sid: cid for sid, cid in best(drawn).items() if sid != skipped})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose an answer for every scenario: 1 still needs one. Nothing was saved yet." in text_of(html)
    assert f'href="#scenario-{skipped}"' in html and f'id="missing-{skipped}"' in html
    # The same drawn scenarios again, under the same token, with the given answers kept.
    again = _form(html)
    assert drawn_ids(html) == drawn and again.hidden["token"] == fields["token"]
    assert f"Scenario {DRAW} of {DRAW}:" in text_of(html)
    assert row_counts() == (0, 0)

    attempt_id = attempt_id_of(submit(learner, again.hidden, drawn_best_answers(html, quiz)))
    assert [row[1] for row in answers_of(attempt_id)] == drawn
    assert row_counts() == (1, DRAW)


def test_the_same_form_submitted_twice_records_one_attempt(pool_app):
    learner = client_for(pool_app)
    quiz = quiz_of(pool_app)
    html, fields, drawn = open_quiz(learner)
    first = submit(learner, fields, drawn_best_answers(html, quiz))
    second = submit(learner, fields, drawn_best_answers(html, quiz))
    assert attempt_id_of(first) == attempt_id_of(second)
    assert row_counts() == (1, DRAW)


def test_the_result_page_lists_the_drawn_scenarios_feedback(pool_app):
    learner = client_for(pool_app)
    quiz = quiz_of(pool_app)
    html, fields, drawn = open_quiz(learner)
    weak_one = drawn[0]
    answers = {**drawn_best_answers(html, quiz), weak_one: f"weak-{weak_one}"}
    attempt_id = attempt_id_of(submit(learner, fields, answers))
    text = text_of(learner.get(f"{URL}/attempts/{attempt_id}").get_data(as_text=True))
    assert "Passed" in text and f"{DRAW - 1} of {DRAW} scenarios" in text and "75%" in text
    for scenario in quiz.scenarios:
        assert (scenario.title in text) == (scenario.id in drawn)
    assert "Telling skips what they noticed." in text and "The stronger choice" in text


def test_pass_score_applies_to_the_drawn_set(pool_app):
    learner = client_for(pool_app)
    _, fields, drawn = open_quiz(learner)
    two_of_four = {**best(drawn), drawn[0]: f"weak-{drawn[0]}", drawn[1]: f"weak-{drawn[1]}"}
    attempt_id = attempt_id_of(submit(learner, fields, two_of_four))
    attempt = in_db(lambda: Attempt.get_by_id(attempt_id))
    assert attempt.score == pytest.approx(0.5) and not attempt.passed


def test_a_form_from_before_the_quiz_changed_gets_a_fresh_draw(tree, database_url):
    app = build(tree, database_url, CONTENT_RELOAD=True)
    try:
        learner = client_for(app)
        _, fields, drawn = open_quiz(learner)
        tree.write("quizzes/demo/first.md", POOL_QUIZ.replace("case 1.", "case one."))
        response = submit(learner, fields, best(drawn))
        assert response.status_code == 409
        html = response.get_data(as_text=True)
        assert "The quiz was updated while you were answering" in text_of(html)
        fresh = _form(html).hidden["token"]
        assert fresh != fields["token"] and token_payload(fresh)["d"] == drawn_ids(html)
        assert len(drawn_ids(html)) == DRAW and row_counts() == (0, 0)
    finally:
        app.extensions["peewee"].close_all()


# --- a retake draws the unseen first ----------------------------------------------------------

def test_a_retake_draws_the_scenarios_not_yet_seen_first(pool_app):
    learner = client_for(pool_app)
    _, fields, first = open_quiz(learner)
    first_id = attempt_id_of(submit(learner, fields, best(first)))
    unseen = set(POOL_IDS) - set(first)
    assert len(unseen) == POOL - DRAW == 2
    for _ in range(10):     # every draw, not a lucky one
        _, fields, second = open_quiz(learner)
        assert unseen <= set(second) and len(second) == DRAW
    second_id = attempt_id_of(submit(learner, fields, best(second)))
    # first_try is by scenario: only the scenarios new to this learner are first tries.
    assert {sid: first_try for _, sid, _, _, first_try in answers_of(second_id)} == {
        sid: sid in unseen for sid in second}
    assert all(row[4] for row in answers_of(first_id))
    # Everything seen now: any four, and the other learner still starts afresh.
    assert len(open_quiz(learner)[2]) == DRAW


def test_the_unseen_count_includes_the_lessons_former_slugs(pool_app, tree):
    learner = client_for(pool_app)
    _, fields, first = open_quiz(learner)
    attempt_id_of(submit(learner, fields, best(first)))
    # The lesson renamed, its old slug listed as an alias: its attempts still count as seen.
    tree.remove("lessons/demo/01-first.md")
    tree.remove("quizzes/demo/first.md")
    tree.write("lessons/demo/01-renamed.md", LESSON.format(title="A pooled lesson").replace(
        "minutes: 4", "minutes: 4\naliases:\n  - first"))
    tree.write("quizzes/demo/renamed.md", POOL_QUIZ)
    lesson, _ = load_catalog(tree.root).find_lesson("demo", "renamed")
    assert lesson.slug == "renamed" and lesson.aliases == ("first",)
    with pool_app.app_context(), db.connection_context():
        person = Person.by_email("learner@example.com")
        assert attempts.seen_scenarios(person, lesson) == set(first)
        for _ in range(10):
            assert set(POOL_IDS) - set(first) <= set(attempts.draw_scenarios(person, lesson))


def test_pick_from_pool_is_unseen_first_then_random_in_file_order(tree):
    quiz = load_catalog(write_course(tree).root).course("demo").lessons[0].quiz
    rng = random.Random(3)
    for _ in range(50):
        assert set(attempts.pick_from_pool(quiz, {"s1", "s2"}, rng)) == {"s3", "s4", "s5", "s6"}
        five_seen = attempts.pick_from_pool(quiz, {"s1", "s2", "s3", "s4", "s5"}, rng)
        assert "s6" in five_seen and len(five_seen) == DRAW
        assert list(five_seen) == sorted(five_seen, key=POOL_IDS.index)
        fresh = attempts.pick_from_pool(quiz, set(), rng)
        assert len(fresh) == DRAW and len(set(fresh)) == DRAW
    plain = load_catalog(tree.root).course("demo").lessons[1].quiz
    assert attempts.pick_from_pool(plain, set(), rng) is None


# --- grading, pure ------------------------------------------------------------------------------

def test_grade_takes_the_drawn_ids(tree):
    quiz = load_catalog(write_course(tree).root).course("demo").lessons[0].quiz
    drawn = ("s2", "s3", "s5", "s6")
    result = attempts.grade(quiz, {**best(drawn), "s3": "weak-s3"}, drawn)
    assert [a.scenario.id for a in result.answers] == list(drawn)
    assert result.score == pytest.approx(0.75) and result.passed
    with pytest.raises(Incomplete) as missing:
        attempts.grade(quiz, best(("s2", "s5")), drawn)
    assert missing.value.missing == ("s3", "s6")
    with pytest.raises(GradeError):
        attempts.grade(quiz, {**best(drawn), "s1": "best-s1"}, drawn)      # outside the draw
    with pytest.raises(GradeError):
        attempts.grade(quiz, best(drawn), (*drawn, "made-up"))              # a draw naming no scenario
    # Without ids the whole quiz is graded, as before pools.
    assert len(attempts.grade(quiz, best(POOL_IDS)).answers) == POOL
    assert attempts.best_answers(quiz, drawn) == best(drawn)


# --- spaced review ------------------------------------------------------------------------------

def cards_of(email):
    return in_db(lambda: {c.scenario_id: c for c in ReviewCard.select().join(Person)
                          .where(Person.email == email)})


def test_review_cards_only_for_the_scenarios_answered_in_the_passing_attempt(pool_app):
    learner = client_for(pool_app)
    _, fields, first = open_quiz(learner)
    wrong = first[0]
    first_id = attempt_id_of(submit(learner, fields, {**best(first), wrong: f"weak-{wrong}"}))   # 3 of 4: a pass
    assert set(cards_of("learner@example.com")) == set(first)

    # A second pass adds cards for the scenarios it drew new, and leaves the others' schedules alone.
    before = {sid: card.card for sid, card in cards_of("learner@example.com").items()}
    _, fields, second = open_quiz(learner)
    second_id = attempt_id_of(submit(learner, fields, best(second)))
    cards = cards_of("learner@example.com")
    assert set(cards) == set(first) | set(second) == set(POOL_IDS)
    assert all(cards[sid].card == before[sid] for sid in first)

    # A pooled scenario's first try is in the first attempt that drew it: right there is "Good".
    attempts_by_id = in_db(lambda: {a.id: a for a in Attempt.select()})
    new_here = set(second) - set(first)
    for sid in new_here:
        expected = spaced_review.schedule(None, spaced_review.Rating.Good, attempts_by_id[second_id].submitted_at)
        assert cards[sid].due == expected.due.replace(tzinfo=None), sid
    again = spaced_review.schedule(None, spaced_review.Rating.Again, attempts_by_id[first_id].submitted_at)
    assert cards[wrong].due == again.due.replace(tzinfo=None)


def test_a_pooled_scenario_comes_back_for_review(pool_app):
    learner = client_for(pool_app)
    _, fields, drawn = open_quiz(learner)
    attempt_id_of(submit(learner, fields, best(drawn)))
    due = min(card.due for card in cards_of("learner@example.com").values())
    pool_app.config["CLOCK"] = lambda: (due + datetime.timedelta(hours=1)).replace(tzinfo=datetime.timezone.utc)
    page = learner.get("/review")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    (scenario_id,) = drawn_ids(html)
    assert scenario_id in drawn
    response = learner.post("/review", data={**_form(html).hidden, f"answer-{scenario_id}": f"best-{scenario_id}"})
    assert response.status_code == 303 and "/review/answers/" in response.headers["Location"]
    assert in_db(lambda: Attempt.select().where(Attempt.kind == "review").count()) == 1


def test_a_failed_pool_attempt_schedules_nothing(pool_app):
    learner = client_for(pool_app)
    _, fields, drawn = open_quiz(learner)
    attempt_id_of(submit(learner, fields, {sid: f"weak-{sid}" for sid in drawn}))
    assert cards_of("learner@example.com") == {}


# --- item analysis ------------------------------------------------------------------------------

def take(app, email, choose=best):
    client = client_for(app, email)
    _, fields, drawn = open_quiz(client)
    attempt_id_of(submit(client, fields, choose(drawn)))
    return drawn


def scenario_section(html: str, scenario_id: str) -> str:
    for body in re.findall(r'<section class="scenario"[^>]*>(.*?)</section>', html, re.S):
        if f"id <code>{scenario_id}</code>" in body:
            return body
    raise AssertionError(scenario_id)


def test_item_analysis_counts_each_scenario_over_the_attempts_that_drew_it(pool_app):
    emails = ["learner@example.com", "kwame@example.com", "mei@example.com"]
    draws = [take(pool_app, email) for email in emails]
    lesson, _ = pool_app.extensions["content"].catalog.find_lesson("demo", "first")
    with pool_app.app_context(), db.connection_context():
        result = item_analysis.analyse_quiz(lesson, 1)
    assert result.respondents == 3
    for fig in result.scenarios:
        times = sum(fig.scenario_id in drawn for drawn in draws)
        assert (fig.learners, fig.answers, fig.best_answers, fig.first_learners) == (times, times, times, times)
        if times:
            assert fig.best_share == fig.first_best_share == 1.0
            assert sum(c.share(fig.answers) for c in fig.choices) == pytest.approx(1.0)
        else:
            assert fig.flag is None

    trainer = client_for(pool_app, "trainer@example.com")
    html = trainer.get("/trainer/analysis/demo/first").get_data(as_text=True)
    assert f"each attempt draws {DRAW} of {POOL} scenarios" in text_of(html)
    for fig in result.scenarios:
        section = text_of(scenario_section(html, fig.scenario_id))
        times = fig.learners
        if times:
            assert f"Learners {times}" in section and "Best on first try 100%" in section
        else:
            assert "Nobody has answered this version yet" in section and "%" not in section


def test_a_never_drawn_scenario_has_no_answers_not_a_zero_share(tree, database_url):
    app = build(tree, database_url, MIN_GROUP_SIZE=0)     # nothing hidden: the "no answers" state shows
    try:
        drawn = take(app, "learner@example.com")
        never = [sid for sid in POOL_IDS if sid not in drawn]
        trainer = client_for(app, "trainer@example.com")
        html = trainer.get("/trainer/analysis/demo/first").get_data(as_text=True)
        for sid in never:
            section = text_of(scenario_section(html, sid))
            assert "Nobody has answered this version yet: no attempt has drawn it." in section
            assert "%" not in section and "Nobody picks this" not in section
        for sid in drawn:
            assert "Best on first try 100%" in text_of(scenario_section(html, sid))
        rows = list(csv.DictReader(io.StringIO(trainer.get("/trainer/analysis/demo/first.csv").get_data(as_text=True))))
        for sid in never:
            (row,) = [r for r in rows if r["Scenario id"] == sid]
            assert row["Learners"] == "0" and row["Share %"] == "" and row["Best on first try %"] == ""
        assert {r["Share %"] for r in rows if r["Scenario id"] in drawn} == {"100", "0"}
    finally:
        app.extensions["peewee"].close_all()


# --- trainer preview ----------------------------------------------------------------------------

def test_the_preview_shows_the_whole_pool_and_the_draw(pool_app):
    trainer = client_for(pool_app, "trainer@example.com")
    text = text_of(trainer.get("/trainer/preview/demo/first/quiz").get_data(as_text=True))
    assert f"Each attempt draws {DRAW} of {POOL} scenarios" in text
    for scenario in quiz_of(pool_app).scenarios:
        assert scenario.title in text
    plain = text_of(trainer.get("/trainer/preview/demo/second/quiz").get_data(as_text=True))
    assert "Each attempt draws" not in plain


# --- dev tools ----------------------------------------------------------------------------------

def test_demo_and_scale_data_draw_from_the_pool(pool_app):
    from course.devtools import demo, scale

    catalog = pool_app.extensions["content"].catalog
    with pool_app.app_context(), db.connection_context():
        demo.seed_progress(catalog)
        scale.scale(catalog, learners=100, teams=2)
        per_attempt = {}
        for attempt_id, lesson_slug, sid in (Answer.select(Answer.attempt, Attempt.lesson_slug, Answer.scenario_id)
                                             .join(Attempt).tuples()):
            per_attempt.setdefault((attempt_id, lesson_slug), []).append(sid)
        pooled = [sids for (_, slug), sids in per_attempt.items() if slug == "first"]
        assert pooled and all(len(sids) == DRAW and set(sids) <= set(POOL_IDS) for sids in pooled)
        assert all(len(sids) == 2 for (_, slug), sids in per_attempt.items() if slug == "second")
        # A scale learner's retake draws the scenarios it has not seen first.
        by_person = {}
        for person_id, sid in (Answer.select(Attempt.person, Answer.scenario_id).join(Attempt)
                               .where(Attempt.lesson_slug == "first").order_by(Attempt.id, Answer.position).tuples()):
            by_person.setdefault(person_id, []).append(sid)
        retakers = [sids for sids in by_person.values() if len(sids) > DRAW]
        assert retakers, "seed 7 gives some retakes of the pooled quiz"
        for sids in retakers:
            assert set(sids[:DRAW]) | set(sids[DRAW:2 * DRAW]) == set(POOL_IDS)
