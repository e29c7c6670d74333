"""People pages: register, masked lists, audited reveal, scope, import with error sheet."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.people.models import Person
from tests.conftest import confirm_import, csrf_token_from, login, post_form
from tests.factories import make_org, make_user
from tests.people.factories import make_person, photo_bytes, resident_id


def staff(session, username="teacher", org=None):
    user = make_user(session, "institution_staff", username=username, org=org)
    session.commit()
    return user


def test_register_person_and_see_masked_numbers(client, session):
    staff(session)
    login(client, "teacher")
    number = resident_id()
    response = post_form(client, "/people/new", {"name": "张建国", "id_type": "resident_id", "id_number": number,
                                                 "phone": "13812345678", "education": "senior_secondary"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "张建国" in html and number not in html and "13812345678" not in html
    assert number[:4] + "**********" + number[-4:] in html and "138****5678" in html


def test_rejected_registration_keeps_input_and_names_the_problem(client, session):
    staff(session)
    login(client, "teacher")
    response = post_form(client, "/people/new", {"name": "李四", "id_type": "resident_id",
                                                 "id_number": "110105194912310029", "phone": "13812345678"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "校验位" in html and 'value="李四"' in html and 'value="110105194912310029"' in html
    session.rollback()
    assert session.scalar(select(Person)) is None


def test_reveal_shows_full_numbers_once_and_is_audited(client, session):
    user = staff(session)
    person = make_person(session, user, phone="13900001111")
    session.commit()
    login(client, "teacher")
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "13900001111" not in page
    response = post_form(client, f"/people/{person.id}/reveal", {"reason": "核对报名材料"},
                         form_url=f"/people/{person.id}")
    html = response.get_data(as_text=True)
    assert "13900001111" in html and response.headers["Cache-Control"] == "no-store"
    session.rollback()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "person.reveal")).one()
    assert event.actor_name == "teacher" and event.note == "核对报名材料"
    assert "13900001111" not in str(event.new_value)
    assert "13900001111" not in client.get(f"/people/{person.id}").get_data(as_text=True)


def test_enterprise_hr_cannot_reveal(client, session):
    hr = make_user(session, "enterprise_hr", username="hr1")
    person = make_person(session, hr)
    session.commit()
    login(client, "hr1")
    assert client.get(f"/people/{person.id}").status_code == 200
    page = client.get(f"/people/{person.id}")
    response = client.post(f"/people/{person.id}/reveal",
                           data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.status_code == 403


def test_other_institution_gets_not_found(client, session):
    owner = staff(session, "owner")
    person = make_person(session, owner)
    staff(session, "stranger")
    session.commit()
    login(client, "stranger")
    assert client.get(f"/people/{person.id}").status_code == 404
    assert person.name not in client.get("/people").get_data(as_text=True)


def test_photo_upload_checks_background(client, session):
    user = staff(session)
    person = make_person(session, user)
    session.commit()
    login(client, "teacher")
    page = client.get(f"/people/{person.id}")
    token = csrf_token_from(page.get_data(as_text=True))
    bad = client.post(f"/people/{person.id}/photo", content_type="multipart/form-data", data={
        "csrf_token": token, "photo": (io.BytesIO(photo_bytes(background="#3050c0")), "p.jpg")})
    assert bad.status_code == 422 and "白色" in bad.get_data(as_text=True)
    good = client.post(f"/people/{person.id}/photo", content_type="multipart/form-data", data={
        "csrf_token": token, "photo": (io.BytesIO(photo_bytes()), "p.jpg")})
    assert good.status_code == 302
    with client.get(f"/people/{person.id}/photo") as served:
        assert served.status_code == 200 and served.mimetype == "image/jpeg"


def upload(client, data: bytes, name="people.xlsx", choices=None):
    """Upload a sheet, then confirm the preview's column mapping (as preset, or with `choices`)."""
    page = client.get("/people/import")
    step1 = client.post("/people/import", content_type="multipart/form-data", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "file": (io.BytesIO(data), name)})
    assert step1.status_code == 200 and 'id="import-preview"' in step1.get_data(as_text=True)
    return confirm_import(client, step1, choices)


def test_import_template_round_trip_and_error_sheet(client, session):
    staff(session)
    login(client, "teacher")
    with client.get("/people/import/template.xlsx") as template:
        data = template.data
    response = upload(client, data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    session.rollback()
    assert session.scalar(select(Person)) is not None
    csv_rows = "姓名,证件类型,证件号码,手机号码\n王五,居民身份证,2.10102E+17,13812345678\n"
    response = upload(client, csv_rows.encode("gbk"), "people.csv")
    html = response.get_data(as_text=True)
    assert "科学计数法" in html
    link = html.split('href="/downloads/')[1].split('"')[0]
    with client.get(f"/downloads/{link}") as download:
        assert load_workbook(io.BytesIO(download.data)).worksheets[0].max_row >= 2


def test_export_is_masked(client, session):
    user = staff(session)
    person = make_person(session, user)
    session.commit()
    login(client, "teacher")
    with client.get("/people/export.xlsx") as response:
        sheet = load_workbook(io.BytesIO(response.data)).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert person.name in values and person.id_masked in values
    assert not any(v.isdigit() and len(v) == 18 for v in values)


def test_assessor_has_no_people_pages(client, session):
    make_user(session, "assessor", username="judge", org=make_org(session, "evaluation"))
    session.commit()
    login(client, "judge")
    assert client.get("/people").status_code == 403


def test_registration_keeps_the_registration_form_fields(client, session):
    staff(session)
    login(client, "teacher")
    response = post_form(client, "/people/new", {"name": "何丽", "id_type": "resident_id", "id_number": resident_id(),
                                                 "ethnicity": "满族", "household_place": "辽宁省抚顺市",
                                                 "school_name": "抚顺市技师学院", "education": "senior_secondary"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "满族" in html and "辽宁省抚顺市" in html and "抚顺市技师学院" in html
    session.rollback()
    person = session.scalars(select(Person)).one()
    assert (person.ethnicity, person.household_place, person.school_name) == ("满族", "辽宁省抚顺市", "抚顺市技师学院")


def test_work_may_be_recorded_as_declared_years(client, session):
    user = staff(session)
    person = make_person(session, user)
    session.commit()
    login(client, "teacher")
    url = f"/people/{person.id}"
    refused = post_form(client, f"{url}/work", {"employer_name": "沈阳机床厂", "occupation_name": "电工"}, form_url=url)
    assert refused.status_code == 422 and "本人申报的从业年限" in refused.get_data(as_text=True)
    done = post_form(client, f"{url}/work", {"employer_name": "沈阳机床厂", "occupation_name": "电工",
                                             "declared_years": "6.5"}, form_url=url)
    assert done.status_code == 302
    assert "6.5 年（" in client.get(url).get_data(as_text=True)
