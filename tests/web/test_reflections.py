"""Private reflections through HTTP and the CLI: the form on the lesson page,
saving (append-only, latest prefilled), the account page, every refused input
(with no row written), export and erase, and who can read the text (only its owner)."""
import datetime
import json
import re

import pytest
from flask import url_for

from course.data.db import db
from course.data.models import Person, Reflection, Team

from helpers.app import make_app
from helpers.content import LESSON
from helpers.db import count, person
from helpers.http import csrf_token, post, sign_in
from helpers.people import ROLE_EMAILS, seed_people

COACH = "Whom will you coach this week, and on what?"
LEARN = "Who could teach you something, and what will you ask them?"
REFLECTION = f"""reflection:
  - id: coach-this-week
    prompt: {COACH}
  - id: learn-from
    prompt: {LEARN}
"""
FIRST, SECOND = "/courses/demo/first", "/courses/demo/second"
OTHER_LEARNER = "kwame@example.com"           # in the learner's team, Warehouse North
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc)


def lesson(title, front=""):
    return LESSON.format(title=title).replace("minutes: 4", "minutes: 4\n" + front)


@pytest.fixture
def clock():
    return {"now": START}


@pytest.fixture
def refl_app(tree, database_url, clock):
    tree.write("lessons/demo/01-first.md", lesson("First steps", REFLECTION + "aliases: [old-first]\n"))
    tree.write("lessons/demo/02-second.md", lesson("Second steps", "reflection:\n  - id: one-thing\n"
                                                                   "    prompt: What will you try first?\n"))
    tree.write("lessons/demo/03-plain.md", lesson("No questions here"))
    tree.write("lessons/demo/04-hidden.md", lesson("Hidden draft", "draft: true\n" + REFLECTION))
    app = make_app(database_url, tree.root, CLOCK=lambda: clock["now"])
    assert app.extensions["content"].catalog.errors == ()
    seed_people(app)
    yield app
    app.extensions["peewee"].close_all()


def signed(app, email_or_role="learner"):
    client = app.test_client()
    email = ROLE_EMAILS.get(email_or_role, email_or_role)
    assert sign_in(client, email).status_code == 302, email
    return client


def save(client, lesson_url=FIRST, **answers):
    data = {f"reflection-{key.replace('_', '-')}": value for key, value in answers.items()}
    return post(client, lesson_url + "/reflection", data, token_from=lesson_url)


def rows(email="learner@example.com"):
    with db.connection_context():
        return list(Reflection.select().join(Person).where(Person.email == email)
                    .order_by(Reflection.created_at, Reflection.id))


def textarea(html, prompt_id):
    match = re.search(rf'<textarea id="reflection-{prompt_id}" name="reflection-{prompt_id}"[^>]*>(.*?)</textarea>',
                      html, re.S)
    assert match, f"no textarea for {prompt_id}"
    return match.group(1)


# --- the form on the lesson page ------------------------------------------------------

def test_a_lesson_with_prompts_shows_a_labelled_private_form(refl_app):
    html = signed(refl_app).get(FIRST).get_data(as_text=True)
    form = html[html.index('<form method="post" action="/courses/demo/first/reflection"'):]
    form = form[:form.index("</form>")]
    assert 'name="csrf_token"' in form
    assert f'<label for="reflection-coach-this-week">{COACH}</label>' in form
    assert f'<label for="reflection-learn-from">{LEARN}</label>' in form
    assert textarea(form, "coach-this-week") == "" and textarea(form, "learn-from") == ""
    assert 'maxlength="4000"' in form
    assert "managers and trainers never see them" in html
    assert 'href="/account/reflections"' in html


def test_a_lesson_without_prompts_has_no_form(refl_app):
    html = signed(refl_app).get("/courses/demo/plain").get_data(as_text=True)
    assert "/plain/reflection" not in html and "<textarea" not in html and "Reflect</h2>" not in html


def test_the_trainer_preview_shows_the_prompts_without_a_form(refl_app):
    html = signed(refl_app, "trainer").get("/trainer/preview/demo/hidden").get_data(as_text=True)
    assert COACH in html and "<textarea" not in html and "never shown to managers or trainers" in html


# --- saving ----------------------------------------------------------------------------

