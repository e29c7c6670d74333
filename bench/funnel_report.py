"""Benchmark the funnel report over 1,000,000 enrolments with their downstream records; prints figures.

Builds a fresh, migrated database (SQLite file, or a scratch PostgreSQL database given with --pg), fills it
with set-based INSERT … SELECT statements over a number series (a recursive CTE on SQLite, generate_series
on PostgreSQL), then rebuilds the funnel facts once (timed on its own), times the full funnel (eight steps)
read from them with filters and the per-class employment table, and checks each against the direct
computation. Target: ≤ 1 s on PostgreSQL, ≤ 3 s on SQLite for the funnel with filters.

    .venv/bin/python bench/funnel_report.py [--enrolments 1000000] [--sqlite /tmp/bench_funnel.db]
    .venv/bin/python bench/funnel_report.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_funnel
    (--reuse: time an existing database without rebuilding it; it is migrated to the head first)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
CLASSES, PROJECTS, INSTITUTIONS = 4000, 400, 40
OCCUPATIONS = ("6-31-01-03", "6-18-02-04", "4-12-01-01", "4-10-01-05", "4-03-02-01", "6-30-99-00", "4-99-00-00")
CITIES = ("2101", "2102", "2103", "2104", "2105", "2106", "2107", "2108", "2109", "2110", "2111", "2112", "2113",
          "2114")


def _config(uri: str, instance: Path):
    from config import TestConfig

    return type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_DIR": instance,
                                               "FILE_STORAGE_DIR": instance / "files"})


def _fresh(uri: str, sqlite_path: Path | None) -> None:
    from sqlalchemy import create_engine, text

    if sqlite_path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        return
    engine = create_engine(uri)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


class Sql:
    """The few expressions that differ between SQLite and PostgreSQL."""

    def __init__(self, dialect: str) -> None:
        self.pg = dialect == "postgresql"

    def day(self, base: str, offset: str) -> str:
        """A date column/literal plus an integer number of days."""
        return f"(({base}) + ({offset}))" if self.pg else f"date({base}, '+' || ({offset}) || ' days')"

    def lit(self, day: date) -> str:
        return f"DATE '{day.isoformat()}'" if self.pg else f"'{day.isoformat()}'"

    def hash64(self, column: str) -> str:
        return f"lpad(({column})::text, 64, '0')" if self.pg else f"printf('%064d', {column})"

    def ts(self) -> str:
        return "TIMESTAMPTZ '2026-01-01 00:00:00+00'" if self.pg else "'2026-01-01 00:00:00.000000'"

    def boolean(self, condition: str) -> str:
        return f"({condition})" if self.pg else f"(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def build(session, sql: Sql, enrolments: int) -> None:
    """Organisations, projects and classes through the ORM; people and downstream rows set-based."""
    from sqlalchemy import select, text

    from app.accounts.services import create_organisation
    from app.assessment.models import AssessmentPlan
    from app.catalog.models import Occupation
    from app.catalog.seed import seed_catalog
    from app.training.models import TrainingClass, TrainingProject
    from tests.factories import valid_uscc

    seed_catalog(session, now=NOW)
    occupations = [session.scalar(select(Occupation).where(Occupation.code == c)) for c in OCCUPATIONS]
    institutions = [create_organisation(session, actor=None, now=NOW, kind="institution", name=f"培训机构{i}",
                                        uscc=valid_uscc(), city_code=CITIES[i % len(CITIES)])
                    for i in range(INSTITUTIONS)]
    evaluator = create_organisation(session, actor=None, now=NOW, kind="evaluation", name="评价机构",
                                    uscc=valid_uscc(), city_code="2101")
    enterprise = create_organisation(session, actor=None, now=NOW, kind="enterprise", name="用人企业",
                                     uscc=valid_uscc(), city_code="2101")
    projects = []
    for p in range(PROJECTS):
        occ = occupations[p % len(occupations)]
        projects.append(TrainingProject(institution_id=institutions[p % INSTITUTIONS].id, name=f"项目{p}",
                                        project_type="employment_skills", occupation_id=occ.id, target_level_digit=4,
                                        reference_hours=80, standard_edition="2018", created_at=NOW))
    session.add_all(projects)
    session.flush()
    first = date(2025, 10, 1)
    session.add_all([TrainingClass(project_id=projects[c % PROJECTS].id, name=f"第{c}期",
                                   start_date=date.fromordinal(first.toordinal() + (c * 7) % 365),
                                   end_date=date.fromordinal(first.toordinal() + (c * 7) % 365 + 30), capacity=300,
                                   venue="实训基地", teacher_names="王老师", created_at=NOW) for c in range(CLASSES)])
    for occ in occupations:
        session.add(AssessmentPlan(organisation_id=evaluator.id, occupation_id=occ.id,
                                   standard_id=occ.current_standard.id, level_digit=4, title=f"{occ.name}评价",
                                   status="finalised", registration_deadline=date(2026, 12, 31), venue="沈阳",
                                   created_at=NOW))
    session.flush()
    n = enrolments
    if sql.pg:
        series = f"generate_series(1, {n}) AS s(i)"
        session.execute(text(f"CREATE TEMP TABLE seq AS SELECT i FROM {series}"))
    else:
        session.execute(text("CREATE TEMP TABLE seq(i INTEGER PRIMARY KEY)"))
        session.execute(text(f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) "
                             "INSERT INTO seq SELECT i FROM s"))
    ins = institutions[0].id
    ts = sql.ts()
    occ_ids = ", ".join(str(o.id) for o in occupations)
    quarter_ts = [("'%s'" if not sql.pg else "TIMESTAMPTZ '%s+00'") % t for t in
                  ("2025-11-15 00:00:00", "2026-02-15 00:00:00", "2026-05-15 00:00:00", "2026-08-15 00:00:00")]
    demand_ts = "CASE i % 4 " + " ".join(f"WHEN {k} THEN {v}" for k, v in enumerate(quarter_ts)) + " END"
    city_case = "CASE i % 14 " + " ".join(f"WHEN {k} THEN '{c}'" for k, c in enumerate(CITIES)) + " END"
    occ_case = "CASE i % 7 " + " ".join(f"WHEN {k} THEN {v}" for k, v in enumerate(occ_ids.split(', '))) + " END"
    steps = [
        ("job_demands", f"INSERT INTO job_demands (enterprise_id, occupation_id, title, headcount, city_code, "
                        f"wage_min, wage_max, valid_until, status, is_shortage, created_at, updated_at, "
                        f"status_changed_at) SELECT {enterprise.id}, {occ_case}, '技工', 1 + i % 40, {city_case}, "
                        f"4000, 6000, {sql.lit(date(2026, 12, 31))}, 'open', {sql.boolean('1 = 0')}, {demand_ts}, "
                        f"{demand_ts}, {demand_ts} FROM seq WHERE i <= {max(100, n // 100)}"),
        ("people", f"INSERT INTO people (id, name, id_type, id_number_enc, id_hash, id_masked, birth_date, "
                   f"target_groups, registered_by_org_id, created_at, updated_at) SELECT i, '学员', 'passport', 'x', "
                   f"{sql.hash64('i')}, 'E*****', {sql.lit(date(1995, 1, 1))}, '[]', {ins}, {ts}, {ts} FROM seq"),
        ("enrolments", f"INSERT INTO enrolments (id, class_id, person_id, status, enrolled_at, status_changed_at, "
                       f"completed_on) SELECT i, (SELECT min(id) FROM training_classes) + ((i % {CLASSES}) * 7919) % {CLASSES}, i, "
                       f"CASE WHEN i % 10 < 8 THEN 'completed' ELSE 'withdrawn' END, {ts}, {ts}, "
                       f"CASE WHEN i % 10 < 8 THEN {sql.lit(date(2026, 1, 1))} END FROM seq"),
        ("registrations", "INSERT INTO assessment_registrations (id, plan_id, person_id, source, status, eligible, "
                          "failures, checked_as_of, created_at) SELECT e.id, pl.id, e.person_id, 'individual', "
                          f"'eligible', {sql.boolean('1 = 1')}, '[]', {sql.lit(date(2026, 6, 1))}, {ts} "
                          "FROM enrolments e JOIN training_classes c ON c.id = e.class_id "
                          "JOIN training_projects p ON p.id = c.project_id "
                          "JOIN assessment_plans pl ON pl.occupation_id = p.occupation_id WHERE e.id % 10 < 6"),
        ("results", "INSERT INTO assessment_results (id, registration_id, plan_id, person_id, passed, status, "
                    f"computed_at, finalised_at, ready_for_certificate) SELECT r.id, r.id, r.plan_id, r.person_id, "
                    f"{sql.boolean('r.id % 10 < 5')}, 'final', {ts}, {ts}, {sql.boolean('1 = 0')} "
                    "FROM assessment_registrations r"),
        ("level_awards", "INSERT INTO level_awards (person_id, occupation_code, occupation_name, grade_key, "
                         "level_digit, route, awarded_on, created_at) SELECT e.person_id, o.code, o.name, "
                         f"'intermediate', 4, 'exam', {sql.day('c.start_date', '60')}, {ts} "
                         "FROM enrolments e JOIN training_classes c ON c.id = e.class_id "
                         "JOIN training_projects p ON p.id = c.project_id JOIN occupations o ON o.id = p.occupation_id "
                         "WHERE e.id % 10 < 4"),
        ("placements", "INSERT INTO placements (id, person_id, enterprise_id, job_title, start_date, contract_months, "
                       "monthly_wage, status, registration_due_on, created_at) SELECT e.id, e.person_id, "
                       f"{enterprise.id}, '技工', {sql.day('c.start_date', '40 + e.id % 150')}, 12, 5000, 'active', "
                       f"{sql.day('c.start_date', '70 + e.id % 150')}, {ts} "
                       "FROM enrolments e JOIN training_classes c ON c.id = e.class_id WHERE e.id % 10 < 3"),
        ("follow_ups", "INSERT INTO placement_follow_ups (placement_id, months, due_on, outcome, checked_on) "
                       f"SELECT p.id, m.months, {sql.day('p.start_date', '30 * m.months')}, "
                       "CASE WHEN m.months = 6 AND p.id % 10 < 2 THEN 'retained' WHEN m.months = 6 THEN 'left' END, "
                       f"CASE WHEN m.months = 6 THEN {sql.day('p.start_date', '182')} END FROM placements p "
                       "CROSS JOIN (SELECT 3 AS months UNION ALL SELECT 6 UNION ALL SELECT 12) m"),
    ]
    for name, statement in steps:
        started = time.perf_counter()
        count = session.execute(text(statement)).rowcount
        print(f"  inserted {count:>9,} {name:<14} in {time.perf_counter() - started:6.1f} s", flush=True)
    if sql.pg:
        session.execute(text("SELECT setval(pg_get_serial_sequence('people', 'id'), (SELECT max(id) FROM people))"))


def timed(label: str, fn, repeats: int = 3):
    """Run fn a few times; print the median and return the last result."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    print(f"  {label:<58} median {statistics.median(times):6.3f} s  (runs: "
          f"{', '.join(f'{t:.3f}' for t in times)})", flush=True)
    return result


