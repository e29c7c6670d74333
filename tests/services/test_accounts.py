"""Organisations, filings, users, sessions and the audit trail."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app.accounts.models import Organisation, User
from app.accounts.roles import ORG_KIND_LABELS, ROLE_LABELS, OrgKind, Role
from app.accounts.services import (
    authenticate,
    change_password,
    close_login_session,
    create_organisation,
    create_user,
    get_organisation,
    list_organisations,
    list_users,
    open_login_session,
    parse_scope_lines,
    set_evaluation_filing,
    set_user_active,
    user_for_token,
)
from app.audit.models import AppendOnlyViolation, AuditEvent
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.idnumbers import uscc_check_char
from app.translation import in_chinese
from tests.factories import NOW, PASSWORD, make_evaluation_org, make_org, make_user, valid_uscc

HOUR = timedelta(hours=1)


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("code", ["91110000600037341L", "91350100M000100Y43", "91350100m000100y43 "])
def test_organisation_accepts_valid_credit_codes(session, code):
    org = create_organisation(session, actor=None, now=NOW, kind="enterprise", name="甲公司", uscc=code)
    assert org.uscc == code.strip().upper()


@pytest.mark.parametrize("first", ["A", "N", "Y"])
def test_credit_codes_starting_with_a_n_y_are_legal(session, first):
    body = f"{first}12100000MA0P4Q5R"
    org = make_org(session, uscc=body + uscc_check_char(body))
    assert org.uscc.startswith(first)


def test_bad_credit_code_is_refused_on_its_field_and_nothing_is_saved(session):
    before = count(session, Organisation)
    with pytest.raises(ValidationFailed) as error:
        create_organisation(session, actor=None, now=NOW, kind="enterprise", name="乙公司", uscc="91110000600037341X")
    assert error.value.field == "uscc"
    reason = error.value.message.params["reason"]
    assert reason.template == "The check character of the unified social credit code should be {expected}, not {actual}."
    assert in_chinese(error.value.message) == "统一社会信用代码无效：统一社会信用代码校验位应为 L，实际为 X"
    assert count(session, Organisation) == before


def test_duplicate_credit_code_is_refused(session):
    code = valid_uscc()
    make_org(session, uscc=code)
    with pytest.raises(ValidationFailed) as error:
        make_org(session, uscc=code)
    assert error.value.field == "uscc"
    assert error.value.message.template == "Unified social credit code {code} is already registered."


def test_only_admins_register_organisations(session):
    hr = make_user(session, "enterprise_hr")
    with pytest.raises(NotAllowed):
        create_organisation(session, actor=hr, now=NOW, kind="enterprise", name="丙公司", uscc=valid_uscc())


def test_filing_records_prefix_and_scope(session):
    org = make_evaluation_org(session, scopes=[("6-31-01-03", 4), ("6-31-01-03", 3), ("4-10-01-05", 5)])
    assert org.filing.number_prefix == "S000021210001"
    assert {(s.occupation_code, s.level_digit) for s in org.filing.scopes} == {
        ("6-31-01-03", 4), ("6-31-01-03", 3), ("4-10-01-05", 5)}


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("org_type", {"org_type": "X"}),
        ("org_code", {"org_code": "12a4"}),
        ("province_code", {"province_code": "99"}),
        ("site_code", {"site_code": "21001"}),
        ("scopes", {"scopes": [("6310103", 4)]}),
        ("scopes", {"scopes": [("6-31-01-03", 6)]}),
    ],
)
def test_filing_rejects_bad_parts_naming_the_field(session, field, kwargs):
    org = make_org(session, "evaluation")
    args = {"org_type": "S", "org_code": "0000", "province_code": "21", "site_code": "210009",
            "scopes": [("6-31-01-03", 4)], **kwargs}
    with pytest.raises(ValidationFailed) as error:
        set_evaluation_filing(session, actor=None, now=NOW, organisation=org, **args)
    assert error.value.field == field


def test_filing_only_for_evaluation_organisations(session):
    org = make_org(session, "enterprise")
    with pytest.raises(ValidationFailed) as error:
        set_evaluation_filing(session, actor=None, now=NOW, organisation=org, org_type="S", org_code="0000",
                              province_code="21", site_code="210002", scopes=[])
    assert error.value.field == "org_type"
    assert error.value.message.template == "Only an evaluation organisation can record filing details."


def test_two_organisations_cannot_share_a_filing_site(session):
    make_evaluation_org(session, site_code="210005")
    with pytest.raises(ValidationFailed) as error:
        make_evaluation_org(session, site_code="210005")
    assert error.value.field == "site_code"
    assert error.value.message.template == "Another organisation already uses this filing code."


def test_scope_lines_parse_and_report_the_bad_line():
    assert parse_scope_lines("6-31-01-03 5,4\n\n4-10-01-05 3") == [
        ("6-31-01-03", 5), ("6-31-01-03", 4), ("4-10-01-05", 3)]
    with pytest.raises(ValidationFailed) as error:
        parse_scope_lines("6-31-01-03 5\n4-10-01-05")
    assert error.value.field == "scopes" and error.value.message.params == {"line": 2}


def test_role_must_fit_the_organisation_kind(session):
    enterprise = make_org(session, "enterprise")
    with pytest.raises(ValidationFailed) as error:
        create_user(session, actor=None, now=NOW, organisation_id=enterprise.id, username="wrongrole",
                    display_name="x", password=PASSWORD, roles=["assessor"])
    assert error.value.field == "roles"
    assert error.value.message.params == {"role": ROLE_LABELS[Role.ASSESSOR], "kind": ORG_KIND_LABELS[OrgKind.EVALUATION]}
    # The labels inside the message are translated with it.
    assert in_chinese(error.value.message) == "角色“考评员”只能属于评价机构"


def test_usernames_are_unique_and_lowercase(session):
    user = make_user(session, "admin", username="Li.Hua")
    assert user.username == "li.hua"
    with pytest.raises(ValidationFailed) as error:
        make_user(session, "admin", username="LI.HUA")
    assert error.value.field == "username" and error.value.message.params == {"username": "li.hua"}


def test_passwords_are_stored_as_argon2id(session):
    user = make_user(session)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_authenticate(session):
    user = make_user(session, username="zhangsan")
    assert authenticate(session, username="ZhangSan ", password=PASSWORD) is user
    assert authenticate(session, username="zhangsan", password="wrong-password-1") is None
    assert authenticate(session, username="nobody", password=PASSWORD) is None
    admin = make_user(session, "admin")
    set_user_active(session, actor=admin, now=NOW, user_id=user.id, active=False)
    assert authenticate(session, username="zhangsan", password=PASSWORD) is None


def test_login_session_ends_on_logout_and_expiry(session):
    user = make_user(session)
    token = open_login_session(session, user=user, now=NOW, lifetime=HOUR)
    assert user_for_token(session, token=token, now=NOW) is user
    assert user_for_token(session, token=token, now=NOW + 2 * HOUR) is None
    close_login_session(session, token=token, now=NOW)
    assert user_for_token(session, token=token, now=NOW) is None
    assert user_for_token(session, token="forged", now=NOW) is None


def test_password_change_ends_every_other_session(session):
    user = make_user(session)
    laptop = open_login_session(session, user=user, now=NOW, lifetime=HOUR)
    phone = open_login_session(session, user=user, now=NOW, lifetime=HOUR)
    fresh = change_password(session, actor=user, now=NOW, current_password=PASSWORD,
                            new_password="Another-pass-77", lifetime=HOUR)
    assert user_for_token(session, token=laptop, now=NOW) is None
    assert user_for_token(session, token=phone, now=NOW) is None
    assert user_for_token(session, token=fresh, now=NOW) is user
    assert authenticate(session, username=user.username, password="Another-pass-77") is user


def test_password_change_needs_the_current_password(session):
    user = make_user(session)
    with pytest.raises(ValidationFailed) as error:
        change_password(session, actor=user, now=NOW, current_password="wrong-one-1",
                        new_password="Another-pass-77", lifetime=HOUR)
    assert error.value.field == "current_password"


def test_disabling_a_user_ends_their_sessions(session):
    admin = make_user(session, "admin")
    user = make_user(session, "enterprise_hr")
    token = open_login_session(session, user=user, now=NOW, lifetime=HOUR)
    set_user_active(session, actor=admin, now=NOW, user_id=user.id, active=False)
    assert user_for_token(session, token=token, now=NOW) is None


def test_scoping_non_admins_see_only_their_own_organisation(session):
    admin = make_user(session, "admin")
    hr = make_user(session, "enterprise_hr")
    other = make_org(session, "enterprise")
    make_user(session, "enterprise_hr", org=other)
    assert [o.id for o in list_organisations(session, actor=hr)] == [hr.organisation_id]
    assert len(list_organisations(session, actor=admin)) == count(session, Organisation)
    with pytest.raises(NotFound):
        get_organisation(session, actor=hr, organisation_id=other.id)
    assert {u.organisation_id for u in list_users(session, actor=hr)} == {hr.organisation_id}
    assert len(list_users(session, actor=admin)) == count(session, User)


def test_changes_write_audit_events_with_actor_and_values(session):
    admin = make_user(session, "admin", username="auditor")
    org = create_organisation(session, actor=admin, now=NOW, kind="enterprise", name="丁公司", uscc=valid_uscc())
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "organisation", AuditEvent.object_id == str(org.id))
    ).one()
    assert event.actor_name == "auditor" and event.action == "organisation.create"
    assert event.new_value["name"] == "丁公司" and event.at == NOW


def test_audit_events_cannot_be_changed_through_the_orm(session):
    make_org(session)
    session.commit()
    event = session.scalars(select(AuditEvent)).first()
    event.note = "tampered"
    with pytest.raises(AppendOnlyViolation):
        session.flush()
    session.rollback()
    event = session.scalars(select(AuditEvent)).first()
    session.delete(event)
    with pytest.raises(AppendOnlyViolation):
        session.flush()


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET note = 'x'", "DELETE FROM audit_events"])
def test_audit_events_cannot_be_changed_in_the_database(app, session, statement):
    make_org(session)
    session.commit()
    with pytest.raises(Exception, match="append-only"):
        session.execute(text(statement))
    session.rollback()
    assert count(session, AuditEvent) == 1
