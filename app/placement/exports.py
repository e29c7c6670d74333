"""Placement tables as Excel workbooks, headers, sheet names and labels in the language `translate` gives.

The web edge passes its gettext; the default keeps the English message ids (tests, scripts).
"""

from __future__ import annotations

from collections.abc import Sequence

from app.placement.followups import DueFollowUp
from app.placement.matching import Candidate
from app.placement.models import Placement
from app.placement.vocabulary import INVITATION_STATUSES, PLACEMENT_STATUSES
from app.spreadsheets import simple_workbook
from app.translation import N_, Message, Translate, english, render


def _workbook(title: Message, headers: Sequence[Message], rows: list[list[object]], translate: Translate) -> bytes:
    return simple_workbook(render(title, translate), [render(h, translate) for h in headers], rows)


def placements_workbook(placements: Sequence[Placement], translate: Translate = english) -> bytes:
    """Placements: person, enterprise, job, start, contract months, monthly wage, status."""
    rows = [[p.person.name, p.enterprise.name, p.job_title, p.start_date.isoformat(), p.contract_months,
             p.monthly_wage, render(PLACEMENT_STATUSES.get(p.status, p.status), translate)] for p in placements]
    return _workbook(N_("Placements"), [N_("Full name"), N_("Enterprise"), N_("Job"), N_("Start of work"),
                                        N_("Contract months"), N_("Monthly wage"), N_("Status")], rows, translate)


def follow_ups_workbook(due: Sequence[DueFollowUp], translate: Translate = english) -> bytes:
    """Follow-ups due: person, enterprise, months after the start, due date, overdue."""
    overdue = render(N_("Overdue"), translate)
    rows = [[d.placement.person.name, d.placement.enterprise.name, d.follow_up.months, d.follow_up.due_on.isoformat(),
             overdue if d.overdue else ""] for d in due]
    return _workbook(N_("Follow-ups"), [N_("Full name"), N_("Enterprise"), N_("Follow-up (months)"), N_("Due on"),
                                        N_("Overdue")], rows, translate)


def candidates_workbook(candidates: Sequence[Candidate], translate: Translate = english) -> bytes:
    """Ranked candidates for a demand: score, name, masked ID, reasons, invitation status."""
    rows = [[c.score, c.name, c.id_masked, render(c.reasons_text, translate),
             render(INVITATION_STATUSES[c.invitation_status], translate) if c.invitation_status else ""]
            for c in candidates]
    return _workbook(N_("Job candidates"), [N_("Match score"), N_("Full name"), N_("ID number (masked)"), N_("Reasons"),
                                        N_("Invitation status")], rows, translate)
