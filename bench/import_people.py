"""Benchmark the people import; prints measured figures, asserts nothing.

Builds a 10,000-row workbook of valid people in the wording offices use (身份证号码, 手机号, 文化程度, 职业（工种）,
参加工作时间, 从业年限 — a third of the work given as declared years instead of dates — and a 备注 column the
import does not know) plus a copy with ~2 % invalid rows, then imports each in a fresh child process into a
fresh, migrated SQLite database, so every peak-RSS figure is that import's own. Each import is timed as the web
runs it, mapping step included: step 1 reads the sheet and lays out its columns (the preview), step 2 reads it
again and imports with the user's mapping ({"备注": leave out}).
Runs: valid import, re-import of the same file (nothing new), invalid file (validation + error workbook),
and the valid sheet as a GBK CSV.
Target: ≤ 10 s and ≤ 400 MB peak RSS for 10,000 valid rows.

    .venv/bin/python bench/import_people.py [--rows 10000] [--invalid-share 0.02]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜"
            "戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美建国志刚海燕晓东玉兰红梅鑫宇浩然子涵欣怡博文思远佳琪俊峰春雨"
REGIONS = ("210102 210103 210104 210105 210106 210111 210112 210113 210114 210115 210202 210203 210204 210211 "
           "210212 210213 210214 210281 210302 210303 210304 210311 210381 210402 210403 210404 210411 210502 "
           "210503 210504 210505 210602 210603 210604 210681 210702 210703 210711 210781 210802 210803 210804 "
           "210811 210881 210902 210903 210904 210905 211002 211003 211004 211005 211102 211103 211202 211204 "
           "211281 211302 211303 211381 211402 211403 211404 211481").split()
JOBS = (("6-31-01-03", "电工"), ("6-18-02-04", "焊工"), ("6-18-01-01", "车工"), ("4-10-01-05", "养老护理员"),
        ("6-31-01-05", "维修电工"), ("4-03-02-01", "中式烹调师"), ("6-29-03-01", "工业机器人系统操作员"))
EMPLOYERS = ("沈阳机床股份有限公司", "大连船舶重工集团有限公司", "鞍钢集团有限公司", "华晨宝马汽车有限公司",
             "抚顺石化公司", "营口港务集团", "锦州阳光能源有限公司", "辽阳石化分公司", "盘锦辽河油田", "丹东曙光车桥")
EDUCATION = ("初中", "高中/中专", "大专", "本科", "")
GROUPS = ("", "", "农村转移就业劳动者", "登记失业人员", "脱贫/监测人口", "毕业年度高校毕业生", "就业困难人员、登记失业人员")
HEADERS = ("姓名", "证件类型", "身份证号码", "手机号", "性别", "文化程度", "毕业院校类型", "所学专业", "目标群体", "工作单位",
           "从事职业编码", "职业（工种）", "参加工作时间", "工作结束日期", "从业年限", "备注")
MAPPING = {"备注": ""}  # what the user chose in the preview: leave the remarks out
NOTES = ("", "", "", "老学员", "企业推荐", "补贴已申领")
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def _date_text(rng: random.Random, day: date):
    style = rng.randrange(5)
    if style == 0:
        return datetime(day.year, day.month, day.day)  # an Excel date cell
    return (day.isoformat(), f"{day.year}/{day.month}/{day.day}", day.strftime("%Y%m%d"),
            f"{day.year}年{day.month}月{day.day}日")[style - 1]


def person_row(rng: random.Random, index: int) -> list:
    """One valid row; the index keeps every ID number distinct."""
    from app.idnumbers import resident_id_check_char

    born = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 40))
    region = REGIONS[index % len(REGIONS)]
    male = rng.random() < 0.55
    sequence = (index // len(REGIONS)) % 500 * 2 + (1 if male else 2)
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    code, occupation = rng.choice(JOBS)
    start = date(born.year + 18, 1, 1) + timedelta(days=rng.randrange(365 * 3))
    end = start + timedelta(days=rng.randrange(200, 3000)) if rng.random() < 0.4 else None
    end = end if end and end < NOW.date() else None
    declared = rng.random() < 0.33  # work given as years (从业年限) instead of dates
    years = min(round((NOW.date() - start).days / 365.25, 1), 30) if declared else None
    return [name, "居民身份证", first17 + resident_id_check_char(first17),
            f"1{rng.choice('35789')}{rng.randrange(10**9):09d}", "男" if male else "女", rng.choice(EDUCATION),
            "", "", rng.choice(GROUPS), rng.choice(EMPLOYERS), "" if declared else code, occupation,
            None if declared else _date_text(rng, start), _date_text(rng, end) if end and not declared else None,
            years, rng.choice(NOTES)]


def corrupt(rng: random.Random, row: list) -> list:
    """Break one cell the way real uploads are broken."""
    row = list(row)
    kind = rng.randrange(5)
    if kind == 0:
        row[2] = row[2][:17] + ("0" if row[2][17] != "0" else "1")  # wrong check character
    elif kind == 1:
        row[2] = "2.10102E+17"
    elif kind == 2:
        row[3] = row[3][:7]
    elif kind == 3 and row[12] is not None:
        row[12] = "2019-02-30"
    elif kind == 3:
        row[14] = "八年"
    else:
        row[5] = "职高毕业"
    return row


def build_workbook(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("人员信息")
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build_csv(rows: list[list]) -> bytes:
    import csv

    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(["" if v is None else v.strftime("%Y-%m-%d") if isinstance(v, datetime) else v for v in row])
    return out.getvalue().encode("gbk")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(path: Path, db: Path, fresh: bool) -> None:
    """Import one file into the database and print the figures as one JSON line."""
    from flask_migrate import upgrade
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app import create_app
    from app.accounts.models import User
    from app.accounts.services import create_organisation, create_user
    from app.extensions import db as flask_db
    from app.people.import_columns import MAX_ROWS
    from app.people.importing import error_workbook, import_people, preview_people
    from app.spreadsheets import read_table
    from config import TestConfig

    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db}",
                                                 "INSTANCE_DIR": db.parent, "FILE_STORAGE_DIR": db.parent / "files"})
    app = create_app(config)  # also configures app.pii with the config keys
    with app.app_context():
        if fresh:
            upgrade()
        engine = flask_db.engine
    with Session(engine) as session:
        if fresh:
            org = create_organisation(session, actor=None, now=NOW, kind="institution", name="沈阳市职业技能培训中心",
                                      uscc=_uscc())
            create_user(session, actor=None, now=NOW, organisation_id=org.id, username="bench",
                        display_name="基准", password="Jiangcai2026!", roles=["institution_staff"])
            session.commit()
        actor = session.scalar(select(User).where(User.username == "bench"))
        data = path.read_bytes()
        baseline = peak_rss_mb()
        started = time.perf_counter()
        preview = preview_people(read_table(data, path.name, max_rows=MAX_ROWS), mapping=MAPPING)  # step 1: the preview
        assert not preview.unmapped, preview.errors
        preview_seconds = time.perf_counter() - started
        result = import_people(session, actor=actor, now=NOW, table=read_table(data, path.name, max_rows=MAX_ROWS), mapping=MAPPING)
        session.commit()
        elapsed = time.perf_counter() - started
        report_seconds = None
        if result.errors:
            report_started = time.perf_counter()
            error_workbook(result)
            report_seconds = time.perf_counter() - report_started
    rows = len(result.rows) - 1
    print(json.dumps({
        "file": path.name, "rows": rows, "seconds": round(elapsed, 2), "rows_per_s": round(rows / elapsed),
        "preview_s": round(preview_seconds, 2),
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        "work_added": result.work_records_added, "errors": len(result.errors),
        "error_workbook_s": round(report_seconds, 2) if report_seconds is not None else None,
        "rss_before_mb": round(baseline), "peak_rss_mb": round(peak_rss_mb()),
    }, ensure_ascii=False))


def _uscc() -> str:
    from app.idnumbers import uscc_check_char

    body = "91210100MA0P4Q5R1"
    return body + uscc_check_char(body)


def run_child(path: Path, db: Path, fresh: bool) -> dict:
    args = [sys.executable, __file__, "--child", str(path), "--db", str(db)] + (["--fresh"] if fresh else [])
    done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--invalid-share", type=float, default=0.02)
    parser.add_argument("--child")
    parser.add_argument("--db")
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), Path(args.db), args.fresh)
        return
    rng = random.Random(20261124)
    with tempfile.TemporaryDirectory(prefix="jiangcai-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        rows = [person_row(rng, i) for i in range(args.rows)]
        bad = set(rng.sample(range(args.rows), round(args.rows * args.invalid_share)))
        valid_file, invalid_file = folder / "valid.xlsx", folder / "invalid.xlsx"
        valid_file.write_bytes(build_workbook(rows))
        csv_file = folder / "valid-gbk.csv"
        csv_file.write_bytes(build_csv(rows))
        invalid_file.write_bytes(build_workbook([corrupt(rng, r) if i in bad else r for i, r in enumerate(rows)]))
        print(f"built {args.rows:,} rows ({len(bad)} corrupted in the second file) in "
              f"{time.perf_counter() - started:.1f} s; valid.xlsx {valid_file.stat().st_size / 1e6:.1f} MB")
        runs = [
            ("valid rows, fresh database", run_child(valid_file, folder / "a.db", True)),
            ("same file again (idempotent)", run_child(valid_file, folder / "a.db", False)),
            (f"{args.invalid_share:.0%} invalid rows", run_child(invalid_file, folder / "b.db", True)),
            ("valid rows as GBK CSV, fresh db", run_child(csv_file, folder / "c.db", True)),
        ]
    print(f"{'run':32} {'rows':>6} {'seconds':>8} {'preview':>7} {'rows/s':>7} {'created':>8} {'updated':>8} "
          f"{'unchanged':>9} {'errors':>6} {'err.xlsx s':>10} {'RSS before':>10} {'peak RSS':>9}")
    for label, f in runs:
        print(f"{label:32} {f['rows']:>6} {f['seconds']:>8.2f} {f['preview_s']:>7.2f} {f['rows_per_s']:>7} {f['created']:>8} "
              f"{f['updated']:>8} {f['unchanged']:>9} {f['errors']:>6} {str(f['error_workbook_s'] or '-'):>10} "
              f"{f['rss_before_mb']:>7} MB {f['peak_rss_mb']:>6} MB")


if __name__ == "__main__":
    main()
