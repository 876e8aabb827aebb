"""Demo people of every role in two teams, so a newcomer can try each role at once."""
from __future__ import annotations

from werkzeug.security import generate_password_hash

from .db import db
from .models import Membership, Person, Team

DEMO_PASSWORD = "coaching-demo"

DEMO_PEOPLE = [
    # email, name, role, team, manages team
    ("admin@example.com", "Ada Admin", "admin", None, False),
    ("trainer@example.com", "Tomasz Trainer", "trainer", None, False),
    ("manager@example.com", "Priya Manager", "manager", "Warehouse North", True),
    ("learner@example.com", "Lena Learner", "learner", "Warehouse North", False),
    ("kwame@example.com", "Kwame Mensah", "learner", "Warehouse North", False),
    ("mei@example.com", "Mei Chen", "learner", "Warehouse North", False),
    ("clinic.manager@example.com", "Diego Alvarez", "manager", "Clinic Support", True),
    ("siobhan@example.com", "Siobhán O'Neill", "learner", "Clinic Support", False),
    ("yusuf@example.com", "Yusuf Demir", "learner", "Clinic Support", False),
]


def seed() -> list[tuple[str, str, str]]:
    """Create the demo people if missing; returns (email, role, team) for each."""
    password_hash = generate_password_hash(DEMO_PASSWORD)
    rows = []
    with db.atomic():
        for email, name, role, team_name, manages in DEMO_PEOPLE:
            person = Person.by_email(email)
            if person is None:
                person = Person.create(email=email, name=name, role=role, password_hash=password_hash)
            if team_name:
                team, _ = Team.get_or_create(name=team_name)
                Membership.get_or_create(person=person, team=team, defaults={"is_manager": manages})
            rows.append((email, role, team_name or ""))
    return rows
