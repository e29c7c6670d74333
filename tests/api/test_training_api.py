"""Demands, projects, classes, enrolments and apprenticeships through the API: happy paths and refusals."""

from datetime import timedelta

from app import pii
from app.database import utcnow
from tests.factories import make_org
from tests.training.factories import file_apprenticeship, make_apprenticeship, make_class, occupation, trainee


def today():
    return utcnow().date()


def new_demand(**overrides):
    body = {"title": "焊工", "occupation_code": "6-18-02-04", "headcount": 4, "city_code": "2102",
            "wage_min": 6000, "wage_max": 8000, "valid_until": (today() + timedelta(days=30)).isoformat(),
            "requirements": "持焊工证"}
    body.update(overrides)
    return body


def test_enterprise_records_and_reads_a_demand(client, session, api_user):
    occupation(session)
    _hr, headers = api_user("enterprise_hr")
    created = client.post("/api/v1/demands", headers=headers, json=new_demand())
    assert created.status_code == 201
    body = created.get_json()
    assert body["status"] == "open" and body["pipeline"] == {"trained": 0, "completed": 0, "assessed": 0, "placed": 0}
    assert client.get("/api/v1/demands", headers=headers).get_json()["items"][0]["id"] == body["id"]
    assert client.get(f"/api/v1/demands/{body['id']}", headers=headers).get_json()["title"] == "焊工"


def test_demand_refusals_are_422_with_the_field(client, session, api_user):
    occupation(session)
    _hr, headers = api_user("enterprise_hr")
    response = client.post("/api/v1/demands", headers=headers, json=new_demand(requirements="仅限女性"))
    assert response.status_code == 422 and response.get_json()["field"] == "requirements"
    response = client.post("/api/v1/demands", headers=headers, json=new_demand(headcount="four"))
    assert response.status_code == 422 and response.get_json()["field"] == "headcount"
    response = client.post("/api/v1/demands", headers=headers, json=new_demand(occupation_code="9-99-99-99"))
    assert response.status_code == 422 and response.get_json()["field"] == "occupation_code"


def test_demand_scope_and_roles(client, session, api_user):
    occupation(session)
    _hr, headers = api_user("enterprise_hr")
    demand_id = client.post("/api/v1/demands", headers=headers, json=new_demand()).get_json()["id"]
    _other, other_headers = api_user("enterprise_hr")
    assert client.get(f"/api/v1/demands/{demand_id}", headers=other_headers).status_code == 404
    _staff, staff_headers = api_user("institution_staff")
    assert client.post("/api/v1/demands", headers=staff_headers, json=new_demand()).status_code == 403
    _assessor, assessor_headers = api_user("assessor")
    assert client.get("/api/v1/demands", headers=assessor_headers).status_code == 403


def test_project_class_enrolment_and_transitions(client, session, api_user):
    occupation(session)
    staff, headers = api_user("institution_staff")
    project = client.post("/api/v1/projects", headers=headers, json={
        "name": "焊工技能提升", "project_type": "skills_upgrade", "occupation_code": "6-18-02-04",
        "target_level_digit": 3})
    assert project.status_code == 201 and project.get_json()["reference_hours"] == 300
    project_id = project.get_json()["id"]
    klass = client.post("/api/v1/classes", headers=headers, json={
        "project_id": project_id, "name": "一期", "start_date": today().isoformat(),
        "end_date": (today() + timedelta(days=20)).isoformat(), "capacity": 1, "venue": "实训楼",
        "teacher_names": "李老师", "completion_threshold": 0.9})
    assert klass.status_code == 201 and klass.get_json()["completion_threshold"] == 0.9
    class_id = klass.get_json()["id"]
    first, second = trainee(session, staff), trainee(session, staff)
    session.commit()
    enrolled = client.post(f"/api/v1/classes/{class_id}/enrolments", headers=headers, json={
        "name": first.name, "id_type": "resident_id", "id_number": pii.decrypt(first.id_number_enc)})
    assert enrolled.status_code == 201 and enrolled.get_json()["status"] == "enrolled"
    full = client.post(f"/api/v1/classes/{class_id}/enrolments", headers=headers, json={"person_id": second.id})
    assert full.status_code == 422 and full.get_json()["code"] == "invalid" and full.get_json()["field"] == "person"
    assert "本班容量 1 人" in full.get_json()["error"]  # in the request's language (Chinese by default)
    enrolment_id = enrolled.get_json()["id"]
    bad = client.post(f"/api/v1/enrolments/{enrolment_id}/transitions", headers=headers, json={"to": "completed"})
    assert bad.status_code == 422 and bad.get_json()["code"] == "invalid_transition"
    started = client.post(f"/api/v1/enrolments/{enrolment_id}/transitions", headers=headers, json={"to": "in_training"})
    assert started.get_json()["status"] == "in_training"
    short = client.post(f"/api/v1/enrolments/{enrolment_id}/transitions", headers=headers, json={"to": "completed"})
    assert short.status_code == 422 and short.get_json()["field"] == "status"
    english = client.post(f"/api/v1/enrolments/{enrolment_id}/transitions", json={"to": "completed"},
                          headers={**headers, "Accept-Language": "en"})
    assert "270 are needed (300 reference hours × 90%)" in english.get_json()["error"]
    unexplained = client.post(f"/api/v1/enrolments/{enrolment_id}/transitions", headers=headers,
                              json={"to": "withdrawn", "reason": "  "})
    assert unexplained.status_code == 422 and unexplained.get_json()["field"] == "reason"
    roster = client.get(f"/api/v1/classes/{class_id}", headers=headers).get_json()
    assert roster["taken"] == 1 and roster["enrolments"][0]["attended_hours"] == 0
    assert client.get(f"/api/v1/classes/{class_id}/enrolments", headers=headers).get_json()["items"][0]["id"] \
        == enrolment_id
    assert [c["id"] for c in client.get(f"/api/v1/classes?project_id={project_id}", headers=headers)
            .get_json()["items"]] == [class_id]
    assert client.get("/api/v1/projects", headers=headers).get_json()["items"][0]["id"] == project_id


