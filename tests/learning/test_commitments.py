"""The commitment write paths (course/learning/commitments.py) on the real course: what a
commitment practises, the refused inputs (nothing written), check-ins and the one move,
another person's commitment, the habits counts, the counts others see, export and erase."""
from __future__ import annotations

import datetime

import pytest

from course.data.models import Commitment, Person, Team
from course.learning import commitments
from course.learning.personal_data import erase_person, export_person_data
from course.reporting.commitment_counts import team_commitment_counts
from course.time import site_today
from helpers.content import COURSE, PLAIN, SECOND, lesson_of
from helpers.db import app_db, count
from helpers.people import KWAME, LEARNER
from helpers.review import DAY, T0

TODAY = T0.date()           # the clock fixture's site day (UTC)


def make(site, text="ask Mei what she thinks before suggesting a fix", day=None, email=LEARNER, lesson=PLAIN):
    with app_db(site):
        return commitments.make_commitment(Person.by_email(email), lesson_of(site, lesson), text,
                                           day or TODAY + 3 * DAY, site_today(), site.extensions["content"].catalog)


def fresh(site, commitment_id):
    with app_db(site):
        return Commitment.get_by_id(commitment_id)


def check_in(site, commitment_id, outcome, reflection="", new_date="", email=LEARNER):
    with app_db(site):
        return commitments.check_in(Person.by_email(email), commitment_id, outcome, reflection, new_date,
                                    site_today())


# --- making one ------------------------------------------------------------------------------

def test_a_commitment_stores_the_lessons_best_choice_tags(site, clock):
    made = make(site)
    lesson = lesson_of(site, PLAIN)
    best = {s.best_choice.tag for s in lesson.quiz.scenarios if s.best_choice}
    stored = fresh(site, made.id)
    assert set(stored.tag_list) == best and stored.tag_list
    assert stored.check_in_on == TODAY + 3 * DAY
    assert (stored.course_slug, stored.lesson_slug, stored.outcome, stored.moved, stored.shared) == \
        (COURSE, PLAIN, None, False, False)
    assert stored.created_at == clock.naive()


def test_the_default_check_in_is_three_days_later(site):
    assert commitments.default_check_in(TODAY) == TODAY + 3 * DAY


def test_text_is_trimmed_and_exactly_500_characters_is_accepted(site, clock):
    assert fresh(site, make(site, "  x" + "y" * 499 + "\n").id).text == "x" + "y" * 499


@pytest.mark.parametrize("text, day, message", [
    ("", None, "the box was empty"),
    ("   \n ", None, "the box was empty"),
    ("y" * 501, None, "at most 500"),
    ("fine", TODAY - DAY, "has passed"),
    ("fine", TODAY + 61 * DAY, "at most 60 days"),
])
def test_bad_commitments_are_refused_and_nothing_is_written(site, clock, text, day, message):
    with pytest.raises(commitments.CommitmentError, match=message):
        make(site, text, day)
    assert count(Commitment) == 0


def test_today_and_sixty_days_ahead_are_both_accepted(site, clock):
    make(site, day=TODAY)
    make(site, day=TODAY + 60 * DAY)
    assert count(Commitment) == 2


@pytest.mark.parametrize("value", ["2025-13-01", "tomorrow", "2025-03-0", "2025-03-05T10:00"])
def test_a_date_that_is_not_a_date_is_refused(value):
    with pytest.raises(commitments.CommitmentError, match="not a date"):
        commitments.parse_date(value)
    assert commitments.parse_date("") is None
    assert commitments.parse_date("2025-03-08") == datetime.date(2025, 3, 8)


# --- checking in -------------------------------------------------------------------------------

def test_nothing_is_due_before_the_date_and_a_check_in_then_is_refused(site, clock):
    made = make(site)
    with app_db(site):
        assert commitments.due_check_ins(Person.by_email(LEARNER), site_today()) == []
    with pytest.raises(commitments.CommitmentError, match="come back then"):
        check_in(site, made.id, "tried")
    assert fresh(site, made.id).outcome is None


def test_on_the_date_it_is_due_and_tried_closes_it(site, clock):
    made = make(site)
    clock.now = T0 + 3 * DAY
    with app_db(site):
        assert [c.id for c in commitments.due_check_ins(Person.by_email(LEARNER), site_today())] == [made.id]
    check_in(site, made.id, "tried", "  Mei had the answer already.\r\n")
    stored = fresh(site, made.id)
    assert (stored.outcome, stored.reflection, stored.checked_in_at) == ("tried", "Mei had the answer already.",
                                                                         clock.naive())
    with app_db(site):
        assert commitments.due_check_ins(Person.by_email(LEARNER), site_today()) == []
    with pytest.raises(commitments.CommitmentError, match="already checked in"):
        check_in(site, made.id, "didnt-fit")
    assert fresh(site, made.id).outcome == "tried"


