"""Fixed vocabularies of training and apprenticeships, each key with its marked label (defined here only)."""

from __future__ import annotations

from app.translation import N_, Message

PROJECT_TYPES: dict[str, Message] = {
    "employment_skills": N_("Employment skills training"),
    "skills_upgrade": N_("On-the-job skills upgrading"),
    "apprenticeship": N_("Enterprise new-type apprenticeship"),
    "technician": N_("Technician training"),
    "project_based": N_("Project-based training"),
}

ENROLMENT_STATUSES: dict[str, Message] = {
    "enrolled": N_("Enrolled"),
    "in_training": N_("In training"),
    "completed": N_("Completed"),
    "withdrawn": N_("Withdrawn"),
    "expelled": N_("Expelled"),
}
# The trainees who left the class (withdrew, or were expelled — 除名): they take no place and sign nothing.
LEFT = ("withdrawn", "expelled")

# How an attendance record was taken: subsidised training is real-name and keeps this as evidence.
ATTENDANCE_METHODS: dict[str, Message] = {
    "staff": N_("Recorded by staff"),
    "sheet": N_("Sign-in sheet upload"),
    "self": N_("Trainee's own sign-in"),
}

ATTENDANCE_STATUSES: dict[str, Message] = {
    "present": N_("Present"),
    "late": N_("Late / left early"),
    "absent": N_("Absent"),
}

APPRENTICESHIP_STATUSES: dict[str, Message] = {
    "planned": N_("Planned (not filed)"),
    "filed": N_("Filed"),
    "in_training": N_("Apprenticeship under way"),
    "completed": N_("Training completed"),
    "terminated": N_("Terminated"),
}

DOCUMENT_KINDS: dict[str, Message] = {
    "training_plan": N_("Training plan"),
    "cooperation_agreement": N_("Cooperation agreement"),
    "apprentice_agreement": N_("Apprentice agreement"),
}

PAYMENT_KINDS: dict[str, Message] = {
    "advance": N_("Advance"),
    "final": N_("Final payment"),
    "recovery": N_("Recovery"),
}

