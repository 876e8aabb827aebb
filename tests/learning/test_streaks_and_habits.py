"""Practice that stays: streaks of consecutive days, the habits page and the demo learner's
history. Days are days in the site's time zone, on the test's clock.
"""
from __future__ import annotations

import datetime
import html as htmllib
import re

from course.data.models import Attempt, Person, ReviewCard
from course.learning.attempts import best_answers
from helpers.content import PLAIN, SECOND, lesson_of
from helpers.db import query_db
from helpers.http import sign_in, signed_in
from helpers.pages import plain, text_of
from helpers.people import KWAME, LEARNER
from helpers.quiz import first_draw, first_draw_best, take_quiz, weak_choice
from helpers.review import DAY, T0, TAGS, UTC, aware, cards_of, home, open_review, review_once, streak_on_home


# --- streaks ---------------------------------------------------------------------------------

def test_streak_counts_consecutive_days_of_quizzes_and_reviews(site, me, clock):
    quiz = lesson_of(site, PLAIN).quiz
    s0 = first_draw(quiz)[0]
    assert streak_on_home(me) == 0

    take_quiz(me, PLAIN, {**first_draw_best(quiz), s0.id: weak_choice(s0).id})     # day 0: a quiz
    assert streak_on_home(me) == 1
    assert "Practice streak: 1 day" in home(me)[2]

    clock.now = T0 + DAY + datetime.timedelta(hours=1)                   # day 1: one review
    assert streak_on_home(me) == 1, "yesterday's practice keeps the streak alive"
    review_once(me, site)
    assert streak_on_home(me) == 2

    clock.now = T0 + 2 * DAY + datetime.timedelta(hours=1)               # day 2: the other reviews
    review_once(me, site)
    review_once(me, site)
    assert streak_on_home(me) == 3
    assert "Practice streak: 3 days" in home(me)[2]

    clock.now = T0 + 3 * DAY + datetime.timedelta(hours=8)               # day 3: no practice yet
    assert streak_on_home(me) == 3

    clock.now = T0 + 4 * DAY                                             # day 4: day 3 was missed
    assert streak_on_home(me) == 0
    take_quiz(me, SECOND, best_answers(lesson_of(site, SECOND).quiz))
    assert streak_on_home(me) == 1


def test_streak_days_are_days_in_the_site_time_zone(site, me, clock):
    site.config["TIMEZONE"] = "America/New_York"
    quiz = lesson_of(site, PLAIN).quiz
    # 14 April 2025, 23:30 in New York (EDT) is 15 April 03:30 UTC.
    clock.now = datetime.datetime(2025, 4, 15, 3, 30, tzinfo=UTC)
    take_quiz(me, PLAIN, first_draw_best(quiz))
    assert query_db(lambda: Attempt.get(Attempt.kind == "quiz").submitted_at) == datetime.datetime(2025, 4, 15, 3, 30)
    assert streak_on_home(me) == 1

    # 15 April, 09:00 in New York (13:00 UTC, the same UTC date): a second local day.
    clock.now = datetime.datetime(2025, 4, 15, 13, 0, tzinfo=UTC)
    assert streak_on_home(me) == 1
    take_quiz(me, SECOND, best_answers(lesson_of(site, SECOND).quiz))
    assert streak_on_home(me) == 2

    # 16 April, 22:30 in New York (17 April 02:30 UTC): no practice today yet, still 2.
    clock.now = datetime.datetime(2025, 4, 17, 2, 30, tzinfo=UTC)
    assert streak_on_home(me) == 2
    # 17 April, 00:30 in New York: 16 April was missed.
    clock.now = datetime.datetime(2025, 4, 17, 4, 30, tzinfo=UTC)
    assert streak_on_home(me) == 0


def test_the_same_moments_in_utc_make_a_different_streak(site, me, clock):
    """The control for the test above: with TIMEZONE=UTC the two submissions share a day."""
    quiz = lesson_of(site, PLAIN).quiz
    clock.now = datetime.datetime(2025, 4, 15, 3, 30, tzinfo=UTC)
    take_quiz(me, PLAIN, first_draw_best(quiz))
    clock.now = datetime.datetime(2025, 4, 15, 13, 0, tzinfo=UTC)
    take_quiz(me, SECOND, best_answers(lesson_of(site, SECOND).quiz))
    assert streak_on_home(me) == 1


def test_someone_elses_practice_does_not_count(site, me, clock):
    kwame = signed_in(site, KWAME)
    take_quiz(kwame, PLAIN, best_answers(lesson_of(site, PLAIN).quiz))
    assert streak_on_home(kwame) == 1
    assert streak_on_home(me) == 0


# --- habits -------------------------------------------------------------------------------

def _habit_history(site, me, clock):
    """Two quizzes with a mix of strong and weak choices; returns [(scenario, choice)] in order."""
    first, second = lesson_of(site, PLAIN).quiz, lesson_of(site, SECOND).quiz
    picks = [
        (first.scenarios[0], weak_choice(first.scenarios[0], 0)),
        (first.scenarios[1], first.scenarios[1].best_choice),
        (first.scenarios[2], weak_choice(first.scenarios[2], 1)),
        (first.scenarios[3], first.scenarios[3].best_choice),
        (second.scenarios[0], second.scenarios[0].best_choice),
        (second.scenarios[1], weak_choice(second.scenarios[1], 2)),
        (second.scenarios[2], second.scenarios[2].best_choice),
        (second.scenarios[3], weak_choice(second.scenarios[3], 0)),
    ]
    take_quiz(me, PLAIN, {s.id: c.id for s, c in picks[:4]})
    clock.now = T0 + DAY
    take_quiz(me, SECOND, {s.id: c.id for s, c in picks[4:]})
    return picks


