"""axe-core scans the pages learners and trainers meet: no serious or critical violations."""
import pytest

from browser_helpers import serious_violations

pytestmark = pytest.mark.browser

COURSE = "coaching-at-every-level"


def first_lesson_with_quiz(app):
    catalog = app.extensions["content"].catalog
    course = catalog.course(COURSE)
    return next(l for l in course.visible_lessons() if l.quiz)


@pytest.mark.parametrize("path", [
    "/",
    f"/courses/{COURSE}/",
    "LESSON",
    "PREVIEW",
    "/trainer/",
    "/no-such-page",
])
def test_page_has_no_serious_accessibility_violations(page, live_server, live_app, path):
    lesson = first_lesson_with_quiz(live_app)
    path = {"LESSON": f"/courses/{COURSE}/{lesson.slug}",
            "PREVIEW": f"/trainer/preview/{COURSE}/{lesson.slug}/quiz"}.get(path, path)
    page.goto(live_server.url + path)
    assert page.locator("h1").count() == 1
    assert serious_violations(page) == []


def test_lesson_reads_on_a_phone_without_sideways_scrolling(page, live_server, live_app):
    lesson = first_lesson_with_quiz(live_app)
    page.goto(f"{live_server.url}/courses/{COURSE}/{lesson.slug}")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    font_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.prose p')).fontSize)")
    assert font_size >= 16


def test_keyboard_reaches_the_lesson_from_the_skip_link(page, live_server):
    page.goto(live_server.url + f"/courses/{COURSE}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
