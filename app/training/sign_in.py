"""A trainee's own sign-in: a QR code that changes every 30 seconds, name and the ID number's last four.

The code shown in the classroom carries an HMAC over (session, 30-second step); a scan is good for the
current and the previous step, so a code read just before it changed still works. Opening it gives the
phone a pass (the same HMAC over the step it was opened in) that stays good for a few minutes, time enough
to type a name. Sign-in is possible from 15 minutes before a session starts to 15 minutes after its start,
and records the trainee present for the whole session with method "self"; nobody is logged in, so the record
has no `recorded_by` and the audit event is made in the name of the trainee's own sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from app import pii
from app.accounts.models import User
from app.audit.services import EventRow, record_events
from app.clock import LOCAL_ZONE
from app.errors import NotFound, ValidationFailed
from app.people.models import Person
from app.training.attendance import OPEN_STATES, get_session
from app.training.models import Attendance, ClassSession, Enrolment
from app.training.progress import hours_text
from app.training.projects import class_for_change
from app.training.vocabulary import ENROLMENT_STATUSES
from app.translation import N_

STEP_SECONDS = 30
WINDOW = timedelta(minutes=15)  # before and after a session's start
PASS_STEPS = 10  # a page opened from a valid scan may be sent within five minutes
SELF_SIGN_IN = "self-sign-in"  # the audit log's actor name: nobody is logged in


def derive_key(secret_key: str) -> bytes:
    """The sign-in key, derived from the application's secret key (never the secret itself)."""
    return hmac.new(secret_key.encode(), b"jiangcai self sign-in v1", hashlib.sha256).digest()


