"""Organisations, evaluation filings, users, roles and login sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.roles import OrgKind, Role
from app.database import Base, Entity, one_of, owned, ref, stamp


class Organisation(Entity):
    """An enterprise, training institution, evaluation organisation or 人社 department."""

    __tablename__ = "organisations"

    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    uscc: Mapped[str] = mapped_column(String(18), nullable=False, unique=True)
    city_code: Mapped[str | None] = mapped_column(String(4))
    address: Mapped[str | None] = mapped_column(String(300))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = stamp()

    filing: Mapped[EvaluationFiling | None] = relationship(back_populates="organisation", uselist=False)
    users: Mapped[list[User]] = relationship(back_populates="organisation")

    __table_args__ = (
        one_of("kind", [k.value for k in OrgKind]),
        CheckConstraint("length(uscc) = 18", name="uscc_length"),
    )


class EvaluationFiling(Entity):
    """The filing (备案) that lets an evaluation organisation assess and number certificates."""

    __tablename__ = "evaluation_filings"

    organisation_id: Mapped[int] = ref("organisations.id", unique=True)
    org_type: Mapped[str] = mapped_column(String(1), nullable=False)  # Y employer / S social
    org_code: Mapped[str] = mapped_column(String(4), nullable=False)  # 0000 = filed with a province
    province_code: Mapped[str] = mapped_column(String(2), nullable=False)
    site_code: Mapped[str] = mapped_column(String(6), nullable=False)
    filed_with: Mapped[str | None] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship(back_populates="filing")
    scopes: Mapped[list[FilingScope]] = owned("filing", order_by="FilingScope.occupation_code")

    __table_args__ = (
        CheckConstraint("org_type IN ('Y', 'S')", name="org_type"),
        CheckConstraint("length(org_code) = 4", name="org_code_length"),
        CheckConstraint("length(province_code) = 2", name="province_code_length"),
        CheckConstraint("length(site_code) = 6", name="site_code_length"),
        UniqueConstraint("org_type", "org_code", "province_code", "site_code", name="uq_evaluation_filings_site"),
    )

    @property
    def number_prefix(self) -> str:
        """The first 13 characters every certificate number of this site starts with."""
        return f"{self.org_type}{self.org_code}{self.province_code}{self.site_code}"


class FilingScope(Entity):
    """One occupation and level an evaluation organisation is filed to assess."""

    __tablename__ = "filing_scopes"

    filing_id: Mapped[int] = ref("evaluation_filings.id", ondelete="CASCADE")
    occupation_code: Mapped[str] = mapped_column(String(10), nullable=False)
    level_digit: Mapped[int] = mapped_column(Integer, nullable=False)

    filing: Mapped[EvaluationFiling] = relationship(back_populates="scopes")

    __table_args__ = (
        CheckConstraint("level_digit BETWEEN 1 AND 5", name="level_digit"),
        UniqueConstraint("filing_id", "occupation_code", "level_digit", name="uq_filing_scopes_entry"),
    )


class User(Entity):
    """A person who logs in; staff belong to exactly one organisation, a worker account to none (it is linked to
    one person instead, in people.account_models)."""

    __tablename__ = "users"

    organisation_id: Mapped[int | None] = ref("organisations.id", index=True, nullable=True)
    username: Mapped[str] = mapped_column(String(60), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(100), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = stamp()
    password_changed_at: Mapped[datetime] = stamp()

    organisation: Mapped[Organisation | None] = relationship(back_populates="users", lazy="joined")
    role_rows: Mapped[list[UserRole]] = owned("user", lazy="selectin")

    @property
    def roles(self) -> frozenset[str]:
        """The role keys this user holds."""
        return frozenset(r.role for r in self.role_rows)

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of the given roles."""
        return bool(self.roles.intersection(roles))

    # Flask-Login protocol, without importing Flask into the domain package.
    login_token = None  # set by the web edge for the current request; not a column

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        """The login-session token, so that revoking the session logs this cookie out."""
        return self.login_token


class UserRole(Base):
    """A role held by a user."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = ref("users.id", ondelete="CASCADE", primary_key=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")

    __table_args__ = (one_of("role", [r.value for r in Role]),)


class LoginSession(Base):
    """A server-side record of one login, so logout and password changes really end it."""

    __tablename__ = "login_sessions"

    # SHA-256 of the random token held in the signed cookie; the token itself is never stored.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = ref("users.id", ondelete="CASCADE", index=True)
    created_at: Mapped[datetime] = stamp()
    expires_at: Mapped[datetime] = stamp()
    revoked_at: Mapped[datetime | None] = stamp()

    user: Mapped[User] = relationship()


class ApiToken(Entity):
    """A bearer token for the JSON API; it acts as its user, within that user's organisation and roles."""

    __tablename__ = "api_tokens"

    user_id: Mapped[int] = ref("users.id", ondelete="CASCADE", index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)  # shown in lists to tell tokens apart
    created_at: Mapped[datetime] = stamp()
    expires_at: Mapped[datetime] = stamp()
    revoked_at: Mapped[datetime | None] = stamp()

    user: Mapped[User] = relationship()


class SavedMapping(Entity):
    """An organisation's chosen mapping of its own sheet's column headers to an import's fields, reused on its
    next upload: {folded header: field key, or "" for a column it leaves out}."""

    __tablename__ = "saved_mappings"

    organisation_id: Mapped[int] = ref("organisations.id", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(30), nullable=False)  # the import: people, enrolments …
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    updated_by_id: Mapped[int | None] = ref("users.id", ondelete="SET NULL")
    updated_at: Mapped[datetime] = stamp()

    __table_args__ = (UniqueConstraint("organisation_id", "kind"),)
