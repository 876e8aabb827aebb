"""The "Try this at work" loop over HTTP on the real course and the injectable clock: the
form after the section, committing, the home page asking on the day, answering, the habits
page and the learner's commitments page; every refused input (400 or 404, no row); and who
can read the text (its owner alone, whatever the reader's role)."""
from __future__ import annotations

import datetime
import re

import pytest
from flask import url_for

from course.data.models import Commitment, Person, Team
from helpers.content import COURSE, PLAIN, lesson_of
from helpers.db import count, query_db
from helpers.http import post, signed_in
from helpers.pages import text_of, unescaped_html
from helpers.people import KWAME, LEARNER, ROLE_EMAILS
from helpers.quiz import first_draw_best, take_quiz
from helpers.review import DAY, T0, TAGS

LESSON_URL = f"/courses/{COURSE}/{PLAIN}"
COMMIT_URL = LESSON_URL + "/commitment"
TODAY = T0.date()
TEXT = "ask Mei what she thinks before suggesting a fix in Thursday's stand-up"


def commit(client, text=TEXT, day=None, **extra):
    data = {"text": text, "check_in_on": (day or TODAY + 3 * DAY).isoformat() if day != "" else "", **extra}
    return post(client, COMMIT_URL, data, token_from=LESSON_URL)


def rows(email=LEARNER):
    return query_db(lambda: list(Commitment.select().join(Person).where(Person.email == email)
                                 .order_by(Commitment.id)))


def check_in(client, commitment_id, outcome, reflection="", new_date=""):
    return post(client, f"/account/commitments/{commitment_id}/check-in",
                {"outcome": outcome, "reflection": reflection, "new_date": new_date})


# --- the form ---------------------------------------------------------------------------------

def test_the_form_follows_the_try_this_at_work_section(site, me, clock):
    html = me.get(LESSON_URL).get_data(as_text=True)
    section = html.index(">Try this at work</h2>")
    form = html.index(f'action="{COMMIT_URL}"')
    assert section < form < html.index('class="next-action"')
    assert '<label for="commitment-text">This week I will …</label>' in html
    assert re.search(r'<textarea id="commitment-text" name="text" rows="3" maxlength="500" required', html)
    date_input = re.search(r'<input id="commitment-date" name="check_in_on" type="date"[^>]*>', html).group(0)
    assert 'value="2025-03-08"' in date_input and 'min="2025-03-05"' in date_input and 'max="2025-05-04"' in date_input
    assert "csrf_token" in html[form:html.index("</form>", form)]


def test_a_section_after_try_this_at_work_comes_after_the_form(site, me):
    last = lesson_of(site, "building-a-coaching-culture")
    html = me.get(f"/courses/{COURSE}/{last.slug}").get_data(as_text=True)
    assert html.index(">Try this at work</h2>") < html.index('id="commitment"') < html.index(">A closing reflection</h2>")


def test_the_trainer_preview_shows_no_form(site, clock):
    trainer = signed_in(site, ROLE_EMAILS["trainer"])
    html = trainer.get(f"/trainer/preview/{COURSE}/{PLAIN}").get_data(as_text=True)
    assert 'id="commitment-text"' not in html


# --- the whole loop ---------------------------------------------------------------------------

def test_commit_be_asked_three_days_later_answer_and_see_it_on_the_habits_page(site, me, clock):
    take_quiz(me, PLAIN, first_draw_best(lesson_of(site, PLAIN).quiz))
    response = commit(me)
    assert response.status_code == 303 and response.headers["Location"].endswith(LESSON_URL + "#commitment")
    assert "your home page asks how it went" in text_of(me.get(LESSON_URL))
    [made] = rows()
    assert made.text == TEXT and made.check_in_on == TODAY + 3 * DAY

    for days in (0, 1, 2):                                  # not asked before the day
        clock.now = T0 + days * DAY
        assert "How did it go?" not in text_of(me.get("/"))
    clock.now = T0 + 3 * DAY
    response = me.get("/")
    home = response.get_data(as_text=True)
    assert "How did it go?" in text_of(home) and TEXT in unescaped_html(response)
    assert f'action="/account/commitments/{made.id}/check-in"' in home
    assert 'value="not-yet"' in home and 'name="new_date"' in home

    response = check_in(me, made.id, "tried", "Mei had spotted the cause already.")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "How did it go?" not in text_of(me.get("/"))
    [done] = rows()
    assert (done.outcome, done.reflection) == ("tried", "Mei had spotted the cause already.")

    habits = text_of(me.get("/habits")).replace(" :", ":").replace(" ;", ";")
    for tag in done.tag_list:
        assert f"{TAGS[tag]['label']}: at work you tried it 1 time" in habits
    mirror_line = f"{TAGS[done.tag_list[0]]['label']} in "
    assert mirror_line in habits and "; at work you tried it 1 time" in habits

    mine = text_of(me.get("/account/commitments"))
    assert TEXT in mine and "Tried it" in mine and "Mei had spotted the cause already." in mine