def measure(session, *, direct: bool = True) -> None:
    """Rebuild the funnel facts once, then time the funnel read from them (and, for comparison, computed
    directly) and the per-class table under several filters."""
    from sqlalchemy import select

    from app.accounts.models import Organisation
    from app.catalog.models import Occupation
    from app.reporting.employment import class_employment
    from app.reporting.facts import class_employment_from_facts, funnel_from_facts, refresh_funnel_facts
    from app.reporting.funnel import FunnelFilters, funnel

    started = time.perf_counter()
    state = refresh_funnel_facts(session, now=NOW)
    session.commit()
    print(f"  refresh funnel facts ({state.row_count:,} classes){'':<20} once   {time.perf_counter() - started:6.3f} s",
          flush=True)
    occupation_id = session.scalar(select(Occupation.id).where(Occupation.code == OCCUPATIONS[0]))
    institution_id = session.scalar(select(Organisation.id).where(Organisation.kind == "institution")
                                    .order_by(Organisation.id))
    cases = [
        ("funnel, no filter (all 1,000,000 enrolments)", FunnelFilters()),
        ("funnel, quarter 2026Q1", FunnelFilters(quarter="2026Q1")),
        ("funnel, quarter 2026Q1 + city 2101", FunnelFilters(quarter="2026Q1", city_code="2101")),
        ("funnel, occupation 电工 + institution", FunnelFilters(occupation_id=occupation_id,
                                                                 institution_id=institution_id)),
    ]
    for label, filters in cases:
        steps = timed(label + " (facts)", lambda f=filters: funnel_from_facts(session, f))
        session.commit()
        print("    " + " → ".join(f"{s.key} {s.count:,}" for s in steps))
        if direct:
            computed = timed("  (computed directly, for comparison)", lambda f=filters: funnel(session, f), 1)
            session.commit()
            assert computed == steps, "facts and direct computation disagree"
    for label, filters in (("quarter 2026Q1", FunnelFilters(quarter="2026Q1")), ("no filter", FunnelFilters())):
        rows = timed(f"per-class employment (6-month window), {label} (facts)",
                     lambda f=filters: class_employment_from_facts(session, f, window_months=6, today=NOW.date()))
        session.commit()
        print(f"    {len(rows)} classes, {sum(r.employed for r in rows):,} employed")
        if direct:
            computed = timed("  (computed directly, for comparison)",
                             lambda f=filters: class_employment(session, f, window_months=6, today=NOW.date()), 1)
            session.commit()
            assert computed == rows, "facts and direct computation disagree"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enrolments", type=int, default=1_000_000)
    parser.add_argument("--sqlite", default="/tmp/bench_funnel.db")
    parser.add_argument("--pg", help="URL of a scratch PostgreSQL database (its public schema is dropped)")
    parser.add_argument("--reuse", action="store_true", help="skip building; time the existing database")
    parser.add_argument("--no-direct", action="store_true",
                        help="skip the (slow) direct computation that checks the facts")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app import create_app
    from app.extensions import db

    sqlite_path = None if args.pg else Path(args.sqlite)
    uri = args.pg or f"sqlite:///{sqlite_path}"
    instance = Path("/tmp/bench_funnel_instance")
    instance.mkdir(exist_ok=True)
    app = create_app(_config(uri, instance))
    with app.app_context():
        if not args.reuse:
            _fresh(uri, sqlite_path)
            upgrade()
            started = time.perf_counter()
            print(f"building {args.enrolments:,} enrolments on {db.engine.dialect.name} …", flush=True)
            with Session(db.engine) as session:
                build(session, Sql(db.engine.dialect.name), args.enrolments)
                session.commit()
            # A live database is vacuumed by autovacuum; a freshly bulk-loaded one is not yet, which would leave
            # index-only scans fetching heap pages. VACUUM needs autocommit on PostgreSQL.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"))
            print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
        else:
            upgrade()  # a database built before the funnel facts existed gets their tables
        print(f"timing on {db.engine.dialect.name}:", flush=True)
        with Session(db.engine) as session:
            measure(session, direct=not args.no_direct)
        db.engine.dispose()


if __name__ == "__main__":
    main()
