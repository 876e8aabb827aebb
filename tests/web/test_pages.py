"""Every page through the test client, on a content tree the test controls."""
import os
import time

import pytest

from helpers.app import make_app
from helpers.content import LESSON, QUIZ
from helpers.http import signed_in
from helpers.people import ADMIN, LEARNER, TRAINER, seed_people
from course.content import ContentError


@pytest.fixture
def demo_app(tree, database_url):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First steps"))
    tree.write("lessons/demo/02-second.md", LESSON.format(title="Second <b>steps</b>").replace(
        "minutes: 4", "minutes: 5\naliases:\n  - old-second"))
    tree.write("lessons/demo/03-hidden.md", LESSON.format(title="Hidden draft").replace("minutes: 4", "minutes: 3\ndraft: true"))
    tree.write("quizzes/demo/first.md", QUIZ)
    app = make_app(database_url, tree.root)
    seed_people(app)
    return app


def test_home_lists_courses(demo_app):
    page = signed_in(demo_app, LEARNER).get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Demo course" in html and "2 lessons" in html and "Welcome, Lena Learner" in html


def test_outline_shows_lessons_minutes_objectives_but_not_drafts(demo_app):
    html = signed_in(demo_app, LEARNER).get("/courses/demo/").get_data(as_text=True)
    assert "First steps" in html and "4 min" in html and "Tell coaching apart from managing" in html
    assert "Hidden draft" not in html
    # Titles are escaped: a trainer's angle brackets never become markup.
    assert "Second &lt;b&gt;steps&lt;/b&gt;" in html


def test_lesson_page_has_body_navigation_and_quiz(demo_app):
    client = signed_in(demo_app, LEARNER)
    html = client.get("/courses/demo/first").get_data(as_text=True)
    assert "<h1>First steps</h1>" in html
    assert "Coaching helps the other person think." in html
    assert 'rel="next" href="/courses/demo/second"' in html
    assert "short quiz of 2 scenarios" in html and "Mark as done and take the quiz" in html
    second = client.get("/courses/demo/second").get_data(as_text=True)
    assert 'rel="prev" href="/courses/demo/first"' in second and 'rel="next"' not in second


def test_alias_redirects_to_the_new_slug(demo_app):
    response = signed_in(demo_app, LEARNER).get("/courses/demo/old-second")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/courses/demo/second")


def test_drafts_are_hidden_from_learners_but_previewable(demo_app):
    assert signed_in(demo_app, LEARNER).get("/courses/demo/hidden").status_code == 404
    preview = signed_in(demo_app, TRAINER).get("/trainer/preview/demo/hidden")
    assert preview.status_code == 200 and "Draft: hidden from learners" in preview.get_data(as_text=True)


def test_quiz_preview_shows_best_choice_feedback_and_tags(demo_app):
    html = signed_in(demo_app, TRAINER).get("/trainer/preview/demo/first/quiz").get_data(as_text=True)
    assert "The demo that ran long" in html
    assert "Best choice" in html
    assert "Starting with Sam's view lets them do the thinking." in html
    assert "Asked before telling" in html and "Went around the person" in html


def test_unknown_slugs_get_a_friendly_404(demo_app):
    client = signed_in(demo_app, ADMIN)
    for url in ("/courses/nope/", "/courses/demo/nope", "/trainer/preview/demo/nope/quiz",
                "/trainer/preview/demo/second/quiz", "/no/such/page"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.get_data(as_text=True)


def test_500_page_has_no_traceback(demo_app):
    demo_app.config["PROPAGATE_EXCEPTIONS"] = False

    @demo_app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = demo_app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html and "secret internals" not in html and "Traceback" not in html


def test_health_is_plain_ok(demo_app):
    response = demo_app.test_client().get("/health")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"


def test_security_headers(demo_app):
    response = demo_app.test_client().get("/auth/sign-in")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_changed_file_is_picked_up_in_debug_mode(tree, database_url):
    path = tree.write("lessons/demo/01-first.md", LESSON.format(title="Before the edit"))
    app = make_app(database_url, tree.root, CONTENT_RELOAD=True)
    seed_people(app)
    client = signed_in(app, LEARNER)
    assert "Before the edit" in client.get("/courses/demo/first").get_data(as_text=True)
    tree.write("lessons/demo/01-first.md", LESSON.format(title="After the edit"))
    stamp = time.time() + 5      # mtimes can be coarse; make the change unmistakable
    os.utime(path, (stamp, stamp))
    assert "After the edit" in client.get("/courses/demo/first").get_data(as_text=True)


def test_without_reload_the_loaded_content_stays(tree, database_url):
    path = tree.write("lessons/demo/01-first.md", LESSON.format(title="Loaded once"))
    app = make_app(database_url, tree.root, CONTENT_RELOAD=False)
    seed_people(app)
    tree.write("lessons/demo/01-first.md", LESSON.format(title="Edited later"))
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))
    assert "Loaded once" in signed_in(app, LEARNER).get("/courses/demo/first").get_data(as_text=True)


def test_broken_content_in_development_shows_the_messages(tree, database_url):
    tree.write("lessons/demo/01-first.md", "---\ntitle: x\n")
    app = make_app(database_url, tree.root, CONTENT_STRICT=False)
    seed_people(app)
    # Issue 13: the messages are for trainers and admins; others get a 503 without file paths.
    response = signed_in(app, TRAINER).get("/")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "lessons/demo/01-first.md:1" in html and "front matter is not closed" in html
    assert "Traceback" not in html
    assert "lessons/demo/01-first.md" not in app.test_client().get("/").get_data(as_text=True)


def test_broken_content_in_production_refuses_to_start(tree, database_url):
    tree.write("lessons/demo/01-first.md", "---\ntitle: x\n")
    with pytest.raises(ContentError) as caught:
        make_app(database_url, tree.root, CONTENT_STRICT=True)
    assert "lessons/demo/01-first.md:1: error: front matter is not closed" in str(caught.value)


def test_secret_key_required_outside_debug(monkeypatch, tree):
    from course import create_app
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app({"CONTENT_DIR": tree.root, "CONTENT_STRICT": False})


def test_debug_generates_a_key_once(monkeypatch, tree, tmp_path):
    from course import create_app
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    first = create_app({"CONTENT_DIR": tree.root})
    second = create_app({"CONTENT_DIR": tree.root})
    assert first.debug and first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64
