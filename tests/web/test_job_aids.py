"""Job aids through HTTP: the one-page aid, the links from its lesson and the
course outline, who may open it, and the print stylesheet it relies on."""
import re

import pytest

from helpers.app import make_app
from helpers.content import LESSON
from helpers.http import sign_in
from helpers.people import ROLE_EMAILS, seed_people

GROW = """
---
title: GROW on one page
summary: The four stages of a coaching conversation, with a question or two for each.
---
## Goal
- What would good look like by Friday?

## Reality
- What is happening now? See [the lesson notes](https://example.org/notes).

<script>alert(1)</script>
"""

SBI = """
---
title: SBI <b>feedback</b>
---
Situation, behaviour, impact: then ask for their view.
"""


@pytest.fixture
def aids_app(tree, database_url):
    tree.write("lessons/demo/aids/grow.md", GROW)
    tree.write("lessons/demo/aids/sbi.md", SBI)
    tree.write("lessons/demo/01-first.md",
               LESSON.format(title="First steps").replace("minutes: 4", "minutes: 4\naids: [grow]"))
    tree.write("lessons/demo/02-second.md", LESSON.format(title="Second steps"))
    tree.write("lessons/demo/03-hidden.md", LESSON.format(title="Hidden draft").replace(
        "minutes: 4", "minutes: 3\ndraft: true\naids: [sbi]"))
    tree.write("lessons/plain/index.md", "---\ntitle: Plain course\n---\nNo job aids here.\n")
    tree.write("lessons/plain/01-only.md", LESSON.format(title="Only lesson"))
    app = make_app(database_url, tree.root)
    assert app.extensions["content"].catalog.errors == ()
    seed_people(app)
    yield app
    app.extensions["peewee"].close_all()


def signed(app, role="learner"):
    client = app.test_client()
    assert sign_in(client, ROLE_EMAILS[role]).status_code == 302
    return client


def html_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def test_aid_page_shows_title_summary_body_and_a_print_hint(aids_app):
    html = html_of(signed(aids_app), "/courses/demo/aids/grow")
    assert "<h1>GROW on one page</h1>" in html
    assert "The four stages of a coaching conversation, with a question or two for each." in html
    assert '<h2 id="goal">Goal</h2>' in html and "What would good look like by Friday?" in html
    assert "<title>GROW on one page" in html
    # Printing is the browser's own: a hint, no script, nothing to click that runs code.
    assert "use your browser’s Print command" in html
    assert 'class="print-hint no-print"' in html
    assert "<script" not in html and "onclick" not in html and "javascript:" not in html
    assert "&lt;script&gt;" in html          # the aid's raw HTML is shown as text
    # Back to the lesson that links it (published lessons only) and to the course.
    assert 'href="/courses/demo/first">First steps</a>' in html
    assert 'href="/courses/demo/">Demo course</a>' in html


def test_aid_titles_are_escaped(aids_app):
    html = html_of(signed(aids_app), "/courses/demo/aids/sbi")
    assert "<h1>SBI &lt;b&gt;feedback&lt;/b&gt;</h1>" in html
    assert "Hidden draft" not in html        # linked only from a draft: not named to learners


@pytest.mark.parametrize("role", ["learner", "trainer", "manager", "admin"])
def test_every_signed_in_role_may_open_an_aid(aids_app, role):
    assert "<h1>GROW on one page</h1>" in html_of(signed(aids_app, role), "/courses/demo/aids/grow")


def test_an_aid_needs_sign_in_like_a_lesson(aids_app):
    client = aids_app.test_client()
    for url in ("/courses/demo/aids/grow", "/courses/demo/first"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"], url


def test_unknown_aids_and_courses_are_404(aids_app):
    client = signed(aids_app, "admin")
    for url in ("/courses/demo/aids/nope", "/courses/nope/aids/grow", "/courses/plain/aids/grow",
                "/courses/demo/aids/", "/courses/demo/aids/GROW"):
        assert client.get(url).status_code == 404, url


def test_the_lesson_lists_its_aids_after_the_body(aids_app):
    client = signed(aids_app)
    html = html_of(client, "/courses/demo/first")
    link = '<a href="/courses/demo/aids/grow">Job aid: GROW on one page</a>'
    assert link in html
    assert html.index("Ask before you tell.") < html.index(link), "listed near the takeaway, after the body"
    assert html.index(link) < html.index("Mark as done")
    assert "Job aid:" not in html_of(client, "/courses/demo/second")


def test_the_trainer_preview_lists_the_aids_too(aids_app):
    html = html_of(signed(aids_app, "trainer"), "/trainer/preview/demo/hidden")
    assert '<a href="/courses/demo/aids/sbi">Job aid: SBI &lt;b&gt;feedback&lt;/b&gt;</a>' in html


def test_the_outline_lists_every_aid_of_the_course(aids_app):
    client = signed(aids_app)
    html = html_of(client, "/courses/demo/")
    section = html[html.index('<h2 id="aids-heading">Job aids</h2>'):]
    assert '<a href="/courses/demo/aids/grow">GROW on one page</a>' in section
    assert '<a href="/courses/demo/aids/sbi">SBI &lt;b&gt;feedback&lt;/b&gt;</a>' in section
    assert section.index("GROW on one page") < section.index("SBI")
    assert "Job aids" not in html_of(client, "/courses/plain/")


def _print_rules(css):
    """The bodies of every `@media print { ... }` block (one level of nesting)."""
    blocks, start = [], 0
    while (at := css.find("@media print", start)) != -1:
        depth, i = 0, css.index("{", at)
        for j in range(i, len(css)):
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            if depth == 0:
                blocks.append(css[i + 1:j])
                break
        start = j
    return "\n".join(blocks)


def test_the_print_stylesheet_hides_the_site_and_keeps_link_addresses_out(aids_app):
    css = aids_app.test_client().get("/static/site.css").get_data(as_text=True)
    rules = _print_rules(css)
    hidden = re.search(r"([^{}]+)\{\s*display:\s*none", rules).group(1)
    for selector in (".site-header", ".site-footer", ".breadcrumbs", ".no-print"):
        assert selector in hidden, selector
    assert re.search(r"a\[href\]::after\s*\{\s*content:\s*none", rules)
    assert ".aid-sheet" in rules          # the aid's own compact print layout
    assert "@page" in css
