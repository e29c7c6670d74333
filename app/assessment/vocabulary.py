"""Fixed vocabularies of the assessment stage (states, roles, kinds), each defined once with its marked label.

The edges translate the labels (`N_`): pages and exports show them in the user's language, admission
tickets in Chinese (`in_chinese`).
"""

from __future__ import annotations

from app.translation import N_, Message

PLAN_STATUSES: dict[str, Message] = {
    "draft": N_("Draft"),
    "open": N_("Registration open"),
    "closed": N_("Registration closed"),
    "in_progress": N_("Assessment in progress"),
    "results_published": N_("Results under public notice"),
    "finalised": N_("Results confirmed"),
    "cancelled": N_("Assessment cancelled"),
}
# Which plan states each transition may start from.
PLAN_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "open": (("draft",), "open"),
    "close": (("open",), "closed"),
    "reopen": (("closed",), "open"),
    "start": (("closed",), "in_progress"),
    "cancel": (("draft", "open", "closed", "in_progress"), "cancelled"),
}

REGISTRATION_STATUSES: dict[str, Message] = {
    "eligible": N_("Eligible"),
    "ineligible": N_("Not eligible"),
    "overridden": N_("Admitted by exception"),
    "withdrawn": N_("Registration withdrawn"),
}
ADMITTED = ("eligible", "overridden")
REGISTRATION_SOURCES: dict[str, Message] = {
    "individual": N_("Individual application"),
    "enrolment": N_("Completed training class"),
    "apprenticeship": N_("Completed apprenticeship"),
    "self": N_("Self-applied (own account)"),
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
SESSION_STATUSES: dict[str, Message] = {"planning": N_("Being arranged"), "confirmed": N_("Room confirmed"), "signed_off": N_("Signed off")}

ASSIGNMENT_ROLES: dict[str, Message] = {
    "invigilator": N_("Invigilator"),
    "examiner": N_("Examiner"),
    "leader": N_("Examiner team leader"),
    "reviewer": N_("Review panel expert"),
    "supervisor": N_("Quality supervisor"),
}
# Roles each component mode accepts; every session also takes one supervisor.
MODE_ROLES: dict[str, tuple[str, ...]] = {
    "invigilated": ("invigilator", "supervisor"),
    "examined": ("examiner", "leader", "supervisor"),
    "panel": ("reviewer", "supervisor"),
}
# Roles that mark candidates and so need a recorded qualification in the occupation.
MARKING_ROLES = ("examiner", "leader", "reviewer")

RELATION_KINDS: dict[str, Message] = {
    "relative": N_("Relative"),
    "colleague": N_("Colleague"),
    "teacher_student": N_("Teacher and student"),
    "master_apprentice": N_("Master and apprentice"),
}

RESULT_STATUSES: dict[str, Message] = {"provisional": N_("Awaiting public notice"), "published": N_("Under public notice"), "final": N_("Final")}
OBJECTION_STATUSES: dict[str, Message] = {"open": N_("Objection pending"), "upheld": N_("Objection upheld"), "dismissed": N_("Objection dismissed")}
SCORE_EVENT_KINDS: dict[str, Message] = {"entry": N_("Entered"), "correction": N_("Corrected")}

APPOINTMENT_GRADES: dict[str, Message] = {
    "apprentice": N_("Apprentice worker"),
    "principal_technician": N_("Principal technician"),
    "chief_technician": N_("Chief technician"),
}
APPOINTMENT_STATUSES: dict[str, Message] = {
    "nominated": N_("Nominated"),
    "under_notice": N_("Under public notice"),
    "appointed": N_("Appointed"),
    "rejected": N_("Not appointed"),
}
NOMINATIONS: dict[str, Message] = {"self": N_("Self-nomination"), "unit": N_("Nominated by employer")}


