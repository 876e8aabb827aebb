"""Operations (issue 13): structured request logs without secrets, `db backup` / `db restore`,
and the gunicorn settings behind `make serve`."""
from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
import sqlite3

import pytest

from course import create_app
from course.data.db import db
from course.data.models import Person, Team
from course.learning import people
from helpers.app import ROOT
from helpers.http import csrf_token, sign_in
from helpers.people import DEMO_PASSWORD, ROLE_EMAILS

REPO = ROOT


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def request_log():
    handler = Lines()
    logger = logging.getLogger("course.requests")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


# --- request logs -----------------------------------------------------------------------------------

def test_one_json_line_per_request_with_the_route_pattern(seeded, request_log):
    client = seeded.test_client()
    assert sign_in(client, ROLE_EMAILS["learner"]).status_code == 302
    request_log.clear()
    client.get("/courses/coaching-at-every-level/coaching-is-not-managing", headers={"X-Request-ID": "lb-42.a:b"})
    client.get("/review/answers/123456")
    client.get("/no/such/page")
    entries = [json.loads(line) for line in request_log]
    assert len(entries) == 3
    assert set(entries[0]) == {"time", "method", "route", "status", "duration_ms", "person_id", "request_id"}
    with seeded.app_context(), db.connection_context():
        learner_id = Person.by_email(ROLE_EMAILS["learner"]).id
    assert entries[0]["route"] == "/courses/<course_slug>/<lesson_slug>" and entries[0]["status"] == 200
    assert entries[0]["request_id"] == "lb-42.a:b" and entries[0]["person_id"] == learner_id
    assert entries[0]["method"] == "GET" and entries[0]["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entries[0]["time"])
    assert entries[1]["route"] == "/review/answers/<id:attempt_id>" and entries[1]["status"] == 404
    assert entries[2]["route"] is None and entries[2]["status"] == 404
    assert re.fullmatch(r"[0-9a-f]{32}", entries[1]["request_id"])


def test_the_request_id_is_sent_back_and_a_strange_one_is_replaced(app):
    client = app.test_client()
    assert client.get("/health", headers={"X-Request-ID": "abc-1"}).headers["X-Request-ID"] == "abc-1"
    for strange in ("a b", "x" * 65, "someone@example.com", "<script>", "ä"):
        sent = client.get("/health", headers={"X-Request-ID": strange}).headers["X-Request-ID"]
        assert sent != strange and re.fullmatch(r"[0-9a-f]{32}", sent)


def test_the_log_holds_no_password_token_or_email(seeded, request_log):
    admin = seeded.test_client()
    assert sign_in(admin, ROLE_EMAILS["admin"]).status_code == 302
    with seeded.app_context(), db.connection_context():
        kwame = Person.by_email("kwame@example.com")
        token = people.create_link(kwame, "reset", 24)
    request_log.clear()
    anonymous = seeded.test_client()
    anonymous.get(f"/auth/set-password/{token}")
    anonymous.post(f"/auth/set-password/{token}", data={"csrf_token": csrf_token(anonymous, f"/auth/set-password/{token}"),
                                                        "password": "a-new-password-1", "confirm": "a-new-password-1"})
    admin.get("/admin/people?q=kwame@example.com")
    failed = seeded.test_client()
    sign_in(failed, "mei@example.com", "wrong-password-123")
    sign_in(failed, ROLE_EMAILS["manager"], DEMO_PASSWORD)
    text = "\n".join(request_log)
    assert len(request_log) >= 7
    for secret in (token, "a-new-password-1", "wrong-password-123", DEMO_PASSWORD, "@example.com", "kwame",
                   "session=", "csrf"):
        assert secret not in text, secret
    assert {json.loads(line)["route"] for line in request_log} >= {"/auth/set-password/<token>", "/admin/people",
                                                                   "/auth/sign-in"}


def test_request_log_can_be_turned_off(database_url, request_log, tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": database_url, "CONTENT_DIR": ROOT,
                      "REQUEST_LOG": False})
    try:
        response = app.test_client().get("/health")
        assert request_log == [] and response.headers["X-Request-ID"]
    finally:
        app.extensions["peewee"].close_all()


# --- backup and restore -------------------------------------------------------------------------------

