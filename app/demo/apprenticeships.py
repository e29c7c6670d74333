"""Demo apprenticeships at every stage: planned, filed, in training with a logbook, completed, terminated."""

from __future__ import annotations

import random
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.catalog.models import Occupation
from app.clock import local_date
from app.demo.people import demo_id_number
from app.idnumbers import RESIDENT
from app.people.models import Person, PersonAccess
from app.people.services import register_person
from app.people.validation import age_on
from app.training.apprenticeship_records import (
    add_logbook_entry,
    award_apprentice_grade,
    sign_logbook_entry,
    upload_document,
)
from app.training.apprenticeships import change_apprenticeship_status, create_apprenticeship
from app.training.periods import add_months
from app.training.subsidies import record_subsidy_payment, subsidy_position
from app.training.vocabulary import DOCUMENT_KINDS
from app.translation import in_chinese

WORK = [("焊接工艺评定试件制作", "平焊、立焊"), ("船体分段对接焊", "气体保护焊"), ("焊缝外观检验与返修", "焊缝检验"),
        ("角焊缝练习", "横焊"), ("不锈钢薄板焊接", "氩弧焊")]


def demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF standing in for a scanned document."""
    text = f"BT /F1 18 Tf 72 760 Td ({title}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _storage_dir() -> Path:
    # `flask demo load` runs inside the app, so files land where the app serves them from; elsewhere
    # (a test loading the demo into its own session) they go to a scratch folder.
    if has_app_context():
        return Path(current_app.config["FILE_STORAGE_DIR"])
    return Path(tempfile.mkdtemp(prefix="jiangcai-demo-files-"))


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


def _employees(session: Session, enterprise_id: int, on: date) -> list[Person]:
    stmt = (select(Person).join(PersonAccess, PersonAccess.person_id == Person.id)
            .where(PersonAccess.organisation_id == enterprise_id).order_by(Person.id.desc()))
    return [p for p in session.scalars(stmt) if 18 <= age_on(p.birth_date, on) <= 40]


def _documents(session: Session, hr: User, record, storage: Path, now: datetime, kinds=tuple(DOCUMENT_KINDS)) -> None:
    for kind in kinds:
        upload_document(session, actor=hr, now=now, apprenticeship_id=record.id, kind=kind,
                        filename=f"{in_chinese(DOCUMENT_KINDS[kind])}-{record.person.name}.pdf",
                        data=demo_pdf(f"Jiangcai demo {kind} no. {record.id}"), storage_dir=storage, fee="18000")


def _move(session: Session, hr: User, record, to: str, when: date, reason: str | None = None) -> None:
    change_apprenticeship_status(session, actor=hr, now=_at(when), apprenticeship_id=record.id, to_status=to,
                                 reason=reason)


def _advance(session: Session, admin: User, record, when: date) -> None:
    amount = subsidy_position(session, record).advance_payable
    if amount > 0:
        record_subsidy_payment(session, actor=admin, now=_at(when), apprenticeship_id=record.id, kind="advance",
                               amount=amount, paid_on=when, reference=f"辽人社学徒预拨{when:%Y%m}-{record.id:03d}")


def load_apprenticeships(session: Session, *, now: datetime, users: dict[str, User],
                         orgs: dict[str, Organisation], codes: dict[str, Occupation]) -> dict[str, int]:
    """Five apprenticeships, one at each stage, with documents, logbook, grade and subsidy ledger."""
    today, storage, admin = local_date(now), _storage_dir(), users["admin"]
    inst = {"sy": orgs["沈阳匠心职业技能培训学校"], "dl": orgs["大连滨海职业技能培训学校"]}
    plans = [
        # key, hr, enterprise, institution, occupation, trade, target, mentor (name, level), teacher, start, months
        ("planned", "hr_sy", "沈阳北方数控机床有限公司", "sy", "6-18-01-01", "数控车工", 4, ("孙国强", 2), "王建国",
         today + timedelta(days=20), 24),
        ("filed", "hr_sy", "沈阳北方数控机床有限公司", "sy", "6-30-99-00", None, 3, ("马立军", 2), "王建国",
         today + timedelta(days=10), 18),
        ("in_training", "hr_dl", "大连星海船舶工程有限公司", "dl", "6-18-02-04", None, 4, ("高德胜", 2), "陈晓梅",
         today - timedelta(days=120), 24),
        ("completed", "hr_as", "鞍山恒钢金属制品有限公司", "sy", "6-31-01-03", None, 3, ("韩志远", 1), "李红",
         add_months(today, -13), 12),
        ("terminated", "hr_dl", "大连星海船舶工程有限公司", "dl", "6-18-02-04", None, 4, ("高德胜", 2), "陈晓梅",
         today - timedelta(days=200), 24),
    ]
    used: set[int] = set()
    entries = 0
    for key, hr_name, enterprise, inst_key, code, trade, target, mentor, teacher, start, months in plans:
        hr = users[hr_name]
        person = next((p for p in _employees(session, orgs[enterprise].id, start) if p.id not in used), None) \
            or _new_employee(session, hr, now, len(used))
        used.add(person.id)
        end = add_months(start, months) - timedelta(days=1)
        created_on = min(today, start - timedelta(days=15))
        record = create_apprenticeship(
            session, actor=hr, now=_at(created_on), person_id=person.id, institution_id=inst[inst_key].id,
            occupation_id=codes[code].id, target_level_digit=target, contract_start=start - timedelta(days=30),
            contract_end=add_months(start, months + 24), planned_start=start, planned_end=end,
            mentor_name=mentor[0], mentor_level_digit=mentor[1], teacher_name=teacher, variant_name=trade)
        if key == "planned":
            _documents(session, hr, record, storage, _at(created_on), kinds=("training_plan",))
            continue
        _documents(session, hr, record, storage, _at(created_on))
        _move(session, hr, record, "filed", created_on + timedelta(days=3))
        _advance(session, admin, record, min(today, created_on + timedelta(days=10)))
        if key == "filed":
            continue
        _move(session, hr, record, "in_training", start)
        award_apprentice_grade(session, actor=hr, now=_at(start), apprenticeship_id=record.id, awarded_on=start)
        entries += _logbook(session, hr, record, start, today if key == "in_training" else start + timedelta(days=60))
        if key == "completed":
            _move(session, hr, record, "completed", end + timedelta(days=1))
        elif key == "terminated":
            _move(session, hr, record, "terminated", today - timedelta(days=30), reason="学徒个人原因解除劳动合同")
    return {"apprenticeships": len(plans), "logbook entries": entries}


def _new_employee(session: Session, hr: User, now: datetime, n: int) -> Person:
    """A young employee registered by the enterprise, for when none of the demo people works there."""
    rng = random.Random(7000 + n)
    number = demo_id_number(rng, date(now.year - 22, 3 + n, 10 + n), female=False)
    return register_person(session, actor=hr, now=now, name=f"学徒{'甲乙丙丁戊'[n % 5]}", id_type=RESIDENT,
                           id_number=number)


def _logbook(session: Session, hr: User, record, start: date, until: date) -> int:
    day, made = start + timedelta(days=7), 0
    while day <= until and made < 12:
        work, skills = WORK[made % len(WORK)]
        entry = add_logbook_entry(session, actor=hr, now=_at(min(until, day + timedelta(days=1))),
                                  apprenticeship_id=record.id, entry_date=day, work_done=work, skills=skills,
                                  hours=8)
        if day + timedelta(days=14) <= until:
            sign_logbook_entry(session, actor=hr, now=_at(day + timedelta(days=2)), entry_id=entry.id)
        day += timedelta(days=9)
        made += 1
    return made
