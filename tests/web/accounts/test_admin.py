"""Admin pages for people and teams, through HTTP as the demo admin."""
from __future__ import annotations

import io
import re

import pytest

from course.data.db import db
from course.data.models import LoginToken, Membership, Person, Progress, Team
from helpers.db import count, membership, person, team
from helpers.http import csrf_token, post

_PERSON_LINK = re.compile(r'<a href="/admin/people/(\d+)">([^<]*)</a>')


def listed_names(html):
    return [name for _, name in _PERSON_LINK.findall(html)]


@pytest.fixture
def crowd(seeded):
    """120 more people, added in one statement (no password hashing)."""
    with db.connection_context():
        Person.insert_many([{"email": f"p{i:03d}@bulk.example", "name": f"Person {i:03d}", "role": "learner",
                             "password_hash": None} for i in range(1, 121)]).execute()
    return seeded


# --- the people list ------------------------------------------------------------

def test_people_list_is_paginated(crowd, admin):
    first = admin.get("/admin/people").get_data(as_text=True)
    assert "Showing 1–50 of 129" in first and "page 1 of 3" in first
    assert len(listed_names(first)) == 50
    second = admin.get("/admin/people?page=2")
    assert second.status_code == 200
    html = second.get_data(as_text=True)
    assert "Showing 51–100 of 129" in html and "page 2 of 3" in html
    assert len(listed_names(html)) == 50
    assert set(listed_names(html)).isdisjoint(listed_names(first))
    assert 'href="/admin/people?page=1"' in html and 'href="/admin/people?page=3"' in html
    third = admin.get("/admin/people?page=3").get_data(as_text=True)
    assert len(listed_names(third)) == 29
    # Every person appears on exactly one page.
    every = listed_names(first) + listed_names(html) + listed_names(third)
    assert len(every) == len(set(every)) == 129


def test_people_list_pages_beyond_the_end_or_nonsense_show_something_sensible(crowd, admin):
    assert "page 3 of 3" in admin.get("/admin/people?page=99").get_data(as_text=True)
    assert "page 1 of 3" in admin.get("/admin/people?page=abc").get_data(as_text=True)


def test_people_list_search_by_email_pages_within_the_matches(crowd, admin):
    html = admin.get("/admin/people?q=bulk.example&page=2").get_data(as_text=True)
    assert "Showing 51–100 of 120" in html
    names = listed_names(html)
    assert names == [f"Person {i:03d}" for i in range(51, 101)]
    # The pager keeps the search.
    assert 'href="/admin/people?q=bulk.example&amp;page=3"' in html


def test_people_list_search_by_name_ignores_case(crowd, admin):
    html = admin.get("/admin/people?q=person 11").get_data(as_text=True)
    assert listed_names(html) == [f"Person {i}" for i in range(110, 120)]
    assert listed_names(admin.get("/admin/people?q=LENA").get_data(as_text=True)) == ["Lena Learner"]
    nobody = admin.get("/admin/people?q=zz-nobody").get_data(as_text=True)
    assert listed_names(nobody) == [] and "Nobody matches." in nobody


def test_people_list_search_treats_wildcards_literally(crowd, admin):
    assert listed_names(admin.get("/admin/people?q=%25").get_data(as_text=True)) == []
    assert listed_names(admin.get("/admin/people?q=_").get_data(as_text=True)) == []


# --- adding and editing people ------------------------------------------------

def test_create_a_manager_with_a_new_team(admin):
    response = post(admin, "/admin/people/new", {"email": "Nia@Example.com", "name": "Nia Night",
                                                 "role": "manager", "team": "Night Shift", "password": ""})
    created = person("nia@example.com")
    assert created is not None and created.role == "manager" and created.password_hash is None
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/people/{created.id}"
    assert team("Night Shift") is not None
    assert membership("nia@example.com", "Night Shift").is_manager is True
    page = admin.get(f"/admin/people/{created.id}").get_data(as_text=True)
    assert "Night Shift" in page and "(manager)" in page


