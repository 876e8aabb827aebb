"""Browser harness: the app served on 127.0.0.1 with a temp database, driven by
Playwright through Debian's Chromium. Skipped, with the reason shown, when no
Chromium is installed (`.ci/run` installs it when it runs as root)."""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from helpers.app import ROOT, make_app
from helpers.people import seed_people

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


CHROMIUM = find_chromium()


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="no Chromium found (install Debian's chromium, or set CHROMIUM_PATH): "
                                   "browser tests skipped")
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("browser") / "browser.sqlite3"
    app = make_app(f"sqlite:///{db_path}", ROOT)
    seed_people(app)
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    server = LiveServer(live_app)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()
