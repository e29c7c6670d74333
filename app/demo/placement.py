"""Demo history for the reports: four quarters of classes (2025Q4–2026Q3) through assessment, certificates,
placements with evidence and follow-ups; matching invitations; ladder targets; subsidy schemes and claims.

Rows are written directly (not through the services) because they describe the past: the services refuse
dates that lie before "now" where a real user could not have recorded them.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.assessment.models import AssessmentPlan, Registration
from app.assessment.registration import next_ticket_number
from app.assessment.result_models import AssessmentResult
from app.catalog.models import Occupation
from app.clock import local_date
from app.demand.models import JobDemand
from app.people.models import LevelAward, Person, PersonAccess
from app.placement.invitations import advance_invitation, invite_candidate
from app.placement.matching import candidates_for_demand
from app.placement.models import FollowUp, Placement, PlacementEvidence
from app.placement.scope import add_months
from app.reporting.ladder import save_target
from app.reporting.subsidies import create_claim, create_scheme, move_claim
from app.training.models import Enrolment, TrainingClass, TrainingProject

# quarter start, institution login, enterprise org, occupation code, level digit, grade key, class size
CLASSES = [
    (date(2025, 10, 13), "inst_sy", "ent_sy", "6-31-01-03", 4, "intermediate", 12),
    (date(2025, 11, 3), "inst_dl", "ent_dl", "6-18-02-04", 4, "intermediate", 12),
    (date(2026, 1, 12), "inst_sy", "ent_sy", "6-18-01-01", 4, "intermediate", 12),
    (date(2026, 2, 23), "inst_dl", "ent_as", "6-18-02-04", 3, "senior", 10),
    (date(2026, 4, 13), "inst_sy", "ent_as", "6-31-01-03", 3, "senior", 12),
    (date(2026, 5, 11), "inst_dl", "ent_dl", "4-12-01-01", 4, "intermediate", 10),
    (date(2026, 7, 6), "inst_sy", "ent_sy", "6-30-99-00", 4, "intermediate", 10),
    (date(2026, 8, 3), "inst_dl", "ent_dl", "6-18-02-04", 2, "technician", 8),
]
NAMES = {"6-31-01-03": "电工", "6-18-02-04": "焊工", "6-18-01-01": "车工", "4-12-01-01": "汽车维修工",
         "6-30-99-00": "工业机器人系统操作员"}


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def _people(session: Session, organisation_id: int) -> list[Person]:
    """People the institution may see, not already enrolled anywhere (the training demo uses some)."""
    enrolled = select(Enrolment.person_id)
    return list(session.scalars(select(Person).join(PersonAccess, PersonAccess.person_id == Person.id)
                                .where(PersonAccess.organisation_id == organisation_id, Person.id.not_in(enrolled))
                                .order_by(Person.id.desc())))


def _class_history(session: Session, rng: random.Random, today: date, spec, users, orgs, codes, pools) -> dict:
    start, login, enterprise_key, code, digit, grade, size = spec
    staff, occupation = users[login], codes[code]
    institution, enterprise = staff.organisation, orgs[enterprise_key]
    counts = dict.fromkeys(("enrolments", "results", "awards", "placements"), 0)
    demand = JobDemand(enterprise_id=enterprise.id, occupation_id=occupation.id, title=f"{NAMES[code]}（{start.year}年招聘）",
                       min_level_digit=None, headcount=size - 2, city_code=enterprise.city_code, wage_min=5000,
                       wage_max=8000, valid_until=start + timedelta(days=120), status="filled", is_shortage=False,
                       created_by_id=users[f"hr_{enterprise_key[-2:]}"].id, created_at=_at(start - timedelta(days=20)),
                       updated_at=_at(start), status_changed_at=_at(start + timedelta(days=100)))
    project = TrainingProject(institution_id=institution.id, name=f"{start.year}年{NAMES[code]}订单培训（{start:%m}月班）",
                              project_type="employment_skills", occupation_id=occupation.id, target_level_digit=digit,
                              reference_hours=160, standard_edition=occupation.current_standard.edition,
                              created_by_id=staff.id, created_at=_at(start - timedelta(days=15)), demands=[demand])
    end = start + timedelta(days=41)
    klass = TrainingClass(project=project, name=f"{start.year}年第{(start.month - 1) // 3 + 1}季度班", start_date=start,
                          end_date=end, capacity=30, venue=f"{institution.name}实训基地", teacher_names="王建国",
                          created_at=_at(start - timedelta(days=10)))
    plan = AssessmentPlan(organisation_id=orgs["eval"].id, occupation_id=occupation.id,
                          standard_id=occupation.current_standard.id, level_digit=digit,
                          title=f"{NAMES[code]}{digit}级认定（{end:%Y年%m月}）", status="finalised",
                          registration_deadline=end + timedelta(days=7), venue="沈阳市和平区考点",
                          published_on=end + timedelta(days=20), notice_ends_on=end + timedelta(days=27),
                          finalised_at=_at(end + timedelta(days=28)), created_at=_at(end - timedelta(days=20)))
    session.add_all([demand, project, klass, plan])
    session.flush()
    for person in pools[login][:size]:
        pools[login].remove(person)
        roll = rng.random()
        completed = roll < 0.9
        session.add(Enrolment(class_id=klass.id, person_id=person.id, status="completed" if completed else "withdrawn",
                              enrolled_at=_at(start - timedelta(days=3)), status_changed_at=_at(end),
                              completed_on=end if completed else None, enrolled_by_id=staff.id))
        counts["enrolments"] += 1
        if not completed or roll > 0.82 or end + timedelta(days=20) > today:
            continue
        passed = roll < 0.72
        registration = Registration(plan_id=plan.id, person_id=person.id, source="individual", status="eligible",
                                    eligible=True, failures=[], checked_as_of=end, created_at=_at(end))
        registration.ticket_number = next_ticket_number(session, plan)  # as registering an eligible candidate does
        session.add(registration)
        session.flush()
        session.add(AssessmentResult(registration_id=registration.id, plan_id=plan.id, person_id=person.id,
                                     passed=passed, status="final", computed_at=_at(end + timedelta(days=15)),
                                     finalised_at=_at(end + timedelta(days=28))))
        counts["results"] += 1
        if passed and end + timedelta(days=28) <= today:
            session.add(LevelAward(person_id=person.id, occupation_code=code, occupation_name=NAMES[code],
                                   grade_key=grade, level_digit=digit, route="exam", awarded_on=end + timedelta(days=28),
                                   awarded_by_org_id=orgs["eval"].id, created_at=_at(end + timedelta(days=28))))
            counts["awards"] += 1
        if roll < 0.66:
            counts["placements"] += _place(session, rng, today, person, enterprise, demand, end, staff)
    return counts


def _place(session: Session, rng: random.Random, today: date, person: Person, enterprise, demand, end: date,
           staff: User) -> int:
    start = end + timedelta(days=rng.randint(5, 70))
    if start > today:
        return 0
    placement = Placement(person_id=person.id, enterprise_id=enterprise.id, demand_id=demand.id,
                          occupation_code=None, job_title=demand.title.split("（")[0], start_date=start,
                          contract_months=rng.choice((12, 24, 36)), monthly_wage=rng.randrange(5000, 8001, 100),
                          status="active", registration_due_on=start + timedelta(days=30), created_by_id=staff.id,
                          created_at=_at(start))
    placement.follow_ups = [FollowUp(months=m, due_on=add_months(start, m)) for m in (3, 6, 12)]
    session.add(placement)
    session.flush()
    if start + timedelta(days=25) <= today:
        session.add(PlacementEvidence(placement_id=placement.id, kind="employment_registration",
                                      reference=f"JYDJ{start:%Y%m}{placement.id:05d}", dated_on=start + timedelta(days=12),
                                      recorded_by_id=staff.id, recorded_at=_at(start + timedelta(days=12))))
    session.add(PlacementEvidence(placement_id=placement.id, kind="labour_contract", reference=f"HT-{placement.id:05d}",
                                  dated_on=start, recorded_by_id=staff.id, recorded_at=_at(start)))
    for follow in placement.follow_ups:
        if follow.due_on + timedelta(days=10) > today or placement.status != "active":
            continue
        kept = rng.random() < 0.85
        follow.outcome, follow.checked_on = ("retained" if kept else "left"), follow.due_on + timedelta(days=3)
        follow.recorded_by_id, follow.recorded_at = staff.id, _at(follow.checked_on)
        session.flush()
        if kept:
            session.add(PlacementEvidence(placement_id=placement.id, follow_up_id=follow.id, kind="social_insurance",
                                          reference=f"SB{follow.due_on:%Y%m}-{placement.id:05d}",
                                          dated_on=follow.checked_on, recorded_by_id=staff.id,
                                          recorded_at=_at(follow.checked_on)))
        else:
            placement.status, placement.left_on = "left", follow.checked_on
    session.flush()
    return 1


def _subsidies(session: Session, now: datetime, admin: User, staff: User) -> int:
    upgrade = create_scheme(session, actor=admin, now=now - timedelta(days=300), name="辽宁省技能提升补贴（2026）",
                            kind="upgrade", amounts={5: Decimal(1000), 4: Decimal(1500), 3: Decimal(2000)},
                            effective_from=date(2025, 1, 1), cap_per_year=True, shortage_uplift_percent=30,
                            note="失业保险基金列支；初级 1,000、中级 1,500、高级 2,000 元")
    create_scheme(session, actor=admin, now=now - timedelta(days=300), name="职业技能评价补贴（沈阳）", kind="evaluation",
                  amounts={5: Decimal(300), 4: Decimal(500), 3: Decimal(800), 2: Decimal(1200), 1: Decimal(1500)},
                  effective_from=date(2025, 1, 1), city_code="2101", note="限首次取证，同一职业不重复补贴")
    create_scheme(session, actor=admin, now=now - timedelta(days=300), name="职业培训补贴（就业技能）", kind="training",
                  amounts={5: Decimal(1200), 4: Decimal(1800), 3: Decimal(2400)}, effective_from=date(2025, 1, 1))
    awards = session.scalars(select(LevelAward).join(PersonAccess, PersonAccess.person_id == LevelAward.person_id)
                             .where(PersonAccess.organisation_id == staff.organisation_id,
                                    LevelAward.level_digit.in_((5, 4, 3)), LevelAward.route == "exam",
                                    LevelAward.awarded_on >= local_date(now) - timedelta(days=330))
                             .order_by(LevelAward.awarded_on).limit(6)).all()
    made = 0
    for index, award in enumerate(awards):
        claim = create_claim(session, actor=staff, now=now - timedelta(days=20), scheme_id=upgrade.id,
                             level_award_id=award.id)
        steps = (("submitted", "notice", "approved", "paid"), ("submitted", "notice", "approved"),
                 ("submitted", "notice"), ("submitted",), (), ())[index]
        for step in steps:
            move_claim(session, actor=staff if step == "submitted" else admin, now=now - timedelta(days=10),
                       claim_id=claim.id, to_status=step)
        made += 1
    return made


def load_placement(session: Session, *, now: datetime) -> dict[str, int]:
    """Four quarters of outcomes, invitations on an open demand, ladder targets and the subsidy ledger."""
    rng, today = random.Random(8), local_date(now)
    users = {u.username: u for u in session.scalars(select(User))}
    orgs = {key: users[login].organisation for key, login in (("ent_sy", "hr_sy"), ("ent_dl", "hr_dl"),
                                                              ("ent_as", "hr_as"), ("eval", "eval"))}
    codes = {o.code: o for o in session.scalars(select(Occupation))}
    pools = {login: _people(session, users[login].organisation_id) for login in ("inst_sy", "inst_dl")}
    totals = dict.fromkeys(("enrolments", "results", "awards", "placements"), 0)
    for spec in CLASSES:
        for key, value in _class_history(session, rng, today, spec, users, orgs, codes, pools).items():
            totals[key] += value
    hr = users["hr_sy"]
    open_demand = session.scalar(select(JobDemand).where(JobDemand.enterprise_id == hr.organisation_id,
                                                         JobDemand.status == "open").order_by(JobDemand.id))
    invited = 0
    if open_demand is not None:
        for index, candidate in enumerate(candidates_for_demand(session, actor=hr, demand_id=open_demand.id,
                                                                today=today)[:3]):
            invitation = invite_candidate(session, actor=hr, now=now - timedelta(days=6), demand_id=open_demand.id,
                                          person_id=candidate.person_id, reason="；".join(candidate.reasons))
            for step in (("interview", "offer"), ("interview",), ())[index]:
                advance_invitation(session, actor=hr, now=now - timedelta(days=3), invitation_id=invitation.id,
                                   to_status=step)
            invited += 1
    admin = users["admin"]
    save_target(session, actor=admin, now=now, year=today.year, name="新增技师和高级技师",
                grade_keys=["technician", "senior_technician"], target=10_000)
    save_target(session, actor=admin, now=now, year=today.year, name="新增特级技师和首席技师",
                grade_keys=["principal_technician", "chief_technician"], target=500)
    save_target(session, actor=admin, now=now, year=today.year, name="新增高技能人才（沈阳）",
                grade_keys=["senior", "technician", "senior_technician"], target=40, city_code="2101")
    claims = _subsidies(session, now, admin, users["inst_sy"])
    return {"history_enrolments": totals["enrolments"], "history_placements": totals["placements"],
            "invitations": invited, "ladder_targets": 3, "subsidy_claims": claims}
