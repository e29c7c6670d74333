"""Evaluation filings (备案): the codes that number an organisation's certificates and the scopes it covers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import EvaluationFiling, FilingScope, Organisation, User
from app.accounts.roles import OrgKind, require_admin
from app.audit.services import record_event
from app.errors import ValidationFailed
from app.translation import N_

OCCUPATION_CODE_RE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
# Mainland province-level codes: a filing is made with a mainland 人社 department.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65".split()
)


def set_evaluation_filing(
    session: Session,
    *,
    actor: User | None,
    now: datetime,
    organisation: Organisation,
    org_type: str,
    org_code: str,
    province_code: str,
    site_code: str,
    scopes: Iterable[tuple[str, int]],
    filed_with: str | None = None,
) -> EvaluationFiling:
    """Record or replace an evaluation organisation's filing and the occupations/levels it covers."""
    if actor is not None:
        require_admin(actor)
    if organisation.kind != OrgKind.EVALUATION:
        raise ValidationFailed(N_("Only an evaluation organisation can record filing details."), field="org_type")
    if org_type not in ("Y", "S"):
        raise ValidationFailed(N_(
            "The organisation category must be Y (employer) or S (social training and evaluation organisation)."
        ), field="org_type")
    if not re.fullmatch(r"\d{4}", org_code):
        raise ValidationFailed(N_("The organisation code must be 4 digits (0000 for a provincial filing)."),
                               field="org_code")
    if province_code not in PROVINCE_CODES:
        raise ValidationFailed(N_("Province code {code} is invalid.", code=province_code), field="province_code")
    if not re.fullmatch(r"\d{6}", site_code):
        raise ValidationFailed(N_("The site code must be 6 digits."), field="site_code")
    scope_set = _check_scopes(scopes)
    clash = session.scalar(
        select(EvaluationFiling.organisation_id).where(
            EvaluationFiling.org_type == org_type,
            EvaluationFiling.org_code == org_code,
            EvaluationFiling.province_code == province_code,
            EvaluationFiling.site_code == site_code,
            EvaluationFiling.organisation_id != organisation.id,
        )
    )
    if clash is not None:
        raise ValidationFailed(N_("Another organisation already uses this filing code."), field="site_code")
    filing = organisation.filing
    old = _filing_dict(filing) if filing else None
    if filing is None:
        filing = EvaluationFiling(organisation=organisation)
        session.add(filing)
    filing.org_type, filing.org_code = org_type, org_code
    filing.province_code, filing.site_code, filing.filed_with = province_code, site_code, filed_with
    filing.scopes = [FilingScope(occupation_code=c, level_digit=d) for c, d in sorted(scope_set)]
    session.flush()
    record_event(
        session, actor=actor, now=now, action="organisation.filing", object_type="organisation",
        object_id=organisation.id, old=old, new=_filing_dict(filing),
    )
    return filing


def _check_scopes(scopes: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
    result = set()
    for code, digit in scopes:
        if not OCCUPATION_CODE_RE.fullmatch(code):
            raise ValidationFailed(N_("Occupation code {code} should have the form D-DD-DD-DD.", code=code),
                                   field="scopes")
        if digit not in (1, 2, 3, 4, 5):
            raise ValidationFailed(N_("Level {digit} is invalid (it should be 1–5).", digit=digit), field="scopes")
        result.add((code, digit))
    return result


def _filing_dict(filing: EvaluationFiling) -> dict:
    return {
        "prefix": filing.number_prefix,
        "scopes": [f"{s.occupation_code}/{s.level_digit}" for s in filing.scopes],
    }


def parse_scope_lines(text: str) -> list[tuple[str, int]]:
    """Parse 'occupation-code level[,level…]' lines, e.g. '6-31-01-03 5,4,3'."""
    scopes: list[tuple[str, int]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.replace("，", ",").split()
        if len(parts) != 2:
            raise ValidationFailed(N_(
                "Line {line} should read “occupation-code levels”, e.g. 6-31-01-03 5,4,3.", line=lineno
            ), field="scopes")
        try:
            digits = [int(d) for d in parts[1].split(",") if d]
        except ValueError as exc:
            raise ValidationFailed(N_("The levels on line {line} should be digits 1–5.", line=lineno),
                                   field="scopes") from exc
        scopes.extend((parts[0], d) for d in digits)
    return scopes
