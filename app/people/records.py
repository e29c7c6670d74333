"""A person's work history, certificates already held and professional titles, and the eligibility input built from them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.catalog import eligibility
from app.catalog.ladder import level_name
from app.clock import local_date
from app.errors import ValidationFailed
from app.idnumbers import CertificateNumber, IdNumberError, parse_any_certificate_number
from app.people.access import person_for_change
from app.people.models import (
    CERTIFICATE_SOURCES,
    HeldCertificate,
    LevelAward,
    Person,
    ProfessionalTitle,
    WorkRecord,
)
from app.people.validation import (
    check_declared_years,
    check_occupation_code,
    check_text,
    check_work_dates,
    invalid_choice,
)
from app.people.vocabulary import PRIMARY, TITLE_LEVEL_LABELS
from app.translation import N_


def add_work_record(session: Session, *, actor: User | None, now: datetime, person_id: int, employer_name: str,
                    occupation_name: str, start_date: date | None = None, end_date: date | None = None,
                    occupation_code: str | None = None, declared_years: Decimal | None = None) -> WorkRecord:
    """Add a stretch of work (end_date None while ongoing), or the years worked in an occupation as the person
    declares them (从业年限, kept as declared today); either counts towards eligibility."""
    person = person_for_change(session, actor=actor, person_id=person_id)
    employer = check_text(employer_name, field="employer_name", what=N_("employer"), max_length=200, required=True)
    occupation = check_text(occupation_name, field="occupation_name", what=N_("occupation worked in"), max_length=100,
                            required=True)
    code = check_occupation_code(occupation_code)
    if start_date is None and declared_years is None:
        raise ValidationFailed(N_("Enter the start date, or the years worked as the person declares them."),
                               field="start_date")
    if start_date is None and end_date is not None:
        raise ValidationFailed(N_("A work end date needs the work start date; give both dates, or the years worked "
                                  "only."), field="end_date")
    if start_date is not None:
        check_work_dates(start_date, end_date, born=person.birth_date, today=local_date(now))
    if declared_years is not None:
        declared_years = check_declared_years(declared_years, born=person.birth_date, today=local_date(now))
    record = WorkRecord(
        person_id=person.id, employer_name=employer, occupation_code=code, occupation_name=occupation,
        start_date=start_date, end_date=end_date, declared_years=declared_years,
        declared_on=local_date(now) if declared_years is not None else None, created_at=now,
    )
    session.add(record)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="person.add_work", object_type="person", object_id=person.id,
        new={"work_record_id": record.id, "employer_name": employer, "occupation_code": code,
             "occupation_name": occupation, "start_date": start_date.isoformat() if start_date else None,
             "end_date": end_date.isoformat() if end_date else None,
             "declared_years": str(declared_years) if declared_years is not None else None},
    )
    return record


def check_certificate_number(number: str, *, level_digit: int, issue_date: date) -> tuple[str, str]:
    """Parse a certificate number and cross-check its level digit and year; return (number, format)."""
    try:
        parsed = parse_any_certificate_number(number)
    except IdNumberError as exc:
        raise ValidationFailed(exc.message, field="number") from exc
    if parsed.level_digit != level_digit:
        raise ValidationFailed(
            N_("The level code in the certificate number is {code} ({level}), which does not match the level "
               "entered, {entered}.", code=parsed.level_digit, level=level_name(parsed.level_digit),
               entered=level_name(level_digit)),
            field="level_digit",
        )
    if parsed.year2 != f"{issue_date.year % 100:02d}":
        raise ValidationFailed(
            N_("The year in the certificate number is {year}, which does not match the year of the issue date "
               "{issued} ({issued_year}).", year=parsed.year2, issued=issue_date.isoformat(),
               issued_year=format(issue_date.year % 100, "02d")),
            field="issue_date",
        )
    return parsed.text, "national" if isinstance(parsed, CertificateNumber) else "legacy"


def add_held_certificate(session: Session, *, actor: User | None, now: datetime, person_id: int, number: str,
                         occupation_name: str, level_digit: int, issue_date: date, issuer_name: str,
                         occupation_code: str | None = None, source: str = "declared") -> HeldCertificate:
    """Record a certificate the person holds; the number must agree with the level and issue year."""
    person = person_for_change(session, actor=actor, person_id=person_id)
    if isinstance(level_digit, bool) or level_digit not in (1, 2, 3, 4, 5):
        raise ValidationFailed(N_("The level should be 1–5 (Level 5 … Level 1); it is {value}.",
                                  value=repr(level_digit)), field="level_digit")
    if issue_date > local_date(now):
        raise ValidationFailed(N_("The issue date {date} is after today.", date=issue_date.isoformat()), field="issue_date")
    if source not in CERTIFICATE_SOURCES:
        raise ValidationFailed(N_("Unknown certificate source: {source}.", source=source), field="source")
    text, number_format = check_certificate_number(number, level_digit=level_digit, issue_date=issue_date)
    holder = session.scalar(select(HeldCertificate.person_id).where(HeldCertificate.number == text))
    if holder is not None:
        if holder == person.id:
            raise ValidationFailed(N_("Certificate number {number} is already recorded for this person.", number=text),
                                   field="number")
        raise ValidationFailed(N_("Certificate number {number} is already recorded for another person.", number=text),
                               field="number")
    cert = HeldCertificate(
        person_id=person.id, number=text, number_format=number_format,
        occupation_code=check_occupation_code(occupation_code),
        occupation_name=check_text(occupation_name, field="occupation_name", what=N_("occupation name"), max_length=100,
                                   required=True),
        level_digit=level_digit, issue_date=issue_date,
        issuer_name=check_text(issuer_name, field="issuer_name", what=N_("issuing organisation"), max_length=200,
                               required=True),
        source=source, created_at=now,
    )
    session.add(cert)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="person.add_certificate", object_type="person", object_id=person.id,
        new={"certificate_id": cert.id, "number": text, "level_digit": level_digit,
             "occupation_name": cert.occupation_name, "issue_date": issue_date.isoformat(), "source": source},
    )
    return cert


def add_professional_title(session: Session, *, actor: User | None, now: datetime, person_id: int, name: str,
                           level: str, obtained_on: date, in_speciality: bool = False) -> ProfessionalTitle:
    """Record a professional title (职称); some eligibility routes accept it."""
    person = person_for_change(session, actor=actor, person_id=person_id)
    if level not in TITLE_LEVEL_LABELS:
        raise invalid_choice(N_("Title level"), level, TITLE_LEVEL_LABELS, field="level")
    if obtained_on > local_date(now):
        raise ValidationFailed(N_("The date obtained {date} is after today.", date=obtained_on.isoformat()),
                               field="obtained_on")
    title = ProfessionalTitle(
        person_id=person.id, name=check_text(name, field="name", what=N_("title name"), max_length=100, required=True),
        level=level, obtained_on=obtained_on, in_speciality=bool(in_speciality), created_at=now,
    )
    session.add(title)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="person.add_title", object_type="person", object_id=person.id,
        new={"title_id": title.id, "name": title.name, "level": level, "obtained_on": obtained_on.isoformat()},
    )
    return title


def applicant_for(session: Session, person: Person, *, occupation_code: str, related_codes: Collection[str] = (),
                  speciality_matches: bool = False) -> eligibility.Applicant:
    """The eligibility input for one target occupation, built from the person's records.

    ``speciality_matches`` says whether the person's major (所学专业) is the occupation's speciality or a
    related one; it is a reviewer's judgement, so the caller supplies it. Level awards that carry a digit
    count as held certificates of that level. Completed apprenticeships are recorded by a later stage.
    """
    return applicants_for(session, [person], occupation_code=occupation_code, related_codes=related_codes,
                          speciality_matches=speciality_matches)[person.id]


def applicants_for(session: Session, persons: Collection[Person], *, occupation_code: str,
                   related_codes: Collection[str] = (),
                   speciality_matches: bool = False) -> dict[int, eligibility.Applicant]:
    """The eligibility input of many people at once (one query per kind of record), by person id."""
    related = frozenset(related_codes)
    ids = [person.id for person in persons]

    def is_related(code: str | None) -> bool:
        return code is not None and code != occupation_code and code in related

    def rows(model):
        stmt = select(model).where(model.person_id.in_(ids)).order_by(model.id)
        if model is LevelAward:
            stmt = stmt.where(LevelAward.level_digit.is_not(None))
        found: dict[int, list] = {pid: [] for pid in ids}
        for row in session.scalars(stmt):
            found[row.person_id].append(row)
        return found

    work_rows, cert_rows, award_rows, title_rows = (rows(m) for m in (WorkRecord, HeldCertificate, LevelAward,
                                                                         ProfessionalTitle))
    applicants = {}
    for person in persons:
        records = work_rows[person.id]
        # A record with dates counts by its dates; one with declared years only (从业年限) counts as declared.
        work = tuple(
            eligibility.WorkPeriod(r.start_date, r.end_date, r.occupation_code, is_related(r.occupation_code))
            for r in records if r.start_date is not None
        )
        declared = tuple(
            eligibility.DeclaredWork(round(r.declared_years * 12), r.declared_on, r.occupation_code,
                                     is_related(r.occupation_code))
            for r in records if r.start_date is None and r.declared_years
        )
        held = {(c.occupation_code, c.level_digit, c.issue_date) for c in cert_rows[person.id]}
        held |= {(a.occupation_code, a.level_digit, a.awarded_on) for a in award_rows[person.id]}
        certificates = tuple(
            eligibility.HeldCertificate(code, digit, issued, is_related(code))
            for code, digit, issued in sorted(held, key=lambda item: (item[2], item[1], item[0] or ""))
        )
        education = ()
        if person.education and person.education != PRIMARY:
            education = (eligibility.Education(person.education, speciality_matches),)
        schools = ()
        if person.school_type and person.graduated_on:
            schools = (eligibility.SchoolGraduation(person.school_type, speciality_matches, person.graduated_on),)
        titles = tuple(eligibility.ProfessionalTitle(t.level, t.obtained_on, t.in_speciality)
                       for t in title_rows[person.id])
        applicants[person.id] = eligibility.Applicant(
            birth_date=person.birth_date, work=work, education=education, schools=schools,
            certificates=certificates, titles=titles, declared=declared,
        )
    return applicants
