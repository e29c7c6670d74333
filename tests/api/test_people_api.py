"""People through the API: scope, masking, validation errors with the field."""

from tests.people.factories import make_person, resident_id


def test_register_and_read_people_through_the_api(client, session, api_user):
    user, headers = api_user("institution_staff")
    number = resident_id()
    created = client.post("/api/v1/people", headers=headers, json={
        "name": "赵六", "id_type": "resident_id", "id_number": number, "phone": "13700001234"})
    assert created.status_code == 201
    body = created.get_json()
    assert body["id_masked"].startswith(number[:4]) and number not in str(body) and "13700001234" not in str(body)
    listing = client.get("/api/v1/people?q=赵", headers=headers).get_json()
    assert listing["total"] == 1 and listing["items"][0]["name"] == "赵六"
    assert client.get(f"/api/v1/people/{body['id']}", headers=headers).get_json()["levels"] == {}


def test_bad_id_number_is_a_422_naming_the_field(client, session, api_user):
    _user, headers = api_user("institution_staff")
    response = client.post("/api/v1/people", headers=headers, json={
        "name": "钱七", "id_type": "resident_id", "id_number": "110105194912310029"})
    assert response.status_code == 422
    assert response.get_json()["field"] == "id_number" and "校验位" in response.get_json()["error"]


def test_people_outside_scope_are_404_and_assessors_403(client, session, api_user):
    owner, _ = api_user("institution_staff")
    person = make_person(session, owner)
    session.commit()
    _other, headers = api_user("institution_staff")
    assert client.get(f"/api/v1/people/{person.id}", headers=headers).status_code == 404
    _assessor, assessor_headers = api_user("assessor")
    assert client.get("/api/v1/people", headers=assessor_headers).status_code == 403


def test_non_object_body_is_400(client, api_user):
    _user, headers = api_user("institution_staff")
    assert client.post("/api/v1/people", headers=headers, json=[1, 2]).status_code == 400
