"""`flask users ...` and `flask demo seed` through Flask's CLI runner."""
from __future__ import annotations

import json
import textwrap

import pytest

from course.data.db import db
from course.data.models import Answer, Attempt, Membership, Person, Progress, Team
from helpers.db import count, membership, person
from helpers.http import sign_in
from helpers.people import DEMO_PASSWORD, ROLE_EMAILS

DEMO_EMAILS = ["admin@example.com", "trainer@example.com", "manager@example.com", "learner@example.com",
               "kwame@example.com", "mei@example.com", "clinic.manager@example.com", "siobhan@example.com",
               "yusuf@example.com"]


def write_csv(tmp_path, text, name="people.csv"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return str(path)


# --- users create -----------------------------------------------------------------

def test_create_a_manager_with_a_new_team_and_a_password(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "Nia@Example.com", "--name", "Nia Night",
                                 "--role", "manager", "--team", "Night Shift", "--password", "night-shift-pw"])
    assert result.exit_code == 0, result.output
    assert "created nia@example.com (manager) in Night Shift" in result.output
    created = person("nia@example.com")
    assert (created.name, created.role) == ("Nia Night", "manager")
    assert membership("nia@example.com", "Night Shift").is_manager is True
    assert sign_in(app.test_client(), "nia@example.com", "night-shift-pw").status_code == 302


def test_create_a_learner_joins_an_existing_team_as_member(runner):
    assert runner.invoke(args=["users", "create", "--email", "a@example.com", "--name", "A", "--role", "manager",
                               "--team", "Night Shift"]).exit_code == 0
    result = runner.invoke(args=["users", "create", "--email", "b@example.com", "--name", "B", "--role", "learner",
                                 "--team", "Night Shift"])
    assert result.exit_code == 0, result.output
    assert count(Team, Team.name == "Night Shift") == 1
    assert membership("b@example.com", "Night Shift").is_manager is False
    assert person("b@example.com").password_hash is None       # no password: they get a link


def test_create_without_a_team(runner):
    result = runner.invoke(args=["users", "create", "--email", "solo@example.com", "--name", "Solo",
                                 "--role", "trainer"])
    assert result.exit_code == 0 and "created solo@example.com (trainer)" in result.output
    assert count(Membership) == 0 and count(Team) == 0


@pytest.mark.parametrize("args, message", [
    (["--email", "x@example.com", "--name", "X", "--role", "wizard"], "unknown role 'wizard'"),
    (["--email", "not-an-email", "--name", "X", "--role", "learner"], "not a valid email"),
    (["--email", "x@example.com", "--name", "X", "--role", "learner", "--password", "short"], "at least 10"),
    (["--email", "x@example.com", "--name", "  ", "--role", "learner"], "name is required"),
])
def test_create_rejects_bad_input(runner, args, message):
    result = runner.invoke(args=["users", "create", *args, "--team", "Some Team"])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert count(Person) == 0 and count(Team) == 0


def test_create_refuses_a_taken_email(seeded, runner):
    result = runner.invoke(args=["users", "create", "--email", "LEARNER@example.com", "--name", "Copy",
                                 "--role", "admin"])
    assert result.exit_code != 0 and "already exists" in result.output
    assert person("learner@example.com").role == "learner"
    assert count(Person) == len(DEMO_EMAILS)


def test_create_requires_every_option(runner):
    result = runner.invoke(args=["users", "create", "--email", "x@example.com", "--name", "X"])
    assert result.exit_code == 2 and "--role" in result.output
    assert count(Person) == 0


# --- users import -------------------------------------------------------------------

GOOD = """
    email,name,team,role
    ann@example.com,Ann Archer,Night Shift,manager
    ben@example.com,Ben Baker,Night Shift,learner
    cat@example.com,Cat Cole,,trainer
    """


def test_import_creates_people_and_teams(runner, tmp_path):
    result = runner.invoke(args=["users", "import", write_csv(tmp_path, GOOD)])
    assert result.exit_code == 0, result.output
    assert "3 created, 0 updated" in result.output
    assert [person(e).role for e in ("ann@example.com", "ben@example.com", "cat@example.com")] == \
        ["manager", "learner", "trainer"]
    assert membership("ann@example.com", "Night Shift").is_manager is True
    assert membership("ben@example.com", "Night Shift").is_manager is False
    assert count(Membership, Membership.person == person("cat@example.com").id) == 0


def test_import_again_changes_nothing(runner, tmp_path):
    path = write_csv(tmp_path, GOOD)
    assert runner.invoke(args=["users", "import", path]).exit_code == 0
    with db.connection_context():
        snapshot = sorted((p.email, p.name, p.role, p.session_version) for p in Person.select())
    counts = (count(Person), count(Team), count(Membership))
    again = runner.invoke(args=["users", "import", path])
    assert again.exit_code == 0, again.output
    assert "0 created, 0 updated" in again.output and "3 unchanged" in again.output
    with db.connection_context():
        assert sorted((p.email, p.name, p.role, p.session_version) for p in Person.select()) == snapshot
    assert (count(Person), count(Team), count(Membership)) == counts