@pytest.fixture
def sqlite_site(seeded, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("db backup copies SQLite files; on PostgreSQL it prints the pg_dump command")
    return seeded


def _team_names(app):
    with app.app_context(), db.connection_context():
        return sorted(t.name for t in Team.select())


def _emails(app):
    with app.app_context(), db.connection_context():
        return sorted(p.email for p in Person.select())


def test_back_up_change_restore_and_the_data_is_back(sqlite_site, tmp_path):
    app, runner = sqlite_site, sqlite_site.test_cli_runner()
    teams, emails = _team_names(app), _emails(app)
    target = str(tmp_path / "backups" / "course-backup.sqlite3")
    os.makedirs(os.path.dirname(target))
    result = runner.invoke(args=["db", "backup", target])
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete", "one self-contained file"
        assert copy.execute("SELECT COUNT(*) FROM person").fetchone()[0] == len(emails)

    assert runner.invoke(args=["users", "create", "--email", "new@example.com", "--name", "New Person",
                               "--role", "learner", "--team", "Brand New Team"]).exit_code == 0
    with app.app_context(), db.connection_context():
        team = Team.by_name("Warehouse North")
        people.rename_team(team, "Renamed Team")
        Person.delete().where(Person.email == "kwame@example.com").execute()
    assert _team_names(app) != teams and _emails(app) != emails

    result = runner.invoke(args=["db", "restore", target, "--yes"])
    assert result.exit_code == 0, result.output
    assert _team_names(app) == teams and _emails(app) == emails
    safety = re.search(r"kept in (\S+)", result.output).group(1)
    with sqlite3.connect(safety) as before:
        assert before.execute("SELECT COUNT(*) FROM person WHERE email = 'new@example.com'").fetchone()[0] == 1
    # The site reads the restored data without a restart.
    client = app.test_client()
    assert sign_in(client, "kwame@example.com").status_code == 302


def test_backup_is_consistent_while_a_write_is_in_progress(sqlite_site, tmp_path):
    writer = sqlite3.connect(sqlite_site.extensions["peewee"].database, timeout=5)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE team SET name = 'half-done' WHERE name = 'Warehouse North'")
    try:
        target = str(tmp_path / "during.sqlite3")
        result = sqlite_site.test_cli_runner().invoke(args=["db", "backup", target])
        assert result.exit_code == 0, result.output
    finally:
        writer.commit()
        writer.close()
    with sqlite3.connect(target) as copy:
        names = {row[0] for row in copy.execute("SELECT name FROM team")}
        assert "Warehouse North" in names and "half-done" not in names
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_backup_refuses_to_overwrite_and_restore_refuses_what_is_not_a_backup(sqlite_site, tmp_path):
    runner = sqlite_site.test_cli_runner()
    existing = tmp_path / "existing.sqlite3"
    existing.write_bytes(b"keep me")
    result = runner.invoke(args=["db", "backup", str(existing)])
    assert result.exit_code != 0 and "exists" in result.output and existing.read_bytes() == b"keep me"
    assert runner.invoke(args=["db", "backup", str(existing), "--force"]).exit_code == 0
    emails = _emails(sqlite_site)
    for name, make in (("text.sqlite3", lambda p: p.write_text("not a database")),
                       ("other.sqlite3", lambda p: sqlite3.connect(p).execute("CREATE TABLE x (y)").connection.commit())):
        path = tmp_path / name
        make(path)
        result = runner.invoke(args=["db", "restore", str(path), "--yes"])
        assert result.exit_code != 0 and "Error" in result.output, name
    assert _emails(sqlite_site) == emails
    # Without --yes it asks, and "no" changes nothing.
    result = runner.invoke(args=["db", "restore", str(existing)], input="n\n")
    assert result.exit_code != 0 and "Stop the app servers first" in result.output


def test_on_postgresql_backup_and_restore_print_the_commands_without_the_password(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "CONTENT_DIR": ROOT,
                      "DATABASE_URL": "postgresql://course:s3cret-pw@db.internal:5433/course"})
    runner = app.test_cli_runner()
    backup = runner.invoke(args=["db", "backup", str(tmp_path / "course.dump")])
    assert backup.exit_code == 0
    assert "pg_dump --format=custom" in backup.output and "--host db.internal --port 5433" in backup.output
    assert "--username course --dbname course" in backup.output and "s3cret-pw" not in backup.output
    dump = tmp_path / "course.dump"
    dump.write_bytes(b"PGDMP")
    restore = runner.invoke(args=["db", "restore", str(dump)])
    assert restore.exit_code == 0 and "pg_restore --clean" in restore.output and "s3cret-pw" not in restore.output


# --- gunicorn -----------------------------------------------------------------------------------------

def _gunicorn_conf(monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", os.path.join(REPO, "gunicorn.conf.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_settings_for_make_serve(monkeypatch):
    conf = _gunicorn_conf(monkeypatch)
    assert conf.worker_class == "gthread" and conf.workers >= 2 and conf.threads >= 2
    assert conf.workers == max(2, os.cpu_count())
    assert conf.timeout == 30 and conf.graceful_timeout == 30 and conf.max_requests and conf.max_requests_jitter
    assert conf.preload_app is True and conf.bind == "127.0.0.1:8000"
    # Gunicorn's access log (off by default: the app logs each request) leaves out URLs and queries.
    assert conf.accesslog is None
    for atom in ("%(r)s", "%(U)s", "%(q)s", "%(f)s", "%(a)s"):
        assert atom not in conf.access_log_format
    tuned = _gunicorn_conf(monkeypatch, GUNICORN_WORKERS="5", GUNICORN_BIND="0.0.0.0:9000", GUNICORN_ACCESS_LOG="-")
    assert tuned.workers == 5 and tuned.bind == "0.0.0.0:9000" and tuned.accesslog == "-"
    makefile = open(os.path.join(REPO, "Makefile"), encoding="utf-8").read()
    assert re.search(r"^serve:.*\n(\t.*\n)*\t\$\(BIN\)/gunicorn --config gunicorn.conf.py app:app", makefile, re.M)
