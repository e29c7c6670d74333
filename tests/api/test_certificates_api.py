"""Certificates through the API: list, detail, stored PDF, revoke, batch job."""

import hashlib

from app.accounts.services import create_api_token
from app.assessment.results import finalise_plan, publish_results
from app.database import utcnow
from tests.assessment.conftest import world  # noqa: F401  (fixture)
from tests.assessment.test_results import AFTER_NOTICE, PUBLISHED, run_exams
from tests.factories import make_user


def test_batch_then_read_download_and_revoke(client, session, world):  # noqa: F811
    plan, _regs = run_exams(session, world, theory=["72", "75"], practical=["80", "80"], people=2)
    publish_results(session, actor=world.staff, now=PUBLISHED, plan_id=plan.id)
    finalise_plan(session, actor=world.staff, now=AFTER_NOTICE, plan_id=plan.id)
    _row, token = create_api_token(session, actor=world.staff, now=utcnow(), name="test")
    outsider = make_user(session, "enterprise_hr")
    _row, outsider_token = create_api_token(session, actor=outsider, now=utcnow(), name="test")
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    job = client.post("/api/v1/certificate-jobs", headers=headers,
                      json={"scope_type": "assessment_plan", "scope_id": plan.id})
    assert job.status_code == 202
    assert client.get(f"/api/v1/certificate-jobs/{job.get_json()['id']}", headers=headers).get_json()["done"] == 2
    items = client.get("/api/v1/certificates", headers=headers).get_json()["items"]
    assert len(items) == 2 and all(i["status"] == "valid" and i["level_digit"] == 4 for i in items)
    first = items[0]
    with client.get(f"/api/v1/certificates/{first['id']}/pdf", headers=headers) as pdf:
        assert hashlib.sha256(pdf.data).hexdigest() == first["pdf_sha256"]
    assert client.post(f"/api/v1/certificates/{first['id']}/revoke", headers=headers,
                       json={"reason": "短"}).status_code == 422
    for blank in ({}, {"reason": ""}, {"reason": "   "}):
        refused = client.post(f"/api/v1/certificates/{first['id']}/revoke", headers=headers, json=blank)
        assert refused.status_code == 422 and refused.get_json()["field"] == "reason"
    revoked = client.post(f"/api/v1/certificates/{first['id']}/revoke", headers=headers,
                          json={"reason": "材料造假，经核实撤销"})
    assert revoked.status_code == 200 and revoked.get_json()["status"] == "revoked"
    assert client.post(f"/api/v1/certificates/{first['id']}/revoke", headers=headers,
                       json={"reason": "再次撤销的尝试"}).status_code == 422
    other = {"Authorization": f"Bearer {outsider_token}"}
    assert client.get(f"/api/v1/certificates/{first['id']}", headers=other).status_code == 404
