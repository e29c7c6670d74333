"""`flask ops init-site`: the first administrator of a new production site."""

from sqlalchemy import func, select

from app.accounts.models import Organisation, User
from app.catalog.models import Occupation
from tests.conftest import login

ARGS = ["ops", "init-site", "--organisation", "辽宁省人力资源和社会保障厅", "--uscc", "112100000000123458",
        "--username", "hrss_admin", "--name", "张三", "--password", "Str0ng-pass-2026"]


def test_init_site_seeds_the_catalogue_and_creates_an_admin_who_can_log_in(app, client, session):
    result = app.test_cli_runner().invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    assert session.scalar(select(func.count()).select_from(Occupation)) >= 10
    admin = session.scalar(select(User).where(User.username == "hrss_admin"))
    assert admin.has_role("admin") and admin.organisation.kind == "hrss"
    session.rollback()
    response = login(client, "hrss_admin", "Str0ng-pass-2026")
    assert response.status_code == 302
    assert client.get("/admin/users/new").status_code == 200


def test_init_site_refuses_a_site_that_has_users_and_bad_input(app, session):
    runner = app.test_cli_runner()
    assert runner.invoke(args=ARGS).exit_code == 0
    again = runner.invoke(args=[*ARGS[:-6], "--username", "second", "--name", "李四", "--password", "Str0ng-pass-2026"])
    assert again.exit_code == 1 and "username: The system already has users" in again.output
    assert session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_init_site_reports_a_weak_password_by_field(app, session):
    result = app.test_cli_runner().invoke(args=[*ARGS[:-1], "short"])
    assert result.exit_code == 1 and "password" in result.output
    assert session.scalar(select(func.count()).select_from(User)) == 0
