"""Organisations, users and login sessions: the rules, independent of the web."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.accounts import passwords
from app.accounts.models import (
    ApiToken,
    EvaluationFiling,
    FilingScope,
    LoginSession,
    Organisation,
    User,
    UserRole,
)
from app.accounts.roles import ORG_KIND_LABELS, ROLE_LABELS, ROLE_ORG_KIND, OrgKind, Role, role_fits_org
from app.audit.services import record_event
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.idnumbers import IdNumberError, validate_uscc
from app.regions import LIAONING_CITIES

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
OCCUPATION_CODE_RE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65".split()
)


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed("只有人社管理员可以执行此操作")


# --- organisations ---------------------------------------------------------------------------


def create_organisation(
    session: Session,
    *,
    actor: User | None,
    now: datetime,
    kind: str,
    name: str,
    uscc: str,
    city_code: str | None = None,
    address: str | None = None,
    contact_phone: str | None = None,
) -> Organisation:
    """Register an organisation after checking its 统一社会信用代码; actor None = system/demo loader."""
    if actor is not None:
        _require_admin(actor)
    if kind not in OrgKind.__members__.values():
        raise ValidationFailed(f"未知的机构类型：{kind}", field="kind")
    name = name.strip()
    if not name:
        raise ValidationFailed("请填写机构名称", field="name")
    try:
        code = validate_uscc(uscc)
    except IdNumberError as exc:
        raise ValidationFailed(f"统一社会信用代码无效：{exc.message}", field="uscc") from exc
    if session.scalar(select(Organisation.id).where(Organisation.uscc == code)) is not None:
        raise ValidationFailed(f"统一社会信用代码 {code} 已被登记", field="uscc")
    if city_code and city_code not in LIAONING_CITIES:
        raise ValidationFailed(f"未知的城市代码：{city_code}", field="city_code")
    org = Organisation(
        kind=kind,
        name=name,
        uscc=code,
        city_code=city_code or None,
        address=address or None,
        contact_phone=contact_phone or None,
        created_at=now,
    )
    session.add(org)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="organisation.create", object_type="organisation",
        object_id=org.id, new={"kind": kind, "name": name, "uscc": code, "city_code": city_code},
    )
    return org


def set_evaluation_filing(
    session: Session,
    *,
    actor: User | None,
    now: datetime,
    organisation: Organisation,
    org_type: str,
    org_code: str,
    province_code: str,
    site_code: str,
    scopes: Iterable[tuple[str, int]],
    filed_with: str | None = None,
) -> EvaluationFiling:
    """Record or replace an evaluation organisation's filing and the occupations/levels it covers."""
    if actor is not None:
        _require_admin(actor)
    if organisation.kind != OrgKind.EVALUATION:
        raise ValidationFailed("只有评价机构可以登记备案信息", field="org_type")
    if org_type not in ("Y", "S"):
        raise ValidationFailed("机构类别须为 Y（用人单位）或 S（社会培训评价组织）", field="org_type")
    if not re.fullmatch(r"\d{4}", org_code):
        raise ValidationFailed("机构代码须为 4 位数字（省级备案为 0000）", field="org_code")
    if province_code not in PROVINCE_CODES:
        raise ValidationFailed(f"省份代码 {province_code} 无效", field="province_code")
    if not re.fullmatch(r"\d{6}", site_code):
        raise ValidationFailed("站点代码须为 6 位数字", field="site_code")
    scope_set = _check_scopes(scopes)
    clash = session.scalar(
        select(EvaluationFiling.organisation_id).where(
            EvaluationFiling.org_type == org_type,
            EvaluationFiling.org_code == org_code,
            EvaluationFiling.province_code == province_code,
            EvaluationFiling.site_code == site_code,
            EvaluationFiling.organisation_id != organisation.id,
        )
    )
    if clash is not None:
        raise ValidationFailed("该备案编码已被其他机构使用", field="site_code")
    filing = organisation.filing
    old = _filing_dict(filing) if filing else None
    if filing is None:
        filing = EvaluationFiling(organisation=organisation)
        session.add(filing)
    filing.org_type, filing.org_code = org_type, org_code
    filing.province_code, filing.site_code, filing.filed_with = province_code, site_code, filed_with
    filing.scopes = [FilingScope(occupation_code=c, level_digit=d) for c, d in sorted(scope_set)]
    session.flush()
    record_event(
        session, actor=actor, now=now, action="organisation.filing", object_type="organisation",
        object_id=organisation.id, old=old, new=_filing_dict(filing),
    )
    return filing


