"""Certificate edge: safe redirects, confirmation with a required reason, one batch rule for web, API and CLI."""

import pytest
from sqlalchemy import func, select

from app.certification.models import Certificate, CertificateJob
from tests.conftest import csrf_token_from, login, post_form
from tests.factories import bearer_headers, make_user
from tests.training.factories import completed_trainee, make_class
from tests.web.test_certificate_screens import issued

ONLY_ISSUER = "Only the issuing organisation may issue certificates for these records."


@pytest.mark.parametrize("target", ["//other.host/x", "/\\other.host", "https://other.host/", "javascript:alert(1)"])
def test_a_refused_issue_never_leaves_the_site(client, session, target):
    make_user(session, "institution_staff", username="teacher")
    session.commit()
    login(client, "teacher")
    token = csrf_token_from(client.get("/certificates").get_data(as_text=True))
    response = client.post("/certificates/issue/enrolment",
                           data={"csrf_token": token, "source_id": "not a number", "next": target},
                           headers={"Referer": "https://other.host/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/certificates"


def test_a_refused_issue_returns_to_the_page_it_came_from(client, session):
    make_user(session, "institution_staff", username="teacher")
    session.commit()
    login(client, "teacher")
    token = csrf_token_from(client.get("/certificates").get_data(as_text=True))
    response = client.post("/certificates/issue/enrolment", data={"csrf_token": token, "source_id": "",
                                                                   "next": "/classes/7#roster"})
    assert response.headers["Location"] == "/classes/7#roster"


def test_correction_needs_a_reason_and_keeps_what_was_typed(app, client, session):
    _org, _staff, certificate = issued(app, session)
    login(client, "evalstaff")
    url = f"/certificates/{certificate.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="confirm-correct"' in page and 'id="confirm-revoke"' in page and "刘洋" in page
    response = post_form(client, f"{url}/correct", {"reason": "", "variant_name": "电焊"}, form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="confirm-correct" open' in html and 'value="电焊"' in html
    response = post_form(client, f"{url}/correct", {"reason": "错字", "variant_name": "电焊"}, form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and ">错字</textarea>" in html and html.count("至少 4 个字") == 1
    session.rollback()
    assert session.get(Certificate, certificate.id).status == "valid"
    response = post_form(client, f"{url}/correct", {"reason": "工种方向填写有误", "variant_name": "电焊"}, form_url=url)
    assert response.status_code == 302 and response.headers["Location"] != url
    session.rollback()
    assert session.get(Certificate, certificate.id).status == "superseded"


def test_web_api_and_cli_give_the_same_refusal_for_another_organisations_class(app, client, session):
    owner = make_user(session, "institution_staff", username="owner")
    klass = make_class(session, owner)
    stranger = make_user(session, "institution_staff", username="stranger")
    session.commit()
    headers = bearer_headers(session, stranger)
    scope = {"scope_type": "training_class", "scope_id": str(klass.id)}

    login(client, "stranger")
    web = post_form(client, "/certificates/jobs", scope, form_url="/certificates")
    assert web.status_code == 403 and "只有发证机构可以为这些记录发证" in web.get_data(as_text=True)

    api = client.post("/api/v1/certificate-jobs", headers={**headers, "Accept-Language": "en"},
                      json={"scope_type": "training_class", "scope_id": klass.id})
    assert api.status_code == 403
    assert api.get_json()["code"] == "not_allowed" and api.get_json()["error"] == ONLY_ISSUER

    cli = app.test_cli_runner().invoke(args=["certificates", "issue-batch", "--scope-type", "training_class",
                                             "--scope-id", str(klass.id), "--as", "stranger"])
    assert cli.exit_code == 1 and "Refused (not_allowed)" in cli.output and ONLY_ISSUER in cli.output

    session.rollback()
    assert session.scalar(select(func.count()).select_from(CertificateJob)) == 0


def test_the_cli_needs_an_actor_and_runs_the_batch_as_them(app, session):
    owner = make_user(session, "institution_staff", username="owner")
    klass = make_class(session, owner)
    session.commit()
    runner = app.test_cli_runner()
    empty = runner.invoke(args=["certificates", "issue-batch", "--scope-type", "training_class", "--scope-id",
                                str(klass.id), "--as", "owner", "--processes", "0"])
    assert empty.exit_code != 0 and "Nothing to issue for this class" in empty.output, empty.output
    completed_trainee(session, owner, klass)
    session.commit()
    args = ["certificates", "issue-batch", "--scope-type", "training_class", "--scope-id", str(klass.id)]
    assert runner.invoke(args=args).exit_code == 2  # --as is required
    assert "no user" in runner.invoke(args=[*args, "--as", "ghost"]).output
    result = runner.invoke(args=[*args, "--as", "owner", "--processes", "0"])
    assert result.exit_code == 0, result.output
    assert "1 of 1 certificates issued" in result.output
    session.rollback()
    job = session.scalar(select(CertificateJob))
    assert job.status == "done" and job.created_by_id == owner.id
