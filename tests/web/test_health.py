"""Health and failure (issue 13, item 7): /healthz readiness, content errors shown only to trainers
and admins, the last good content kept while a file is broken, and a read-only or full disk
answered with a clear 503 and one log line, recovering without a restart."""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import time

import pytest
from peewee import OperationalError

from course import create_app
from course.content import content_version
from course.data.db import MIGRATIONS_DIR
from helpers.app import ROOT, make_app
from helpers.content import LESSON, QUIZ
from helpers.http import sign_in
from helpers.people import ROLE_EMAILS, seed_people

LAST_MIGRATION = sorted(n[:-3] for n in os.listdir(MIGRATIONS_DIR) if n[:4].isdigit() and n.endswith(".py"))[-1]
BROKEN = "---\ntitle: x\n"


def signed(app, role):
    client = app.test_client()
    assert sign_in(client, ROLE_EMAILS[role]).status_code == 302, role
    return client


def bare_app(database_url, content_dir, **config):
    """An app whose database was never upgraded (create_app alone)."""
    return create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": database_url,
                       "CONTENT_DIR": content_dir, **config})


def touch_later(path):
    stamp = time.time() + 5          # mtimes can be coarse: make the change unmistakable
    os.utime(path, (stamp, stamp))


# --- /healthz -------------------------------------------------------------------------------------

def test_healthz_reports_database_migration_content_version_and_errors(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == {"status": "ok", "database": "ok", "migration": LAST_MIGRATION,
                                   "migrations_pending": 0, "content_version": content_version(ROOT),
                                   "errors": 0, "serving_last_good_content": False}
    assert response.headers["Cache-Control"] == "no-store"
    plain = app.test_client().get("/health")
    assert plain.status_code == 200 and plain.get_data(as_text=True) == "ok"


def test_the_content_version_is_a_hash_of_the_files_the_same_on_every_host(tree, tmp_path):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First"))
    copy = str(tmp_path / "copy")
    shutil.copytree(tree.root, copy)
    touch_later(os.path.join(copy, "lessons/demo/01-first.md"))    # other times, same bytes
    assert content_version(tree.root) == content_version(copy)
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First, reworded"))
    assert content_version(tree.root) != content_version(copy)


@pytest.mark.parametrize("broken", ["missing folder", "not a database"])
def test_healthz_is_503_when_the_database_cannot_be_read(tmp_path, broken, caplog):
    if broken == "missing folder":
        url = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'db.sqlite3'}"
    else:
        path = tmp_path / "garbage.sqlite3"
        path.write_bytes(b"this is not a database file at all" * 100)
        url = f"sqlite:///{path}"
    app = bare_app(url, ROOT)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    report = response.get_json()
    assert report["database"] != "ok" and report["status"].startswith("not ready: database")
    assert report["migration"] is None and report["content_version"] == content_version(ROOT)
    assert app.test_client().get("/health").status_code == 200, "liveness stays up"
    # Pages say so plainly: 503, no traceback.
    page = app.test_client().get("/auth/sign-in")
    assert page.status_code == 503 and "Traceback" not in page.get_data(as_text=True)
    assert not any(r.exc_info for r in caplog.records)


def test_healthz_is_503_while_migrations_are_pending(tmp_path):
    app = bare_app(f"sqlite:///{tmp_path / 'new.sqlite3'}", ROOT)
    report = app.test_client().get("/healthz")
    assert report.status_code == 503
    assert report.get_json()["migrations_pending"] > 0 and report.get_json()["migration"] is None


# --- content errors ---------------------------------------------------------------------------------

def test_broken_content_shows_its_messages_to_trainers_and_admins_only(tree, database_url):
    tree.write("lessons/demo/01-first.md", BROKEN)
    app = make_app(database_url, tree.root, CONTENT_STRICT=False)
    seed_people(app)
    for role in ("trainer", "admin"):
        page = signed(app, role).get("/")
        assert page.status_code == 503
        assert "lessons/demo/01-first.md:1" in page.get_data(as_text=True), role
    for client in (app.test_client(), signed(app, "learner"), signed(app, "manager")):
        for url in ("/", "/courses/demo/", "/review", "/trainer/"):
            page = client.get(url)
            body = page.get_data(as_text=True)
            assert page.status_code in (302, 503), url
            assert "01-first.md" not in body and "lessons/" not in body and "front matter" not in body, url
    assert app.test_client().get("/").status_code == 503
    assert app.test_client().get("/auth/sign-in").status_code == 200, "signing in still works"
    report = app.test_client().get("/healthz")
    assert report.status_code == 503 and report.get_json()["errors"] >= 1
    assert "01-first" not in report.get_data(as_text=True)


