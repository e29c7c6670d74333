"""Occupations, their 工种/职业方向, skill standards with levels and components, the shortage catalogue."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Entity, one_of, owned, ref, stamp
from app.translation import N_

COMPONENTS = ("theory", "practical", "review", "ethics", "performance")
COMPONENT_LABELS = {
    "theory": N_("Theory examination"),
    "practical": N_("Practical skills assessment"),
    "review": N_("Comprehensive review"),
    "ethics": N_("Professional ethics"),
    "performance": N_("Work performance appraisal"),
}
VARIANT_KINDS = ("trade", "direction")  # 工种 / 职业方向


class Occupation(Entity):
    """An occupation of the 职业分类大典, identified by (edition, code)."""

    __tablename__ = "occupations"

    edition: Mapped[str] = mapped_column(String(10), nullable=False)  # e.g. "2022"
    code: Mapped[str] = mapped_column(String(10), nullable=False)  # D-DD-DD-DD
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    english_name: Mapped[str | None] = mapped_column(String(150))
    digital: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # S flag
    green: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # L flag
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = stamp()

    variants: Mapped[list[OccupationVariant]] = owned("occupation", order_by="OccupationVariant.id")
    standards: Mapped[list[SkillStandard]] = owned("occupation", order_by="SkillStandard.id")

    __table_args__ = (
        UniqueConstraint("edition", "code", name="uq_occupations_edition_code"),
        CheckConstraint("length(code) = 10", name="code_length"),
    )

    @property
    def current_standard(self) -> SkillStandard | None:
        """The standard in force, if any."""
        return next((s for s in self.standards if s.is_current), None)

    @property
    def flags(self) -> str:
        """The 大典 markers: S for digital, L for green."""
        return ("S" if self.digital else "") + ("L" if self.green else "")


class OccupationVariant(Entity):
    """A 工种 (sub-trade) or 职业方向 (direction) under an occupation; these have no code of their own."""

    __tablename__ = "occupation_variants"

    occupation_id: Mapped[int] = ref("occupations.id", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)

    occupation: Mapped[Occupation] = relationship(back_populates="variants")

    __table_args__ = (
        CheckConstraint("kind IN ('trade', 'direction')", name="kind"),
        UniqueConstraint("occupation_id", "kind", "name", name="uq_occupation_variants_name"),
    )


class SkillStandard(Entity):
    """A 国家职业技能标准 edition: which levels exist, their components, hours, staffing and eligibility."""

    __tablename__ = "skill_standards"

    occupation_id: Mapped[int] = ref("occupations.id", ondelete="CASCADE")
    edition: Mapped[str] = mapped_column(String(20), nullable=False)  # e.g. "2018年版"
    is_current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Eligibility routes per level digit, in app.catalog.eligibility_rules JSON form.
    eligibility_rules: Mapped[dict] = mapped_column(JSON, nullable=False)
    # Occupation codes whose work or certificates count as "related" for eligibility.
    related_codes: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    theory_candidates_per_invigilator: Mapped[int] = mapped_column(Integer, nullable=False, default=15)
    theory_min_invigilators: Mapped[int] = mapped_column(Integer, nullable=False, default=2)
    practical_candidates_per_examiner: Mapped[int] = mapped_column(Integer, nullable=False, default=5)
    practical_min_examiners: Mapped[int] = mapped_column(Integer, nullable=False, default=3)
    review_min_panel: Mapped[int] = mapped_column(Integer, nullable=False, default=3)
    created_at: Mapped[datetime] = stamp()

    occupation: Mapped[Occupation] = relationship(back_populates="standards")
    levels: Mapped[list[StandardLevel]] = owned("standard", order_by="StandardLevel.level_digit.desc()")

    __table_args__ = (
        UniqueConstraint("occupation_id", "edition", name="uq_skill_standards_edition"),
        CheckConstraint("theory_candidates_per_invigilator > 0", name="theory_ratio"),
        CheckConstraint("theory_min_invigilators > 0", name="theory_min"),
        CheckConstraint("practical_candidates_per_examiner > 0", name="practical_ratio"),
        CheckConstraint("practical_min_examiners >= 1", name="practical_min"),
        CheckConstraint("review_min_panel >= 1", name="review_min"),
    )

    def level(self, digit: int) -> StandardLevel | None:
        """The level with this digit, if the standard has it."""
        return next((lv for lv in self.levels if lv.level_digit == digit), None)

    @property
    def level_digits(self) -> list[int]:
        """Digits of the levels this standard has, junior first (5 → 1)."""
        return [lv.level_digit for lv in self.levels]


class StandardLevel(Entity):
    """One national level (digit 5..1) of a standard, with its reference training hours."""

    __tablename__ = "standard_levels"

    standard_id: Mapped[int] = ref("skill_standards.id", ondelete="CASCADE")
    level_digit: Mapped[int] = mapped_column(Integer, nullable=False)
    reference_hours: Mapped[int] = mapped_column(Integer, nullable=False)

    standard: Mapped[SkillStandard] = relationship(back_populates="levels")
    components: Mapped[list[StandardComponent]] = owned("level", order_by="StandardComponent.id")

    __table_args__ = (
        CheckConstraint("level_digit BETWEEN 1 AND 5", name="level_digit"),
        CheckConstraint("reference_hours > 0", name="hours"),
        UniqueConstraint("standard_id", "level_digit", name="uq_standard_levels_digit"),
    )


class StandardComponent(Entity):
    """An assessment component of a level with its own pass mark (no averaging across components)."""

    __tablename__ = "standard_components"

    level_id: Mapped[int] = ref("standard_levels.id", ondelete="CASCADE")
    component: Mapped[str] = mapped_column(String(20), nullable=False)
    pass_mark: Mapped[Decimal] = mapped_column(Numeric(4, 1), nullable=False, default=Decimal("60.0"))
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    level: Mapped[StandardLevel] = relationship(back_populates="components")

    __table_args__ = (
        one_of("component", COMPONENTS),
        CheckConstraint("pass_mark >= 0 AND pass_mark <= 100", name="pass_mark"),
        UniqueConstraint("level_id", "component", name="uq_standard_components_component"),
    )


class ShortageCatalogue(Entity):
    """One quarter's 急需紧缺技能人才职业（工种）目录."""

    __tablename__ = "shortage_catalogues"

    quarter: Mapped[str] = mapped_column(String(6), nullable=False, unique=True)  # 2026Q4
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date] = mapped_column(Date, nullable=False)
    title: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[datetime] = stamp()

    entries: Mapped[list[ShortageEntry]] = owned("catalogue", order_by="ShortageEntry.rank")

    __table_args__ = (CheckConstraint("valid_until >= valid_from", name="period"),)


class ShortageEntry(Entity):
    """An occupation (or 工种) on a shortage catalogue with its gap and rank."""

    __tablename__ = "shortage_entries"

    catalogue_id: Mapped[int] = ref("shortage_catalogues.id", ondelete="CASCADE")
    occupation_code: Mapped[str] = mapped_column(String(10), nullable=False)
    occupation_name: Mapped[str] = mapped_column(String(100), nullable=False)
    trade_name: Mapped[str | None] = mapped_column(String(100))
    gap: Mapped[int] = mapped_column(Integer, nullable=False)
    cities: Mapped[list] = mapped_column(JSON, nullable=False, default=list)  # city codes
    rank: Mapped[int] = mapped_column(Integer, nullable=False)
    previous_rank: Mapped[int | None] = mapped_column(Integer)
    is_new: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    catalogue: Mapped[ShortageCatalogue] = relationship(back_populates="entries")

    __table_args__ = (
        CheckConstraint("gap >= 0", name="gap"),
        CheckConstraint("rank >= 1", name="rank"),
        UniqueConstraint("catalogue_id", "occupation_code", "trade_name", name="uq_shortage_entries_occupation"),
    )
