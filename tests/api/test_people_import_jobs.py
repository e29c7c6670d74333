"""A sheet of more rows than the interactive size, sent to the API: 202 with the job to follow, its status while
it runs and its outcome after — counts, or every problem (nothing imported) — for its uploader only."""

import json

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.people.import_job_models import PeopleImportJob
from app.people.models import Person
from app.tasks import run_people_import_job
from tests.api.test_people_import import BAD_ID, OFFICE_HEADERS, sheet, upload
from tests.people.factories import phone, resident_id


@pytest.fixture(autouse=True)
def small_interactive_size(app):
    app.config["PEOPLE_IMPORT_INTERACTIVE_ROWS"] = 3


def rows(count):
    given = "伟芳娜敏静丽强磊军洋"
    return [["王" + given[n % len(given)], "居民身份证", resident_id(), phone(), "高中", "鞍钢集团", "焊工", 2]
            for n in range(count)]


def people(session) -> int:
    session.rollback()
    return session.scalar(select(func.count(Person.id)))


def test_a_large_sheet_is_accepted_as_a_job_whose_status_follows_it(app, client, session, api_user, monkeypatch):
    held = []
    monkeypatch.setitem(app.extensions["huey_tasks"], "import_people", held.append)
    _user, headers = api_user("institution_staff")
    accepted = upload(client, headers, sheet([[*row, "x"] for row in rows(6)], headers=[*OFFICE_HEADERS, "备注"]),
                      mapping=json.dumps({"备注": None}))
    assert accepted.status_code == 202, accepted.get_json()
    body = accepted.get_json()
    assert (body["status"], body["done"], body["total"]) == ("queued", 0, 6)
    assert accepted.headers["Location"] == body["url"] == f"/api/v1/people/imports/{body['id']}"
    assert held == [body["id"]] and people(session) == 0
    assert client.get(body["url"], headers=headers).get_json()["status"] == "queued"
    run_people_import_job(app, body["id"])
    status = client.get(body["url"], headers=headers)
    assert status.status_code == 200
    done = status.get_json()
    assert (done["status"], done["done"], done["total"], done["created"], done["updated"], done["unchanged"],
            done["work_records_added"], done["error"]) == ("done", 6, 6, 6, 0, 0, 6, None)
    assert people(session) == 6
    job = session.get(PeopleImportJob, body["id"])
    assert job.channel == "api" and job.mapping == {"备注": ""} and job.upload_token is None
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "person_import_job")).all()
    assert sorted(actions) == ["person_import_job.finish", "person_import_job.start"]


def test_a_large_sheet_with_bad_rows_imports_nothing_and_lists_every_problem(client, session, api_user):
    _user, headers = api_user("institution_staff")
    data = rows(5)
    data[0][2] = BAD_ID
    data[3][0] = ""
    accepted = upload(client, headers, sheet(data), language="en")
    assert accepted.status_code == 202
    status = client.get(accepted.get_json()["url"], headers={**headers, "Accept-Language": "en"}).get_json()
    assert (status["status"], status["error_count"]) == ("invalid", 2)
    assert status["error"] == "Nothing was imported: 2 problems found."
    assert [(e["row"], e["column"]) for e in status["errors"]] == [(2, "证件号码"), (5, "姓名")]
    assert all(e["message"] and e["message"].isascii() for e in status["errors"])  # in the caller's language
    assert people(session) == 0


def test_a_job_is_not_found_for_other_users(client, session, api_user):
    _owner, headers = api_user("institution_staff")
    job_url = upload(client, headers, sheet(rows(4))).get_json()["url"]
    _other, other_headers = api_user("institution_staff")
    assert client.get(job_url, headers=other_headers).status_code == 404
    _admin, admin_headers = api_user("admin")
    assert client.get(job_url, headers=admin_headers).status_code == 200
    assert client.get("/api/v1/people/imports/999999", headers=headers).status_code == 404


def test_a_sheet_with_an_undecided_column_is_refused_at_once_whatever_its_size(client, session, api_user):
    _user, headers = api_user("institution_staff")
    refused = upload(client, headers, sheet([[*row, "x"] for row in rows(6)], headers=[*OFFICE_HEADERS, "备注"]))
    assert refused.status_code == 422 and refused.get_json()["unmapped"] == ["备注"]
    session.rollback()
    assert session.scalar(select(func.count(PeopleImportJob.id))) == 0
