"""Job aids and reflections in Chromium: axe finds no serious or critical
violation, nothing scrolls sideways at 360 px, and an aid of about 400 words
prints on one A4 and one Letter page without the site around it."""
from __future__ import annotations

import re
import threading

import pytest
from werkzeug.serving import make_server

from browser_helpers import serious_violations, sign_in
from helpers.app import make_app
from helpers.content import ContentTree, LESSON
from helpers.people import seed_people

pytestmark = pytest.mark.browser

LEARNER = "learner@example.com"

# About 400 words, the size a one-page job aid is written to.
GROW = """
---
title: GROW on one page
summary: The four stages of a coaching conversation, with questions to ask at each one.
---
Use it before a one-to-one, or keep it beside you during one: on a desk, in a notebook, or open on
your phone while you walk to the meeting room or join the video call. Ask, listen, then ask again: the person
you coach does the thinking and owns the answer. Move back a stage whenever the conversation needs it.

## Goal: what do you want?
- What would you like to get out of the next twenty minutes?
- What would good look like by the end of the month, in your own words?
- How will you know you have got there? What will be different for you and the team?

## Reality: what is happening now?
- What is happening at the moment, and how often? Who else is involved?
- What have you tried so far, and what did you learn from it?
- What is in your control here, and what is not? What does it cost you to leave it as it is?

## Options: what could you do?
- What could you do? What else? And if time or money were no object?
- Who has solved something like this before, and what would they try?
- Which option appeals most, and what makes it the strongest one for you?

## Way forward: what will you do?
- What will you do, and by when? What is the very first step?
- What might get in the way, and how will you handle it if it does?
- Who needs to know, and what support would help you keep going?

::: tip
Hold back your own answer. If you must offer one, ask first ("May I share an idea?") and offer it as one
option among theirs, not as the solution. See [the GROW lesson](https://example.org/lessons/grow).
:::

## Watch for
- **Leading questions** ("Don't you think you should...?") are advice in disguise: they close options.
- **"Why" questions** can sound like blame; "what made that hard?" opens the same door more gently.
- **Stacked questions** confuse: ask one, then wait through the silence; it is thinking time.
- **Closed questions** get yes or no: use them to confirm a decision, not to explore one.

## Close the loop
Agree when you will next check in, and ask what the person found useful today and what you could do
differently next time. A short note of the
agreed step, written by them rather than by you, keeps the ownership where it belongs.
"""

REFLECTION = """reflection:
  - id: coach-this-week
    prompt: Whom will you coach this week, and on what?
  - id: learn-from
    prompt: Who could teach you something, and what will you ask them?
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("aids-browser")
    tree = ContentTree(root / "content").course()
    tree.write("lessons/demo/aids/grow.md", GROW)
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First steps").replace(
        "minutes: 4", "minutes: 4\naids: [grow]\n" + REFLECTION))
    app = make_app(f"sqlite:///{root / 'browser.sqlite3'}", tree.root)
    assert app.extensions["content"].catalog.errors == ()
    seed_people(app)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    app.extensions["peewee"].close_all()


def words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", text.split("---", 2)[2]))


def save_reflection(page, base):
    """Answer the lesson's questions through its form, as a learner would."""
    page.goto(base + "/courses/demo/first")
    page.get_by_label("Whom will you coach this week, and on what?").fill("Sam, on the weekly demo.\nThen Mei.")
    page.get_by_label("Who could teach you something, and what will you ask them?").fill("Kwame, about rotas.")
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_load_state()
    assert page.get_by_text("Saved. Only you can see this.").is_visible()


def overflow(page) -> float:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("path", ["/courses/demo/aids/grow", "/account/reflections", "/courses/demo/first",
                                  "/courses/demo/"])
def test_no_serious_accessibility_violations(page, server, path):
    sign_in(page, server, LEARNER)
    save_reflection(page, server)        # the pages show saved answers, not only empty boxes
    page.goto(server + path)
    assert page.locator("h1").count() == 1
    assert serious_violations(page) == []


@pytest.mark.parametrize("path, text", [("/courses/demo/aids/grow", ".aid-body li"),
                                        ("/account/reflections", ".reflection-text"),
                                        ("/courses/demo/first", ".reflection textarea")])
def test_no_sideways_scrolling_at_360_px(page, server, path, text):
    sign_in(page, server, LEARNER)
    save_reflection(page, server)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(server + path)
    assert overflow(page) <= 0
    font_size = page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('{text}')).fontSize)")
    assert font_size >= 16


def test_the_reflections_page_shows_what_was_saved(page, server):
    sign_in(page, server, LEARNER)
    save_reflection(page, server)
    page.goto(server + "/account/reflections")
    entry = page.locator(".reflection-entry").filter(has_text="Sam, on the weekly demo.").first
    assert "Whom will you coach this week" in entry.inner_text()
    assert "Then Mei." in entry.inner_text()             # line breaks are kept


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_an_aid_prints_on_one_page_without_the_site(page, server):
    assert 380 <= words(GROW) <= 430
    sign_in(page, server, LEARNER)
    page.goto(server + "/courses/demo/aids/grow")
    page.emulate_media(media="print")
    for selector in (".site-header", ".site-footer", ".breadcrumbs", ".print-hint"):
        assert page.locator(selector).first.is_hidden(), selector
    assert page.locator("h1").is_visible() and page.get_by_text("Close the loop").is_visible()
    after = page.evaluate("getComputedStyle(document.querySelector('.aid-body a'), '::after').content")
    assert after in ("none", "normal"), "a link's address is never printed after it"
    for paper in ("A4", "Letter"):
        assert _pages(page.pdf(format=paper)) == 1, f"the aid takes more than one {paper} page"