def _by_hand(picks):
    """tag -> [chosen, offered], for picks in order."""
    counts: dict = {}
    for scenario, choice in picks:
        for tag in {c.tag for c in scenario.choices}:
            row = counts.setdefault(tag, [0, 0])
            row[1] += 1
            row[0] += tag == choice.tag
    return counts


def test_habits_count_choices_where_they_were_on_offer(site, me, clock):
    picks = _habit_history(site, me, clock)
    expected = _by_hand(picks)
    assert len(expected) >= 4

    response = me.get("/habits")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(html)
    assert "what you chose across 8 answers" in text
    shown = {htmllib.unescape(m.group(1)): (int(m.group(2)), int(m.group(3)))
             for m in re.finditer(r"<strong>([^<]+)</strong> in (\d+) of (\d+) situations", html)}
    by_label = {TAGS[tag]["label"]: tuple(v) for tag, v in expected.items()}
    assert shown == by_label
    for tag, (chosen, offered) in expected.items():
        assert f"{TAGS[tag]['label']} in {chosen} of {offered} situations ({round(100 * chosen / offered)}%)" in text
    # A label straight from quizzes/tags.yml, and none for behaviours never on offer.
    assert "Asked before telling in" in text and TAGS["ask"]["label"] == "Asked before telling"
    for tag in set(TAGS) - set(expected):
        assert f"{TAGS[tag]['label']} in " not in text
    # Strong habits are listed before the ones to notice.
    strong_flags = [TAGS[next(t for t in TAGS if TAGS[t]["label"] == label)]["strong"]
                    for label in re.findall(r"<strong>([^<]+)</strong> in \d+ of", htmllib.unescape(html))]
    assert strong_flags == sorted(strong_flags, reverse=True)
    assert "a habit to notice" in text


def test_habits_compare_the_earlier_and_the_recent_half(site, me, clock):
    picks = _habit_history(site, me, clock)
    earlier, recent = _by_hand(picks[:4]), _by_hand(picks[4:])
    text = text_of(me.get("/habits"))
    both = set(earlier) & set(recent)
    assert both
    for tag in both:
        (e0, e1), (r0, r1) = earlier[tag], recent[tag]
        assert f"{TAGS[tag]['label']} in {e0 + r0} of {e1 + r1} situations" in text
        assert f"Earlier: {e0} of {e1} · more recently: {r0} of {r1}" in text


def test_habits_chart_is_an_accessible_svg_with_the_numbers_in_a_table(site, me, clock):
    picks = _habit_history(site, me, clock)
    strong = sum(1 for _, c in picks if TAGS[c.tag]["strong"])
    html = me.get("/habits").get_data(as_text=True)
    svg = re.search(r"<svg\b[^>]*>.*?</svg>", html, flags=re.S)
    assert svg, "no inline svg"
    svg = svg.group(0)
    assert 'role="img"' in svg
    assert re.search(r'<title id="habits-chart-title">[^<]+</title>', svg)
    assert re.search(r'<desc id="habits-chart-desc">[^<]+</desc>', svg)
    assert 'aria-labelledby="habits-chart-title habits-chart-desc"' in svg
    assert f">{round(100 * strong / len(picks))}</text>" in svg
    table = re.search(r"<table\b.*?</table>", html, flags=re.S).group(0)
    rows = [plain(r) for r in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)]
    # 5 and 6 March 2025 fall in the week starting Monday 3 March.
    assert "3 March 2025 " + f"{strong} {len(picks)}" in rows


def test_habits_include_review_answers(site, me, clock):
    quiz = lesson_of(site, PLAIN).quiz
    take_quiz(me, PLAIN, first_draw_best(quiz))
    clock.now = aware(min(c.due for c in cards_of(LEARNER).values()))
    scenario_id, _ = review_once(me, site, right=False)
    scenario = quiz.scenario(scenario_id)
    picks = [(s, s.best_choice) for s in first_draw(quiz)] + [(scenario, weak_choice(scenario))]
    text = text_of(me.get("/habits"))
    assert "across 5 answers" in text
    for tag, (chosen, offered) in _by_hand(picks).items():
        assert f"{TAGS[tag]['label']} in {chosen} of {offered} situations" in text


def test_habits_page_before_any_answer(site, me):
    response = me.get("/habits")
    assert response.status_code == 200
    assert "Your habits appear here once you have answered a few scenarios." in text_of(response)


# --- the demo -----------------------------------------------------------------------------

def test_demo_learner_has_reviews_due_and_habits(app, clock):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert app.config["CLOCK"] is clock, "demo seed gives the clock back"
    client = app.test_client()
    assert sign_in(client, LEARNER, "coaching-demo").status_code == 302

    assert query_db(lambda: ReviewCard.select().join(Person).where(Person.email == LEARNER).count()) > 0
    due, _, _ = home(client)
    assert due >= 1
    open_review(client)
    habits = client.get("/habits")
    assert habits.status_code == 200
    text = text_of(habits)
    assert re.search(r"[A-Z][a-z].* in \d+ of \d+ situations", text)
    assert "Asked before telling in" in text
    assert "<svg" in habits.get_data(as_text=True)
