"""Demo people: a few hundred realistic Liaoning trainees and workers with work history and certificates."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.clock import local_date
from app.idnumbers import RESIDENT, format_certificate_number, resident_id_check_char
from app.people.access import add_access
from app.people.records import add_held_certificate, add_work_record
from app.people.services import register_person

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 建华 志强 海燕 国庆 春梅 晓东 "
         "宇航 子涵 浩然 欣怡 思远 佳琪 博文 雨桐 俊杰 梦瑶 天宇 嘉怡 鹏飞 雪梅 立新 红梅 宏伟 玉兰 振华 淑华").split()
# Region prefixes of Liaoning districts (the ID's birthplace code).
REGIONS = ["210102", "210103", "210104", "210105", "210106", "210111", "210112", "210202", "210203", "210204",
           "210211", "210302", "210303", "210402", "210502", "210602", "210702", "210802", "210902", "211002",
           "211102", "211202", "211302", "211402", "210181", "210281", "210381"]
EMPLOYERS = ["沈阳北方数控机床有限公司", "大连星海船舶工程有限公司", "鞍山恒钢金属制品有限公司", "营口港湾物流有限公司",
             "锦州新能源汽车零部件有限公司", "沈阳康宁养老服务中心", "大连海港餐饮管理有限公司", "抚顺石化设备安装有限公司"]
JOBS = [("6-31-01-03", "电工"), ("6-18-02-04", "焊工"), ("6-18-01-01", "车工"), ("4-12-01-01", "汽车维修工"),
        ("6-30-99-00", "工业机器人系统操作员"), ("4-10-01-05", "养老护理员"), ("4-03-02-01", "中式烹调师"), (None, "装配工")]
EDUCATION = ["junior_secondary", "senior_secondary", "senior_secondary", "associate", "associate", "bachelor"]
TARGETS = ["rural_migrant", "registered_unemployed", "graduate", "school_leaver", "hard_to_employ", "poverty_monitored"]
COUNT = 220


def demo_id_number(rng: random.Random, birth: date, female: bool) -> str:
    """A checksum-valid resident ID with a Liaoning birthplace."""
    sequence = rng.randrange(0, 500) * 2 + (0 if female else 1)
    first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


def load_people(session: Session, *, now: datetime) -> dict[str, int]:
    """Register the demo people through the same services the web uses."""
    rng = random.Random(20261124)
    users = {u.username: u for u in session.scalars(select(User))}
    orgs = {o.name: o for o in session.scalars(select(Organisation))}
    registrars = [users["inst_sy"], users["inst_dl"]]
    enterprises = [o for o in orgs.values() if o.kind == "enterprise"]
    seen: set[str] = set()
    created = works = certificates = 0
    while created < COUNT:
        female = rng.random() < 0.45
        birth = date(rng.randint(1968, 2006), rng.randint(1, 12), rng.randint(1, 28))
        number = demo_id_number(rng, birth, female)
        if number in seen:
            continue
        seen.add(number)
        actor = registrars[created % 2]
        person = register_person(
            session, actor=actor, now=now, name=rng.choice(SURNAMES) + rng.choice(GIVEN), id_type=RESIDENT,
            id_number=number, phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            education=rng.choice(EDUCATION), target_groups=rng.sample(TARGETS, k=rng.choice((0, 1, 1, 2))),
        )
        created += 1
        works += _work_history(session, rng, actor, now, person.id, birth)
        certificates += _certificates(session, rng, actor, now, person.id, birth)
        if rng.random() < 0.3:
            employer = rng.choice(enterprises)
            add_access(session, person_id=person.id, organisation_id=employer.id, reason="employer", now=now)
    return {"people": created, "work records": works, "held certificates": certificates}


def _work_history(session, rng, actor, now, person_id, birth) -> int:
    start = date(max(birth.year + 18, 1990), rng.randint(1, 12), 1)
    count = 0
    while start < local_date(now) - timedelta(days=200) and count < 3:
        years = rng.randint(1, 8)
        end = date(start.year + years, start.month, 1) - timedelta(days=1)
        ongoing = end >= local_date(now)
        code, job = rng.choice(JOBS)
        add_work_record(session, actor=actor, now=now, person_id=person_id, employer_name=rng.choice(EMPLOYERS),
                        occupation_name=job, occupation_code=code, start_date=start,
                        end_date=None if ongoing else end)
        count += 1
        if ongoing:
            break
        start = end + timedelta(days=rng.randint(1, 120))
    return count


def _certificates(session, rng, actor, now, person_id, birth) -> int:
    if rng.random() > 0.35 or birth.year > 2004:
        return 0
    code, job = rng.choice(JOBS[:7])
    if rng.random() < 0.3:
        issued = date(rng.randint(2008, 2019), rng.randint(1, 12), rng.randint(1, 28))
        digit = rng.choice((5, 4, 4, 3))
        number = f"{issued:%y}21{rng.choice(('01', '02', '03'))}1{rng.randrange(1000):03d}{digit}{rng.randrange(1, 99999):05d}"
        issuer = "辽宁省职业技能鉴定指导中心"
    else:
        issued = date(rng.randint(2021, 2025), rng.randint(1, 12), rng.randint(1, 28))
        digit = rng.choice((5, 4, 4, 3, 2))
        number = format_certificate_number("S", "0000", "21", "210099", issued.year, digit, rng.randrange(1, 9999))
        issuer = "辽宁技能人才评价中心（演示）"
    add_held_certificate(session, actor=actor, now=now, person_id=person_id, number=number, occupation_name=job,
                         occupation_code=code, level_digit=digit, issue_date=issued, issuer_name=issuer)
    return 1
