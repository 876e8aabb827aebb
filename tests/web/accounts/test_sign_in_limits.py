"""Rate limits on failed sign-ins: per account and per address, successes never counted,
and shared between hosts through Redis (skipped when no Redis is running).
"""
from __future__ import annotations

import uuid

import pytest

from helpers.accounts import REDIS_URI, attempt_sign_in, from_address, redis_or_skip
from helpers.db import person
from helpers.http import post, sign_in
from helpers.people import DEMO_PASSWORD, LEARNER, ROLE_EMAILS, seed_people


# --- rate limits on failed sign-ins -------------------------------------------

@pytest.fixture
def limited(build):
    app = build(LOGIN_FAILURE_LIMIT="3 per 15 minutes")
    seed_people(app)
    return app


def test_failures_are_limited_per_account(limited):
    # From a different address each time, so only the per-account limit applies.
    for i, email in enumerate((LEARNER, "LEARNER@example.com", " learner@EXAMPLE.com")):
        assert attempt_sign_in(limited, email, "wrong", f"10.0.1.{i}").status_code == 401
    blocked = attempt_sign_in(limited, LEARNER, DEMO_PASSWORD, "10.0.1.9")   # even the right password
    assert blocked.status_code == 429
    assert "Too many" in blocked.get_data(as_text=True)
    assert person(LEARNER).last_login_at is None
    # Other accounts are not affected.
    assert attempt_sign_in(limited, "kwame@example.com", "wrong", "10.0.1.10").status_code == 401
    assert attempt_sign_in(limited, "kwame@example.com", DEMO_PASSWORD, "10.0.1.11").status_code == 302


def test_failures_are_limited_per_address(limited):
    for email in ("mei@example.com", "siobhan@example.com", "yusuf@example.com"):
        assert attempt_sign_in(limited, email, "wrong", "10.0.2.1").status_code == 401
    client = from_address(limited.test_client(), "10.0.2.1")
    assert sign_in(client, "kwame@example.com").status_code == 429
    # The page itself is still served, and other addresses can sign in.
    assert client.get("/auth/sign-in").status_code == 200
    assert attempt_sign_in(limited, "kwame@example.com", DEMO_PASSWORD, "10.0.2.2").status_code == 302


def test_successful_sign_ins_never_count(limited):
    assert attempt_sign_in(limited, LEARNER, "wrong").status_code == 401
    assert attempt_sign_in(limited, LEARNER, "wrong").status_code == 401
    for _ in range(6):
        client = limited.test_client()
        assert sign_in(client, LEARNER).status_code == 302
        assert post(client, "/auth/sign-out").status_code == 302
    # The third failure is still only a failure; the fourth is over the limit.
    assert attempt_sign_in(limited, LEARNER, "wrong").status_code == 401
    assert attempt_sign_in(limited, LEARNER, "wrong").status_code == 429


def test_the_default_limit_is_ten_failures(seeded):
    assert seeded.config["LOGIN_FAILURE_LIMIT"] == "10 per 15 minutes"
    emails = [*ROLE_EMAILS.values(), "kwame@example.com", "mei@example.com", "siobhan@example.com"]
    for i in range(10):
        assert attempt_sign_in(seeded, emails[i % len(emails)], "wrong", "10.0.3.1").status_code == 401
    assert attempt_sign_in(seeded, "yusuf@example.com", "wrong", "10.0.3.1").status_code == 429


@pytest.fixture
def two_hosts(build):
    """Two app instances (two 'hosts') sharing one Redis and one unique key prefix."""
    redis_client = redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    config = dict(RATELIMIT_STORAGE_URI=REDIS_URI, RATELIMIT_KEY_PREFIX=prefix,
                  LOGIN_FAILURE_LIMIT="3 per 15 minutes")
    host_a, host_b = build(**config), build(**config)
    seed_people(host_a)
    tag = uuid.uuid4().hex[:12]
    yield host_a, host_b, redis_client, prefix, tag
    for key in redis_client.scan_iter(f"*{tag}*"):
        redis_client.delete(key)
    for key in redis_client.scan_iter(f"*{prefix}*"):
        redis_client.delete(key)


def test_hosts_sharing_redis_count_failures_together(two_hosts):
    host_a, host_b, redis_client, _, tag = two_hosts
    email = f"nobody-{tag}@example.com"
    octet = int(tag[:2], 16)
    # Per account: failures spread over both hosts and several addresses add up.
    assert attempt_sign_in(host_a, email, "wrong", f"10.{octet}.1.1").status_code == 401
    assert attempt_sign_in(host_b, email, "wrong", f"10.{octet}.1.2").status_code == 401
    assert attempt_sign_in(host_a, email, "wrong", f"10.{octet}.1.3").status_code == 401
    assert attempt_sign_in(host_b, email, "wrong", f"10.{octet}.1.4").status_code == 429
    assert attempt_sign_in(host_a, email, "wrong", f"10.{octet}.1.5").status_code == 429
    # The counters live in Redis, where every host sees them.
    assert list(redis_client.scan_iter(f"*{tag}*"))


def test_hosts_use_their_configured_key_prefix(two_hosts):
    host_a, _, redis_client, prefix, tag = two_hosts
    assert attempt_sign_in(host_a, f"nobody-{tag}@example.com", "wrong", "10.250.0.1").status_code == 401
    keys = [key.decode() for key in redis_client.scan_iter(f"*{tag}*")]
    assert keys and all(prefix in key for key in keys)
