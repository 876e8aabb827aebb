"""Sign-in limits that hold across workers and hosts and lock nobody out (issue 13).

Two app instances stand for two workers (or two hosts): each has its own storage
object, so they share counts only through the store itself, the app's database
(`database://`, the default) or Redis. Failures refuse the address that failed
and slow the account down exponentially; the owner's correct password works from
elsewhere at once, and on the account itself after the wait.
"""
from __future__ import annotations

import socket
import threading
import time
import uuid

import pytest

from course.data.db import db
from course.data.models import Person, RateLimitCounter
from helpers.app import make_app
from helpers.content import LESSON
from helpers.http import csrf_token, sign_in
from helpers.people import DEMO_PASSWORD, ROLE_EMAILS, seed_people

LEARNER = ROLE_EMAILS["learner"]
REDIS_URI = "redis://127.0.0.1:6379/0"


@pytest.fixture
def content_dir(tree):
    tree.write("lessons/demo/01-first.md", LESSON.format(title="First steps"))
    return tree.root


def redis_or_skip():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            pass
        import redis
        client = redis.Redis.from_url(REDIS_URI, socket_timeout=2)
        client.ping()
    except Exception as exc:      # noqa: BLE001 - any failure means "no Redis here"
        pytest.skip(f"Redis is not reachable on 127.0.0.1:6379 ({exc})")
    return client


@pytest.fixture(params=["database", "redis"])
def two_workers(request, database_url, content_dir):
    """Two app instances on one store: the test's database (SQLite file or PostgreSQL), or Redis."""
    prefix = f"test-{uuid.uuid4().hex}"
    config = {"LOGIN_FAILURE_LIMIT": "3 per 15 minutes", "RATELIMIT_KEY_PREFIX": prefix,
              "RATELIMIT_STORAGE_URI": "database://"}
    redis_client = None
    if request.param == "redis":
        redis_client = redis_or_skip()
        config["RATELIMIT_STORAGE_URI"] = REDIS_URI
    apps = [make_app(database_url, content_dir, **config) for _ in range(2)]
    seed_people(apps[0])
    yield apps
    for app in apps:
        app.extensions["peewee"].close_all()
    if redis_client is not None:
        for key in redis_client.scan_iter(f"*{prefix}*"):
            redis_client.delete(key)


