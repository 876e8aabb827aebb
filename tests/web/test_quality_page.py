"""The trainers' "Quiz quality" page shows the same figures as `content check`."""
from __future__ import annotations

import re

import pytest

from course.content import load_catalog
from course.content.quality import analyse, load_settings
from helpers.app import ROOT, make_app
from helpers.http import sign_in
from helpers.people import seed_people

GUESSABLE = """
---
pass_score: 0.75
---
## Late delivery {#late-delivery}
A supplier's van is late for the third time this month.

- [ ] Tell the driver the schedule matters. {tell}
  > Quick, but nothing changes for the route.
- [x] What does the route look like from the driver's seat? {ask}
  > The driver knows where the time goes.
- [ ] Report the supplier to purchasing. {go-around}
  > Going around the people involved first.

## Missed handover {#missed-handover}
A colleague skipped the handover notes again.

- [ ] Leave it, since they were busy. {stay-silent}
  > The gap stays.
- [ ] Write the notes yourself. {rescue}
  > You learn nothing about why.
- [x] What got in the way of the notes today? {ask}
  > Starts with their view.
"""


@pytest.fixture
def guessable_site(tree, database_url):
    tree.course()
    tree.write("lessons/demo/01-first.md", """
        ---
        title: First
        minutes: 4
        objectives:
          - Ask before telling
        ---
        Coaching helps the other person think.

        ::: takeaway
        Ask before you tell.
        :::
        """)
    tree.write("quizzes/demo/first.md", GUESSABLE)
    app = make_app(database_url, tree.root)
    seed_people(app)
    yield app
    app.extensions["peewee"].close_all()


def test_trainer_sees_the_guessing_strategies_and_their_warnings(guessable_site):
    client = guessable_site.test_client()
    sign_in(client, "trainer@example.com")
    page = client.get("/trainer/quality/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Quiz quality" in html and "guess a choice with a &#39;?&#39;" in html
    # Both best choices are the only questions: the strategy hits 100 % and passes for sure.
    row = re.search(r"guess a choice with a &#39;\?&#39;</th>\s*<td class=\"num\">(\d+)%", html)
    assert row and row.group(1) == "100"
    assert "quizzes/demo/first.md:" in html and "Gives answers away" in html


def test_the_page_shows_exactly_the_checks_figures(app, seeded):
    client = app.test_client()
    sign_in(client, "trainer@example.com")
    html = client.get("/trainer/quality/").get_data(as_text=True)
    report = analyse(load_catalog(ROOT), load_settings(ROOT))
    assert html.count("<li><code>quizzes/") == len(report.warnings)
    for quiz in report.quizzes:
        assert f">{quiz.lesson_slug}</a>" in html
        cue = quiz.strongest
        assert f"<td>{cue.description}</td>" in html.replace("&#39;", "'")
        assert f"<td class=\"num\">{cue.pass_probability:.2f}</td>" in html


@pytest.mark.parametrize("role", ["learner", "manager"])
def test_only_trainers_and_admins_see_it(app, seeded, role):
    client = app.test_client()
    sign_in(client, f"{role}@example.com")
    assert client.get("/trainer/quality/").status_code == 403
    admin = app.test_client()
    sign_in(admin, "admin@example.com")
    assert admin.get("/trainer/quality/").status_code == 200