def _step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def _mac(key: bytes, session_id: int, step: int) -> str:
    digest = hmac.new(key, f"{session_id}:{step}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()  # 16 URL-safe characters, no padding


def current_token(key: bytes, session_id: int, now: datetime) -> str:
    """The token the QR code shows for this session during the current 30-second step."""
    return _mac(key, session_id, _step(now))


def seconds_to_next_code(now: datetime) -> int:
    """Seconds until the QR code changes."""
    return STEP_SECONDS - int(now.timestamp()) % STEP_SECONDS


def token_valid(key: bytes, session_id: int, token: str, now: datetime) -> bool:
    """Whether a scanned token is the current or the previous step's (a forged one never is)."""
    step = _step(now)
    given = (token or "").encode()  # bytes: a typed or mangled address may hold any character
    return any(hmac.compare_digest(_mac(key, session_id, s).encode(), given) for s in (step, step - 1))


def issue_pass(key: bytes, session_id: int, now: datetime) -> str:
    """The pass a phone's sign-in form carries: the step it was opened in, and its HMAC."""
    step = _step(now)
    return f"{step}.{_mac(key, session_id, step)}"


def pass_valid(key: bytes, session_id: int, value: str, now: datetime) -> bool:
    """Whether a form's pass was issued for this session within the last few minutes."""
    text, _, mac = (value or "").partition(".")
    if not (text.isascii() and text.isdigit()) or not 0 <= _step(now) - int(text) <= PASS_STEPS:
        return False
    return hmac.compare_digest(_mac(key, session_id, int(text)).encode(), mac.encode())


def session_start(row: ClassSession) -> datetime:
    """When the session starts, as an aware datetime (timetables are in Beijing time)."""
    return datetime.combine(row.session_date, row.start_time, tzinfo=LOCAL_ZONE)


def sign_in_window(row: ClassSession) -> tuple[datetime, datetime]:
    """From 15 minutes before the session's start to 15 minutes after it."""
    start = session_start(row)
    return start - WINDOW, start + WINDOW


def window_state(row: ClassSession, now: datetime) -> str:
    """"before", "open" or "closed"."""
    opens, closes = sign_in_window(row)
    if now < opens:
        return "before"
    return "open" if now <= closes else "closed"


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")


def _check_window(row: ClassSession, now: datetime) -> None:
    opens, closes = sign_in_window(row)
    state = window_state(row, now)
    if state == "before":
        raise ValidationFailed(N_("Sign-in for this session opens at {opens}.", opens=_local(opens)), field="name")
    if state == "closed":
        raise ValidationFailed(N_("Sign-in for this session closed at {closes}: ask the staff to record you.",
                                  closes=_local(closes)), field="name")


def public_session(session: Session, session_id: int) -> ClassSession:
    """A session by id with its class (one query), for the public sign-in pages (they show its class, date and
    time only)."""
    row = session.scalars(select(ClassSession).options(joinedload(ClassSession.training_class))
                          .where(ClassSession.id == session_id)).one_or_none()
    if row is None:
        raise NotFound(N_("The session does not exist."))
    return row


EXPIRED = N_("This QR code has expired: scan the code shown in the classroom again.")


def open_sign_in(session: Session, *, now: datetime, key: bytes, session_id: int, token: str) -> tuple[ClassSession, str]:
    """The session a scanned code belongs to, and the pass for its form; refused outside the window or when
    the code is no longer current."""
    row = public_session(session, session_id)
    if not token_valid(key, row.id, token, now):
        raise ValidationFailed(EXPIRED, field="name")
    _check_window(row, now)
    return row, issue_pass(key, row.id, now)


def normalise_last4(value: str | None) -> str:
    """The ID number's last four as typed on a phone: full-width digits and a lower-case x accepted."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def _normalise_name(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").split())


def _last4(id_masked: str, id_number_enc: str) -> str:
    tail = id_masked[-4:]
    # Short numbers (passports) are masked deeper; only then is the number decrypted, and never logged.
    return tail if "*" not in tail else pii.decrypt(id_number_enc)[-4:].upper()


@dataclass(frozen=True)
class SignedIn:
    """What the phone shows: who, when, and whether this was a repeat."""

    name: str
    at: datetime
    already: bool


# The statements of a sign-in, built once: fifty phones sign in within seconds, and building and keying a
# statement costs more than running it (bench/sign_in.py). They run on the session's connection, as Core.
_SESSION_ROW = select(ClassSession.id, ClassSession.class_id, ClassSession.session_date, ClassSession.start_time,
                      ClassSession.hours).where(ClassSession.id == bindparam("session_id"))
_CANDIDATES = (select(Enrolment.id, Enrolment.status, Person.name, Person.id_masked, Person.id_number_enc)
               .join(Person, Enrolment.person_id == Person.id)
               .where(Enrolment.class_id == bindparam("class_id"), Person.name == bindparam("name")))
_EXISTING = select(Attendance.id, Attendance.status, Attendance.recorded_at).where(
    Attendance.session_id == bindparam("session_id"), Attendance.enrolment_id == bindparam("enrolment_id"))
_MARK_PRESENT = update(Attendance.__table__).where(Attendance.__table__.c.id == bindparam("attendance_id"))
_START_TRAINING = update(Enrolment.__table__).where(Enrolment.__table__.c.id == bindparam("enrolment_id"),
                                                    Enrolment.__table__.c.status == "enrolled")
_ATTENDANCE = Attendance.__table__
# Insert unless the trainee's record exists (two phones at once): one statement on SQLite and PostgreSQL.
_INSERT_NEW = {name: dialect_insert(_ATTENDANCE).on_conflict_do_nothing(
    index_elements=["session_id", "enrolment_id"]).returning(_ATTENDANCE.c.id)
    for name, dialect_insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))}


def sign_in_trainee(session: Session, *, now: datetime, key: bytes, session_id: int, form_pass: str,
                    name: str | None, id_last4: str | None) -> SignedIn:
    """Record one trainee present for the whole session, by their own sign-in; a repeat is no error."""
    conn = session.connection()
    row = conn.execute(_SESSION_ROW, {"session_id": session_id}).one_or_none()
    if row is None:
        raise NotFound(N_("The session does not exist."))
    if not pass_valid(key, row.id, form_pass, now):
        raise ValidationFailed(EXPIRED, field="name")
    _check_window(row, now)
    typed_name, last4 = _normalise_name(name), normalise_last4(id_last4)
    if not typed_name:
        raise ValidationFailed(N_("Enter your full name."), field="name")
    if len(last4) != 4 or not (last4[:3].isdigit() and (last4[3].isdigit() or last4[3] == "X")):
        raise ValidationFailed(N_("Enter the last four characters of your ID number (digits, or X at the end)."),
                               field="id_last4")
    found = [e for e in conn.execute(_CANDIDATES, {"class_id": row.class_id, "name": typed_name})
             if _last4(e.id_masked, e.id_number_enc) == last4]
    if not found:
        # Says nothing about who is enrolled: a wrong name and a wrong ending read alike.
        raise ValidationFailed(N_("No trainee of this class has that name and ID number ending. Check both."),
                               field="id_last4")
    enrolment = found[0]
    if enrolment.status not in OPEN_STATES:
        raise ValidationFailed(N_("Sign-in is closed to you: your enrolment in this class is “{status}”. Ask the staff.",
                                  status=ENROLMENT_STATUSES[enrolment.status]), field="name")
    return _record(session, conn, now=now, row=row, enrolment=enrolment)


def _record(session: Session, conn, *, now: datetime, row, enrolment) -> SignedIn:
    values = {"status": "present", "hours": row.hours, "method": "self", "recorded_at": now, "recorded_by_id": None}
    insert_new = _INSERT_NEW.get(conn.dialect.name)
    existing = None
    if insert_new is not None:  # the usual case: the first sign-in writes the record in one statement
        written = conn.execute(insert_new, {"session_id": row.id, "enrolment_id": enrolment.id, **values})
        if written.scalar_one_or_none() is None:
            existing = conn.execute(_EXISTING, {"session_id": row.id, "enrolment_id": enrolment.id}).one()
    else:
        existing = conn.execute(_EXISTING, {"session_id": row.id, "enrolment_id": enrolment.id}).one_or_none()
        if existing is None:
            conn.execute(_ATTENDANCE.insert(), {"session_id": row.id, "enrolment_id": enrolment.id, **values})
    if existing is not None:
        if existing.status != "absent":
            return SignedIn(enrolment.name, existing.recorded_at, already=True)
        # marked absent earlier, but here in person within the window
        conn.execute(_MARK_PRESENT, {"attendance_id": existing.id, **values})
    events = [EventRow("attendance.record", "class_session", row.id,
                       {str(enrolment.id): None if existing is None else f"{existing.status}:0"},
                       {str(enrolment.id): f"present:{hours_text(row.hours)}"}, "self")]
    if enrolment.status == "enrolled":
        conn.execute(_START_TRAINING, {"enrolment_id": enrolment.id, "status": "in_training",
                                       "status_changed_at": now})
        events.append(EventRow("enrolment.status", "enrolment", enrolment.id, {"status": "enrolled"},
                               {"status": "in_training"}, "首次记录考勤（本人签到）"))
    record_events(session, actor_name=SELF_SIGN_IN, now=now, events=events)
    return SignedIn(enrolment.name, now, already=False)


@dataclass(frozen=True)
class SignInCount:
    """The live figure on the staff page: trainees present (any method) of those expected."""

    signed: int
    expected: int


def sign_in_count(session: Session, *, actor: User, session_id: int) -> SignInCount:
    """How many of the session's open trainees are recorded present or late, of how many."""
    row = get_session(session, actor=actor, session_id=session_id)
    expected = session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.class_id == row.class_id, Enrolment.status.in_(OPEN_STATES)))
    signed = session.scalar(select(func.count()).select_from(Attendance).join(Enrolment).where(
        Attendance.session_id == row.id, Attendance.status != "absent", Enrolment.status.in_(OPEN_STATES)))
    return SignInCount(signed or 0, expected or 0)


def sign_in_session(session: Session, *, actor: User, session_id: int) -> ClassSession:
    """A session whose sign-in code the actor may show: staff of the institution that runs the class."""
    row = get_session(session, actor=actor, session_id=session_id)
    class_for_change(session, actor=actor, class_id=row.class_id)
    return row
