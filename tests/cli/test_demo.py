"""`flask demo load` builds the demo data set once and prints the logins."""

from sqlalchemy import func, select

from app.accounts.models import Organisation, User
from app.accounts.services import authenticate
from app.demo.accounts import DEMO_LOGINS, DEMO_PASSWORD


def test_demo_load_creates_data_and_is_safe_to_repeat(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Demo data loaded" in first.output and "admin" in first.output and DEMO_PASSWORD in first.output
    orgs = session.scalar(select(func.count()).select_from(Organisation))
    users = session.scalar(select(func.count()).select_from(User))
    assert orgs == 9 and users >= 11  # the labour demo adds a 朝阳 co-operative and a Shenyang borrowing firm
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "already holds data" in second.output
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Organisation)) == orgs


def test_every_demo_login_works_and_kinds_are_realistic(app, session):
    app.test_cli_runner().invoke(args=["demo", "load", "--quiet"])
    for username, _label in DEMO_LOGINS:
        assert authenticate(session, username=username, password=DEMO_PASSWORD) is not None
    kinds = dict(session.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind)).all())
    assert kinds == {"hrss": 1, "institution": 2, "evaluation": 1, "enterprise": 5}
    evaluation = session.scalars(select(Organisation).where(Organisation.kind == "evaluation")).one()
    assert evaluation.filing.number_prefix.startswith("S000021")


def test_demo_with_certificates_issues_pdfs_that_verify(app, session, client):
    import re

    from app.assessment.result_models import AssessmentResult
    from app.certification.models import Certificate

    result = app.test_cli_runner().invoke(args=["demo", "load", "--with-certificates"])
    assert result.exit_code == 0, result.output
    match = re.search(r"certificate number (\S+) and name (\S+)\.", result.output)
    assert match, result.output
    certificates = session.scalars(select(Certificate).where(Certificate.source_type == "assessment_result")).all()
    promoted = session.scalars(select(Certificate).where(Certificate.source_type == "competition_promotion")).all()
    assert promoted and all(c.level_digit == 2 for c in promoted)  # the demo competition's winners: 二级/技师
    final_passes = session.scalar(select(func.count()).select_from(AssessmentResult).where(
        AssessmentResult.status == "final", AssessmentResult.passed.is_(True),
        AssessmentResult.ready_for_certificate.is_(True)))
    assert len(certificates) == final_passes >= 3 and all(c.kind == "skill_level" and c.status == "valid" for c in certificates)
    assert all((app.config["FILE_STORAGE_DIR"] / c.pdf_path).is_file() for c in certificates)
    session.rollback()
    answer = client.get("/api/v1/verify", query_string={"number": match.group(1), "name": match.group(2)})
    body = answer.get_json()
    assert answer.status_code == 200 and body["certificate"]["status"] == "valid"
    assert body["certificate"]["number"] == match.group(1)
