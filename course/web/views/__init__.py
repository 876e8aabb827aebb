"""Thin blueprints: request -> service -> template. No SQL here."""
from flask import Flask, render_template

from course.web.views import account, admin, auth, learn, main, manager, quiz, review, trainer


def init_app(app: Flask) -> None:
    for module in (main, auth, account, learn, quiz, review, trainer, manager, admin):
        app.register_blueprint(module.bp)

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/403.html"), 403

    @app.errorhandler(429)
    def too_many(error):
        return render_template("errors/429.html", error=error), 429

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(500)
    def server_error(error):
        return render_template("errors/500.html"), 500

    @app.errorhandler(400)
    def bad_request(error):
        return render_template("errors/400.html", error=error), 400