def test_saving_writes_one_row_per_answer_and_redirects_with_a_flash(refl_app):
    client = signed(refl_app)
    response = save(client, coach_this_week="Sam, on the weekly demo.", learn_from="Mei, about rotas.")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(FIRST)
    assert "Saved. Only you can see this." in client.get(FIRST).get_data(as_text=True)
    saved = rows()
    assert [(r.prompt_id, r.prompt_text, r.text) for r in saved] == [
        ("coach-this-week", COACH, "Sam, on the weekly demo."), ("learn-from", LEARN, "Mei, about rotas.")]
    learner = person("learner@example.com")
    for row in saved:
        assert (row.person_id, row.course_slug, row.lesson_slug) == (learner.id, "demo", "first")
        assert row.created_at == START.replace(tzinfo=None)


def test_empty_answers_are_not_stored(refl_app):
    client = signed(refl_app)
    assert save(client, coach_this_week="  Sam.  \r\n", learn_from="   ").status_code == 303
    assert [(r.prompt_id, r.text) for r in rows()] == [("coach-this-week", "Sam.")]
    response = save(client, coach_this_week="", learn_from="\r\n")
    assert response.status_code == 303
    assert "Nothing to save" in client.get(FIRST).get_data(as_text=True)
    assert len(rows()) == 1


def test_saving_again_keeps_the_history_and_the_page_shows_the_latest(refl_app, clock):
    client = signed(refl_app)
    save(client, coach_this_week="Sam, on the demo.", learn_from="Mei.")
    clock["now"] = START + datetime.timedelta(days=2)
    save(client, coach_this_week="Grace, on the rota.")
    assert [(r.prompt_id, r.text) for r in rows()] == [
        ("coach-this-week", "Sam, on the demo."), ("learn-from", "Mei."), ("coach-this-week", "Grace, on the rota.")]
    html = client.get(FIRST).get_data(as_text=True)
    assert textarea(html, "coach-this-week") == "Grace, on the rota."
    assert textarea(html, "learn-from") == "Mei."            # an untouched answer stays
    assert "Last saved 4 Mar 2026" in html and "Last saved 2 Mar 2026" in html


def test_the_saved_text_is_escaped_and_line_breaks_kept(refl_app):
    client = signed(refl_app)
    save(client, coach_this_week="<b>Sam</b>\r\nthen Mei & Kwame")
    assert rows()[0].text == "<b>Sam</b>\nthen Mei & Kwame"
    html = client.get(FIRST).get_data(as_text=True)
    assert textarea(html, "coach-this-week") == "&lt;b&gt;Sam&lt;/b&gt;\nthen Mei &amp; Kwame"
    assert "<b>Sam</b>" not in client.get("/account/reflections").get_data(as_text=True)


def test_an_answer_of_exactly_4000_characters_is_accepted(refl_app):
    client = signed(refl_app)
    assert save(client, coach_this_week="x" * 3998 + "\r\ny").status_code == 303   # "\r\n" counts once
    assert len(rows()[0].text) == 4000


def test_answers_under_a_former_slug_are_still_the_lessons(refl_app):
    client = signed(refl_app)
    with refl_app.app_context(), db.connection_context():
        Reflection.create(person=Person.by_email("learner@example.com"), course_slug="demo", lesson_slug="old-first",
                          prompt_id="learn-from", prompt_text=LEARN, text="Written before the rename.",
                          created_at=START.replace(tzinfo=None))
    assert textarea(client.get(FIRST).get_data(as_text=True), "learn-from") == "Written before the rename."
    html = client.get("/account/reflections").get_data(as_text=True)
    assert '<a href="/courses/demo/first">First steps</a>' in html and "old-first" not in html


# --- refused input: a 4xx, a clear message, no row ----------------------------------------

def test_an_unknown_prompt_id_is_refused_and_nothing_is_saved(refl_app):
    client = signed(refl_app)
    response = save(client, coach_this_week="A real answer.", nope="Forged.")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This lesson has no reflection question &#39;nope&#39;" in html
    assert textarea(html, "coach-this-week") == "A real answer."    # the learner's words are not lost
    assert rows() == []


def test_a_text_over_4000_characters_is_refused_and_kept_on_the_page(refl_app):
    client = signed(refl_app)
    response = save(client, coach_this_week="Fine.", learn_from="y" * 4001)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "has 4,001 characters; an answer may have at most 4,000. Nothing was saved." in html
    assert textarea(html, "learn-from") == "y" * 4001
    assert 'aria-invalid="true"' in html and textarea(html, "coach-this-week") == "Fine."
    assert rows() == []