def _check_scopes(scopes: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
    result = set()
    for code, digit in scopes:
        if not OCCUPATION_CODE_RE.fullmatch(code):
            raise ValidationFailed(f"职业编码 {code} 格式应为 D-DD-DD-DD", field="scopes")
        if digit not in (1, 2, 3, 4, 5):
            raise ValidationFailed(f"等级 {digit} 无效（应为 1–5）", field="scopes")
        result.add((code, digit))
    return result


def _filing_dict(filing: EvaluationFiling) -> dict:
    return {
        "prefix": filing.number_prefix,
        "scopes": [f"{s.occupation_code}/{s.level_digit}" for s in filing.scopes],
    }


def parse_scope_lines(text: str) -> list[tuple[str, int]]:
    """Parse 'occupation-code level[,level…]' lines, e.g. '6-31-01-03 5,4,3'."""
    scopes: list[tuple[str, int]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.replace("，", ",").split()
        if len(parts) != 2:
            raise ValidationFailed(f"第 {lineno} 行应为“职业编码 等级列表”，如 6-31-01-03 5,4,3", field="scopes")
        try:
            digits = [int(d) for d in parts[1].split(",") if d]
        except ValueError as exc:
            raise ValidationFailed(f"第 {lineno} 行的等级应为数字 1–5", field="scopes") from exc
        scopes.extend((parts[0], d) for d in digits)
    return scopes


def list_organisations(session: Session, *, actor: User, kind: str | None = None) -> list[Organisation]:
    """Organisations the actor may see: all for 人社 administrators, otherwise their own."""
    stmt = select(Organisation).order_by(Organisation.kind, Organisation.name)
    if not actor.has_role(Role.ADMIN):
        stmt = stmt.where(Organisation.id == actor.organisation_id)
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    return list(session.scalars(stmt))


def get_organisation(session: Session, *, actor: User, organisation_id: int) -> Organisation:
    """One organisation inside the actor's scope."""
    org = session.get(Organisation, organisation_id)
    if org is None or (not actor.has_role(Role.ADMIN) and org.id != actor.organisation_id):
        raise NotFound("机构不存在")
    return org


# --- users -----------------------------------------------------------------------------------


def create_user(
    session: Session,
    *,
    actor: User | None,
    now: datetime,
    organisation_id: int,
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[str],
) -> User:
    """Create a login for a member of an organisation, with roles that fit its kind."""
    if actor is not None:
        _require_admin(actor)
    username = username.strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise ValidationFailed("用户名须为 3–60 位小写字母、数字或 . _ -", field="username")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValidationFailed(f"用户名 {username} 已存在", field="username")
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise ValidationFailed("所属机构不存在", field="organisation_id")
    roles = sorted(set(roles))
    if not roles:
        raise ValidationFailed("请至少选择一个角色", field="roles")
    for role in roles:
        if role not in Role.__members__.values():
            raise ValidationFailed(f"未知角色：{role}", field="roles")
        if not role_fits_org(role, org.kind):
            raise ValidationFailed(
                f"角色“{ROLE_LABELS[Role(role)]}”只能属于{ORG_KIND_LABELS[ROLE_ORG_KIND[Role(role)]]}",
                field="roles",
            )
    passwords.check_policy(password, username=username)
    user = User(
        organisation_id=org.id,
        username=username,
        display_name=display_name.strip() or username,
        password_hash=passwords.hash_password(password),
        active=True,
        created_at=now,
        password_changed_at=now,
        role_rows=[UserRole(role=r) for r in roles],
    )
    session.add(user)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="user.create", object_type="user", object_id=user.id,
        new={"username": username, "organisation_id": org.id, "roles": roles},
    )
    return user


def set_user_active(session: Session, *, actor: User, now: datetime, user_id: int, active: bool) -> User:
    """Enable or disable a login; disabling also ends every session of that user."""
    _require_admin(actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    if user.id == actor.id and not active:
        raise ValidationFailed("不能停用自己的账号", field="active")
    old = user.active
    user.active = active
    if not active:
        _revoke_all_sessions(session, user_id=user.id, now=now)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="user.set_active", object_type="user", object_id=user.id,
        old={"active": old}, new={"active": active},
    )
    return user


def list_users(session: Session, *, actor: User) -> list[User]:
    """Users the actor may see: all for administrators, else colleagues in the same organisation."""
    stmt = select(User).order_by(User.organisation_id, User.username)
    if not actor.has_role(Role.ADMIN):
        stmt = stmt.where(User.organisation_id == actor.organisation_id)
    return list(session.scalars(stmt))


# --- authentication and sessions ----------------------------------------------------------------


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with this username and password, or None (same work either way)."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        passwords.burn_time(password)
        return None
    if not passwords.verify_password(user.password_hash, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def open_login_session(session: Session, *, user: User, now: datetime, lifetime: timedelta) -> str:
    """Start a server-side login session and return the token to keep in the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(id=_token_id(token), user_id=user.id, created_at=now, expires_at=now + lifetime))
    session.flush()
    user.login_token = token
    return token


def user_for_token(session: Session, *, token: str, now: datetime) -> User | None:
    """The user of a live login session, or None if it ended, expired or never existed."""
    row = session.get(LoginSession, _token_id(token))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = row.user
    if not user.active:
        return None
    user.login_token = token
    return user


def close_login_session(session: Session, *, token: str, now: datetime) -> None:
    """End one login session (logout): its cookie no longer works, even if replayed."""
    row = session.get(LoginSession, _token_id(token))
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        session.flush()


def _revoke_all_sessions(session: Session, *, user_id: int, now: datetime) -> None:
    session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def change_password(
    session: Session,
    *,
    actor: User,
    now: datetime,
    current_password: str,
    new_password: str,
    lifetime: timedelta,
) -> str:
    """Change the actor's password, end all their sessions and return a fresh session token."""
    if not passwords.verify_password(actor.password_hash, current_password):
        raise ValidationFailed("当前密码不正确", field="current_password")
    if current_password == new_password:
        raise ValidationFailed("新密码不能与当前密码相同", field="new_password")
    passwords.check_policy(new_password, username=actor.username, field="new_password")
    actor.password_hash = passwords.hash_password(new_password)
    actor.password_changed_at = now
    _revoke_all_sessions(session, user_id=actor.id, now=now)
    session.flush()
    record_event(session, actor=actor, now=now, action="user.change_password", object_type="user", object_id=actor.id)
    return open_login_session(session, user=actor, now=now, lifetime=lifetime)


def organisation_counts(session: Session) -> dict[str, int]:
    """Number of organisations of each kind (for the administrator's dashboard)."""
    rows = session.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind))
    counts = {kind.value: 0 for kind in OrgKind}
    counts.update({kind: n for kind, n in rows})
    return counts


# --- API tokens ------------------------------------------------------------------------------------

API_TOKEN_PREFIX = "jc_"


def create_api_token(session: Session, *, actor: User, now: datetime, name: str) -> tuple[ApiToken, str]:
    """Issue an API token for the actor; the plain token is returned once and only its hash is kept."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请为令牌命名，如“人事系统对接”", field="name")
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=actor.id, name=name, token_hash=_token_id(token), prefix=token[:10], created_at=now)
    session.add(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="api_token.create", object_type="api_token",
                 object_id=row.id, new={"name": name, "prefix": row.prefix})
    return row, token


def revoke_api_token(session: Session, *, actor: User, now: datetime, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (administrators may revoke any)."""
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.id and not actor.has_role(Role.ADMIN)):
        raise NotFound("令牌不存在")
    if row.revoked_at is None:
        row.revoked_at = now
        session.flush()
        record_event(session, actor=actor, now=now, action="api_token.revoke", object_type="api_token",
                     object_id=row.id)
    return row


def list_api_tokens(session: Session, *, actor: User) -> list[ApiToken]:
    """The actor's own tokens, newest first."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.id.desc())))


def user_for_api_token(session: Session, *, token: str) -> User | None:
    """The active user behind a live API token, or None."""
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_id(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row.user
