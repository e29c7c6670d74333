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
from app.translation import N_, Message

FIELD_LABELS: dict[str, Message] = {
    "amount": N_("Amount"),
    "awarded_on": N_("Awarded on"),
    "candidates": N_("Candidates"),
    "capacity": N_("Capacity"),
    "certificate_number": N_("Certificate number"),
    "city_code": N_("City code"),
    "component": N_("Component"),
    "contract": N_("Contract"),
    "date": N_("Date"),
    "declared_years": N_("Declared years"),
    "education": N_("Education"),
    "employer_name": N_("Employer"),
    "employer_org_id": N_("Employer (organisation no.)"),
    "end_date": N_("Ends on"),
    "ethnicity": N_("Ethnicity"),
    "fee": N_("Fee"),
    "fields": N_("Fields changed"),
    "filename": N_("File name"),
    "gender": N_("Gender"),
    "grade": N_("Grade"),
    "graduated_on": N_("Graduated on"),
    "headcount": N_("Headcount"),
    "hours": N_("Hours"),
    "household_place": N_("Place of household registration"),
    "id_masked": N_("ID number (masked)"),
    "id_type": N_("ID type"),
    "level": N_("Level"),
    "name": N_("Name"),
    "note": N_("Note"),
    "occupation_code": N_("Occupation code"),
    "occupation_id": N_("Occupation no."),
    "occupation_name": N_("Occupation"),
    "phone_masked": N_("Mobile number (masked)"),
    "reason": N_("Reason"),
    "reasons": N_("Reasons"),
    "registration_deadline": N_("Registration deadline"),
    "room": N_("Room"),
    "school_name": N_("School"),
    "school_type": N_("School type"),
    "source": N_("Source"),
    "speciality": N_("Speciality"),
    "start_date": N_("Starts on"),
    "starts_at": N_("Starts at"),
    "status": N_("Status"),
    "target_groups": N_("Target groups"),
    "target_level": N_("Target level"),
    "teacher": N_("Teacher"),
    "title": N_("Title"),
    "uscc": N_("Unified social credit code"),
    "valid_until": N_("Valid until"),
    "value": N_("Value"),
    "variant": N_("Trade or direction"),
    "version": N_("Version"),
    "wage": N_("Wage"),
    "work_record_id": N_("Work record no."),
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


def _plain(value: Any) -> str:
    """A nested value as text (inside a list or dict, where a translated word cannot be placed)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        nested = any(isinstance(v, list | tuple | Mapping) for v in value)
        return ("; " if nested else ", ").join(
            " – ".join(_plain(x) for x in v) if isinstance(v, list | tuple) else _plain(v) for v in value)
    return str(value)


def value_text(value: Any, *, key: str = "") -> str | Message:
    """A stored value as short readable text: lists joined, dicts as "key: value", nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    text = _plain(value)
    return text if key in NOT_PERSONAL else mask_personal(text)


def changes(old: Any, new: Any) -> list[FieldChange]:
    """The fields of an event's old and new values, in the order the new value lists them."""
    if old is None and new is None:
        return []
    if not isinstance(old, Mapping | None) or not isinstance(new, Mapping | None):
        before, after = value_text(old), value_text(new)
        return [FieldChange("", WHOLE_VALUE, before, after, old is not None and new is not None and old != new)]
    old, new = old or {}, new or {}
    keys = list(new) + [k for k in old if k not in new]
    both = bool(old) and bool(new)
    return [
        FieldChange(str(k), field_label(str(k)), value_text(old.get(k), key=str(k)),
                    value_text(new.get(k), key=str(k)), both and old.get(k) != new.get(k))
        for k in keys
    ]
