"""axe-core scans the pages learners, trainers and admins meet: no serious or critical violations."""
import pytest

from browser_helpers import course_lessons, serious_violations, sign_in
from helpers.content import COURSE

pytestmark = pytest.mark.browser


def _paths(app):
    plain, conversation = course_lessons(app)
    return {
        "LESSON": f"/courses/{COURSE}/{plain.slug}",
        "QUIZ": f"/courses/{COURSE}/{plain.slug}/quiz",
        "CONVERSATION": f"/courses/{COURSE}/{conversation.slug}/quiz",
        "LAST_LESSON": f"/courses/{COURSE}/{app.extensions['content'].catalog.course(COURSE).visible_lessons()[-1].slug}",
        "PREVIEW": f"/trainer/preview/{COURSE}/{plain.slug}/quiz",
        "PREVIEW_CONVERSATION": f"/trainer/preview/{COURSE}/{conversation.slug}/quiz",
    }


@pytest.mark.parametrize("role, path", [
    (None, "/auth/sign-in"),
    ("learner@example.com", "/"),
    ("learner@example.com", f"/courses/{COURSE}/"),
    ("learner@example.com", "LESSON"),
    ("learner@example.com", "QUIZ"),
    ("learner@example.com", "CONVERSATION"),
    ("learner@example.com", "/account/attempts"),
    ("learner@example.com", "/account/password"),
    ("learner@example.com", "/account/commitments"),
    ("learner@example.com", "/habits"),
    ("learner@example.com", "LAST_LESSON"),
    ("learner@example.com", "/no-such-page"),
    ("trainer@example.com", "PREVIEW"),
    ("trainer@example.com", "PREVIEW_CONVERSATION"),
    ("trainer@example.com", "/trainer/"),
    ("trainer@example.com", "/trainer/quality/"),
    ("manager@example.com", "/manage/"),
    ("admin@example.com", "/admin/people"),
    ("admin@example.com", "/admin/teams"),
    ("admin@example.com", "/admin/people/new"),
])
def test_page_has_no_serious_accessibility_violations(page, live_server, live_app, role, path):
    if role:
        sign_in(page, live_server.url, role)
    path = _paths(live_app).get(path, path)
    page.goto(live_server.url + path)
    assert page.locator("h1").count() == 1
    assert serious_violations(page) == []


def test_lesson_reads_on_a_phone_without_sideways_scrolling(page, live_server, live_app):
    sign_in(page, live_server.url, "learner@example.com")
    page.goto(live_server.url + _paths(live_app)["LESSON"])
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    font_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.prose p')).fontSize)")
    assert font_size >= 16


def test_keyboard_reaches_the_content_from_the_skip_link(page, live_server):
    page.goto(live_server.url + "/auth/sign-in")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
