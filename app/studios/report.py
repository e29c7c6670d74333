"""The annual report of a studio or base: one frozen set of values, exported to Excel and printed as a PDF.

The values are read live from the records (the apprentices' awards and certificates are never copied);
labels stay marked messages until an edge renders them — the PDF, an official document, always in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalog.ladder import grade_by_key, level_label
from app.certification.rendering import render_design_pdf
from app.regions import city_name
from app.studios.appraisal import assessments_of
from app.studios.ledger import balances, ledger_entries
from app.studios.models import Studio, StudioActivity
from app.studios.records import apprentice_progress, teaching_hours
from app.studios.registry import leader_grade
from app.studios.vocabulary import (
    ACTIVITY_KINDS,
    AGREEMENT_STATUSES,
    ANNUAL_KINDS,
    ENTRY_KINDS,
    FUND_SOURCES,
    GRADES,
    KINDS,
    MATERIAL_KINDS,
    SPEND_CATEGORIES,
    STATUSES,
    TIERS,
)
from app.translation import N_, Message, Translate, english, in_chinese, joined, render


@dataclass(frozen=True)
class Section:
    """A titled table of the report."""

    title: Message
    headers: tuple[Message, ...]
    rows: tuple[tuple[object, ...], ...]


@dataclass(frozen=True)
class AnnualReport:
    """What the annual report of one studio or base for one year shows."""

    title: Message
    name: str
    year: int
    facts: tuple[tuple[Message, object], ...]
    sections: tuple[Section, ...]


def _in_year(day: date, year: int) -> bool:
    return day.year == year


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def annual_report(session: Session, studio: Studio, year: int, *, today: date) -> AnnualReport:
    """Gather the year's records of a studio or base (the caller has checked the actor may see it)."""
    grade = leader_grade(session, studio.leader_id, today) if studio.leader_id else None
    latest = next((a for a in assessments_of(session, studio.id) if a.round.year == year), None)
    facts = (
        (N_("Name"), studio.name), (N_("Kind"), KINDS[studio.kind]), (N_("Tier"), TIERS[studio.tier]),
        (N_("Host organisation"), studio.host.name), (N_("City"), city_name(studio.host.city_code)),
        (N_("Leader"), f"{studio.leader.name}" if studio.leader else "—"),
        (N_("Leader's current level"), grade.name if grade else "—"),
        (N_("Occupations"), studio.occupations), (N_("Status"), STATUSES[studio.status]),
        (N_("Approved on"), studio.approved_on.isoformat() if studio.approved_on else "—"),
        (N_("Cycle ends on"), studio.cycle_end.isoformat() if studio.cycle_end else "—"),
        *((MATERIAL_KINDS[kind], N_("Attached") if any(m.kind == kind and m.year == year for m in studio.materials)
           else N_("Not attached")) for kind in ANNUAL_KINDS),
        (N_("Assessment grade"), GRADES[latest.grade] if latest and latest.grade else "—"),
        (N_("Assessment total"), str(latest.total) if latest and latest.total is not None else "—"),
    )
    return AnnualReport(N_("Annual report {year}: {name}", year=year, name=studio.name), studio.name, year, facts, (
        _members(session, studio, year, today), _apprentices(session, studio, year), _activities(session, studio, year),
        _ledger(session, studio, year),
    ))


def _members(session: Session, studio: Studio, year: int, today: date) -> Section:
    hours = teaching_hours(session, studio.id, first=date(year, 1, 1), last=date(year, 12, 31))
    rows = []
    for member in studio.members:
        grade = leader_grade(session, member.person_id, today)
        rows.append((member.person.name, N_("Leader") if member.is_leader else N_("Member"),
                     grade.name if grade else "—", str(hours.get(member.person_id, Decimal("0")))))
    return Section(N_("Team and teaching hours"), (N_("Full name"), N_("Role"), N_("Current level"),
                                                   N_("Teaching hours")), tuple(rows))


