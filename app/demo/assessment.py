"""Demo assessment: assessor qualifications, a finalised plan ready for certificates, a plan under notice,
and an open plan taking registrations (from the completed 数控车工 class too)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.assessment.appointments import appoint, list_employees, nominate, review_appointment
from app.assessment.models import AssessmentPlan
from app.assessment.plans import create_plan, transition_plan
from app.assessment.qualifications import record_qualification
from app.assessment.registration import register_candidate
from app.assessment.result_models import AssessmentResult, Score
from app.assessment.results import finalise_plan, lodge_objection, publish_results
from app.assessment.scope import local_datetime
from app.assessment.scoring import save_score, sign_off_session
from app.assessment.staffing import assign_assessor, confirm_session, create_session
from app.assessment.supervisors import appoint_supervisors, request_supervisors
from app.assessment.workdays import add_holiday
from app.catalog.models import Occupation
from app.clock import local_date
from app.idnumbers import RESIDENT, resident_id_check_char
from app.people.models import Person
from app.people.records import add_work_record
from app.people.services import register_person

WELDER, ELECTRICIAN, LATHE = "6-18-02-04", "6-31-01-03", "6-18-01-01"
# assessor, occupation, own level (二级 leads and marks 二级/一级 plans too; 三级 marks up to 三级)
QUALIFICATIONS = [("assessor1", WELDER, 2), ("assessor1", ELECTRICIAN, 2), ("assessor2", WELDER, 2),
                  ("assessor2", ELECTRICIAN, 3), ("assessor3", WELDER, 3), ("assessor3", ELECTRICIAN, 3),
                  ("assessor4", WELDER, 3), ("assessor4", ELECTRICIAN, 2), ("assessor1", LATHE, 2),
                  ("assessor2", LATHE, 3), ("assessor3", LATHE, 3)]
# Walk-in candidates of the open plan, with IDs the browser test types in.
WALK_INS = [("王建军", "21010219880314", "M"), ("刘春艳", "21020319900722", "F"), ("马志强", "21030219850105", "M")]
NATIONAL_DAY_2026 = [date(2026, 10, 1) + timedelta(days=i) for i in range(8)]


def walk_in_id(first14: str, male: bool) -> str:
    """A checksum-valid resident ID for a demo walk-in candidate."""
    first17 = f"{first14}{'013' if male else '024'}"
    return first17 + resident_id_check_char(first17)


DEMO_CANDIDATE_IDS = [walk_in_id(digits, gender == "M") for _name, digits, gender in WALK_INS]


def _at(day: date, hour: int = 9) -> datetime:
    return local_datetime(day, time(hour, 0))


def _people(session: Session, count: int, skip: int) -> list[Person]:
    """Demo people old enough for years of work since 2015, in a stable order."""
    stmt = (select(Person).where(Person.birth_date <= date(1994, 12, 31)).order_by(Person.id).offset(skip)
            .limit(count))
    return list(session.scalars(stmt))


def _worked(session: Session, people: list[Person], code: str, name: str, now: datetime) -> None:
    for person in people:
        add_work_record(session, actor=None, now=now, person_id=person.id, employer_name="辽宁装备制造企业（演示）",
                        occupation_name=name, occupation_code=code, start_date=date(2015, 3, 1))


def _plan(session, staff, code, *, now, deadline, theory, practical, variant=None) -> AssessmentPlan:
    occupation = session.scalar(select(Occupation).where(Occupation.code == code))
    plan = create_plan(session, actor=staff, now=now, occupation_id=occupation.id, level_digit=4,
                       registration_deadline=deadline, venue="沈阳市铁西区北二中路 9 号 辽才技能评价中心",
                       fee_yuan="380", variant_name=variant, exam_dates={"theory": theory, "practical": practical})
    transition_plan(session, actor=staff, now=now, plan_id=plan.id, action="open")
    return plan


def _sit(session, staff, users, plan, *, now, theory, practical, scores) -> None:
    """Rooms, staff, scores (theory, practical per candidate; None = absent) and sign-off."""
    transition_plan(session, actor=staff, now=now, plan_id=plan.id, action="close")
    transition_plan(session, actor=staff, now=now, plan_id=plan.id, action="start")
    t_room = create_session(session, actor=staff, now=now, plan_id=plan.id, component="theory",
                            room="理论考场 301", starts_at=_at(theory))
    p_room = create_session(session, actor=staff, now=now, plan_id=plan.id, component="practical",
                            room="实训车间 A", starts_at=_at(practical))
    # The practical room's external supervisor is a department supervisor the administrator appointed on request.
    request = request_supervisors(session, actor=staff, now=now, plan_id=plan.id, sitting_ids=[p_room.id],
                                  note="实操考场需外派质量督导员")
    appoint_supervisors(session, actor=users["admin"], now=now, request_id=request.id,
                        user_ids=[users["supervisor1"].id])
    for user, role, room in (("assessor1", "invigilator", t_room), ("assessor2", "invigilator", t_room),
                             ("assessor4", "supervisor", t_room), ("assessor1", "leader", p_room),
                             ("assessor2", "examiner", p_room), ("assessor3", "examiner", p_room),
                             ("supervisor1", "supervisor", p_room)):
        assign_assessor(session, actor=staff, now=now, sitting_id=room.id, user_id=users[user].id, role=role,
                        external=user == "supervisor1")
    for room in (t_room, p_room):
        confirm_session(session, actor=staff, now=now, sitting_id=room.id)
    regs = sorted((r for r in plan.registrations if r.admitted), key=lambda r: r.ticket_number)
    marked = _at(practical, 17)  # scores are entered and signed off once both rooms are over (no score before a start)
    for reg, (theory_score, practical_score) in zip(regs, scores, strict=False):
        cells = session.scalars(select(Score).where(Score.registration_id == reg.id)).all()
        for cell in cells:
            if cell.session_id == t_room.id and theory_score is not None:
                save_score(session, actor=staff, now=marked, score_id=cell.id, value=theory_score, expected_version=0)
            elif cell.session_id == p_room.id and practical_score is not None:
                marker = next(u for u in users.values() if u.id == cell.marker_id)
                offset = {"assessor1": 0, "assessor2": 1.5, "assessor3": -1}[marker.username]
                value = f"{min(100.0, float(practical_score) + offset):.1f}"
                save_score(session, actor=marker, now=marked, score_id=cell.id, value=value, expected_version=0)
    sign_off_session(session, actor=users["assessor4"], now=marked, sitting_id=t_room.id)
    sign_off_session(session, actor=users["supervisor1"], now=marked, sitting_id=p_room.id)


def _appointments(session: Session, hr: User, now: datetime) -> int:
    """One 学徒工 appointed in term and one nomination awaiting review, at the Shenyang machine-tool maker."""
    employees = list_employees(session, actor=hr)[:2]
    lathe = session.scalar(select(Occupation).where(Occupation.code == LATHE))
    if len(employees) < 2:
        return 0
    earlier = now - timedelta(days=45)  # the notice has ended by now-15, even across the National Day break
    first = nominate(session, actor=hr, now=earlier, person_id=employees[0].id, grade_key="apprentice",
                     occupation_id=lathe.id, nomination="unit")
    review_appointment(session, actor=hr, now=earlier, appointment_id=first.id, passed=True,
                       note="岗位考核合格，车间评议同意聘为学徒工")
    start = local_date(now - timedelta(days=15))
    appoint(session, actor=hr, now=now - timedelta(days=15), appointment_id=first.id, term_start=start,
            term_end=start.replace(year=start.year + 2))
    nominate(session, actor=hr, now=now, person_id=employees[1].id, grade_key="apprentice", occupation_id=lathe.id,
             nomination="self")
    return 2


def _sat_plan(session, staff, users, people, code, name, *, now, days_ago, scores) -> AssessmentPlan:
    """A plan made `days_ago` days before now for people who worked in the occupation, sat 16 days later."""
    start, today = now - timedelta(days=days_ago), local_date(now)
    theory, practical = today - timedelta(days=days_ago - 15), today - timedelta(days=days_ago - 16)
    _worked(session, people, code, name, start)
    plan = _plan(session, staff, code, now=start, deadline=today - timedelta(days=days_ago - 10), theory=theory,
                 practical=practical)
    for person in people:
        register_candidate(session, actor=staff, now=start, plan=plan, person=person, source="individual")
    _sit(session, staff, users, plan, now=now - timedelta(days=days_ago - 16), theory=theory, practical=practical,
         scores=scores)
    return plan


def load_assessment(session: Session, *, now: datetime) -> dict[str, int]:
    """Qualifications, holidays, a finalised 电工 plan, a 焊工 plan under notice and an open 数控车工 plan."""
    users = {u.username: u for u in session.scalars(select(User))}
    staff = users["eval"]
    for username, code, digit in QUALIFICATIONS:
        record_qualification(session, actor=None, now=now, user_id=users[username].id, occupation_code=code,
                             level_digit=digit)
    for day in NATIONAL_DAY_2026:
        add_holiday(session, actor=None, now=now, day=day, name="国庆节、中秋节")
    today = local_date(now)

    # A finalised plan: results final and passing ones ready for certificates.
    final = _sat_plan(session, staff, users, _people(session, 4, skip=0), ELECTRICIAN, "电工", now=now, days_ago=100,
                      scores=[("86", "88"), ("74.5", "81"), ("65", "70"), ("52", "77")])
    publish_results(session, actor=staff, now=now - timedelta(days=80), plan_id=final.id)
    finalise_plan(session, actor=staff, now=now - timedelta(days=60), plan_id=final.id)

    # A plan whose results are under notice, with one objection open.
    noticed = _sat_plan(session, staff, users, _people(session, 6, skip=4), WELDER, "焊工", now=now, days_ago=40,
                        scores=[("91", "85"), ("78", "83.5"), ("58", "90"), ("88", None), ("70.5", "66"), ("63", "72")])
    publish_results(session, actor=staff, now=now - timedelta(days=1), plan_id=noticed.id)
    failed = next(r for r in session.scalars(select(AssessmentResult).where(AssessmentResult.plan_id == noticed.id))
                  if not r.passed)
    lodge_objection(session, actor=staff, now=now, plan_id=noticed.id, result_id=failed.id,
                    lodged_by_name=failed.person.name, content="对理论知识考试成绩有异议，申请复核答题卡。")

    # An open plan: walk-in candidates (one without enough years) and the completed 数控车工 class to add.
    open_plan = _plan(session, staff, LATHE, now=now, deadline=today + timedelta(days=14),
                      theory=today + timedelta(days=20), practical=today + timedelta(days=21), variant="数控车工")
    for (name, _digits, gender), number in zip(WALK_INS, DEMO_CANDIDATE_IDS, strict=True):
        person = register_person(session, actor=staff, now=now, name=name, id_type=RESIDENT, id_number=number,
                                 gender=gender, education="senior_secondary")
        years = 2 if name == "马志强" else 9
        add_work_record(session, actor=staff, now=now, person_id=person.id, employer_name="沈阳北方数控机床有限公司",
                        occupation_name="车工", occupation_code=LATHE, start_date=date(today.year - years, 3, 1))
        if name == "马志强":  # two years of work: registered, and kept as ineligible with the reasons
            register_candidate(session, actor=staff, now=now, plan=open_plan, person=person, source="individual")
    appointments = _appointments(session, users["hr_sy"], now)
    return {"assessor qualifications": len(QUALIFICATIONS), "assessment plans": 3, "appointments": appointments,
            "assessment registrations": len(final.registrations) + len(noticed.registrations)}