def test_not_yet_moves_the_date_once_then_only_tried_or_didnt_fit_are_offered(site, me, clock):
    commit(me)
    [made] = rows()
    clock.now = T0 + 3 * DAY
    moved_to = TODAY + 5 * DAY
    assert check_in(me, made.id, "not-yet", "", moved_to.isoformat()).status_code == 303
    assert "How did it go?" not in text_of(me.get("/"))
    clock.now = T0 + 5 * DAY
    home = me.get("/").get_data(as_text=True)
    assert "How did it go?" in text_of(home)
    assert 'value="not-yet"' not in home and 'name="new_date"' not in home
    response = check_in(me, made.id, "not-yet", "", (TODAY + 7 * DAY).isoformat())
    assert response.status_code == 400 and "moved this check-in once already" in text_of(response)
    assert (rows()[0].check_in_on, rows()[0].outcome) == (moved_to, None)
    assert check_in(me, made.id, "didnt-fit").status_code == 303
    assert "Didn't fit" in text_of(me.get("/account/commitments"))


# --- refused input: a clear 400 (or 404) and no row ------------------------------------------

@pytest.mark.parametrize("text, day, message", [
    ("", None, "the box was empty"),
    ("x" * 501, None, "at most 500"),
    (TEXT, TODAY - DAY, "has passed"),
    (TEXT, TODAY + 61 * DAY, "at most 60 days"),
    (TEXT, "", "Choose a check-in date"),
])
def test_bad_commitments_are_400_with_the_words_kept_and_no_row(site, me, clock, text, day, message):
    response = commit(me, text, day)
    assert response.status_code == 400
    assert message in text_of(response)
    assert 'id="commitment-error"' in response.get_data(as_text=True)
    if text:
        assert text[:200] in unescaped_html(response)
    assert count(Commitment) == 0


def test_a_date_that_is_not_a_date_is_400(site, me, clock):
    response = post(me, COMMIT_URL, {"text": TEXT, "check_in_on": "next week"}, token_from=LESSON_URL)
    assert response.status_code == 400 and "not a date" in text_of(response)
    assert count(Commitment) == 0


def test_a_missing_or_wrong_csrf_token_is_refused(site, me, clock):
    assert me.post(COMMIT_URL, data={"text": TEXT, "check_in_on": "2025-03-08"}).status_code == 400
    assert post(me, COMMIT_URL, {"text": TEXT, "check_in_on": "2025-03-08", "csrf_token": "forged"}).status_code == 400
    commit(me, day=TODAY)
    [made] = rows()
    assert me.post(f"/account/commitments/{made.id}/check-in", data={"outcome": "tried"}).status_code == 400
    assert count(Commitment) == 1 and rows()[0].outcome is None


def test_checking_in_someone_elses_commitment_is_404_and_changes_nothing(site, me, clock):
    commit(me, day=TODAY)
    [made] = rows()
    kwame = signed_in(site, KWAME)
    assert check_in(kwame, made.id, "tried").status_code == 404
    assert check_in(kwame, 999999, "tried").status_code == 404
    assert rows()[0].outcome is None


@pytest.mark.parametrize("data, message", [
    ({"outcome": "maybe"}, "Choose how it went"),
    ({"outcome": "tried", "reflection": "r" * 2001}, "at most 2,000"),
    ({"outcome": "not-yet", "new_date": "2025-03-25"}, "at most 14 days"),
])
def test_bad_check_ins_are_400_and_change_nothing(site, me, clock, data, message):
    commit(me, day=TODAY)
    [made] = rows()
    response = post(me, f"/account/commitments/{made.id}/check-in", data)
    assert response.status_code == 400 and message in text_of(response)
    assert (rows()[0].outcome, rows()[0].moved, rows()[0].reflection) == (None, False, "")


