"""Migrations go base→head→base on the test database, and agree with the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from app import create_app
from app.extensions import db
from tests.conftest import IS_POSTGRES, make_config


def fresh_app(tmp_path):
    if IS_POSTGRES:
        from config import TestConfig

        uri = TestConfig.SQLALCHEMY_DATABASE_URI
    else:
        uri = f"sqlite:///{tmp_path / 'migrations.db'}"
    return create_app(make_config(uri, tmp_path)), uri


def table_names(uri: str) -> set[str]:
    engine = create_engine(uri)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def model_differences(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_downgrade_and_models_agree(tmp_path):
    app, uri = fresh_app(tmp_path)
    try:
        with app.app_context():
            downgrade(revision="base") if IS_POSTGRES else None
            upgrade()
        assert {t.name for t in db.metadata.sorted_tables} <= table_names(uri)
        assert model_differences(app) == []
        with app.app_context():
            downgrade(revision="base")
        assert table_names(uri) <= {"alembic_version"}
        with app.app_context():
            upgrade()
        assert model_differences(app) == []
    finally:
        if IS_POSTGRES:
            # leave the shared test database at head for the other tests
            with app.app_context():
                upgrade()
        with app.app_context():
            db.engine.dispose()


def test_difference_detection_is_real(tmp_path):
    """A column the migrations lack is reported, so the test above can fail."""
    if IS_POSTGRES:
        return
    app, uri = fresh_app(tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE users DROP COLUMN locale")
    diffs = model_differences(app)
    assert any("locale" in repr(d) for d in diffs)
    with app.app_context():
        db.engine.dispose()


def test_every_constraint_is_named():
    unnamed = []
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            if not constraint.name:
                unnamed.append(f"{table.name}: {constraint!r}")
    assert unnamed == []
