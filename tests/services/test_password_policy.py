"""The password policy in the account services: length after trimming, character classes, no username, and no
common or published password (the demo password in production); `flask demo load` refuses production."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_app, pii
from app.accounts import passwords
from app.accounts.logins import change_password
from app.accounts.models import User
from app.demo.accounts import DEMO_PASSWORD
from app.errors import ValidationFailed
from app.extensions import db
from config import ProductionConfig, TestConfig
from tests.conftest import make_config
from tests.factories import NOW, PASSWORD, make_user
from tests.unit.test_config import GOOD

HOUR = timedelta(hours=1)
WEAK = [
    ("password12", "This password is on a list of common or published passwords; choose another."),
    ("          1a", "A password has at least {length} characters."),
    ("  short-1a  ", "A password has at least {length} characters."),
    ("!!!!!!!!!!!!", "A password must mix letters with digits (or symbols)."),
    ("abcdefghijkl", "A password must mix letters with digits (or symbols)."),
    ("Password2026!", "This password is on a list of common or published passwords; choose another."),
    ("QWERTYUIOP", "A password must mix letters with digits (or symbols)."),
    ("1qaz2wsx3edc", "This password is on a list of common or published passwords; choose another."),
    ("woaini1314!", "This password is on a list of common or published passwords; choose another."),
    ("my-zhangwei-9", "A password must not contain the username."),
]


@pytest.fixture
def restore_policy():
    """Tests that configure the policy (or build a production app) put the test configuration back."""
    yield
    passwords.configure("test")
    pii.configure(TestConfig.PII_ENCRYPTION_KEY, TestConfig.PII_HASH_KEY)


def test_the_shipped_list_holds_thousands_of_common_passwords():
    common = passwords.common_passwords()
    assert len(common) > 5000
    assert {"password12", "qwertyuiop", "1q2w3e4r5t", "password"} <= common
    assert all(word == word.strip().lower() and not word.startswith("#") for word in common)


@pytest.mark.parametrize(("password", "template"), WEAK)
def test_create_user_refuses_weak_passwords_naming_the_rule(session, password, template):
    with pytest.raises(ValidationFailed) as refused:
        make_user(session, "admin", username="zhangwei", password=password)
    assert refused.value.field == "password" and refused.value.message.template == template
    assert session.scalar(select(func.count()).select_from(User).where(User.username == "zhangwei")) == 0


@pytest.mark.parametrize(("password", "template"), WEAK)
def test_change_password_refuses_weak_passwords_on_the_new_password_field(session, password, template):
    user = make_user(session, "admin", username="zhangwei")
    with pytest.raises(ValidationFailed) as refused:
        change_password(session, actor=user, now=NOW, current_password=PASSWORD, new_password=password,
                        lifetime=HOUR)
    assert refused.value.field == "new_password" and refused.value.message.template == template


@pytest.mark.parametrize("password", ["Correct-horse-9", "  Another-pass-77  ", "辽宁匠才-培训2026", "x9$Lq2!vMz"])
def test_decent_passwords_are_accepted(password):
    passwords.check_policy(password, username="zhangwei")


def test_the_demo_password_is_refused_only_where_configured(restore_policy):
    from config import DEMO_PASSWORD as REFUSED_IN_PRODUCTION

    assert REFUSED_IN_PRODUCTION == DEMO_PASSWORD  # one published password, named in both places
    assert REFUSED_IN_PRODUCTION in ProductionConfig.PASSWORD_REFUSED_EXTRA
    passwords.configure("test")
    passwords.check_policy(DEMO_PASSWORD, username="admin")  # development and tests keep their fixtures
    passwords.configure("test", ProductionConfig.PASSWORD_REFUSED_EXTRA)
    with pytest.raises(ValidationFailed) as refused:
        passwords.check_policy(DEMO_PASSWORD, username="admin")
    assert refused.value.message.template.startswith("This password is on a list")
    with pytest.raises(ValidationFailed):
        passwords.check_policy("  jiangcai2026!  ", username="admin")  # case and surrounding spaces do not help


@pytest.fixture
def production(app, tmp_path, restore_policy):
    """The test database under ProductionConfig (with production-grade keys)."""
    bound = make_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    settings = {name: getattr(bound, name) for name in ("SQLALCHEMY_DATABASE_URI", "INSTANCE_DIR", "FILE_STORAGE_DIR")}
    config = type("Production", (ProductionConfig,), {**GOOD, **settings, "PASSWORD_HASH_PROFILE": "test",
                                                      "RATELIMIT_STORAGE_URI": "memory://"})
    production_app = create_app(config)
    yield production_app
    with production_app.app_context():
        db.engine.dispose()


def test_production_refuses_the_demo_password_for_a_real_account(production):
    result = production.test_cli_runner().invoke(args=[
        "ops", "init-site", "--organisation", "辽宁省人力资源和社会保障厅", "--uscc", "112100000000123458",
        "--username", "hrss_admin", "--name", "张三", "--password", DEMO_PASSWORD])
    assert result.exit_code == 1 and "common or published" in result.output


def test_demo_load_refuses_the_production_configuration(production, session):
    result = production.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "refuses to run under the production configuration" in result.output
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User)) == 0
