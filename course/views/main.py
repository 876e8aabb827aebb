from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from .. import progress
from ..content_app import catalog

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    courses = progress.courses_progress(current_user, catalog().courses)
    in_progress = next((c for c in courses if c.started and not c.finished), None)
    return render_template("main/home.html", courses=courses, current=in_progress)


@bp.get("/health")
def health():
    # Liveness for load balancers; also the hello-world floor the benchmarks compare against.
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