def test_a_check_in_before_its_day_and_a_second_one_are_400(site, me, clock):
    commit(me)
    [made] = rows()
    response = check_in(me, made.id, "tried")
    assert response.status_code == 400 and "come back then" in text_of(response)
    clock.now = T0 + 3 * DAY
    assert check_in(me, made.id, "tried").status_code == 303
    response = check_in(me, made.id, "didnt-fit")
    assert response.status_code == 400 and "already checked in" in text_of(response)
    assert rows()[0].outcome == "tried"


def test_committing_is_post_only_and_signed_out_people_are_sent_to_sign_in(site, me, clock):
    assert me.get(COMMIT_URL).status_code == 405
    anonymous = site.test_client()
    response = post(anonymous, COMMIT_URL, {"text": TEXT, "check_in_on": "2025-03-08"}, token_from="/auth/sign-in")
    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]
    assert count(Commitment) == 0


def test_the_commitments_page_is_in_the_navigation_and_empty_at_first(site, me):
    assert '<a href="/account/commitments">My commitments</a>' in me.get("/").get_data(as_text=True)
    assert "No commitments yet." in text_of(me.get("/account/commitments"))


def test_no_commitment_address_takes_a_person_id(site):
    for rule in site.url_map.iter_rules():
        if "commit" in rule.endpoint or "check_in" in rule.endpoint:
            assert set(rule.arguments) <= {"course_slug", "lesson_slug", "commitment_id"}, rule.rule


# --- privacy: the text is on its owner's pages only ------------------------------------------

SECRET = "Zebra-4412 stop finishing Priya's sentences"


def _every_page(app, client, values):
    """Every GET page whose arguments are known, as this client sees it."""
    with app.test_request_context():
        urls = [url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments})
                for rule in app.url_map.iter_rules()
                if "GET" in rule.methods and rule.endpoint != "static" and set(rule.arguments) <= set(values)]
    for url in urls:
        response = client.get(url)
        yield url, response.status_code, response.get_data(as_text=True)
        response.close()


@pytest.mark.parametrize("reader", ["owner", KWAME, "manager", "trainer", "admin"])
def test_only_the_owner_sees_the_text_whatever_the_readers_role(site, me, clock, reader):
    commit(me, SECRET, TODAY)
    [made] = rows()
    assert check_in(me, made.id, "tried", "Zebra-4412 reflection: she spoke first.").status_code == 303
    commit(me, "Zebra-4412 second one still open", TODAY)
    learner = query_db(lambda: Person.by_email(LEARNER))
    values = {"course_slug": COURSE, "lesson_slug": PLAIN, "person_id": learner.id,
              "team_id": query_db(lambda: Team.by_name("Warehouse North").id),      # the manager's team
              "commitment_id": made.id}
    client = me if reader == "owner" else signed_in(site, ROLE_EMAILS.get(reader, reader))
    seen = {}
    for url, status, body in _every_page(site, client, values):
        seen[url] = (status, body.count("Zebra-4412"))
    if reader == "owner":
        assert seen["/account/commitments"] == (200, 3)
        assert seen["/"][1] == 1                   # the open one asks how it went
        assert {url for url, (_, hits) in seen.items() if hits} == {"/account/commitments", "/"}
        return
    leaks = {url: hits for url, (_, hits) in seen.items() if hits}
    assert leaks == {}, f"{reader} read a commitment on {leaks}"
    assert seen["/account/commitments"][0] == 200 and seen["/"][0] == 200
    if reader == "manager":
        team_page = client.get(f"/manage/teams/{values['team_id']}?course={COURSE}")
        words = text_of(team_page)
        assert "Commitments made 2" in words and "Checked in 1" in words and "Tried at work 1" in words
        assert "Zebra-4412" not in team_page.get_data(as_text=True)
    if reader == "admin":
        assert seen[f"/admin/people/{learner.id}"][0] == 200
    assert check_in(client, made.id, "didnt-fit").status_code == 404


def test_a_person_id_in_the_address_shows_nothing_of_anyone_else(site, me, clock):
    commit(me, SECRET, TODAY)
    kwame = signed_in(site, KWAME)
    for url in ("/account/commitments", f"/account/commitments?person_id={rows()[0].person_id}", "/habits", "/"):
        assert "Zebra-4412" not in kwame.get(url).get_data(as_text=True), url
