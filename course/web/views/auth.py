"""Sign in, sign out, sign up (when allowed), and one-time password links."""
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_login import current_user

from course.learning import people
from course.web import sign_in_limits
from course.web.login import begin_session, end_session, limiter, safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")

FAILED = "That email and password do not match an active account."
SIGNED_UP = ("Thank you. Sign in with your email and the password you chose. If that email already "
             "had an account, nothing was changed: use its own password or ask an admin for a link.")
TOO_MANY = {
    "address": "Too many failed sign-ins from your address. Try again in {wait}.",
    "account": "Too many failed sign-ins for this account. Try again in {wait}.",
}


def _in_words(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{round(seconds / 60)} minutes"


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    next_url = safe_next(request.values.get("next"), url_for("main.home"))
    if current_user.is_authenticated:
        return redirect(next_url)
    if request.method == "POST":
        email = request.form.get("email", "")
        attempt = sign_in_limits.begin(email)
        if attempt.refused:
            error = TOO_MANY[attempt.refused].format(wait=_in_words(attempt.retry_after))
            return (render_template("auth/sign_in.html", error=error, email=email, next=next_url), 429,
                    {"Retry-After": str(attempt.retry_after)})
        person = people.authenticate(email, request.form.get("password", ""))
        if person is not None:
            attempt.succeeded()
            begin_session(person, remember=bool(request.form.get("remember")))
            return redirect(next_url)
        attempt.failed()
        # The same words and status for an unknown email and a wrong password.
        return render_template("auth/sign_in.html", error=FAILED, email=email, next=next_url), 401
    return render_template("auth/sign_in.html", email="", next=next_url)


@bp.post("/sign-out")
def sign_out():
    """This browser only; with `everywhere` (the account page's button), every browser."""
    everywhere = bool(request.form.get("everywhere"))
    end_session(everywhere=everywhere)
    flash("You are signed out everywhere." if everywhere else "You are signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def sign_up():
    if not current_app.config["ALLOW_SIGNUP"]:
        abort(404)
    domain = current_app.config["SIGNUP_EMAIL_DOMAIN"].strip().lower().lstrip("@")
    form = {"email": request.form.get("email", ""), "name": request.form.get("name", "")}
    if request.method == "POST":
        try:
            people.sign_up(form["email"], form["name"], request.form.get("password", ""),
                           current_app.config["PASSWORD_MIN_LENGTH"], domain)
        except people.PeopleError as exc:
            return render_template("auth/sign_up.html", error=str(exc), form=form, domain=domain), 400
        # The same answer whether or not the email already had an account.
        flash(SIGNED_UP, "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/sign_up.html", form=form, domain=domain)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token):
    link = people.find_link(token)
    if link is None:
        return render_template("auth/link_invalid.html"), 404
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("confirm", ""):
            return render_template("auth/set_password.html", link=link, error="The two passwords differ."), 400
        try:
            person = people.use_link(token, password, current_app.config["PASSWORD_MIN_LENGTH"])
        except people.PeopleError as exc:
            return render_template("auth/set_password.html", link=link, error=str(exc)), 400
        if current_user.is_authenticated:
            end_session()               # whoever was signed in on this browser before
        begin_session(person)
        flash("Your password is set.", "success")
        return redirect(url_for("main.home"))
    return render_template("auth/set_password.html", link=link)