def test_a_lesson_without_prompts_refuses_a_reflection(refl_app):
    response = save(signed(refl_app), "/courses/demo/plain", coach_this_week="Sam.")
    assert response.status_code == 400
    assert "This lesson has no reflection questions" in response.get_data(as_text=True)
    assert rows() == []


def test_a_draft_lesson_refuses_a_learners_reflection(refl_app):
    client = signed(refl_app)
    response = post(client, "/courses/demo/hidden/reflection", {"reflection-coach-this-week": "Sam."},
                    token_from=FIRST)
    assert response.status_code == 404
    assert client.get("/courses/demo/hidden").status_code == 404
    assert rows() == []


def test_unknown_lessons_and_courses_are_404(refl_app):
    client = signed(refl_app)
    for url in ("/courses/demo/nope/reflection", "/courses/nope/first/reflection"):
        response = post(client, url, {"reflection-coach-this-week": "Sam."}, token_from=FIRST)
        assert response.status_code == 404, url
    assert count(Reflection) == 0


def test_a_missing_or_wrong_csrf_token_is_refused(refl_app):
    client = signed(refl_app)
    for data in ({"reflection-coach-this-week": "Sam."},
                 {"reflection-coach-this-week": "Sam.", "csrf_token": "forged"}):
        response = client.post(FIRST + "/reflection", data=data)
        assert response.status_code == 400
    assert count(Reflection) == 0


def test_signed_out_people_cannot_save(refl_app):
    client = refl_app.test_client()
    response = post(client, FIRST + "/reflection", {"reflection-coach-this-week": "Sam."}, token_from="/auth/sign-in")
    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]
    assert client.get("/account/reflections").status_code == 302
    assert count(Reflection) == 0


def test_saving_is_post_only(refl_app):
    assert signed(refl_app).get(FIRST + "/reflection").status_code == 405


# --- the account page ---------------------------------------------------------------------

def test_the_account_page_lists_reflections_latest_first_grouped_by_lesson(refl_app, clock):
    client = signed(refl_app)
    html = client.get("/account/reflections").get_data(as_text=True)
    assert "<h1>My reflections</h1>" in html and "No reflections yet" in html
    save(client, coach_this_week="Sam, on the demo.")
    clock["now"] = START + datetime.timedelta(days=1)
    save(client, SECOND, one_thing="Ask before telling.")
    clock["now"] = START + datetime.timedelta(days=3)
    save(client, learn_from="Mei, about rotas.")
    clock["now"] = START + datetime.timedelta(days=4)

    html = client.get("/account/reflections").get_data(as_text=True)
    first = html.index('<a href="/courses/demo/first">First steps</a>')
    second = html.index('<a href="/courses/demo/second">Second steps</a>')
    assert first < second, "the lesson answered most recently comes first"
    assert html.count("First steps</a></h2>") == 1, "one group per lesson"
    group = html[first:second]
    assert group.index("Mei, about rotas.") < group.index("Sam, on the demo.")
    assert group.index(LEARN) < group.index("Mei, about rotas.")         # the prompt, then the answer
    assert "5 Mar 2026" in group and "2 Mar 2026" in group
    assert '<time datetime="2026-03-02T09:00:00Z">' in group
    assert "What will you try first?" in html[second:] and "3 Mar 2026" in html[second:]
    assert "Only you can see these answers" in html


def test_reflections_on_a_lesson_no_longer_published_stay_listed(refl_app):
    client = signed(refl_app)
    with refl_app.app_context(), db.connection_context():
        Reflection.create(person=Person.by_email("learner@example.com"), course_slug="demo", lesson_slug="hidden",
                          prompt_id="coach-this-week", prompt_text=COACH, text="From when it was published.")
    html = client.get("/account/reflections").get_data(as_text=True)
    assert "From when it was published." in html and "(no longer published)" in html
    assert "Hidden draft" not in html and 'href="/courses/demo/hidden"' not in html


def test_the_account_pages_are_linked_from_the_navigation(refl_app):
    html = signed(refl_app).get("/").get_data(as_text=True)
    nav = html[html.index('<nav aria-label="Main">'):html.index("</nav>")]
    assert '<a href="/account/reflections">My reflections</a>' in nav


