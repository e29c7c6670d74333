"""An audit event's old and new values as a per-field list a person can read.

Events store JSON dicts whose keys are the services' field names. `changes(event)` pairs the old and new value of
each field, names the field (`FIELD_LABELS`, falling back to the key) and turns nested values into short text.
Identity and mobile numbers are stored masked (people/services.py `_audit_view`); as a second guard any value
shaped like a full resident ID or mobile number is masked here too, so neither the page nor the export can show
one in plaintext.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.idnumbers import mask_id, mask_phone
from app.translation import N_, Message, Translate, english, render

FIELD_LABELS: dict[str, Message] = {
    "amount": N_("Amount"),
    "amounts": N_("Amounts"),
    "award_id": N_("Award no."),
    "awarded_on": N_("Awarded on"),
    "by": N_("By"),
    "candidates": N_("Candidates"),
    "cap": N_("Cap"),
    "capacity": N_("Capacity"),
    "carried": N_("Carried over"),
    "cells": N_("Cells"),
    "certificate_id": N_("Certificate no."),
    "certificate_number": N_("Certificate number"),
    "city": N_("City"),
    "city_code": N_("City code"),
    "class_id": N_("Class no."),
    "code": N_("Code"),
    "component": N_("Component"),
    "components": N_("Components"),
    "contract": N_("Contract"),
    "count": N_("Count"),
    "date": N_("Date"),
    "dates": N_("Dates"),
    "day": N_("Day"),
    "declared_years": N_("Declared years"),
    "demand_id": N_("Job demand no."),
    "demands": N_("Job demands"),
    "edition": N_("Edition"),
    "education": N_("Education"),
    "eligibility": N_("Eligibility"),
    "employer_name": N_("Employer"),
    "employer_org_id": N_("Employer (organisation no.)"),
    "end_date": N_("Ends on"),
    "entered": N_("Entered"),
    "enterprise_id": N_("Enterprise no."),
    "entries": N_("Entries"),
    "entry_id": N_("Entry no."),
    "ethnicity": N_("Ethnicity"),
    "external": N_("External"),
    "fee": N_("Fee"),
    "fee_yuan": N_("Fee (yuan)"),
    "fields": N_("Fields changed"),
    "filename": N_("File name"),
    "final": N_("Final"),
    "from": N_("From"),
    "gender": N_("Gender"),
    "grade": N_("Grade"),
    "grades": N_("Grades"),
    "graduated_on": N_("Graduated on"),
    "headcount": N_("Headcount"),
    "hours": N_("Hours"),
    "household_place": N_("Place of household registration"),
    "id": N_("No."),
    "id_masked": N_("ID number (masked)"),
    "id_type": N_("ID type"),
    "institution_id": N_("Institution no."),
    "is_shortage": N_("In shortage"),
    "issue_date": N_("Issued on"),
    "kind": N_("Kind"),
    "level": N_("Level"),
    "level_digit": N_("Level"),
    "levels": N_("Levels"),
    "makeup_workday": N_("Make-up working day"),
    "max_age": N_("Maximum age"),
    "mentor": N_("Mentor"),
    "min_level": N_("Minimum level"),
    "months": N_("Months"),
    "name": N_("Name"),
    "nomination": N_("Nomination"),
    "note": N_("Note"),
    "notice_ends_on": N_("Public notice ends on"),
    "number": N_("Number"),
    "occupation": N_("Occupation"),
    "occupation_code": N_("Occupation code"),
    "occupation_id": N_("Occupation no."),
    "occupation_name": N_("Occupation"),
    "organisation_id": N_("Organisation no."),
    "paid_on": N_("Paid on"),
    "passed": N_("Passed"),
    "per_year": N_("Per year"),
    "person_id": N_("Person no."),
    "phone_masked": N_("Mobile number (masked)"),
    "plan_id": N_("Assessment plan no."),
    "prefix": N_("Number prefix"),
    "project_id": N_("Project no."),
    "published_on": N_("Published on"),
    "quarter": N_("Quarter"),
    "rates": N_("Rates"),
    "reason": N_("Reason"),
    "reasons": N_("Reasons"),
    "reference_hours": N_("Reference hours"),
    "registration_deadline": N_("Registration deadline"),
    "replaced": N_("Replaced"),
    "result_id": N_("Result no."),
    "results": N_("Results"),
    "role": N_("Role"),
    "roles": N_("Roles"),
    "room": N_("Room"),
    "rooms": N_("Rooms"),
    "route": N_("Route"),
    "scheme_id": N_("Subsidy scheme no."),
    "school_name": N_("School"),
    "school_type": N_("School type"),
    "scopes": N_("Scopes"),
    "session_id": N_("Session no."),
    "sha256": N_("SHA-256"),
    "source": N_("Source"),
    "source_id": N_("Source no."),
    "speciality": N_("Speciality"),
    "start_date": N_("Starts on"),
    "starts_at": N_("Starts at"),
    "status": N_("Status"),
    "target": N_("Target"),
    "target_groups": N_("Target groups"),
    "target_level": N_("Target level"),
    "teacher": N_("Teacher"),
    "term": N_("Term"),
    "term_until": N_("Term until"),
    "threshold": N_("Threshold"),
    "time": N_("Time"),
    "title": N_("Title"),
    "topic": N_("Topic"),
    "type": N_("Type"),
    "uplift": N_("Uplift"),
    "uscc": N_("Unified social credit code"),
    "user_id": N_("User no."),
    "user_ids": N_("Users"),
    "username": N_("User name"),
    "valid_until": N_("Valid until"),
    "value": N_("Value"),
    "variant": N_("Trade or direction"),
    "version": N_("Version"),
    "via": N_("Via"),
    "wage": N_("Wage"),
    "window": N_("Window"),
    "work_record_id": N_("Work record no."),
    "year": N_("Year"),
}
WHOLE_VALUE = N_("Value")  # the label of a value that is not a dict of fields
YES, NO = N_("Yes"), N_("No")

# Keys whose values are codes of organisations or documents, never a person's number.
NOT_PERSONAL = frozenset({"uscc", "certificate_number", "prefix", "sha256", "number", "serial"})
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{5}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9]{9})(?![0-9])")


@dataclass(frozen=True)
class FieldChange:
    """One field of an event: its label, old and new value as text, and whether it changed."""

    key: str
    label: Message | str
    old: str | Message
    new: str | Message
    changed: bool


def field_label(key: str) -> Message | str:
    """The marked name of a field; the key itself when it has none."""
    return FIELD_LABELS.get(key, key)


def mask_personal(text: str) -> str:
    """Any full resident ID or mobile number inside the text, masked."""
    text = _RESIDENT_ID.sub(lambda m: mask_id(m.group(1)), text)
    return _MOBILE.sub(lambda m: mask_phone(m.group(1)), text)


def _plain(value: Any, translate: Translate) -> str:
    """A nested value as text (inside a list or dict, where a translated word cannot be placed)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_plain(v, translate)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        nested = any(isinstance(v, list | tuple | Mapping) for v in value)
        return ("; " if nested else ", ").join(
            " – ".join(_plain(x, translate) for x in v) if isinstance(v, list | tuple) else _plain(v, translate)
            for v in value)
    # A marked message a service stored (e.g. an eligibility rule) was saved as its English id: translate it.
    return translate(value) if isinstance(value, str) and value.strip() else str(value)


