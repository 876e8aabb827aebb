"""Thin blueprints: request -> service -> template. No SQL here."""
from flask import Flask, render_template


def init_app(app: Flask) -> None:
    from . import learn, main, trainer
    app.register_blueprint(main.bp)
    app.register_blueprint(learn.bp)
    app.register_blueprint(trainer.bp)

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(500)
    def server_error(error):
        return render_template("errors/500.html"), 500

    @app.errorhandler(400)
    def bad_request(error):
        return render_template("errors/400.html", error=error), 400
