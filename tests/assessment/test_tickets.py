"""Admission tickets (准考证) render to PDF with the candidate's details; the registration list exports to Excel."""

import io
from datetime import date

import pytest
from babel.support import Translations
from openpyxl import load_workbook
from pypdf import PdfReader

from app.assessment.registration import register_individual
from app.assessment.staffing import create_session
from app.assessment.tickets import (
    TICKET_CAPS,
    AdmissionTicketView,
    TicketLine,
    plan_tickets,
    registration_workbook,
)
from app.certification.rendering import photo_data_uri, render_design_pdf
from app.errors import NotFound
from app.people.photos import set_photo
from app.translation import TRANSLATIONS_DIR
from tests.assessment.factories import PRACTICAL_DAY, at, close, eligible_person, registered_plan
from tests.factories import NOW
from tests.people.factories import photo_bytes


def _pdf_text(views) -> str:
    pdf = render_design_pdf("admission_ticket", {"tickets": [{"v": v, "photo_uri": photo_data_uri(v.photo)}
                                                              for v in views]})
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_ticket_pdf_reads_back_name_masked_id_plan_and_schedule(session, world, tmp_path):
    plan, regs = registered_plan(session, world, people=2)
    set_photo(session, actor=world.staff, now=NOW, person_id=regs[0].person_id, data=photo_bytes(),
              storage_dir=tmp_path)
    close(session, world, plan)
    create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical", room="实训车间A",
                   starts_at=at(PRACTICAL_DAY, 9))
    views = plan_tickets(session, actor=world.staff, plan_id=plan.id, storage_dir=tmp_path)
    assert views[0].photo is not None and views[1].photo is None
    text, pages = _pdf_text(views)
    assert pages == 2
    person = regs[0].person
    for expected in ("职业技能等级认定准考证", person.name, person.id_masked, regs[0].ticket_number, "焊工",
                     "四级/中级工", "理论知识考试", "2026-12-15", "操作技能考核", "2026-12-16", "09:00", "实训车间A",
                     world.org.name):
        assert expected in text.replace(" ", ""), expected
    assert person.id_masked.count("*") >= 8  # never the full number


def test_ticket_view_holds_only_plain_values():
    with pytest.raises(TypeError):
        AdmissionTicketView(ticket_number=1, holder_name="x", id_type="x", id_masked="x", plan_title="x",
                            occupation_name="x", variant_name="--", level_label="x", org_name="x", venue="x",
                            lines=(TicketLine("理论", "2026-12-15", "09:00", "301"),))


def test_ineligible_candidates_have_no_ticket(session, world):
    plan, _ = registered_plan(session, world, people=1)
    other = eligible_person(session, world, name="李雷", years=1)
    reg = register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=other.id)
    with pytest.raises(NotFound):
        plan_tickets(session, actor=world.staff, plan_id=plan.id, registration_id=reg.id)


def test_registration_workbook_lists_outcomes_with_masked_numbers(session, world):
    plan, regs = registered_plan(session, world, people=1)
    register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id,
                        person_id=eligible_person(session, world, name="李雷", years=1).id)
    chinese = Translations.load(str(TRANSLATIONS_DIR), ["zh"]).gettext  # what the web edge's gettext gives in Chinese
    sheet = load_workbook(io.BytesIO(registration_workbook(plan, translate=chinese))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("准考证号", "姓名", "证件类型", "证件号码", "报名来源", "审核结果")
    assert rows[1][1] == "王伟" and rows[1][5] == "符合条件" and rows[1][0] == regs[0].ticket_number
    assert rows[2][1] == "李雷" and rows[2][5] == "不符合条件" and "需满 6 年" in rows[2][6]
    assert "*" in rows[1][3]
    assert sheet.title == "焊工 四级／中级工"
    english = load_workbook(io.BytesIO(registration_workbook(plan))).active  # no translate: the English message ids
    header = next(english.iter_rows(values_only=True))
    assert header[:6] == ("Ticket number", "Candidate name", "ID type", "ID number", "Registration source",
                          "Eligibility check")
    assert [row[5] for row in english.iter_rows(min_row=2, values_only=True)] == ["Eligible", "Not eligible"]
    assert date(2026, 12, 10) == plan.registration_deadline


def test_a_ticket_with_every_field_at_its_cap_fits_one_sheet():
    wide = "国" * 60
    view = AdmissionTicketView(
        ticket_number="202600030001", holder_name=wide[:TICKET_CAPS["holder_name"]], id_type="港澳台居民居住证",
        id_masked="8100**********0132", plan_title=wide[:TICKET_CAPS["plan_title"]],
        occupation_name=wide[:TICKET_CAPS["occupation_name"]], variant_name=wide[:TICKET_CAPS["variant_name"]],
        level_label="二级/技师", org_name=wide[:TICKET_CAPS["org_name"]], venue=wide[:TICKET_CAPS["venue"]],
        lines=tuple(TicketLine(name, "2026-12-15", "09:00", wide[:TICKET_CAPS["place"]])
                    for name in ("理论知识考试", "操作技能考核", "综合评审")),
        photo=photo_bytes(),
    )
    text, pages = _pdf_text([view])
    assert pages == 1 and "综合评审" in text