def attempt(app, email, password, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return sign_in(client, email, password)


def statuses(app_pairs):
    return [attempt(app, email, password, address).status_code for app, email, password, address in app_pairs]


def retry_after(response) -> int:
    assert response.status_code == 429
    return int(response.headers["Retry-After"])


def last_login(email=LEARNER):
    with db.connection_context():
        return Person.by_email(email).last_login_at


# --- the default storage is shared, never per worker ---------------------------------

def test_the_default_storage_is_the_database_not_memory(monkeypatch):
    from config import settings_from_env
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    assert settings_from_env()["RATELIMIT_STORAGE_URI"] == "database://"


def test_counters_of_the_default_storage_live_in_the_database(database_url, content_dir):
    app = make_app(database_url, content_dir, RATELIMIT_STORAGE_URI="database://")
    try:
        assert attempt(app, "nobody@example.com", "wrong", "10.9.0.1").status_code == 401
        with db.connection_context():
            keys = [row.key for row in RateLimitCounter.select()]
        assert any("address:10.9.0.1" in key for key in keys)
        assert any("account:nobody@example.com" in key for key in keys)
    finally:
        app.extensions["peewee"].close_all()


# --- per address: refused at the configured number, across workers ---------------------

def test_the_address_limit_holds_across_two_workers(two_workers):
    a, b = two_workers
    others = ["kwame@example.com", "mei@example.com", "siobhan@example.com", "yusuf@example.com"]
    got = statuses([(a, others[0], "wrong", "10.1.0.1"), (b, others[1], "wrong", "10.1.0.1"),
                    (a, others[2], "wrong", "10.1.0.1"), (b, others[3], "wrong", "10.1.0.1")])
    assert got == [401, 401, 401, 429]
    assert attempt(a, LEARNER, DEMO_PASSWORD, "10.1.0.1").status_code == 429       # that address is refused
    assert attempt(b, LEARNER, DEMO_PASSWORD, "10.1.0.2").status_code == 302       # the owner elsewhere is not


def test_the_limit_holds_at_its_number_for_parallel_attempts(two_workers):
    """Ten wrong passwords at once from one address, spread over both workers: three are checked."""
    a, b = two_workers
    results, start = [], threading.Barrier(10)

    def one(i):
        client = (a, b)[i % 2].test_client()
        client.environ_base["REMOTE_ADDR"] = "10.2.0.1"
        token = csrf_token(client)
        start.wait()
        results.append(client.post("/auth/sign-in", data={"email": f"nobody{i}@example.com", "password": "wrong",
                                                          "csrf_token": token}).status_code)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [401] * 3 + [429] * 7


# --- per account: slowed down, never locked -------------------------------------------

def test_failures_for_an_account_across_workers_and_addresses_slow_it_down(two_workers):
    a, b = two_workers
    got = statuses([(a, LEARNER, "wrong", "10.3.0.1"), (b, LEARNER, "wrong", "10.3.0.2"),
                    (a, LEARNER, "wrong", "10.3.0.3")])
    assert got == [401, 401, 401]
    early = attempt(b, LEARNER, DEMO_PASSWORD, "10.3.0.4")        # the owner, right after the third failure
    wait = retry_after(early)
    assert 1 <= wait <= 2 and "Too many failed sign-ins for this account" in early.get_data(as_text=True)
    assert last_login() is None, "the password was not even checked"
    time.sleep(wait + 0.1)
    assert attempt(a, LEARNER, DEMO_PASSWORD, "10.3.0.4").status_code == 302    # after the wait it works
    assert last_login() is not None


def test_the_wait_doubles_with_each_further_failure(two_workers):
    a, b = two_workers
    for i, app in enumerate((a, b, a)):
        assert attempt(app, LEARNER, "wrong", f"10.4.0.{i}").status_code == 401
    waits = []
    for i, app in enumerate((b, a)):
        waits.append(retry_after(attempt(app, LEARNER, "wrong", f"10.4.1.{i}")))
        time.sleep(waits[-1] + 0.1)
        assert attempt(app, LEARNER, "wrong", f"10.4.2.{i}").status_code == 401
    waits.append(retry_after(attempt(b, LEARNER, DEMO_PASSWORD, "10.4.3.1")))
    assert waits[0] <= 1 and waits[1] in (2, 3) and waits[2] in (4, 5), waits


def test_the_wait_is_capped(database_url, content_dir):
    app = make_app(database_url, content_dir, LOGIN_FAILURE_LIMIT="2 per 15 minutes", LOGIN_DELAY_MAX=1,
                   RATELIMIT_STORAGE_URI="database://", RATELIMIT_KEY_PREFIX=uuid.uuid4().hex)
    try:
        seed_people(app)
        for i in range(4):
            response = attempt(app, LEARNER, "wrong", f"10.5.0.{i}")
            if response.status_code == 429:
                assert retry_after(response) == 1
                time.sleep(1.1)
                response = attempt(app, LEARNER, "wrong", f"10.5.1.{i}")
            assert response.status_code == 401
        time.sleep(1.1)
        assert attempt(app, LEARNER, DEMO_PASSWORD, "10.5.2.1").status_code == 302
    finally:
        app.extensions["peewee"].close_all()


def test_waiting_early_does_not_count_against_the_owners_address(two_workers):
    a, b = two_workers
    for i in range(3):
        assert attempt(a, LEARNER, "wrong", f"10.6.0.{i}").status_code == 401
    for _ in range(5):                                  # the owner keeps trying during the wait
        assert attempt(b, LEARNER, DEMO_PASSWORD, "10.6.9.9").status_code == 429
    time.sleep(1.1)
    assert attempt(b, LEARNER, DEMO_PASSWORD, "10.6.9.9").status_code == 302


def test_unknown_emails_are_slowed_the_same_way(two_workers):
    a, b = two_workers
    for i, app in enumerate((a, b, a)):
        assert attempt(app, "nobody@example.com", "wrong", f"10.7.0.{i}").status_code == 401
    known = [attempt(app, LEARNER, "wrong", f"10.7.1.{i}").status_code for i, app in enumerate((b, a, b))]
    assert known == [401, 401, 401]
    assert retry_after(attempt(a, "nobody@example.com", "x", "10.7.2.1")) == \
        retry_after(attempt(b, LEARNER, "x", "10.7.2.2"))


def test_other_accounts_are_not_slowed(two_workers):
    a, b = two_workers
    for i in range(3):
        assert attempt(a, LEARNER, "wrong", f"10.8.0.{i}").status_code == 401
    assert attempt(b, "kwame@example.com", DEMO_PASSWORD, "10.8.1.1").status_code == 302


# --- a storage failure does not stop sign-in ------------------------------------------

def test_sign_in_works_when_redis_is_down(database_url, content_dir):
    app = make_app(database_url, content_dir, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
                   LOGIN_FAILURE_LIMIT="2 per 15 minutes")
    try:
        seed_people(app)
        assert attempt(app, LEARNER, DEMO_PASSWORD, "10.10.0.1").status_code == 302
        # The stand-in memory storage still counts (in this process).
        got = [attempt(app, f"n{i}@example.com", "wrong", "10.10.0.2").status_code for i in range(3)]
        assert got == [401, 401, 429]
    finally:
        app.extensions["peewee"].close_all()