def _apprentices(session: Session, studio: Studio, year: int) -> Section:
    rows = []
    for progress in apprentice_progress(session, studio.id):
        row = progress.agreement
        if row.start_on.year > year or row.end_on.year < year:
            continue
        reached = joined(grade_by_key(a.grade_key).name for a in progress.awards) if progress.awards else "—"
        certificates = "; ".join(f"{number} {occupation} {in_chinese(level_label(digit)) if digit else ''}"
                                 f" ({issued.isoformat()})".replace("  ", " ")
                                 for number, occupation, digit, issued in progress.certificates) or "—"
        rows.append((row.apprentice.name, row.master.name, row.start_on.isoformat(), row.end_on.isoformat(),
                     AGREEMENT_STATUSES[row.status], reached, certificates))
    return Section(N_("Apprentices, levels reached and certificates"),
                   (N_("Apprentice"), N_("Master"), N_("From"), N_("Until"), N_("Status"), N_("Levels reached"),
                    N_("Certificates")), tuple(rows))


def _activities(session: Session, studio: Studio, year: int) -> Section:
    rows = session.scalars(select(StudioActivity).where(StudioActivity.studio_id == studio.id)
                           .order_by(StudioActivity.dated_on))
    return Section(N_("Problems solved, exchanges and social service"),
                   (N_("Date"), N_("Kind"), N_("Title"), N_("Benefit"), N_("Benefit (yuan)")),
                   tuple((a.dated_on.isoformat(), ACTIVITY_KINDS[a.kind], a.title, a.benefit or "—",
                          a.benefit_yuan if a.benefit_yuan is not None else "—")
                         for a in rows if _in_year(a.dated_on, year)))


def _ledger(session: Session, studio: Studio, year: int) -> Section:
    entries = ledger_entries(session, studio.id, year=year)
    rows = [(e.dated_on.isoformat(), FUND_SOURCES[e.source], ENTRY_KINDS[e.entry_kind],
             SPEND_CATEGORIES[e.category] if e.category else "—", _money(e.amount), e.description,
             N_("No evidence") if e.flagged else (N_("Evidence attached") if e.file_path else "—"))
            for e in entries]
    for line in balances(ledger_entries(session, studio.id)):
        rows.append(("", FUND_SOURCES[line.source], N_("Balance"), "", _money(line.balance),
                     N_("Granted {granted}, spent {spent}", granted=_money(line.granted), spent=_money(line.spent)),
                     ""))
    return Section(N_("Funding ledger"), (N_("Date"), N_("Source"), N_("Line"), N_("Category"), N_("Amount (yuan)"),
                                          N_("Description"), N_("Evidence")), tuple(rows))


def report_workbook(report: AnnualReport, translate: Translate = english) -> bytes:
    """The report as an Excel workbook: a summary sheet and one sheet per section."""
    book = Workbook()
    sheet = book.active
    sheet.title = render(N_("Summary"), translate)[:31]
    sheet.append([render(report.title, translate)])
    sheet["A1"].font = Font(bold=True)
    for label, value in report.facts:
        sheet.append([render(label, translate), render(value, translate)])
    for section in report.sections:
        sheet = book.create_sheet(render(section.title, translate)[:31])
        sheet.append([render(h, translate) for h in section.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in section.rows:
            sheet.append([render(value, translate) for value in row])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def report_pdf(report: AnnualReport) -> bytes:
    """The report printed on A4 in Chinese."""
    def text(value: object) -> str:
        return str(in_chinese(value))

    context = {
        "name": report.name, "year": report.year,
        "facts": [(text(label), text(value)) for label, value in report.facts],
        "sections": [{"title": text(s.title), "headers": [text(h) for h in s.headers],
                      "rows": [[text(v) for v in row] for row in s.rows]} for s in report.sections],
    }
    return render_design_pdf("studio_report", context)