def test_a_file_broken_while_running_keeps_the_last_good_content(tree, database_url):
    path = tree.write("lessons/demo/01-first.md", LESSON.format(title="The good version"))
    tree.write("quizzes/demo/first.md", QUIZ)
    app = make_app(database_url, tree.root, CONTENT_RELOAD=True)
    seed_people(app)
    good = app.test_client().get("/healthz").get_json()["content_version"]
    learner, trainer = signed(app, "learner"), signed(app, "trainer")

    tree.write("lessons/demo/01-first.md", BROKEN)
    touch_later(path)
    page = learner.get("/courses/demo/first")
    assert page.status_code == 200 and "The good version" in page.get_data(as_text=True)
    assert "01-first.md" not in page.get_data(as_text=True)
    assert learner.get("/courses/demo/first/quiz").status_code == 200
    for url in ("/trainer/", "/courses/demo/first"):
        html = trainer.get(url).get_data(as_text=True)
        assert "The content files have 3 errors" in html and "lessons/demo/01-first.md:1" in html, url
    report = app.test_client().get("/healthz")
    assert report.status_code == 503
    assert report.get_json()["errors"] == 3      # the broken lesson, hence a course without lessons and a lone quiz
    assert report.get_json()["serving_last_good_content"] is True
    assert report.get_json()["content_version"] == good, "the version served is the last good one"

    tree.write("lessons/demo/01-first.md", LESSON.format(title="The fixed version"))
    touch_later(path)
    assert "The fixed version" in learner.get("/courses/demo/first").get_data(as_text=True)
    assert "The content files have" not in trainer.get("/trainer/").get_data(as_text=True)
    fixed = app.test_client().get("/healthz")
    assert fixed.status_code == 200 and fixed.get_json()["content_version"] != good


# --- a full or read-only disk -------------------------------------------------------------------------

def _errors(caplog):
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_full_disk_gives_a_clear_503_and_one_log_line_then_recovers(seeded, monkeypatch, caplog):
    learner = signed(seeded, "learner")
    from helpers.http import csrf_token
    token = csrf_token(learner, "/courses/coaching-at-every-level/coaching-is-not-managing")
    url = "/courses/coaching-at-every-level/coaching-is-not-managing/done"

    def full(*args, **kwargs):
        raise OperationalError("database or disk is full")

    monkeypatch.setattr("course.learning.progress.mark_done", full)
    caplog.clear()
    response = learner.post(url, data={"csrf_token": token})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    html = response.get_data(as_text=True)
    assert "has no room left to store data" in html and "Nothing was saved" in html and "Traceback" not in html
    lines = _errors(caplog)
    assert len(lines) == 1 and "disk full" in lines[0].getMessage() and lines[0].exc_info is None
    assert "/courses/<course_slug>/<lesson_slug>/done" in lines[0].getMessage()

    monkeypatch.undo()
    assert learner.post(url, data={"csrf_token": token}).status_code == 302, "recovered without a restart"


def test_sign_in_on_a_full_disk_is_a_503_not_a_500(seeded, monkeypatch):
    from course.data.models import Person

    def full(self, *args, **kwargs):
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(Person, "save", full)
    client = seeded.test_client()
    assert sign_in(client, ROLE_EMAILS["learner"]).status_code == 503
    monkeypatch.undo()
    assert sign_in(client, ROLE_EMAILS["learner"]).status_code == 302


@contextlib.contextmanager
def read_only(path):
    """The SQLite file cannot be written: chmod, or for root (who ignores modes) the immutable flag."""
    if os.geteuid() != 0:
        os.chmod(path, 0o444)
        try:
            yield
        finally:
            os.chmod(path, 0o644)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", path], capture_output=True).returncode:
        pytest.skip("running as root without chattr +i: cannot make a file read-only")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", path], check=True)


def test_a_read_only_database_file_gives_a_503_and_recovers_when_writable_again(tmp_path, content_dir, caplog):
    path = str(tmp_path / "course.sqlite3")
    app = make_app(f"sqlite:///{path}", content_dir)
    try:
        seed_people(app)
        learner = signed(app, "learner")
        from helpers.http import csrf_token
        lesson = "/courses/coaching-at-every-level/coaching-is-not-managing"
        token = csrf_token(learner, lesson)
        with read_only(path):
            app.extensions["peewee"].close_idle()      # connections opened from now on are read-only
            assert learner.get("/courses/coaching-at-every-level/").status_code == 200, "reading still works"
            caplog.clear()
            response = learner.post(lesson + "/done", data={"csrf_token": token})
            assert response.status_code == 503
            html = response.get_data(as_text=True)
            assert "cannot save anything right now" in html and "Traceback" not in html
            lines = _errors(caplog)
            assert len(lines) == 1 and "read-only" in lines[0].getMessage() and lines[0].exc_info is None
        assert learner.post(lesson + "/done", data={"csrf_token": token}).status_code == 302
        assert app.test_client().get("/healthz").status_code == 200
    finally:
        app.extensions["peewee"].close_all()
