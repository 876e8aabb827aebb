from flask import Blueprint, render_template

from ..content_app import catalog

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    return render_template("main/home.html", courses=catalog().courses)


@bp.get("/health")
def health():
    # Liveness for load balancers; also the hello-world floor the benchmarks compare against.
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
