"""Staffing suggestions that say why (issue 17): each assessor with what blocks them in a room (level, recusal,
a time clash), and for a room still being arranged, each unmet requirement in terms of people: how many could
fill it, which rule blocks the rest, and what would unblock it."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User, UserRole
from app.accounts.roles import Role
from app.assessment.models import AssessmentSession
from app.assessment.qualifications import qualification_of
from app.assessment.recusal import links_between
from app.assessment.staffing import check_qualification, clash_message, clashing_room, mode_of
from app.assessment.supervisors import appointed_supervisors
from app.assessment.vocabulary import MARKING_ROLES
from app.errors import ValidationFailed
from app.translation import LIST_SEPARATOR, N_, Message, joined

OR = N_(" or ")
# The roles as they read inside a sentence ("1 more examiner … is needed").
ROLE_NOUNS: dict[str, Message] = {"invigilator": N_("invigilator"), "examiner": N_("examiner"),
                                  "reviewer": N_("review panel expert"), "supervisor": N_("quality supervisor")}


@dataclass(frozen=True)
class AssessorOption:
    """A person as the staffing form shows them: level, whether they may mark, and what blocks them."""

    user: User
    level_digit: int | None
    marking_block: Message | None
    conflicts: tuple[Message, ...]
    assigned_role: str | None
    clash: Message | None = None

    @property
    def available(self) -> bool:
        """Free to be assigned here (a marking role also needs no marking block)."""
        return self.assigned_role is None and not self.conflicts and self.clash is None


def organisation_assessors(session: Session, organisation_id: int) -> list[User]:
    """The organisation's active assessors, by name."""
    stmt = (select(User).join(UserRole).where(UserRole.role == Role.ASSESSOR, User.active.is_(True),
                                              User.organisation_id == organisation_id)
            .order_by(User.display_name, User.id))
    return list(session.scalars(stmt))


def _option(session: Session, sitting: AssessmentSession, user: User, held: dict[int, str]) -> AssessorOption:
    people = [c.registration.person for c in sitting.candidates]
    qualification = qualification_of(session, user_id=user.id, occupation_code=sitting.plan.occupation.code)
    try:
        check_qualification(session, sitting, user, "examiner")
        block = None
    except ValidationFailed as error:
        block = error.message
    conflicts = tuple(link.description for link in links_between(session, assessor=user, people=people))
    other = clashing_room(session, sitting, user)
    return AssessorOption(user, qualification.level_digit if qualification else None, block, conflicts,
                          held.get(user.id), clash_message(user, other) if other else None)


def assessor_options(session: Session, *, sitting: AssessmentSession) -> list[AssessorOption]:
    """The organisation's active assessors with the hard blocks that would refuse them in this room."""
    held = {a.user_id: a.role for a in sitting.assignments}
    return [_option(session, sitting, user, held)
            for user in organisation_assessors(session, sitting.plan.organisation_id)]


def external_options(session: Session, *, sitting: AssessmentSession) -> list[AssessorOption]:
    """The department supervisors appointed to the room's plan, with their recusal conflicts and time clashes."""
    held = {a.user_id: a.role for a in sitting.assignments}
    return [_option(session, sitting, user, held) for user in appointed_supervisors(session, sitting.plan_id)]


@dataclass(frozen=True)
class StaffingGap:
    """One unmet requirement of a room, in terms of people."""

    role: str
    need: int
    available: tuple[str, ...]  # names of those who could fill it now
    blocked: bool  # fewer can fill it than are needed
    headline: Message
    detail: Message | None
    remedy: Message | None


def _needs(sitting: AssessmentSession) -> list[tuple[str, int]]:
    """(role, how many more) for each requirement the room's staff does not meet yet."""
    counts = Counter(a.role for a in sitting.assignments)
    standard, candidates, mode = sitting.plan.standard, len(sitting.candidates), mode_of(sitting)
    needs = []
    if counts["supervisor"] == 0:
        needs.append(("supervisor", 1))
    if mode == "invigilated":
        need = max(standard.theory_min_invigilators,
                   math.ceil(candidates / standard.theory_candidates_per_invigilator))
        if counts["invigilator"] < need:
            needs.append(("invigilator", need - counts["invigilator"]))
    elif mode == "examined":
        need = max(standard.practical_min_examiners, math.ceil(candidates / standard.practical_candidates_per_examiner))
        need = need if need % 2 else need + 1
        have = counts["examiner"] + counts["leader"]
        more = need - have if have < need else 1 - have % 2  # one more to make it odd
        if more:
            needs.append(("examiner", more))
    else:
        have, need = counts["reviewer"], standard.review_min_panel
        more = need - have if have < need else 1 - have % 2  # one more to make it odd
        if more:
            needs.append(("reviewer", more))
    return needs


def _headline(role_name: Message, need: int, tally: Counter) -> Message:
    if tally["recusal"]:
        return N_("{need} more {role} without a recusal conflict with the candidates is needed.", need=need,
                  role=role_name)
    if tally["clash"]:
        return N_("{need} more {role} free at this time is needed.", need=need, role=role_name)
    if tally["level"]:
        return N_("{need} more {role} with the required level is needed.", need=need, role=role_name)
    return N_("{need} more {role} is needed.", need=need, role=role_name)


def _remedy(role: str, tally: Counter) -> Message:
    remedies = []
    if role == "supervisor":
        remedies.append(N_("request a department quality supervisor for this plan (the administrator appoints one)"))
    remedies.append(N_("qualify or add an assessor") if role in MARKING_ROLES else N_("add an assessor"))
    if tally["recusal"]:
        remedies.append(N_("move the conflicting candidate to another room"))
    if tally["clash"]:
        remedies.append(N_("take a clashing assessor off the other room or move this room's time"))
    return N_("What would unblock it: {remedies}.", remedies=joined(remedies, OR))


def staffing_gaps(session: Session, *, sitting: AssessmentSession) -> list[StaffingGap]:
    """For a room still being arranged: who could fill each unmet requirement, and what blocks the rest."""
    if sitting.status != "planning" or not sitting.candidates:
        return []
    options = assessor_options(session, sitting=sitting)
    gaps = []
    for role, need in _needs(sitting):
        role_name = ROLE_NOUNS[role]
        pool = [o for o in options if o.assigned_role is None]
        tally: Counter = Counter()
        free = []
        for option in pool:
            if role in MARKING_ROLES and option.marking_block:
                tally["level"] += 1
            elif option.conflicts:
                tally["recusal"] += 1
            elif option.clash:
                tally["clash"] += 1
            else:
                free.append(option.user.display_name)
        if role == "supervisor":
            free += [o.user.display_name for o in external_options(session, sitting=sitting) if o.available]
        if len(free) >= need:
            gaps.append(StaffingGap(role, need, tuple(free), False,
                                    N_("{need} more {role} is needed: {names} can be assigned.", need=need,
                                       role=role_name, names=joined(free)), None, None))
            continue
        reasons = [N_("{n} without the level", n=tally["level"]) if tally["level"] else None,
                   N_("{n} with a recusal conflict", n=tally["recusal"]) if tally["recusal"] else None,
                   N_("{n} with a time clash", n=tally["clash"]) if tally["clash"] else None]
        reasons = [r for r in reasons if r]
        detail = N_("Of the organisation's {total} assessors not yet in this room, {available} can be assigned: "
                    "{reasons}.", total=len(pool), available=len(free),
                    reasons=joined(reasons, LIST_SEPARATOR) if reasons else N_("there are no others"))
        gaps.append(StaffingGap(role, need, tuple(free), True, _headline(role_name, need, tally), detail,
                                _remedy(role, tally)))
    return gaps