def test_other_institution_gets_404_through_the_api(client, session, api_user):
    owner, _ = api_user("institution_staff")
    klass = make_class(session, owner)
    session.commit()
    _stranger, headers = api_user("institution_staff")
    assert client.get(f"/api/v1/classes/{klass.id}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/classes/{klass.id}/enrolments", headers=headers,
                       json={"person_id": 1}).status_code == 404
    response = client.post("/api/v1/classes", headers=headers, json={
        "project_id": klass.project_id, "name": "x", "start_date": today().isoformat(),
        "end_date": today().isoformat(), "capacity": 1, "venue": "x", "teacher_names": "x"})
    assert response.status_code == 404


def test_apprenticeship_through_the_api(client, session, api_user, tmp_path):
    hr, headers = api_user("enterprise_hr")
    institution = make_org(session, "institution")
    person = trainee(session, hr)
    occupation(session)
    session.commit()
    body = {"person_id": person.id, "institution_id": institution.id, "occupation_code": "6-31-01-03",
            "target_level_digit": 5, "contract_start": today().isoformat(),
            "contract_end": (today() + timedelta(days=1200)).isoformat(), "planned_start": today().isoformat(),
            "planned_end": (today() + timedelta(days=500)).isoformat(), "mentor_name": "刘师傅",
            "mentor_level_digit": 2, "teacher_name": "陈老师"}
    refused = client.post("/api/v1/apprenticeships", headers=headers, json=body)
    assert refused.status_code == 422 and refused.get_json()["field"] == "target_level_digit"
    created = client.post("/api/v1/apprenticeships", headers=headers, json={**body, "target_level_digit": 4})
    assert created.status_code == 201 and created.get_json()["status"] == "planned"
    record_id = created.get_json()["id"]
    no_docs = client.post(f"/api/v1/apprenticeships/{record_id}/transitions", headers=headers, json={"to": "filed"})
    assert no_docs.status_code == 422 and no_docs.get_json()["field"] == "documents"
    unexplained = client.post(f"/api/v1/apprenticeships/{record_id}/transitions", headers=headers,
                              json={"to": "terminated"})
    assert unexplained.status_code == 422 and unexplained.get_json()["field"] == "reason"
    terminated = client.post(f"/api/v1/apprenticeships/{record_id}/transitions", headers=headers,
                             json={"to": "terminated", "reason": "未到岗"})
    assert terminated.status_code == 200 and terminated.get_json()["status"] == "terminated"
    assert client.get("/api/v1/apprenticeships?status=terminated", headers=headers).get_json()["items"][0]["id"] \
        == record_id


def test_apprenticeship_scope_and_filed_flow_through_the_api(client, session, api_user, tmp_path):
    hr, headers = api_user("enterprise_hr")
    record = file_apprenticeship(session, hr, make_apprenticeship(session, hr), tmp_path)
    session.commit()
    started = client.post(f"/api/v1/apprenticeships/{record.id}/transitions", headers=headers,
                          json={"to": "in_training"})
    assert started.status_code == 200 and len(started.get_json()["documents"]) == 3
    session.commit()  # end the test session's read snapshot before it writes again
    _other, other_headers = api_user("enterprise_hr")
    assert client.get(f"/api/v1/apprenticeships/{record.id}", headers=other_headers).status_code == 404
    _staff, staff_headers = api_user("institution_staff")
    assert client.post(f"/api/v1/apprenticeships/{record.id}/transitions", headers=staff_headers,
                       json={"to": "completed"}).status_code == 403


def test_openapi_documents_the_new_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/demands", "/demands/{demand_id}", "/projects", "/classes", "/classes/{class_id}",
                 "/classes/{class_id}/enrolments", "/enrolments/{enrolment_id}/transitions", "/apprenticeships",
                 "/apprenticeships/{apprenticeship_id}", "/apprenticeships/{apprenticeship_id}/transitions"):
        assert path in paths, path
    assert paths["/demands"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]["$ref"] \
        == "#/components/schemas/JobDemandDetail"
