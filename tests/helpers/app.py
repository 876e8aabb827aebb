"""An app on a test database: the repository root, the PostgreSQL URL, make_app."""
from __future__ import annotations

import os

from playhouse.db_url import connect

from course import create_app
from course.data import db as course_db

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def reset_postgres(url: str) -> None:
    """Drop and recreate the public schema of the PostgreSQL database at `url`."""
    database = connect(url)
    with database.connection_context():
        database.execute_sql("DROP SCHEMA public CASCADE")
        database.execute_sql("CREATE SCHEMA public")
    database.close()


def make_app(database_url, content_dir, **overrides):
    """An app for tests (CSRF on, rate limits in memory) with its database upgraded."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "CONTENT_DIR": content_dir,
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        course_db.upgrade()
    return app