def test_no_reflection_address_takes_a_person_id(refl_app):
    for rule in refl_app.url_map.iter_rules():
        if "reflection" in rule.endpoint or "reflection" in rule.rule:
            assert set(rule.arguments) <= {"course_slug", "lesson_slug"}, rule.rule


# --- privacy: only the owner ever sees the text -------------------------------------------

SECRET = "Zebra-7731: I find Priya hard to coach."


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


@pytest.mark.parametrize("reader", [OTHER_LEARNER, "manager", "trainer", "admin"])
def test_only_the_owner_sees_the_text_whatever_the_readers_role(refl_app, reader):
    owner = signed(refl_app)
    save(owner, coach_this_week=SECRET)
    assert SECRET in owner.get("/account/reflections").get_data(as_text=True)
    assert textarea(owner.get(FIRST).get_data(as_text=True), "coach-this-week") == SECRET

    with db.connection_context():
        learner = Person.by_email("learner@example.com")
        values = {"course_slug": "demo", "lesson_slug": "first", "person_id": learner.id,
                  "team_id": Team.by_name("Warehouse North").id}      # the team the manager manages
    client = signed(refl_app, reader)
    opened = []
    for url, status, body in _every_page(refl_app, client, values):
        assert "Zebra-7731" not in body, f"{reader} read the text on {url}"
        opened.append((url, status))
    assert ("/account/reflections", 200) in opened and ("/courses/demo/first", 200) in opened
    if reader == "manager":
        assert (f"/manage/teams/{values['team_id']}", 200) in opened
    if reader == "admin":
        assert (f"/admin/people/{learner.id}", 200) in opened
    reader_page = client.get(FIRST).get_data(as_text=True)
    assert textarea(reader_page, "coach-this-week") == ""


def test_the_readers_own_save_never_touches_the_owners_rows(refl_app):
    save(signed(refl_app), coach_this_week=SECRET)
    other = signed(refl_app, OTHER_LEARNER)
    save(other, coach_this_week="Answer from Kwame.")
    assert [r.text for r in rows()] == [SECRET]
    assert [r.text for r in rows(OTHER_LEARNER)] == ["Answer from Kwame."]
    assert "Answer from Kwame." in other.get("/account/reflections").get_data(as_text=True)


# --- data-protection requests: export-data and erase ----------------------------------------

def test_export_data_includes_the_persons_reflections_only(refl_app):
    save(signed(refl_app), coach_this_week=SECRET, learn_from="Mei.")
    save(signed(refl_app, OTHER_LEARNER), coach_this_week="Answer from Kwame.")
    result = refl_app.test_cli_runner().invoke(args=["users", "export-data", "learner@example.com"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["reflections"] == [
        {"course": "demo", "lesson": "first", "prompt_id": "coach-this-week", "prompt": COACH, "text": SECRET,
         "created_at": "2026-03-02T09:00:00Z"},
        {"course": "demo", "lesson": "first", "prompt_id": "learn-from", "prompt": LEARN, "text": "Mei.",
         "created_at": "2026-03-02T09:00:00Z"}]
    assert "Kwame" not in result.stdout


def test_erase_removes_the_persons_reflections_and_keeps_everyone_elses(refl_app):
    save(signed(refl_app), coach_this_week=SECRET, learn_from="Mei.")
    save(signed(refl_app, OTHER_LEARNER), coach_this_week="Answer from Kwame.")
    learner_id = person("learner@example.com").id
    assert count(Reflection, Reflection.person == learner_id) == 2
    result = refl_app.test_cli_runner().invoke(args=["users", "erase", "learner@example.com", "--yes"])
    assert result.exit_code == 0, result.output
    assert person("learner@example.com") is None
    assert count(Reflection, Reflection.person == learner_id) == 0
    assert [r.text for r in rows(OTHER_LEARNER)] == ["Answer from Kwame."]


def test_the_database_cascades_too(refl_app):
    """Deleting a person row by itself (not through erase) leaves no reflection behind."""
    save(signed(refl_app), coach_this_week=SECRET)
    with refl_app.app_context(), db.connection_context():
        Person.delete().where(Person.email == "learner@example.com").execute()
    assert count(Reflection) == 0
