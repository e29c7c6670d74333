"""Fixed vocabularies of the assessment stage (states, roles, kinds) with their Chinese labels."""

from __future__ import annotations

PLAN_STATUSES: dict[str, str] = {
    "draft": "草稿",
    "open": "报名中",
    "closed": "报名截止",
    "in_progress": "考核进行中",
    "results_published": "结果公示中",
    "finalised": "已确认",
    "cancelled": "已取消",
}
# Which plan states each transition may start from.
PLAN_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "open": (("draft",), "open"),
    "close": (("open",), "closed"),
    "reopen": (("closed",), "open"),
    "start": (("closed",), "in_progress"),
    "cancel": (("draft", "open", "closed", "in_progress"), "cancelled"),
}

REGISTRATION_STATUSES: dict[str, str] = {
    "eligible": "符合条件",
    "ineligible": "不符合条件",
    "overridden": "特批准考",
    "withdrawn": "已撤回",
}
ADMITTED = ("eligible", "overridden")
REGISTRATION_SOURCES: dict[str, str] = {
    "individual": "个人报名",
    "enrolment": "培训班结业",
    "apprenticeship": "学徒期满",
}

# How a component is run: invigilated (a paper or computer exam, scored by staff), examined by a team of
# examiners led by a 考评组长, or judged by a review panel.
COMPONENT_MODES: dict[str, str] = {
    "theory": "invigilated",
    "ethics": "invigilated",
    "practical": "examined",
    "review": "panel",
    "performance": "panel",
}
SESSION_STATUSES: dict[str, str] = {"planning": "编排中", "confirmed": "已确认", "signed_off": "已签字确认"}

ASSIGNMENT_ROLES: dict[str, str] = {
    "invigilator": "监考人员",
    "examiner": "考评员",
    "leader": "考评组长",
    "reviewer": "评审专家",
    "supervisor": "质量督导员",
}
# Roles each component mode accepts; every session also takes one supervisor.
MODE_ROLES: dict[str, tuple[str, ...]] = {
    "invigilated": ("invigilator", "supervisor"),
    "examined": ("examiner", "leader", "supervisor"),
    "panel": ("reviewer", "supervisor"),
}
# Roles that mark candidates and so need a recorded qualification in the occupation.
MARKING_ROLES = ("examiner", "leader", "reviewer")

RELATION_KINDS: dict[str, str] = {
    "relative": "亲属",
    "colleague": "同事",
    "teacher_student": "师生",
    "master_apprentice": "师徒",
}

RESULT_STATUSES: dict[str, str] = {"provisional": "待公示", "published": "公示中", "final": "已确认"}
OBJECTION_STATUSES: dict[str, str] = {"open": "待处理", "upheld": "异议成立", "dismissed": "异议不成立"}
SCORE_EVENT_KINDS: dict[str, str] = {"entry": "录入", "correction": "更正"}

APPOINTMENT_GRADES: dict[str, str] = {
    "apprentice": "学徒工",
    "principal_technician": "特级技师",
    "chief_technician": "首席技师",
}
APPOINTMENT_STATUSES: dict[str, str] = {
    "nominated": "已推荐",
    "under_notice": "公示中",
    "appointed": "已聘任",
    "rejected": "未通过",
}
NOMINATIONS: dict[str, str] = {"self": "个人自荐", "unit": "单位推荐"}


def one_of(column: str, values, *, nullable: bool = False) -> str:
    """A CHECK expression limiting a column to the given values."""
    listed = ", ".join(f"'{value}'" for value in values)
    check = f"{column} IN ({listed})"
    return f"{column} IS NULL OR {check}" if nullable else check
