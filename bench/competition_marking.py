"""Benchmark competition marking and ranking; prints figures.

1. Migrates a temporary SQLite file and fills it through the services: an organiser, an appointed issuer, an
   enterprise, 5 judges and a chief judge, an event with a 12-aspect scheme (8 measurements, 4 judgements) and
   40 competitors; marking opens (5 × 40 × 12 = 2,400 mark cells).
2. Sheet saves: each judge saves their whole sheet of 480 marks (first entry), then corrects every mark of it with
   a reason, for several rounds; each save is its own transaction (service call + commit), timed end to end.
3. Ranking and promotion for 2,000 competitors: a second event (enterprise tier, top 30 % promoted) with 2,000
   entries whose 120,000 marks are filled by one statement; timed: the chief judge's sign-off (totals, ranking,
   places, medals), publication and finalising (promotion rules, level awards with route 竞赛晋级, audit).

Last line: `sheet save p95 <N> ms; ranking <S> s` (targets ≤ 200 ms and ≤ 2 s).

    .venv/bin/python bench/competition_marking.py [--rounds 6] [--competitors 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
WELDER = "6-18-02-04"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美建国志刚海燕晓东玉兰红梅鑫宇浩然子涵欣怡博文思远佳琪俊峰"


def _config(uri: str, instance: Path):
    from config import TestConfig

    return type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_DIR": instance,
                                               "FILE_STORAGE_DIR": instance / "files"})


def scheme_rows():
    from app.competitions.scheme import AspectRow

    rows = [AspectRow(i + 2, "实操", "70", f"M{i + 1}", f"测量项{i + 1}", "measurement", "10", steps="0.5;1")
            for i in range(8)]
    rows += [AspectRow(i + 10, "工艺评价", "30", f"J{i + 1}", f"评价项{i + 1}", "judgement", "3",
                       descriptors="0:未完成;1:合格;2:良好;3:优秀") for i in range(4)]
    return rows


def uscc(body: str) -> str:
    from app.idnumbers import uscc_check_char

    return body + uscc_check_char(body)


def resident_id(n: int, born: date) -> str:
    from app.idnumbers import resident_id_check_char

    body = f"210102{born:%Y%m%d}{n % 1000:03d}"
    return body + resident_id_check_char(body)


def people(session, hr, admin, org, count: int, offset: int):
    from app.people.levels import record_level_award
    from app.people.services import register_person

    made = []
    for n in range(count):
        born = date(1980 + (n + offset) // 1000 % 20, 1 + n % 12, 1 + n % 28)
        person = register_person(session, actor=hr, now=NOW, name=SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)],
                                 id_type="resident_id", id_number=resident_id(n + offset, born), birth_date=born,
                                 employer_org_id=org.id)
        record_level_award(session, actor=admin, now=NOW, person_id=person.id, occupation_code=WELDER,
                           occupation_name="焊工", grade_key="junior" if n % 2 else "intermediate", route="exam",
                           awarded_on=date(2022, 6, 1))
        made.append(person)
    return made


def build_event(session, world, *, tier: str, competitors: int, offset: int):
    from app.competitions.entries import enter_competitor
    from app.competitions.events import create_competition, create_event
    from app.competitions.judges import assign_judge, open_marking
    from app.competitions.scheme import set_scheme

    admin, hr, org, issuer, judges, chief = world
    competition = create_competition(session, actor=admin, now=NOW, name=f"焊工技能竞赛 {tier}", tier=tier,
                                     starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 3), notice_days=5,
                                     rule_set="tianjin", issuer_org_id=issuer.id)
    event = create_event(session, actor=admin, now=NOW, competition_id=competition.id, name="焊工",
                         occupation_code=WELDER, band_low=4, band_high=3, track="worker", spread_threshold="3",
                         drop_extremes=True, merit_places=10)
    set_scheme(session, actor=admin, now=NOW, event_id=event.id, rows=scheme_rows())
    for person in people(session, hr, admin, org, competitors, offset):
        enter_competitor(session, actor=hr, now=NOW, event_id=event.id, person_id=person.id)
    for judge in judges:  # assigned after the entries: one recusal check over all competitors per judge
        assign_judge(session, actor=admin, now=NOW, event_id=event.id, user_id=judge.id)
    assign_judge(session, actor=admin, now=NOW, event_id=event.id, user_id=chief.id, role="chief")
    open_marking(session, actor=admin, now=NOW + timedelta(days=8), event_id=event.id)
    return event.id


def time_sheet_saves(session_factory, event_id: int, judges, rounds: int) -> list[tuple[float, float]]:
    from app.competitions.marking import CellInput, judge_sheet, save_sheet
    from app.competitions.models import SchemeAspect

    timings = []
    for round_no in range(rounds):
        for index, judge in enumerate(judges):
            with session_factory() as session:
                judge = session.merge(judge)
                kinds = {a.id: a.kind for a in session.query(SchemeAspect)}
                sheet = judge_sheet(session, actor=judge, event_id=event_id)
                level = str((round_no + index) % 2 + 1)  # judgements alternate between 1 and 2: spread ≤ 3
                measure = str(10 - (round_no % 4) * 0.5)
                cells = [CellInput(c.mark_id, measure if kinds[c.aspect_id] == "measurement" else level, c.version)
                         for c in sheet]
                started, cpu = time.perf_counter(), time.process_time()
                changed = save_sheet(session, actor=judge, now=NOW + timedelta(days=8), event_id=event_id,
                                     cells=cells, reason=None if round_no == 0 else "复核后统一更正")
                session.commit()
                timings.append((time.perf_counter() - started, time.process_time() - cpu))
                assert changed == len(cells) or round_no > 0, changed
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--competitors", type=int, default=2000)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app import create_app
    from app.accounts.services import create_organisation, create_user, set_evaluation_filing
    from app.catalog.seed import seed_catalog
    from app.competitions import marking, results
    from app.competitions.models import Promotion
    from app.extensions import db

    folder = Path(tempfile.mkdtemp(prefix="bench_competition_"))
    app = create_app(_config(f"sqlite:///{folder / 'bench.db'}", folder))
    with app.app_context():
        upgrade()
        with Session(db.engine, expire_on_commit=False) as session:
            seed_catalog(session, now=NOW)
            hrss = create_organisation(session, actor=None, now=NOW, kind="hrss", name="辽宁省人力资源和社会保障厅",
                                       uscc=uscc("11210000MB0123456"), city_code="2101")
            admin = create_user(session, actor=None, now=NOW, organisation_id=hrss.id, username="organiser",
                                display_name="竞赛办", password="Jiangcai2026!", roles=["admin"])
            issuer = create_organisation(session, actor=None, now=NOW, kind="evaluation", name="辽宁技能评价中心",
                                         uscc=uscc("52210000MJ0000001"), city_code="2101")
            set_evaluation_filing(session, actor=None, now=NOW, organisation=issuer, org_type="S", org_code="0000",
                                  province_code="21", site_code="210009", scopes=[(WELDER, d) for d in (5, 4, 3)])
            org = create_organisation(session, actor=None, now=NOW, kind="enterprise", name="沈阳重型机械有限公司",
                                      uscc=uscc("91210100MA0000001"), city_code="2101")
            hr = create_user(session, actor=None, now=NOW, organisation_id=org.id, username="hr.shzg",
                             display_name="人事处", password="Jiangcai2026!", roles=["enterprise_hr"])
            judges = [create_user(session, actor=None, now=NOW, organisation_id=issuer.id, username=f"judge{i}",
                                  display_name=f"裁判{i}", password="Jiangcai2026!", roles=["assessor"])
                      for i in range(1, 6)]
            chief = create_user(session, actor=None, now=NOW, organisation_id=issuer.id, username="chief",
                                display_name="裁判长", password="Jiangcai2026!", roles=["assessor"])
            world = (admin, hr, org, issuer, judges, chief)
            started = time.perf_counter()
            small = build_event(session, world, tier="provincial_1", competitors=40, offset=0)
            session.commit()
            print(f"built 5 judges × 40 competitors × 12 aspects in {time.perf_counter() - started:.1f} s",
                  flush=True)
            started = time.perf_counter()
            large = build_event(session, world, tier="enterprise", competitors=args.competitors, offset=100)
            session.commit()
            print(f"built {args.competitors:,} competitors × 12 aspects × 5 judges in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)

        timings = time_sheet_saves(lambda: Session(db.engine), small, judges, args.rounds)
        ms = sorted(wall * 1000 for wall, _cpu in timings)
        cpu_ms = sorted(cpu * 1000 for _wall, cpu in timings)
        p95 = ms[max(0, int(round(0.95 * len(ms))) - 1)]
        print(f"sheet saves of 480 marks: {len(ms)} saves, median {statistics.median(ms):.0f} ms, "
              f"p95 {p95:.0f} ms, max {ms[-1]:.0f} ms (CPU median {statistics.median(cpu_ms):.0f} ms)", flush=True)

        with db.engine.begin() as conn:  # every judge has marked: levels and deductions vary per competitor
            conn.execute(text("UPDATE competition_marks SET value = CASE WHEN aspect_id IN (SELECT a.id FROM "
                              "competition_scheme_aspects a WHERE a.kind = 'judgement') THEN (entry_id + judge_id) "
                              "% 2 + 1 + (entry_id % 2) ELSE 10 - (entry_id * 7 + aspect_id) % 9 * 0.5 END, "
                              "version = 1 WHERE event_id = :e"), {"e": large})
        with Session(db.engine) as session:
            started, cpu = time.perf_counter(), time.process_time()
            marking.sign_off(session, actor=session.merge(chief), now=NOW + timedelta(days=9), event_id=large)
            results.publish_results(session, actor=session.merge(admin), now=NOW + timedelta(days=10), event_id=large)
            results.finalise_results(session, actor=session.merge(admin), now=datetime(2027, 1, 10, 2, tzinfo=UTC),
                             event_id=large)
            session.commit()
            ranking, ranking_cpu = time.perf_counter() - started, time.process_time() - cpu
            promoted = session.query(Promotion).filter_by(event_id=large, status="awarded").count()
        print(f"sign-off, ranking, publication and promotion of {args.competitors:,} competitors: {ranking:.2f} s "
              f"(CPU {ranking_cpu:.2f} s; {promoted} promoted)", flush=True)
        db.engine.dispose()
    print(f"sheet save p95 {p95:.0f} ms; ranking {ranking:.2f} s")


if __name__ == "__main__":
    main()
