"""Admins: people and teams — list, search, create, edit, deactivate, links."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from course.learning import people
from course.web.inputs import form_id
from course.web.pagination import paginate
from course.web.policy import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@admin_required
def _admins_only():
    return None


def _or_404(find, row_id):
    row = find(row_id)
    if row is None:
        abort(404)
    return row


@bp.get("/people")
def people_list():
    q = request.args.get("q", "")
    page = paginate(people.find_people(q), request.args.get("page"))
    return render_template("admin/people.html", page=page, q=q)


@bp.route("/people/new", methods=["GET", "POST"])
def person_new():
    form = {k: request.form.get(k, "") for k in ("email", "name", "role", "team", "password")}
    if request.method == "POST":
        try:
            person = people.create_person(form["email"], form["name"], form["role"] or "learner",
                                          team=form["team"] or None, password=form["password"] or None,
                                          min_length=current_app.config["PASSWORD_MIN_LENGTH"])
        except people.PeopleError as exc:
            return render_template("admin/person_new.html", form=form, roles=people.ROLES, error=str(exc)), 400
        flash(f"{person.name} is added.", "success")
        return redirect(url_for("admin.person_edit", person_id=person.id))
    return render_template("admin/person_new.html", form=form, roles=people.ROLES)


MAX_IMPORT_BYTES = 5 * 1024 * 1024


@bp.route("/people/import", methods=["GET", "POST"])
def people_import():
    """Upload a CSV (email,name,team,role): every row or none, bad rows listed by line."""
    if request.method == "GET":
        return render_template("admin/import.html")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("admin/import.html", errors=["Choose a CSV file to import."]), 400
    raw = upload.stream.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        return render_template("admin/import.html", errors=["The file is larger than 5 MB."]), 400
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return render_template("admin/import.html", errors=["The file is not UTF-8 text. Save it as CSV UTF-8."]), 400
    result = people.import_people(text)
    if not result.ok:
        return render_template("admin/import.html", errors=list(result.errors), filename=upload.filename), 400
    flash(f"Imported {upload.filename}: {result.created} created, {result.updated} updated, "
          f"{result.unchanged} unchanged.", "success")
    return redirect(url_for("admin.people_list"), 303)


@bp.route("/people/<id:person_id>", methods=["GET", "POST"])
def person_edit(person_id):
    person = _or_404(people.person_by_id, person_id)
    error = None
    if request.method == "POST":
        try:
            people.update_person(person, name=request.form.get("name", ""), email=request.form.get("email", ""),
                                 role=request.form.get("role", ""), active=request.form.get("active") == "on")
        except people.PeopleError as exc:
            error = str(exc)
        else:
            flash("Saved.", "success")
            return redirect(url_for("admin.person_edit", person_id=person.id))
    return render_template("admin/person_edit.html", person=person, roles=people.ROLES, error=error,
                           teams=list(person.memberships)), 400 if error else 200


@bp.post("/people/<id:person_id>/link")
def person_link(person_id):
    person = _or_404(people.person_by_id, person_id)
    purpose = "invite" if not person.password_hash else "reset"
    token = people.create_link(person, purpose, current_app.config["TOKEN_HOURS"])
    link = url_for("auth.set_password", token=token, _external=True)
    return render_template("admin/link.html", person=person, link=link, purpose=purpose,
                           hours=current_app.config["TOKEN_HOURS"])


@bp.get("/teams")
def teams_list():
    q = request.args.get("q", "")
    page = paginate(people.find_teams(q), request.args.get("page"))
    return render_template("admin/teams.html", page=page, q=q)


@bp.route("/teams/new", methods=["GET", "POST"])
def team_new():
    if request.method == "POST":
        try:
            team = people.create_team(request.form.get("name", ""))
        except people.PeopleError as exc:
            return render_template("admin/team_new.html", error=str(exc), name=request.form.get("name", "")), 400
        return redirect(url_for("admin.team_edit", team_id=team.id))
    return render_template("admin/team_new.html", name="")


@bp.route("/teams/<id:team_id>", methods=["GET", "POST"])
def team_edit(team_id):
    team = _or_404(people.team_by_id, team_id)
    error = None
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "rename":
                people.rename_team(team, request.form.get("name", ""))
            elif action == "add":
                people.add_member(team, request.form.get("email", ""), request.form.get("manager") == "on")
            elif action == "remove":
                person_id = form_id("person_id")
                if person_id is None:
                    abort(400, "Unknown person.")
                people.remove_member(team, person_id)
            else:
                abort(400, "Unknown action.")
        except people.PeopleError as exc:
            error = str(exc)
        else:
            flash("Saved.", "success")
            return redirect(url_for("admin.team_edit", team_id=team.id))
    return render_template("admin/team_edit.html", team=team, members=list(team.members()),
                           error=error), 400 if error else 200