def value_text(value: Any, *, key: str = "", translate: Translate = english,
               vocabulary: Mapping[str, Message] | None = None) -> str | Message:
    """A stored value as short readable text: a code by its name in `vocabulary`, lists joined, dicts as
    "key: value", nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, str) and vocabulary and value in vocabulary:
        return render(vocabulary[value], translate)
    text = _plain(value, translate)
    return text if key in NOT_PERSONAL else mask_personal(text)


def changes(old: Any, new: Any, translate: Translate = english,
            vocabularies: Mapping[str, Mapping[str, Message]] | None = None) -> list[FieldChange]:
    """The fields of an event's old and new values, in the order the new value lists them; `vocabularies`
    names the coded values of some fields (field key → code → label)."""
    if old is None and new is None:
        return []
    if not isinstance(old, Mapping | None) or not isinstance(new, Mapping | None):
        before, after = value_text(old, translate=translate), value_text(new, translate=translate)
        return [FieldChange("", WHOLE_VALUE, before, after, old is not None and new is not None and old != new)]
    old, new = old or {}, new or {}
    keys = list(new) + [k for k in old if k not in new]
    both, vocabularies = bool(old) and bool(new), vocabularies or {}
    return [
        FieldChange(str(k), field_label(str(k)),
                    value_text(old.get(k), key=str(k), translate=translate, vocabulary=vocabularies.get(str(k))),
                    value_text(new.get(k), key=str(k), translate=translate, vocabulary=vocabularies.get(str(k))),
                    both and old.get(k) != new.get(k))
        for k in keys
    ]
