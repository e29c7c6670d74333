"""Fixed vocabularies of placement with their Chinese labels."""

from __future__ import annotations

EVIDENCE_KINDS: dict[str, str] = {
    "labour_contract": "劳动合同",
    "social_insurance": "社保缴费记录",
    "wage_record": "工资发放记录",
    "employment_registration": "就业登记",
}
PLACEMENT_STATUSES: dict[str, str] = {"active": "在岗", "left": "已离职", "cancelled": "已撤销"}
FOLLOW_UP_MONTHS: tuple[int, ...] = (3, 6, 12)
FOLLOW_UP_OUTCOMES: dict[str, str] = {"retained": "在岗", "left": "已离职", "unknown": "无法确认"}
INVITATION_STATUSES: dict[str, str] = {
    "invited": "已邀约",
    "interview": "面试中",
    "offer": "已录用待入职",
    "hired": "已入职",
    "declined": "未成功",
}
# Which invitation state may follow which; "hired" is reached only by recording a placement.
INVITATION_TRANSITIONS: dict[str, frozenset[str]] = {
    "invited": frozenset({"interview", "offer", "declined"}),
    "interview": frozenset({"offer", "declined"}),
    "offer": frozenset({"hired", "declined"}),
    "hired": frozenset(),
    "declined": frozenset(),
}
REGISTRATION_DUE_DAYS = 30


def in_list(column: str, values) -> str:
    """A CHECK expression: the column holds one of the keys."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
