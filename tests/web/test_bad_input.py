"""The cases of issue 13, item 2, one by one: ids out of range, CSV fields over the csv module's
limit, NUL characters, and request bodies over MAX_CONTENT_LENGTH (refused before they are read)."""
from __future__ import annotations

import csv
import io

import pytest

from config import settings_from_env
from course.data.models import Membership, Person, Team
from course.learning.people import read_people_csv
from course.web.inputs import MAX_ID, parse_id
from helpers.db import count
from helpers.http import csrf_token

HEADER = "email,name,team,role\n"


def _upload(client, body: bytes, name="people.csv"):
    token = csrf_token(client, "/admin/people/import")
    return client.post("/admin/people/import", data={"csrf_token": token, "file": (io.BytesIO(body), name)},
                       content_type="multipart/form-data")


def _rows():
    return count(Person), count(Team), count(Membership)


# --- ids --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [("1", 1), ("42", 42), (str(MAX_ID), MAX_ID), (" 7 ", 7),
                                           (str(MAX_ID + 1), None), ("0", None), ("-1", None),
                                           ("-9223372036854775809", None), ("99999999999999999999", None),
                                           ("１", None), ("1e3", None), ("0x10", None), ("", None), (None, None)])
def test_parse_id_takes_only_what_a_row_id_can_be(text, expected):
    assert parse_id(text) == expected


def test_urls_with_ids_beyond_64_bits_are_not_found(clients):
    for role, url in (("learner", "/review/answers/99999999999999999999"),
                      ("learner", "/courses/coaching-at-every-level/coaching-up/quiz/attempts/18446744073709551616"),
                      ("admin", "/admin/people/9223372036854775808"), ("admin", "/admin/teams/9223372036854775808"),
                      ("admin", "/manage/teams/99999999999999999999/export.csv")):
        assert clients[role].get(url).status_code == 404, url


def test_form_ids_out_of_range_are_refused_and_nothing_changes(clients, seeded):
    token = csrf_token(clients["learner"], "/review")
    before = _rows()
    for card in ("-9223372036854775809", "9223372036854775808", "abc", ""):
        response = clients["learner"].post("/review", data={"csrf_token": token, "card": card})
        assert response.status_code == 400, card
    admin_token = csrf_token(clients["admin"], "/admin/teams")
    response = clients["admin"].post("/admin/teams/1", data={"csrf_token": admin_token, "action": "remove",
                                                             "person_id": "99999999999999999999"})
    assert response.status_code == 400
    assert _rows() == before


def test_nul_in_a_form_or_an_address_is_a_400(clients, seeded):
    before = _rows()
    token = csrf_token(clients["admin"], "/admin/people/new")
    response = clients["admin"].post("/admin/people/new", data={"csrf_token": token, "email": "nul\x00@example.com",
                                                                "name": "N\x00", "role": "learner"})
    assert response.status_code == 400
    assert clients["admin"].get("/admin/people?q=%00").status_code == 400
    assert clients["learner"].get("/courses/coaching%00/").status_code == 400
    assert _rows() == before


# --- the CSV import -----------------------------------------------------------------------------

def test_a_csv_field_over_the_csv_limit_is_a_bad_row_by_line(admin, seeded):
    before = _rows()
    huge = "x" * (csv.field_size_limit() + 10)
    body = (HEADER + "ana@example.com,Ana,Night Shift,learner\n" + f'bo@example.com,"{huge}",Night,learner\n').encode()
    response = _upload(admin, body)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "line 3: cannot be read as CSV (a field is longer than 131,072 characters)" in html
    assert "Nothing was imported" in html
    assert _rows() == before


def test_read_people_csv_reports_unreadable_rows_by_line():
    rows, errors = read_people_csv(HEADER + "a@example.com,A,,learner\n" + "b@example.com,\"" + "y" * 200_000 + "\",,learner\n")
    assert rows and errors == ["line 3: cannot be read as CSV (a field is longer than 131,072 characters); "
                               "nothing after it was checked"]
    rows, errors = read_people_csv('"' + "h" * 200_000 + '"\n')
    assert rows == [] and errors[0].startswith("line 1: cannot be read as CSV")


def test_the_cli_import_reports_the_oversized_field_too(seeded, runner, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "c@example.com,\"" + "z" * 140_000 + "\",,learner\n", encoding="utf-8")
    before = _rows()
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert "line 2: cannot be read as CSV" in result.output and "nothing imported" in result.output
    assert _rows() == before


# --- request size -----------------------------------------------------------------------------

class _Body(io.RawIOBase):
    """A request body that counts what the app reads of it."""

    def __init__(self, size):
        self.size, self.read_bytes = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.read_bytes, 65536)
        buffer[:n] = b"a" * n
        self.read_bytes += n
        return n


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(app):
    body = _Body(300 * 1024 * 1024)
    response = app.test_client().post("/auth/sign-in", content_type="multipart/form-data; boundary=xyz",
                                      environ_overrides={"wsgi.input": body, "CONTENT_LENGTH": str(body.size)})
    assert response.status_code == 413
    assert body.read_bytes == 0
    html = response.get_data(as_text=True)
    assert "Upload too large" in html and "2 MB at most" in html and "Traceback" not in html


def test_one_multipart_text_field_over_500_kb_is_a_413_too(app):
    response = app.test_client().post("/auth/sign-in", data={"email": "e" * 600_000, "password": "x"},
                                      content_type="multipart/form-data")
    assert response.status_code == 413 and "Upload too large" in response.get_data(as_text=True)


def test_an_import_over_the_limit_gets_the_friendly_413_page(admin, seeded):
    before = _rows()
    big = (HEADER + "".join(f"person{i}@example.com,Person {i:06d},Team {i % 100},learner\n"
                            for i in range(60_000))).encode()
    assert len(big) > 2 * 1024 * 1024
    response = _upload(admin, big)
    assert response.status_code == 413
    assert "split the CSV into smaller files" in response.get_data(as_text=True)
    assert _rows() == before


def test_the_default_limit_holds_a_csv_of_10000_people(admin, seeded):
    """10,000 realistic rows fit under the default; the body is read (here: a bad header, so 400)."""
    rows = "".join(f"firstname.lastname{i:05d}@company-example.com,Firstname Lastname-{i:05d},"
                   f"Warehouse team {i % 120},learner\n" for i in range(10_000))
    body = ("email,name,team,rôle\n" + rows).encode()
    assert len(body) < settings_from_env()["MAX_CONTENT_LENGTH"]
    response = _upload(admin, body)
    assert response.status_code == 400
    assert "the header must be email,name,team,role" in response.get_data(as_text=True)


def test_max_content_length_comes_from_the_environment(monkeypatch):
    assert settings_from_env()["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "1048576")
    assert settings_from_env()["MAX_CONTENT_LENGTH"] == 1048576
