"""Demo organisations and logins (fictional organisations with valid credit codes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.accounts.roles import OrgKind, Role
from app.accounts.services import create_organisation, create_user, set_evaluation_filing

DEMO_PASSWORD = "Jiangcai2026!"

ORGANISATIONS = [
    # key, kind, name, USCC, city
    ("hrss", OrgKind.HRSS, "辽宁省人力资源和社会保障厅（演示）", "112100000000123458", "2101"),
    ("inst_sy", OrgKind.INSTITUTION, "沈阳匠心职业技能培训学校", "52210100MJ5K6F7G8T", "2101"),
    ("inst_dl", OrgKind.INSTITUTION, "大连滨海职业技能培训学校", "52210102MJ0A1B2C3X", "2102"),
    ("eval", OrgKind.EVALUATION, "辽宁辽才职业技能评价有限公司", "91210100MA0XKL8P27", "2101"),
    ("ent_sy", OrgKind.ENTERPRISE, "沈阳北方数控机床有限公司", "91210100MA0P4Q5R6X", "2101"),
    ("ent_dl", OrgKind.ENTERPRISE, "大连星海船舶工程有限公司", "91210200MA0T7U8W95", "2102"),
    ("ent_as", OrgKind.ENTERPRISE, "鞍山恒钢金属制品有限公司", "91210300MA10X2Y3K5", "2103"),
]

# Occupations and levels the demo evaluation organisation is filed for.
FILING_SCOPES = [
    ("6-31-01-03", (5, 4, 3, 2, 1)),  # 电工
    ("6-18-02-04", (5, 4, 3, 2, 1)),  # 焊工
    ("6-18-01-01", (5, 4, 3, 2, 1)),  # 车工
    ("4-12-01-01", (5, 4, 3)),  # 汽车维修工
    ("6-30-99-00", (4, 3, 2, 1)),  # 工业机器人系统操作员
    ("4-10-01-05", (5, 4, 3)),  # 养老护理员
]

# username, organisation key, full name, roles
USERS = [
    ("admin", "hrss", "李海燕", [Role.ADMIN]),
    ("inst_sy", "inst_sy", "王建国", [Role.INSTITUTION_STAFF]),
    ("inst_dl", "inst_dl", "陈晓梅", [Role.INSTITUTION_STAFF]),
    ("eval", "eval", "赵立新", [Role.EVALUATION_STAFF]),
    ("assessor1", "eval", "孙志刚", [Role.ASSESSOR]),
    ("assessor2", "eval", "周丽娜", [Role.ASSESSOR]),
    ("assessor3", "eval", "吴德明", [Role.ASSESSOR]),
    ("assessor4", "eval", "郑春生", [Role.ASSESSOR]),
    ("supervisor1", "hrss", "高志远", [Role.DEPT_SUPERVISOR]),
    ("supervisor2", "hrss", "林秀英", [Role.DEPT_SUPERVISOR]),
    ("hr_sy", "ent_sy", "刘洋", [Role.ENTERPRISE_HR]),
    ("hr_dl", "ent_dl", "杨帆", [Role.ENTERPRISE_HR]),
    ("hr_as", "ent_as", "黄静", [Role.ENTERPRISE_HR]),
]

# One login per role, printed by `make run`.
DEMO_LOGINS = [
    ("admin", "人社管理员 / HR & social security administrator"),
    ("inst_sy", "培训机构 / training institution staff"),
    ("eval", "评价机构 / evaluation organisation staff"),
    ("assessor1", "考评员 / assessor"),
    ("supervisor1", "人社部门质量督导员 / department quality supervisor"),
    ("hr_sy", "企业人力资源 / enterprise HR"),
    ("worker1", "劳动者本人 / a worker's own account"),
]


def load_accounts(session: Session, *, now: datetime) -> dict[str, int]:
    """Create the demo organisations, the evaluation filing and the logins."""
    orgs = {}
    for key, kind, name, uscc, city in ORGANISATIONS:
        orgs[key] = create_organisation(
            session, actor=None, now=now, kind=kind, name=name, uscc=uscc, city_code=city,
            address=f"辽宁省{name[:2]}市", contact_phone="024-2288" + str(len(orgs)).zfill(4),
        )
    set_evaluation_filing(
        session, actor=None, now=now, organisation=orgs["eval"], org_type="S", org_code="0000",
        province_code="21", site_code="210001", filed_with="辽宁省人力资源和社会保障厅",
        scopes=[(code, d) for code, digits in FILING_SCOPES for d in digits],
    )
    for username, org_key, full_name, roles in USERS:
        create_user(
            session, actor=None, now=now, organisation_id=orgs[org_key].id, username=username,
            display_name=full_name, password=DEMO_PASSWORD, roles=roles,
        )
    return {"organisations": len(orgs), "users": len(USERS)}