def test_import_updates_people_already_present(seeded, runner, tmp_path):
    path = write_csv(tmp_path, """
        email,name,team,role
        LEARNER@example.com,Lena L. Learner,Warehouse North,trainer
        kwame@example.com,Kwame Mensah,Warehouse North,manager
        newbie@example.com,New Bie,Warehouse North,learner
        """)
    result = runner.invoke(args=["users", "import", path])
    assert result.exit_code == 0, result.output
    assert "1 created, 2 updated, 0 unchanged" in result.output
    lena = person("learner@example.com")
    assert (lena.name, lena.role) == ("Lena L. Learner", "trainer")
    assert person("kwame@example.com").role == "manager"
    assert membership("kwame@example.com", "Warehouse North").is_manager is True
    assert count(Person) == len(DEMO_EMAILS) + 1


def test_import_reports_a_new_team_as_an_update(seeded, runner, tmp_path):
    path = write_csv(tmp_path, """
        email,name,team,role
        learner@example.com,Lena Learner,Clinic Support,learner
        """)
    result = runner.invoke(args=["users", "import", path])
    assert result.exit_code == 0, result.output
    assert membership("learner@example.com", "Clinic Support") is not None
    assert "0 created, 1 updated, 0 unchanged" in result.output


def test_import_role_change_signs_the_person_out(seeded, runner, tmp_path):
    client = seeded.test_client()
    assert sign_in(client, ROLE_EMAILS["learner"]).status_code == 302
    assert client.get("/courses/coaching-at-every-level/").status_code == 200
    path = write_csv(tmp_path, """
        email,name,team,role
        learner@example.com,Lena Learner,Warehouse North,trainer
        """)
    assert runner.invoke(args=["users", "import", path]).exit_code == 0
    response = client.get("/courses/coaching-at-every-level/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/sign-in")


BAD = """
    email,name,team,role
    ann@example.com,Ann Archer,Night Shift,manager
    bob@example.com,Bob Brown,Night Shift,wizard
    not-an-email,Carl Cole,Night Shift,learner
    dan@example.com,Dan Dee,Night Shift
    eve@example.com,,Night Shift,learner
    ANN@example.com,Ann Again,Night Shift,learner
    fay@example.com,Fay Fox,Night Shift,learner
    """


def test_import_with_bad_rows_imports_nothing_and_lists_every_bad_row(seeded, runner, tmp_path):
    people_before, teams_before, members_before = count(Person), count(Team), count(Membership)
    result = runner.invoke(args=["users", "import", write_csv(tmp_path, BAD)])
    assert result.exit_code == 1
    output = result.output
    assert "line 3: unknown role 'wizard'" in output
    assert "line 4: bad email 'not-an-email'" in output
    assert "line 5: expected 4 fields" in output
    assert "line 6: missing name" in output
    assert "line 7: ann@example.com appears twice in the file (also line 2)" in output
    # The good rows (lines 2 and 8) are not mentioned as bad, and nothing was written.
    assert "line 2:" not in output and "line 8:" not in output
    assert "nothing imported" in output and "Traceback" not in output
    assert (count(Person), count(Team), count(Membership)) == (people_before, teams_before, members_before)
    assert person("ann@example.com") is None and person("fay@example.com") is None


@pytest.mark.parametrize("bad_row, message", [
    ("bob@example.com,Bob Brown,Night Shift,wizard", "line 3: unknown role 'wizard'"),
    ("bob@,Bob Brown,Night Shift,learner", "line 3: bad email 'bob@'"),
    ("bob@example.com,Bob Brown,Night Shift,", "line 3: missing role"),
    (",Bob Brown,Night Shift,learner", "line 3: missing email"),
    ("ann@example.com,Ann Two,Night Shift,learner", "line 3: ann@example.com appears twice"),
])
def test_import_one_bad_row_imports_nothing(runner, tmp_path, bad_row, message):
    path = write_csv(tmp_path, "email,name,team,role\nann@example.com,Ann Archer,Night Shift,manager\n"
                               f"{bad_row}\ncat@example.com,Cat Cole,,trainer\n")
    result = runner.invoke(args=["users", "import", path])
    assert result.exit_code == 1
    assert message in result.output
    assert count(Person) == 0 and count(Team) == 0


@pytest.mark.parametrize("bad_row", [
    "b{}@example.com,Bob Brown,Night Shift,learner".format("o" * 250),
    "bob@example.com,{},Night Shift,learner".format("B" * 250),
    "bob@example.com,Bob Brown,{},learner".format("T" * 150),
], ids=["email", "name", "team"])
def test_import_lists_over_long_values_as_bad_rows(runner, tmp_path, bad_row):
    path = write_csv(tmp_path, "email,name,team,role\nann@example.com,Ann Archer,Night Shift,manager\n"
                               f"{bad_row}\n")
    result = runner.invoke(args=["users", "import", path])
    assert result.exit_code == 1
    assert "line 3:" in result.output and "Traceback" not in result.output
    assert count(Person) == 0 and count(Team) == 0


