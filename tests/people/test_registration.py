"""Registering people: identity checks, duplicates, data scope, updates, search and audited reveal."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app import pii
from app.audit.models import AuditEvent
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.idnumbers import upgrade_15_to_18
from app.people.models import Person, PersonAccess
from app.people.services import (
    count_people,
    get_person,
    grant_person_access,
    list_people,
    register_person,
    reveal_person,
    update_person,
)
from app.translation import in_chinese
from tests.factories import NOW, make_org, make_user
from tests.people.factories import foreign_pr, hmt_permit, legacy_15, make_person, phone, resident_id


@pytest.fixture
def staff(session):
    return make_user(session, "institution_staff")


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_register_resident_stores_only_encrypted_hashed_and_masked_numbers(session, staff):
    number, mobile = resident_id(date(1990, 3, 7), gender="F"), phone()
    person = make_person(session, staff, id_number=number.lower(), phone=mobile)
    assert person.id_type == "resident_id"
    assert person.birth_date == date(1990, 3, 7) and person.gender == "F"
    assert person.id_masked == number[:4] + "*" * 10 + number[-4:]
    assert person.phone_masked == mobile[:3] + "****" + mobile[-4:]
    assert person.id_number_enc.startswith("v1:") and number not in person.id_number_enc
    assert pii.decrypt(person.id_number_enc) == number
    assert person.id_hash == pii.blind_index("id", number)
    assert person.phone_hash == pii.blind_index("phone", mobile)
    access = session.scalars(select(PersonAccess).where(PersonAccess.person_id == person.id)).all()
    assert [(a.organisation_id, a.reason) for a in access] == [(staff.organisation_id, "registered")]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "person.register")).one()
    assert event.new_value["id_masked"] == person.id_masked


def test_full_width_digits_spaces_and_lowercase_x_are_normalised(session, staff):
    number = "11010519491231002X"
    fancy = " ".join("１１０１０５１９４９１２３１００２ｘ")
    person = make_person(session, staff, id_number=fancy)
    assert pii.decrypt(person.id_number_enc) == number


@pytest.mark.parametrize(
    ("id_type", "make_number", "gender"),
    [
        ("hmt_residence_permit", lambda: hmt_permit(prefix="810000"), "M"),
        ("hmt_residence_permit", lambda: hmt_permit(prefix="830000"), "M"),
        ("foreign_permanent_residence", foreign_pr, None),
        ("passport", lambda: "E12345678", None),
    ],
)
def test_register_other_id_types(session, staff, id_type, make_number, gender):
    extra = {"birth_date": date(1988, 2, 2), "gender": "M"} if id_type == "passport" else {}
    person = make_person(session, staff, id_type=id_type, id_number=make_number(), **extra)
    assert person.id_type == id_type
    assert person.birth_date is not None
    if id_type == "passport":
        assert person.gender == "M" and person.id_masked == "E1*****78"
    elif gender is None:
        assert person.gender is None


def test_passport_needs_a_birth_date(session, staff):
    with pytest.raises(ValidationFailed) as error:
        make_person(session, staff, id_type="passport", id_number="E12345678")
    assert error.value.field == "birth_date"
    assert "护照" in in_chinese(error.value.message)


def test_legacy_15_digit_number_is_upgraded_to_18(session, staff):
    old = legacy_15(date(1975, 5, 20))
    person = make_person(session, staff, id_number=old)
    upgraded = upgrade_15_to_18(old)
    assert len(upgraded) == 18 and pii.decrypt(person.id_number_enc) == upgraded
    assert person.birth_date == date(1975, 5, 20)
    with pytest.raises(ValidationFailed, match="already registered"):
        make_person(session, staff, id_number=upgraded)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310029", "校验位应为 X，实际为 9"),
        ("11010519491231002", "应为 18 位（或 15 位旧号码），实际为 17 位"),
        ("110105194913310027", "出生日期 19491331 不是有效日期"),
        ("2.10102E+17", "科学计数法"),
        ("91010519491231002X", "地区码"),
        ("", "不能为空"),
    ],
)
def test_bad_resident_ids_are_refused_on_the_id_field_with_the_reason(session, staff, number, reason):
    with pytest.raises(ValidationFailed) as error:
        make_person(session, staff, id_number=number)
    assert error.value.field == "id_number"
    assert reason in in_chinese(error.value.message)
    assert count(session, Person) == 0


def test_birth_date_in_the_future_is_refused(session, staff):
    with pytest.raises(ValidationFailed) as error:
        make_person(session, staff, id_number=resident_id(date(2027, 1, 1)))
    assert error.value.field == "id_number" and "晚于今天" in in_chinese(error.value.message)


def test_under_16_is_refused_with_the_computed_age(session, staff):
    born = date(NOW.year - 15, NOW.month, NOW.day)
    with pytest.raises(ValidationFailed) as error:
        make_person(session, staff, id_number=resident_id(born))
    assert error.value.field == "id_number"
    assert error.value.message.params["age"] == 15
    assert "未满 16 周岁" in in_chinese(error.value.message) and "现年 15 周岁" in in_chinese(error.value.message)


def test_sixteenth_birthday_today_is_accepted(session, staff):
    born = date(NOW.year - 16, NOW.month, NOW.day)
    assert make_person(session, staff, id_number=resident_id(born)).birth_date == born


def test_gender_must_agree_with_the_id_number(session, staff):
    with pytest.raises(ValidationFailed) as error:
        make_person(session, staff, id_number=resident_id(gender="M"), gender="F")
    assert error.value.field == "gender" and "号码显示为男" in in_chinese(error.value.message)


def test_bad_phone_is_refused_on_its_field(session, staff):
    with pytest.raises(ValidationFailed) as error:
        make_person(session, staff, phone="1234567")
    assert error.value.field == "phone"


def test_duplicate_id_is_refused_naming_the_masked_person(session, staff):
    number = resident_id()
    first = make_person(session, staff, id_number=number, name="李娜")
    other_org_user = make_user(session, "evaluation_staff")
    with pytest.raises(ValidationFailed) as error:
        make_person(session, other_org_user, id_number=number, name="李娜")
    assert error.value.field == "id_number"
    assert "李娜" in error.value.message and first.id_masked in error.value.message
    assert number not in error.value.message
    assert count(session, Person) == 1


def test_assessors_cannot_register_people(session):
    assessor = make_user(session, "assessor")
    with pytest.raises(NotAllowed):
        make_person(session, assessor)


def test_other_organisations_do_not_see_a_person_but_admins_do(session, staff):
    person = make_person(session, staff)
    outsider = make_user(session, "institution_staff")
    admin = make_user(session, "admin")
    with pytest.raises(NotFound):
        get_person(session, actor=outsider, person_id=person.id)
    assert list_people(session, actor=outsider) == []
    assert get_person(session, actor=admin, person_id=person.id) is person
    assert list_people(session, actor=admin) == [person]
    assert get_person(session, actor=staff, person_id=person.id) is person


def test_granting_access_widens_the_scope_once(session, staff):
    person = make_person(session, staff)
    evaluator = make_user(session, "evaluation_staff")
    grant_person_access(session, actor=staff, now=NOW, person_id=person.id,
                        organisation_id=evaluator.organisation_id, reason="assessment")
    grant_person_access(session, actor=staff, now=NOW, person_id=person.id,
                        organisation_id=evaluator.organisation_id, reason="assessment")
    assert get_person(session, actor=evaluator, person_id=person.id) is person
    assert count(session, PersonAccess) == 2


def test_an_organisation_without_access_cannot_grant_it(session, staff):
    person = make_person(session, staff)
    outsider = make_user(session, "enterprise_hr")
    with pytest.raises(NotFound):
        grant_person_access(session, actor=outsider, now=NOW, person_id=person.id,
                            organisation_id=outsider.organisation_id, reason="employer")


def test_search_by_name_part_exact_id_or_exact_phone(session, staff):
    number, mobile = resident_id(), phone()
    wang = make_person(session, staff, name="王小明", id_number=number, phone=mobile)
    make_person(session, staff, name="赵丽")
    assert list_people(session, actor=staff, search="小明") == [wang]
    assert list_people(session, actor=staff, search=number.lower()) == [wang]
    assert list_people(session, actor=staff, search=mobile) == [wang]
    assert list_people(session, actor=staff, search=number[:10]) == []
    assert list_people(session, actor=staff, search="%") == []
    assert count_people(session, actor=staff) == 2
    assert count_people(session, actor=staff, search="赵") == 1


def test_search_by_legacy_15_digit_form_finds_the_person(session, staff):
    old = legacy_15()
    person = make_person(session, staff, id_number=old)
    assert list_people(session, actor=staff, search=old) == [person]


def test_reveal_needs_role_and_scope_and_is_audited_without_plaintext(session, staff):
    number, mobile = resident_id(), phone()
    person = make_person(session, staff, id_number=number, phone=mobile)
    assert reveal_person(session, actor=staff, now=NOW, person_id=person.id, reason="核对报名信息") == (number, mobile)
    hr = make_user(session, "enterprise_hr")
    grant_person_access(session, actor=staff, now=NOW, person_id=person.id, organisation_id=hr.organisation_id,
                        reason="employer")
    with pytest.raises(NotAllowed):
        reveal_person(session, actor=hr, now=NOW, person_id=person.id)
    outsider = make_user(session, "evaluation_staff")
    with pytest.raises(NotFound):
        reveal_person(session, actor=outsider, now=NOW, person_id=person.id)
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "person.reveal")).all()
    assert len(events) == 1
    event = events[0]
    assert event.actor_id == staff.id and event.object_id == str(person.id) and event.note == "核对报名信息"
    assert event.new_value["fields"] == ["id_number", "phone"]
    everything = repr([(e.old_value, e.new_value, e.note) for e in session.scalars(select(AuditEvent))])
    assert number not in everything and mobile not in everything


def test_update_changes_fields_and_audits_masked_values(session, staff):
    person = make_person(session, staff)
    new_phone = phone()
    update_person(session, actor=staff, now=NOW, person_id=person.id, name="张 伟", phone=new_phone,
                  education="associate", target_groups=["graduate", "graduate", "rural_migrant"])
    assert person.name == "张伟" and person.education == "associate"
    assert person.target_groups == ["graduate", "rural_migrant"]
    assert person.phone_hash == pii.blind_index("phone", new_phone)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "person.update")).one()
    assert set(event.new_value) == {"phone_masked", "education", "target_groups"}
    assert new_phone not in repr(event.new_value)


def test_update_refuses_a_gender_the_id_contradicts_and_bad_vocabulary(session, staff):
    person = make_person(session, staff, id_number=resident_id(gender="M"))
    with pytest.raises(ValidationFailed) as error:
        update_person(session, actor=staff, now=NOW, person_id=person.id, gender="F")
    assert error.value.field == "gender"
    with pytest.raises(ValidationFailed) as error:
        update_person(session, actor=staff, now=NOW, person_id=person.id, education="kindergarten")
    assert error.value.field == "education"
    with pytest.raises(ValidationFailed) as error:
        update_person(session, actor=staff, now=NOW, person_id=person.id, target_groups=["pensioner"])
    assert error.value.field == "target_groups"


def test_update_outside_scope_is_not_found(session, staff):
    person = make_person(session, staff)
    with pytest.raises(NotFound):
        update_person(session, actor=make_user(session, "institution_staff"), now=NOW, person_id=person.id, name="李四")


def test_employer_must_be_a_registered_enterprise(session, staff):
    enterprise = make_org(session, "enterprise")
    person = make_person(session, staff, employer_org_id=enterprise.id)
    assert person.employer_org_id == enterprise.id
    with pytest.raises(ValidationFailed) as error:
        make_person(session, staff, employer_org_id=staff.organisation_id)
    assert error.value.field == "employer_org_id"


@pytest.mark.parametrize(("name", "fragment"), [("", "请填写姓名"), ("张3", "数字"), ("=HYPERLINK()", "不允许的字符")])
def test_bad_names_are_refused(session, staff, name, fragment):
    with pytest.raises(ValidationFailed) as error:
        register_person(session, actor=staff, now=NOW, name=name, id_type="resident_id", id_number=resident_id())
    assert error.value.field == "name" and fragment in in_chinese(error.value.message)


def test_minority_names_with_middle_dot_are_accepted(session, staff):
    assert make_person(session, staff, name="买买提·艾力").name == "买买提·艾力"


def test_short_numeric_search_matches_nothing(session, staff):
    make_person(session, staff)
    assert list_people(session, actor=staff, search="2101") == []
