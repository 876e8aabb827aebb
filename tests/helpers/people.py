"""The demo people (`flask demo seed` without progress) and their emails."""
from __future__ import annotations

from course.data.db import db
from course.devtools import demo

DEMO_PASSWORD = "coaching-demo"
ROLE_EMAILS = {
    "learner": "learner@example.com",
    "trainer": "trainer@example.com",
    "manager": "manager@example.com",
    "admin": "admin@example.com",
}
LEARNER, TRAINER, MANAGER, ADMIN = (ROLE_EMAILS[role] for role in ("learner", "trainer", "manager", "admin"))
KWAME = "kwame@example.com"                 # another learner of Warehouse North


def seed_people(app):
    """The demo people of every role in two teams, without any progress."""
    with app.app_context(), db.connection_context():
        demo.seed(with_progress=False)
