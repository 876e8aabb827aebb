"""Lesson progress: the rows stored, the course outline and the home page's Continue links."""
from __future__ import annotations

import html as html_lib
import re

from course.data.models import Person, Progress
from helpers.content import LESSON
from helpers.db import query_db
from helpers.people import LEARNER

_CONTINUE = re.compile(r'href="([^"]+)">Continue: ([^<]+)</a>')
_STATE = re.compile(r'<span class="state">([^<·]+)')


def learner_rows(email=LEARNER):
    """{lesson slug: Progress row} of a person."""
    def rows():
        person = Person.by_email(email)
        return {row.lesson_slug: row for row in Progress.select().where(Progress.person == person.id)}
    return query_db(rows)


def all_rows():
    return query_db(lambda: Progress.select().count())


def outline_states(client, course_slug):
    """{lesson slug: the state shown beside it on the course outline}."""
    page = client.get(f"/courses/{course_slug}/")
    assert page.status_code == 200
    states = {}
    for block in page.get_data(as_text=True).split('<li class="outline-item')[1:]:
        slug = re.search(rf'href="/courses/{course_slug}/([^"/]+)"', block).group(1)
        states[slug] = _STATE.search(block).group(1).strip()
    return states


def continue_links(client):
    """Every "Continue: ..." link on the home page, as (href, text)."""
    page = client.get("/")
    assert page.status_code == 200
    return [(href, html_lib.unescape(text)) for href, text in _CONTINUE.findall(page.get_data(as_text=True))]


def plain_lesson(title, extra=""):
    """A lesson without a quiz; `extra` goes into the front matter."""
    return LESSON.format(title=title).replace("minutes: 4", "minutes: 4" + extra)