def test_not_yet_moves_the_date_once_then_only_tried_or_didnt_fit(site, clock):
    made = make(site)
    clock.now = T0 + 3 * DAY
    today = TODAY + 3 * DAY
    check_in(site, made.id, "not-yet", "Stand-up was cancelled.", (today + 5 * DAY).isoformat())
    stored = fresh(site, made.id)
    assert (stored.outcome, stored.moved, stored.check_in_on) == (None, True, today + 5 * DAY)
    assert stored.reflection == "Stand-up was cancelled."
    clock.now = T0 + 8 * DAY
    with pytest.raises(commitments.CommitmentError, match="moved this check-in once already"):
        check_in(site, made.id, "not-yet", "", (today + 7 * DAY).isoformat())
    with pytest.raises(commitments.CommitmentError, match="moved this check-in once already"):
        check_in(site, made.id, "not-yet")
    assert fresh(site, made.id).check_in_on == today + 5 * DAY
    check_in(site, made.id, "didnt-fit")
    assert fresh(site, made.id).outcome == "didnt-fit"


def test_not_yet_without_a_date_closes_it_as_not_yet(site, clock):
    made = make(site, day=TODAY)
    check_in(site, made.id, "not-yet")
    assert (fresh(site, made.id).outcome, fresh(site, made.id).moved) == ("not-yet", False)


@pytest.mark.parametrize("outcome, reflection, new_date, message", [
    ("", "", "", "Choose how it went"),
    ("maybe", "", "", "Choose how it went"),
    ("tried", "r" * 2001, "", "at most 2,000"),
    ("not-yet", "", "2025-03-05", "after today"),          # today is not a new date
    ("not-yet", "", "2025-03-20", "at most 14 days"),      # 15 days ahead
    ("not-yet", "", "someday", "not a date"),
])
def test_bad_check_ins_change_nothing(site, clock, outcome, reflection, new_date, message):
    made = make(site, day=TODAY)
    with pytest.raises(commitments.CommitmentError, match=message):
        check_in(site, made.id, outcome, reflection, new_date)
    stored = fresh(site, made.id)
    assert (stored.outcome, stored.moved, stored.check_in_on, stored.reflection) == (None, False, TODAY, "")


def test_a_reflection_of_exactly_2000_characters_is_accepted(site, clock):
    made = make(site, day=TODAY)
    check_in(site, made.id, "tried", "r" * 2000)
    assert len(fresh(site, made.id).reflection) == 2000


def test_another_persons_commitment_is_not_found(site, clock):
    made = make(site, day=TODAY)
    assert check_in(site, made.id, "tried", email=KWAME) is None
    assert check_in(site, 987654, "tried") is None
    with app_db(site):
        assert commitments.commitment_for(Person.by_email(KWAME), made.id) is None
    assert fresh(site, made.id).outcome is None


# --- what it adds up to ---------------------------------------------------------------------

def test_tried_commitments_are_counted_per_tag(site, clock):
    first, second, third = make(site, day=TODAY), make(site, day=TODAY), make(site, day=TODAY, lesson=SECOND)
    check_in(site, first.id, "tried")
    check_in(site, second.id, "didnt-fit")
    check_in(site, third.id, "tried")
    expected: dict = {}
    for made in (first, third):
        for tag in fresh(site, made.id).tag_list:
            expected[tag] = expected.get(tag, 0) + 1
    with app_db(site):
        assert commitments.tried_by_tag(Person.by_email(LEARNER)) == expected
        assert commitments.tried_by_tag(Person.by_email(KWAME)) == {}


def test_the_team_sees_counts_made_checked_in_tried(site, clock):
    for _ in range(3):
        make(site, day=TODAY)
    mine = make(site, day=TODAY, email=KWAME)
    check_in(site, mine.id, "tried", email=KWAME)
    first = make(site, day=TODAY)
    check_in(site, first.id, "didnt-fit")
    with app_db(site):
        counts = team_commitment_counts(Team.by_name("Warehouse North"), COURSE)
        assert (counts.made, counts.checked_in, counts.tried) == (5, 2, 1)
        assert team_commitment_counts(Team.by_name("Warehouse North"), "other-course").made == 0
        assert not hasattr(counts, "text")


def test_export_includes_the_persons_commitments_and_erase_removes_them(site, clock):
    made = make(site, day=TODAY)
    check_in(site, made.id, "tried", "It worked.")
    make(site, "Kwame's own", day=TODAY, email=KWAME)
    with app_db(site):
        data = export_person_data(Person.by_email(LEARNER))
        [exported] = data["commitments"]
        assert exported["text"] == "ask Mei what she thinks before suggesting a fix"
        assert (exported["outcome"], exported["reflection"], exported["check_in_on"], exported["moved"]) == \
            ("tried", "It worked.", TODAY.isoformat(), False)
        assert exported["created_at"].endswith("Z") and exported["tags"]
        assert "Kwame's own" not in str(data)
        learner_id = Person.by_email(LEARNER).id
        erase_person(Person.by_email(LEARNER))
    assert count(Commitment, Commitment.person == learner_id) == 0
    assert count(Commitment) == 1
