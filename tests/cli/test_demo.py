"""`flask demo load` builds the demo data set once and prints the logins."""

from sqlalchemy import func, select

from app.accounts.models import Organisation, User
from app.accounts.services import authenticate
from app.demo.accounts import DEMO_LOGINS, DEMO_PASSWORD


def test_demo_load_creates_data_and_is_safe_to_repeat(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Demo data loaded" in first.output and "admin" in first.output and DEMO_PASSWORD in first.output
    orgs = session.scalar(select(func.count()).select_from(Organisation))
    users = session.scalar(select(func.count()).select_from(User))
    assert orgs == 7 and users >= 11
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "already holds data" in second.output
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Organisation)) == orgs


def test_every_demo_login_works_and_kinds_are_realistic(app, session):
    app.test_cli_runner().invoke(args=["demo", "load", "--quiet"])
    for username, _label in DEMO_LOGINS:
        assert authenticate(session, username=username, password=DEMO_PASSWORD) is not None
    kinds = dict(session.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind)).all())
    assert kinds == {"hrss": 1, "institution": 2, "evaluation": 1, "enterprise": 3}
    evaluation = session.scalars(select(Organisation).where(Organisation.kind == "evaluation")).one()
    assert evaluation.filing.number_prefix.startswith("S000021")
