"""Fixed vocabularies of training and apprenticeships, with their Chinese labels."""

from __future__ import annotations

PROJECT_TYPES: dict[str, str] = {
    "employment_skills": "就业技能培训",
    "skills_upgrade": "岗位技能提升培训",
    "apprenticeship": "企业新型学徒制",
    "technician": "技师培训",
    "project_based": "项目制培训",
}

ENROLMENT_STATUSES: dict[str, str] = {
    "enrolled": "已报名",
    "in_training": "在训",
    "completed": "已结业",
    "withdrawn": "已退出",
}

ATTENDANCE_STATUSES: dict[str, str] = {"present": "出勤", "late": "迟到/早退", "absent": "缺勤"}

APPRENTICESHIP_STATUSES: dict[str, str] = {
    "planned": "待备案",
    "filed": "已备案",
    "in_training": "培养中",
    "completed": "已完成",
    "terminated": "已终止",
}

DOCUMENT_KINDS: dict[str, str] = {
    "training_plan": "培训计划",
    "cooperation_agreement": "校企合作协议",
    "apprentice_agreement": "企业与学徒培养协议",
}

PAYMENT_KINDS: dict[str, str] = {"advance": "预拨", "final": "清算拨付", "recovery": "追回"}


def in_list(column: str, values) -> str:
    """A CHECK expression: the column holds one of the keys."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
