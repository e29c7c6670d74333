"""The coded values audit events store (statuses, genders, …) named in the reader's language.

The audit package comes first in the chain and cannot read the later features' vocabularies; the web edge can,
so it hands `changes()` the vocabulary of each field of each kind of object.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.assessment.exception_models import EXCEPTION_STATUSES
from app.assessment.supervisor_models import SUPERVISOR_REQUEST_STATUSES
from app.assessment.vocabulary import (
    OBJECTION_STATUSES,
    PLAN_STATUSES,
    REGISTRATION_STATUSES,
    RESULT_STATUSES,
    SESSION_STATUSES,
)
from app.certification.models import STATUS_LABELS as CERTIFICATE_STATUSES
from app.demand.models import DEMAND_STATUSES
from app.idnumbers import ID_TYPE_LABELS
from app.people.vocabulary import EDUCATION_LABELS, GENDER_LABELS
from app.placement.vocabulary import INVITATION_STATUSES, PLACEMENT_STATUSES
from app.reporting.models import CLAIM_STATUSES
from app.training.vocabulary import APPRENTICESHIP_STATUSES, ENROLMENT_STATUSES
from app.translation import Message

Vocabularies = Mapping[str, Mapping[str, Message]]
_PERSON = {"gender": GENDER_LABELS, "education": EDUCATION_LABELS, "id_type": ID_TYPE_LABELS}
FIELD_VOCABULARIES: dict[str, Vocabularies] = {
    "assessment_exception_request": {"status": EXCEPTION_STATUSES},
    "assessment_objection": {"status": OBJECTION_STATUSES},
    "assessment_plan": {"status": PLAN_STATUSES},
    "assessment_registration": {"status": REGISTRATION_STATUSES},
    "assessment_result": {"status": RESULT_STATUSES},
    "assessment_session": {"status": SESSION_STATUSES},
    "assessment_supervisor_request": {"status": SUPERVISOR_REQUEST_STATUSES},
    "apprenticeship": {"status": APPRENTICESHIP_STATUSES},
    "certificate": {"status": CERTIFICATE_STATUSES},
    "enrolment": {"status": ENROLMENT_STATUSES},
    "invitation": {"status": INVITATION_STATUSES},
    "job_demand": {"status": DEMAND_STATUSES},
    "person": _PERSON,
    "placement": {"status": PLACEMENT_STATUSES},
    "subsidy_claim": {"status": CLAIM_STATUSES},
}


def field_vocabularies(object_type: str) -> Vocabularies:
    """The vocabularies of one kind of object's fields (empty when none is known)."""
    return FIELD_VOCABULARIES.get(object_type, {})
