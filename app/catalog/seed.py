"""Seed data: the occupations of DOMAIN.md §7 with their standards (template A for 2018-era editions)."""

from __future__ import annotations

import copy
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalog.eligibility_templates import TEMPLATE_A, TEMPLATE_B
from app.catalog.models import Occupation
from app.catalog.occupations import add_variant, create_occupation
from app.catalog.standards import LevelSpec, create_standard

DICTIONARY_EDITION = "2022"
HOURS_A = {5: 400, 4: 300, 3: 300, 2: 200, 1: 200}
HOURS_B = {5: 120, 4: 160, 3: 200, 2: 160, 1: 120}

# code, name, English, digital (S), green (L), standard edition, template, levels, trades, directions
OCCUPATIONS = [
    ("6-31-01-03", "电工", "Electrician", False, False, "2018年版", "A", (5, 4, 3, 2, 1), (), ()),
    ("6-18-02-04", "焊工", "Welder", False, False, "2018年版", "A", (5, 4, 3, 2, 1), (), ()),
    ("6-18-01-01", "车工", "Lathe operator", False, False, "2018年版", "A", (5, 4, 3, 2, 1),
     ("数控车工", "普通车工"), ()),
    ("4-12-01-01", "汽车维修工", "Motor-vehicle repairer", False, False, "2018年版", "A", (5, 4, 3, 2, 1),
     ("汽车机械维修工", "汽车电器维修工", "汽车车身整形修复工", "汽车车身涂装修复工"), ()),
    ("6-30-99-00", "工业机器人系统操作员", "Industrial robot system operator", True, False, "2020年版", "B",
     (4, 3, 2, 1), (), ()),
    ("6-31-01-10", "工业机器人系统运维员", "Industrial robot system maintenance technician", True, False,
     "2020年版", "B", (4, 3, 2, 1), (), ()),
    ("4-04-05-07", "服务机器人应用技术员", "Service robot application technician", True, False, "2023年版", "B",
     (5, 4, 3, 2, 1), (), ()),
    ("4-99-00-00", "无人机驾驶员", "UAV pilot", True, False, "2021年版", "B", (5, 4, 3, 2, 1), (),
     ("植保", "安防", "航拍", "巡检", "物流")),
    ("4-01-02-07", "互联网营销师", "Internet marketer", True, False, "2021年版", "B", (5, 4, 3, 2, 1),
     ("直播销售员", "选品员", "视频创推员", "平台管理员"), ()),
    ("4-10-01-05", "养老护理员", "Elderly carer", False, False, "2019年版", "A", (5, 4, 3, 2, 1), (), ()),
    ("4-10-01-02", "育婴员", "Infant carer", False, False, "2019年版", "A", (5, 4, 3), (), ()),
    ("4-10-01-03", "保育师", "Childcare worker", False, False, "2021年版", "B", (5, 4, 3, 2, 1), (), ()),
    ("4-03-02-01", "中式烹调师", "Chinese cook", False, False, "2018年版", "A", (5, 4, 3, 2, 1), (), ()),
    ("4-04-05-05", "人工智能训练师", "AI trainer", True, False, "2021年版", "B", (5, 4, 3, 2, 1), (),
     ("数据标注员", "人工智能算法测试员")),
]

RELATED = {
    "6-30-99-00": ["6-31-01-10", "6-31-01-03"],
    "6-31-01-10": ["6-30-99-00", "6-31-01-03"],
    "4-10-01-02": ["4-10-01-03"],
    "4-10-01-03": ["4-10-01-02"],
}


def seed_catalog(session: Session, *, now: datetime) -> int:
    """Create the seeded occupations that are missing; returns how many were created."""
    existing = set(session.scalars(select(Occupation.code).where(Occupation.edition == DICTIONARY_EDITION)))
    created = 0
    for code, name, english, digital, green, edition, template, levels, trades, directions in OCCUPATIONS:
        if code in existing:
            continue
        occupation = create_occupation(
            session, actor=None, now=now, edition=DICTIONARY_EDITION, code=code, name=name,
            english_name=english, digital=digital, green=green,
        )
        for trade in trades:
            add_variant(session, actor=None, now=now, occupation_id=occupation.id, kind="trade", name=trade)
        for direction in directions:
            add_variant(session, actor=None, now=now, occupation_id=occupation.id, kind="direction", name=direction)
        rules = copy.deepcopy(TEMPLATE_A if template == "A" else TEMPLATE_B)
        hours = HOURS_A if template == "A" else HOURS_B
        create_standard(
            session, actor=None, now=now, occupation_id=occupation.id, edition=edition,
            levels=[LevelSpec(digit=d, reference_hours=hours[d]) for d in levels],
            eligibility_rules={str(d): rules[str(d)] for d in levels},
            related_codes=RELATED.get(code, ()),
        )
        created += 1
    return created
