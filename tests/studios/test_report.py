"""The annual report of a studio: Excel and a Chinese PDF listing the apprentices' certificates."""

from datetime import date
from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader

from app.people.models import HeldCertificate
from app.studios.records import apprentice_progress
from app.studios.report import annual_report, report_pdf, report_workbook
from tests.factories import NOW
from tests.studios.factories import busy_year, listed_studio, make_host

NUMBER = "S000021000010263000123"


def _report(session, tmp_path):
    host = make_host(session)
    studio = listed_studio(session, host, tmp_path)
    busy_year(session, host, studio, tmp_path, apprentices=2, high_skill=1)
    apprentice = studio_apprentice(session, studio)
    session.add(HeldCertificate(person_id=apprentice.id, number=NUMBER, number_format="national",
                                occupation_code="6-31-01-03", occupation_name="电工", level_digit=3,
                                issue_date=date(2026, 9, 1), issuer_name="沈阳市职业技能鉴定中心",
                                source="issued_here", created_at=NOW))
    session.flush()
    return studio, apprentice


def studio_apprentice(session, studio):
    """The first apprentice of the studio."""
    return apprentice_progress(session, studio.id)[0].agreement.apprentice


def test_report_reads_apprentices_awards_and_certificates(session, tmp_path):
    studio, apprentice = _report(session, tmp_path)
    report = annual_report(session, studio, 2026, today=NOW.date())
    apprentices = next(s for s in report.sections if "Apprentices" in s.title)
    row = next(r for r in apprentices.rows if r[0] == apprentice.name)
    assert "Senior worker" in row[5] and NUMBER in row[6]
    ledger = next(s for s in report.sections if s.title == "Funding ledger")
    assert any("70,000.00" == r[4] for r in ledger.rows)


def test_report_workbook_and_pdf(session, tmp_path):
    studio, _apprentice = _report(session, tmp_path)
    report = annual_report(session, studio, 2026, today=NOW.date())
    book = load_workbook(BytesIO(report_workbook(report)))
    assert book.sheetnames[0] == "Summary"
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert any(NUMBER in str(c) for c in cells) and studio.name in cells
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(report_pdf(report))).pages)
    assert NUMBER in text.replace("\n", "")
    assert "2026年度工作报告" in text and studio.name in text and "电工" in text
