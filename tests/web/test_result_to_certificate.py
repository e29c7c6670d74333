"""The chain's end: a final passing assessment result becomes a numbered, downloadable certificate in the UI."""

import hashlib

from sqlalchemy import select

from app.assessment.results import finalise_plan, publish_results
from app.certification.models import Certificate
from tests.assessment.conftest import world  # noqa: F401  (fixture)
from tests.assessment.test_results import AFTER_NOTICE, PUBLISHED, run_exams
from tests.conftest import csrf_token_from, login


def test_final_results_become_certificates_through_the_results_page(app, client, session, world):  # noqa: F811
    plan, _regs = run_exams(session, world, theory=["72", "40"], practical=["80", "80"], people=2)
    publish_results(session, actor=world.staff, now=PUBLISHED, plan_id=plan.id)
    finalise_plan(session, actor=world.staff, now=AFTER_NOTICE, plan_id=plan.id)
    username = world.staff.username
    session.commit()
    login(client, username)
    page = client.get(f"/assessment/plans/{plan.id}/results")
    html = page.get_data(as_text=True)
    assert 'id="issue-certificates"' in html
    response = client.post("/certificates/jobs", data={
        "csrf_token": csrf_token_from(html), "scope_type": "assessment_plan", "scope_id": str(plan.id)})
    assert response.status_code == 302
    assert client.get(response.headers["Location"] + ".json").get_json()["status"] == "done"
    session.rollback()
    (certificate,) = session.scalars(select(Certificate)).all()  # only the candidate who passed
    assert certificate.holder_name == "王伟" and certificate.number.startswith(world.org.filing.number_prefix)
    assert certificate.level_digit == 4 and certificate.source_type == "assessment_result"
    with client.get(f"/certificates/{certificate.id}/pdf") as pdf:
        assert hashlib.sha256(pdf.data).hexdigest() == certificate.pdf_sha256