def test_create_a_learner_in_an_existing_team(admin):
    teams_before = count(Team)
    response = post(admin, "/admin/people/new", {"email": "omar@example.com", "name": "Omar Ortiz",
                                                 "role": "learner", "team": "Warehouse North"})
    assert response.status_code == 302
    assert count(Team) == teams_before
    assert membership("omar@example.com", "Warehouse North").is_manager is False


@pytest.mark.parametrize("form, message", [
    ({"email": "learner@example.com", "name": "Copy", "role": "learner"}, "already exists"),
    ({"email": "not-an-email", "name": "Bad", "role": "learner"}, "not a valid email"),
    ({"email": "new@example.com", "name": "Bad", "role": "wizard"}, "unknown role"),
    ({"email": "new@example.com", "name": "   ", "role": "learner"}, "name is required"),
    ({"email": "new@example.com", "name": "Short", "role": "learner", "password": "short"}, "at least 10"),
])
def test_create_person_rejects_bad_input_and_writes_nothing(admin, form, message):
    people_before, teams_before = count(Person), count(Team)
    response = post(admin, "/admin/people/new", {**form, "team": "Brand New Team"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(Person) == people_before and count(Team) == teams_before


@pytest.mark.parametrize("url, form", [
    ("/admin/people/new", {"email": "long@example.com", "name": "N" * 250, "role": "learner"}),
    ("/admin/people/new", {"email": "long@example.com", "name": "Team Too Long", "role": "learner",
                           "team": "T" * 150}),
    ("/admin/teams/new", {"name": "T" * 150}),
], ids=["name", "team of a person", "team"])
def test_over_long_names_are_refused_with_a_message(seeded, admin, url, form):
    seeded.config["PROPAGATE_EXCEPTIONS"] = False
    people_before, teams_before = count(Person), count(Team)
    response = post(admin, url, form)
    assert response.status_code == 400
    assert (count(Person), count(Team)) == (people_before, teams_before)


def test_names_are_stored_as_written_and_escaped_on_output(admin):
    name = "<script>alert(1)</script> Zoë O'Brien & Co"
    response = post(admin, "/admin/people/new", {"email": "zoe@example.com", "name": name, "role": "learner"})
    assert response.status_code == 302
    assert person("zoe@example.com").name == name
    for url in ("/admin/people", "/admin/people?q=Zo%C3%AB", response.headers["Location"]):
        html = admin.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Zoë O&#39;Brien &amp; Co" in html, url


def test_edit_a_person(admin):
    kwame = person("kwame@example.com")
    response = post(admin, f"/admin/people/{kwame.id}",
                    {"name": "Kwame A. Mensah", "email": "Kwame.Mensah@Example.com", "role": "trainer",
                     "active": "on"})
    assert response.status_code == 302
    edited = person("kwame.mensah@example.com")
    assert (edited.id, edited.name, edited.role, edited.active) == (kwame.id, "Kwame A. Mensah", "trainer", True)
    assert person("kwame@example.com") is None


def test_edit_refuses_an_email_someone_else_uses(admin):
    kwame = person("kwame@example.com")
    response = post(admin, f"/admin/people/{kwame.id}",
                    {"name": "Kwame", "email": "mei@example.com", "role": "learner", "active": "on"})
    assert response.status_code == 400 and "already uses" in response.get_data(as_text=True)
    assert person("kwame@example.com").name == "Kwame Mensah"


def test_edit_unknown_person_is_404(admin):
    assert admin.get("/admin/people/999999").status_code == 404
    assert post(admin, "/admin/people/999999", {"name": "X", "email": "x@example.com", "role": "learner"}
                ).status_code == 404


def test_deactivate_keeps_history(seeded, admin, learner):
    assert learner.get("/courses/demo/first").status_code == 200
    assert post(learner, "/courses/demo/first/done").status_code == 302
    lena = person("learner@example.com")
    rows_before = count(Progress, Progress.person == lena.id)
    assert rows_before == 1
    response = post(admin, f"/admin/people/{lena.id}", {"name": lena.name, "email": lena.email, "role": lena.role})
    assert response.status_code == 302
    after = person("learner@example.com")
    assert after is not None and after.active is False
    assert count(Progress, Progress.person == lena.id) == rows_before
    with db.connection_context():
        assert Progress.get(Progress.person == lena.id).completed_at is not None
    assert count(Membership, Membership.person == lena.id) == 1
    html = admin.get("/admin/people?q=Lena").get_data(as_text=True)
    assert "Deactivated" in html
    # And reactivating works the same way.
    assert post(admin, f"/admin/people/{lena.id}", {"name": lena.name, "email": lena.email, "role": lena.role,
                                                     "active": "on"}).status_code == 302
    assert person("learner@example.com").active is True


# --- teams ----------------------------------------------------------------------

def test_create_and_rename_a_team(admin):
    response = post(admin, "/admin/teams/new", {"name": "Night Shift"})
    created = team("Night Shift")
    assert created is not None
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/teams/{created.id}"
    assert "Night Shift" in admin.get("/admin/teams").get_data(as_text=True)

    duplicate = post(admin, "/admin/teams/new", {"name": "Night Shift"})
    assert duplicate.status_code == 400 and count(Team, Team.name == "Night Shift") == 1
    assert post(admin, "/admin/teams/new", {"name": "  "}).status_code == 400

    renamed = post(admin, f"/admin/teams/{created.id}", {"action": "rename", "name": "Late Shift"})
    assert renamed.status_code == 302
    assert team("Late Shift").id == created.id and team("Night Shift") is None
    clash = post(admin, f"/admin/teams/{created.id}", {"action": "rename", "name": "Warehouse North"})
    assert clash.status_code == 400 and team("Late Shift") is not None


def test_add_and_remove_team_members(admin):
    warehouse = team("Warehouse North")
    added = post(admin, f"/admin/teams/{warehouse.id}", {"action": "add", "email": "Yusuf@Example.com",
                                                         "manager": "on"})
    assert added.status_code == 302
    assert membership("yusuf@example.com", "Warehouse North").is_manager is True
    # Adding again without the box ticked makes them a plain member, not a second row.
    assert post(admin, f"/admin/teams/{warehouse.id}", {"action": "add", "email": "yusuf@example.com"}
                ).status_code == 302
    assert membership("yusuf@example.com", "Warehouse North").is_manager is False
    assert count(Membership, Membership.team == warehouse.id) == 5
    assert "Yusuf Demir" in admin.get(f"/admin/teams/{warehouse.id}").get_data(as_text=True)

    unknown = post(admin, f"/admin/teams/{warehouse.id}", {"action": "add", "email": "ghost@example.com"})
    assert unknown.status_code == 400 and "nobody has the email" in unknown.get_data(as_text=True)

    yusuf = person("yusuf@example.com")
    removed = post(admin, f"/admin/teams/{warehouse.id}", {"action": "remove", "person_id": str(yusuf.id)})
    assert removed.status_code == 302
    assert membership("yusuf@example.com", "Warehouse North") is None
    assert membership("yusuf@example.com", "Clinic Support") is not None     # other teams untouched
    assert person("yusuf@example.com") is not None                          # the person stays


def test_team_edit_rejects_unknown_actions(admin):
    warehouse = team("Warehouse North")
    members = count(Membership)
    assert post(admin, f"/admin/teams/{warehouse.id}", {"action": "explode"}).status_code == 400
    assert post(admin, f"/admin/teams/{warehouse.id}", {"action": "remove", "person_id": "x"}).status_code == 400
    assert count(Membership) == members
    assert admin.get("/admin/teams/999999").status_code == 404


def test_teams_list_search(admin):
    html = admin.get("/admin/teams?q=clinic").get_data(as_text=True)
    assert "Clinic Support" in html and "Warehouse North" not in html


# --- only admins ------------------------------------------------------------------

@pytest.mark.parametrize("role", ["learner", "trainer", "manager"])
def test_other_roles_get_403_and_change_nothing(clients, role):
    client = clients[role]
    kwame = person("kwame@example.com")
    warehouse = team("Warehouse North")
    for url in ("/admin/people", "/admin/people/new", f"/admin/people/{kwame.id}", "/admin/teams",
                "/admin/teams/new", f"/admin/teams/{warehouse.id}"):
        assert client.get(url).status_code == 403, url
    people_before, teams_before, members_before = count(Person), count(Team), count(Membership)
    posts = [
        ("/admin/people/new", {"email": "sneaky@example.com", "name": "Sneaky", "role": "admin"}),
        (f"/admin/people/{kwame.id}", {"name": "Hacked", "email": kwame.email, "role": "admin", "active": "on"}),
        (f"/admin/people/{kwame.id}/link", {}),
        ("/admin/teams/new", {"name": "Sneaky Team"}),
        (f"/admin/teams/{warehouse.id}", {"action": "rename", "name": "Hacked"}),
    ]
    for url, data in posts:
        assert post(client, url, data).status_code == 403, url
    assert (count(Person), count(Team), count(Membership)) == (people_before, teams_before, members_before)
    after = person("kwame@example.com")
    assert (after.name, after.role) == ("Kwame Mensah", "learner")
    assert team("Warehouse North") is not None
    assert count(LoginToken) == 0


def test_admin_posts_without_csrf_token_write_nothing(admin):
    kwame = person("kwame@example.com")
    warehouse = team("Warehouse North")
    people_before, teams_before, members_before = count(Person), count(Team), count(Membership)
    for url, data in [
        ("/admin/people/new", {"email": "new@example.com", "name": "New", "role": "learner"}),
        (f"/admin/people/{kwame.id}", {"name": "Changed", "email": kwame.email, "role": "admin"}),
        ("/admin/teams/new", {"name": "New Team"}),
        (f"/admin/teams/{warehouse.id}", {"action": "add", "email": "yusuf@example.com"}),
    ]:
        assert admin.post(url, data=data).status_code == 400, url
    assert (count(Person), count(Team), count(Membership)) == (people_before, teams_before, members_before)
    assert person("kwame@example.com").name == "Kwame Mensah"


# --- CSV import from the web page --------------------------------------------

def _upload(client, text: str, name: str = "people.csv"):
    token = csrf_token(client, "/admin/people/import")
    return client.post("/admin/people/import", data={"csrf_token": token, "file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data")


def test_admin_imports_a_csv_of_three_people_from_the_web(admin, seeded):
    with seeded.app_context(), db.connection_context():
        before = Person.select().count()
    response = _upload(admin, "email,name,team,role\n"
                              "ana@example.com,Ana Silva,Night Shift,learner\n"
                              "bo@example.com,Bo Berg,Night Shift,manager\n"
                              "cy@example.com,Cy Jones,,trainer\n")
    assert response.status_code == 303
    page = admin.get("/admin/people").get_data(as_text=True)
    assert "Imported people.csv: 3 created, 0 updated, 0 unchanged." in page
    with seeded.app_context(), db.connection_context():
        assert Person.select().count() == before + 3
        assert Person.by_email("bo@example.com").teams_managed().first().name == "Night Shift"
    again = _upload(admin, "email,name,team,role\nana@example.com,Ana Silva,Night Shift,learner\n")
    assert again.status_code == 303


def test_a_web_import_with_one_bad_row_imports_nobody_and_names_it(admin, seeded):
    with seeded.app_context(), db.connection_context():
        before = Person.select().count()
    response = _upload(admin, "email,name,team,role\n"
                              "dee@example.com,Dee,Night Shift,learner\n"
                              "eve@example.com,Eve,Night Shift,wizard\n")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was imported from people.csv" in html and "line 3: unknown role &#39;wizard&#39;" in html
    with seeded.app_context(), db.connection_context():
        assert Person.select().count() == before


def test_web_import_needs_a_file_and_the_admin_role(admin, learner, seeded):
    token = csrf_token(admin, "/admin/people/import")
    assert admin.post("/admin/people/import", data={"csrf_token": token}).status_code == 400
    assert learner.get("/admin/people/import").status_code == 403
    assert admin.post("/admin/people/import", data={}).status_code == 400      # no CSRF token