def test_import_needs_the_header(runner, tmp_path):
    path = write_csv(tmp_path, "name,email,team,role\nAnn,ann@example.com,,learner\n")
    result = runner.invoke(args=["users", "import", path])
    assert result.exit_code == 1 and "line 1: the header must be email,name,team,role" in result.output
    assert count(Person) == 0


def test_import_missing_file(runner, tmp_path):
    result = runner.invoke(args=["users", "import", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2 and count(Person) == 0


def test_import_accepts_a_byte_order_mark_and_names_as_written(runner, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("\ufeffemail,name,team,role\r\nzoe@example.com,\"<b>Zoë</b> O'Brien, Jr.\",Night Shift,learner\r\n",
                    encoding="utf-8")
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert person("zoe@example.com").name == "<b>Zoë</b> O'Brien, Jr."


# --- users export-data and users erase ----------------------------------------------

@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    return result


def test_export_data_prints_the_persons_progress_and_attempts(demo, runner):
    kwame = person("kwame@example.com")
    result = runner.invoke(args=["users", "export-data", "kwame@example.com"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["person"]["email"] == "kwame@example.com" and data["person"]["name"] == "Kwame Mensah"
    assert {"team": "Warehouse North", "manager": False} in data["teams"]
    assert len(data["progress"]) == count(Progress, Progress.person == kwame.id) > 0
    assert {row["course"] for row in data["progress"]} == {"coaching-at-every-level"}
    assert len(data["attempts"]) == count(Attempt, Attempt.person == kwame.id) > 0
    first = data["attempts"][0]
    assert first["answers"] and {"scenario", "choice", "best", "tag"} <= set(first["answers"][0])
    # Nobody else's records.
    assert "mei@example.com" not in result.stdout and "Mei Chen" not in result.stdout


def test_export_data_for_an_unknown_email(app, runner):
    result = runner.invoke(args=["users", "export-data", "ghost@example.com"])
    assert result.exit_code == 1 and "nobody has the email ghost@example.com" in result.output


def test_erase_removes_the_person_and_their_records(demo, runner):
    kwame, mei = person("kwame@example.com"), person("mei@example.com")
    assert count(Progress, Progress.person == kwame.id) > 0 and count(Attempt, Attempt.person == kwame.id) > 0
    mei_rows = (count(Progress, Progress.person == mei.id), count(Attempt, Attempt.person == mei.id))
    result = runner.invoke(args=["users", "erase", "kwame@example.com", "--yes"])
    assert result.exit_code == 0, result.output
    assert person("kwame@example.com") is None
    assert count(Progress, Progress.person == kwame.id) == 0
    assert count(Attempt, Attempt.person == kwame.id) == 0
    assert count(Membership, Membership.person == kwame.id) == 0
    with db.connection_context():
        assert Answer.select().join(Attempt, on=(Answer.attempt == Attempt.id)).where(
            Attempt.person == kwame.id).count() == 0
    # Everyone else's records stay.
    assert (count(Progress, Progress.person == mei.id), count(Attempt, Attempt.person == mei.id)) == mei_rows
    assert count(Person) == len(DEMO_EMAILS) - 1


def test_erase_asks_first(demo, runner):
    result = runner.invoke(args=["users", "erase", "kwame@example.com"], input="n\n")
    assert result.exit_code == 1 and "Erase Kwame Mensah" in result.output
    assert person("kwame@example.com") is not None
    assert count(Progress, Progress.person == person("kwame@example.com").id) > 0


def test_erase_unknown_email(app, runner):
    result = runner.invoke(args=["users", "erase", "ghost@example.com", "--yes"])
    assert result.exit_code == 1 and "nobody has the email" in result.output


# --- demo seed ------------------------------------------------------------------------

def test_demo_seed_creates_every_role_in_two_teams(demo):
    output = demo.output
    assert DEMO_PASSWORD in output
    for email in DEMO_EMAILS:
        assert email in output
    with db.connection_context():
        assert {p.role for p in Person.select()} == {"learner", "trainer", "manager", "admin"}
        assert sorted(t.name for t in Team.select()) == ["Clinic Support", "Warehouse North"]
        for team in Team.select():
            assert any(m.is_manager for m in team.memberships), team.name
            assert any(not m.is_manager for m in team.memberships), team.name
    assert count(Person) == len(DEMO_EMAILS)


def test_demo_seed_twice_does_not_duplicate(demo, runner):
    counts = [count(model) for model in (Person, Team, Membership, Progress, Attempt, Answer)]
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0, again.output
    assert [count(model) for model in (Person, Team, Membership, Progress, Attempt, Answer)] == counts
    assert count(Person) == len(DEMO_EMAILS)


def test_demo_people_can_sign_in_with_the_printed_password(demo, app):
    password = demo.output.split("password for all: ", 1)[1].split(")", 1)[0]
    assert sign_in(app.test_client(), "manager@example.com", password).status_code == 302
