"""The floor for bench/run.py: a bare Flask app, one route returning "ok", served by the same
gunicorn settings as ours (`gunicorn ... bare:app` from bench/)."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def ok():
    return "ok"
