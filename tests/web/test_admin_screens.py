"""Administrator screens for organisations and users."""

from sqlalchemy import select

from app.accounts.models import Organisation, User
from tests.conftest import login, post_form
from tests.factories import make_org, make_user, valid_uscc


def admin_client(client, session):
    make_user(session, "admin", username="boss")
    session.commit()
    login(client, "boss")
    return client


def test_register_organisation_with_bad_code_keeps_input_and_names_field(client, session):
    admin_client(client, session)
    response = post_form(client, "/admin/organisations/new", {
        "kind": "enterprise", "name": "辽宁测试重工有限公司", "uscc": "91110000600037341X", "city_code": "2101"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "统一社会信用代码无效" in html
    assert 'value="辽宁测试重工有限公司"' in html and 'value="91110000600037341X"' in html
    assert session.scalar(select(Organisation).where(Organisation.name == "辽宁测试重工有限公司")) is None


def test_register_organisation_and_filing(client, session):
    admin_client(client, session)
    response = post_form(client, "/admin/organisations/new", {
        "kind": "evaluation", "name": "沈阳评价中心", "uscc": valid_uscc(), "city_code": "2101"})
    assert response.status_code == 302
    org = session.scalar(select(Organisation).where(Organisation.name == "沈阳评价中心"))
    url = f"/admin/organisations/{org.id}"
    response = post_form(client, url, {"org_type": "S", "org_code": "0000", "province_code": "21",
                                       "site_code": "210077", "scopes": "6-31-01-03 5,4,3\n4-10-01-05 5"})
    assert response.status_code == 302
    session.rollback()
    assert org.filing.number_prefix == "S000021210077" and len(org.filing.scopes) == 4
    assert "S000021210077" in client.get(url).get_data(as_text=True)


def test_bad_filing_scope_line_is_reported(client, session):
    admin_client(client, session)
    org = make_org(session, "evaluation")
    session.commit()
    response = post_form(client, f"/admin/organisations/{org.id}", {
        "org_type": "S", "org_code": "0000", "province_code": "21", "site_code": "210078",
        "scopes": "6-31-01-03 5\nbad-line"})
    assert response.status_code == 422 and "第 2 行" in response.get_data(as_text=True)


def test_create_user_with_role_that_does_not_fit(client, session):
    admin_client(client, session)
    ent = make_org(session, "enterprise", name="某企业")
    session.commit()
    response = post_form(client, "/admin/users/new", {
        "organisation_id": ent.id, "username": "newassessor", "display_name": "张三",
        "password": "Jiangcai2026!", "roles": ["assessor"]})
    assert response.status_code == 422 and "只能属于评价机构" in response.get_data(as_text=True)
    response = post_form(client, "/admin/users/new", {
        "organisation_id": ent.id, "username": "newhr", "display_name": "张三",
        "password": "Jiangcai2026!", "roles": ["enterprise_hr"]})
    assert response.status_code == 302
    session.rollback()
    assert session.scalar(select(User).where(User.username == "newhr")).roles == {"enterprise_hr"}


def test_non_admin_sees_only_own_organisation(client, session):
    hr = make_user(session, "enterprise_hr", username="hr9")
    other = make_org(session, "enterprise", name="别家企业")
    session.commit()
    login(client, "hr9")
    html = client.get("/admin/organisations").get_data(as_text=True)
    assert hr.organisation.name in html and "别家企业" not in html
    assert client.get(f"/admin/organisations/{other.id}").status_code == 404


def test_admin_can_disable_a_user_and_their_session_dies(app, client, session):
    admin_client(client, session)
    hr = make_user(session, "enterprise_hr", username="leaver")
    session.commit()
    leaver = app.test_client()
    login(leaver, "leaver")
    assert leaver.get("/dashboard").status_code == 200
    response = post_form(client, f"/admin/users/{hr.id}/active", {"active": "0"}, form_url="/admin/users")
    assert response.status_code == 302
    assert leaver.get("/dashboard").status_code == 302
