"""Shared fixtures: one migrated database per run, a fresh copy (SQLite) or truncation (PostgreSQL) per test."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask_migrate import upgrade
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

from app import create_app
from app.extensions import db, limiter
from config import TestConfig

settings.register_profile(
    "jiangcai", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile("jiangcai")


def worker_database(url: str) -> str:
    """The database of this test process: under pytest-xdist (`make test` runs one worker per core) each worker
    has a PostgreSQL database of its own, `<name>_<worker>`, created here if missing; SQLite tests copy a
    template into their own temporary folder already."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


DATABASE_URL = TestConfig.SQLALCHEMY_DATABASE_URI = worker_database(TestConfig.SQLALCHEMY_DATABASE_URI)
IS_POSTGRES = DATABASE_URL.startswith("postgresql")


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked one_database check what pages are made of (axe-core, the guides' screenshots), which does not
    depend on the database: the PostgreSQL pass of `make test` skips them, to keep the suite's time down."""
    if not IS_POSTGRES:
        return
    skip = pytest.mark.skip(reason="one_database: checked on the SQLite pass")
    for item in items:
        if item.get_closest_marker("one_database"):
            item.add_marker(skip)


def make_config(uri: str, instance: Path) -> type[TestConfig]:
    """A TestConfig bound to one database and one instance folder."""
    return type(
        "BoundTestConfig",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_DIR": instance, "FILE_STORAGE_DIR": instance / "files"},
    )


def reset_postgres_schema(uri: str) -> None:
    """Drop everything in the public schema of the test database."""
    engine = create_engine(uri)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> str:
    """A database at the migration head: a template file on SQLite, the test database on PostgreSQL."""
    base = tmp_path_factory.mktemp("db")
    uri = DATABASE_URL if IS_POSTGRES else f"sqlite:///{base / 'template.db'}"
    if IS_POSTGRES:
        reset_postgres_schema(uri)
    app = create_app(make_config(uri, base))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return uri


@pytest.fixture
def app(migrated_database, tmp_path):
    """An application on a clean, migrated database; no app context is held, as in production."""
    if IS_POSTGRES:
        uri = migrated_database
    else:
        template = Path(migrated_database.removeprefix("sqlite:///"))
        target = tmp_path / "test.db"
        shutil.copyfile(template, target)
        uri = f"sqlite:///{target}"
    application = create_app(make_config(uri, tmp_path))
    with application.app_context():
        limiter.reset()
    yield application
    with application.app_context():
        if IS_POSTGRES:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def engine(app):
    """The app's engine."""
    with app.app_context():
        return db.engine


@pytest.fixture
def session(engine):
    """A session of the test's own, like the one a view, command or task would hold.

    Commit before making requests; roll back (or commit) before re-reading what a request changed.
    """
    with Session(engine) as test_session:
        yield test_session
        test_session.rollback()


@pytest.fixture
def after_exams(monkeypatch):
    """Pages read the clock: score sheets are open once the rooms have started, sign-off once they have ended
    (the clock of the score-sheet views and of the one-click actions is pinned to the factories' AFTER_EXAMS)."""
    from app.web import actions as web_actions
    from app.web.assessment import sheets as sheets_views
    from tests.assessment.factories import AFTER_EXAMS

    monkeypatch.setattr(sheets_views, "utcnow", lambda: AFTER_EXAMS)
    monkeypatch.setattr(web_actions, "utcnow", lambda: AFTER_EXAMS)


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    """The CSRF token embedded in a rendered form."""
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def post_form(client, url: str, data: dict, *, form_url: str | None = None, **kwargs):
    """GET the form page for its CSRF token, then POST the data to url."""
    page = client.get(form_url or url)
    payload = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **data}
    return client.post(url, data=payload, **kwargs)


def login(client, username: str, password: str = "Jiangcai2026!", **kwargs):
    """Log in through the real form."""
    return post_form(client, "/login", {"username": username, "password": password}, **kwargs)


class _PreviewForm(HTMLParser):
    """The import preview's form: its action, hidden fields and each select's chosen option."""

    def __init__(self) -> None:
        super().__init__()
        self.action, self.fields, self.inside, self.select = None, {}, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None:
            self.inside, self.form_action = True, attrs.get("action", "")
        elif tag == "form":
            self.inside = False
        if not self.inside:
            return
        if tag == "input" and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value", "")
            if attrs["name"] == "pending":
                self.action = self.form_action
        elif tag == "input" and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.fields[attrs["name"]] = attrs.get("value", "y")
        elif tag == "select":
            self.select = attrs["name"]
            self.fields.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form" and self.action is None:
            self.inside, self.fields = False, {}
        elif tag == "form":
            self.inside = False


def preview_form(html: str) -> tuple[str, dict]:
    """The action and the values (as preset) of an import's preview form on a page."""
    parser = _PreviewForm()
    parser.feed(html)
    assert parser.action is not None, "page shows no import preview"
    return parser.action, parser.fields


def confirm_import(client, step1, choices: dict | None = None, *, remember: bool = True):
    """Post an import's preview form as it was preset, with `choices` ({"column_3": "-"}) changed."""
    action, fields = preview_form(step1.get_data(as_text=True))
    fields.update(choices or {})
    if not remember:
        fields.pop("remember", None)
    return client.post(action, data=fields)
