"""Fixed vocabularies of the labour package, each key with its marked label (defined here only)."""

from __future__ import annotations

from app.translation import N_, Message

TASKS: dict[str, Message] = {
    "seedling": N_("Raising seedlings"),  # 育苗
    "transplanting": N_("Transplanting rice"),  # 插秧
    "spraying": N_("Crop spraying"),  # 植保喷洒
    "harvest": N_("Harvesting"),  # 采收
    "sorting": N_("Sorting"),  # 分拣
    "packing": N_("Packing"),  # 包装
    "guiding": N_("Guiding visitors"),  # 导览
    "processing": N_("Food processing"),  # 加工
}
HALVES: dict[str, Message] = {"am": N_("Morning"), "pm": N_("Afternoon")}
PAY_KINDS: dict[str, Message] = {"day": N_("Per day"), "piece": N_("Per piece")}
DEMAND_STATUSES: dict[str, Message] = {"posted": N_("Posted"), "closed": N_("Closed")}
REGISTRATION_CHANNELS: dict[str, Message] = {
    "direct": N_("Registered directly"),
    "township": N_("Through the township employment service"),
}
COVER_KINDS: dict[str, Message] = {
    "work_injury": N_("Work-injury insurance"),
    "occupational_injury": N_("Occupational-injury cover"),
}
RUN_STATUSES: dict[str, Message] = {
    "queued": N_("Queued"), "running": N_("Running"), "solved": N_("Solved"),
    "failed": N_("Failed"), "published": N_("Published"),
}
ASSIGNMENT_STATUSES: dict[str, Message] = {
    "proposed": N_("Proposed"), "published": N_("Published"), "confirmed": N_("Confirmed"),
}
CONFIRM_METHODS: dict[str, Message] = {
    "online": N_("Online, signed in"),
    "sms_code": N_("SMS code"),
    "in_person": N_("In person before staff"),
}
CONTRACT_STATUSES: dict[str, Message] = {
    "draft": N_("Awaiting confirmation"), "confirmed": N_("Confirmed by both parties"),
}
UNMET_REASONS: dict[str, Message] = {
    "no_skill": N_("Too few registered workers have the task or the certificate required."),
    "not_available": N_("Too few workers with the skills are available on that half-day."),
    "out_of_reach": N_("Too few of the available workers can reach the township."),
    "taken": N_("Enough workers could do it, but they were needed elsewhere or had reached the rest limits."),
}
POST_KINDS: dict[str, Message] = {"surplus": N_("Surplus staff"), "shortage": N_("Staff shortage")}
AGREEMENT_STATUSES: dict[str, Message] = {"active": N_("In force"), "ended": N_("Ended")}
REQUEST_STATUSES: dict[str, Message] = {"open": N_("Open"), "assigned": N_("Expert assigned"), "closed": N_("Closed")}

HALF_DAY_HOURS_MAX = 6
DAY_HOURS_MAX = 10
DAYS_IN_A_ROW_MAX = 6

# Official documents and text messages are Chinese whatever the reader's language: their wording, fixed here.
TASKS_ZH = {"seedling": "育苗", "transplanting": "插秧", "spraying": "植保喷洒", "harvest": "采收",
            "sorting": "分拣", "packing": "包装", "guiding": "导览", "processing": "加工"}
COVER_KINDS_ZH = {"work_injury": "工伤保险", "occupational_injury": "职业伤害保障"}
PAY_KINDS_ZH = {"day": "按日计酬", "piece": "计件计酬"}
