"""Pure arithmetic of attendance: hours attended, share of reference hours, completion bar and on-track."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.translation import N_, Message

ZERO = Decimal(0)


def hours_text(value: Decimal | int) -> str:
    """Hours without a needless '.0': 96, 96.5."""
    return f"{Decimal(value).quantize(Decimal('0.1')).normalize():f}"


def percent_text(share: Decimal) -> str:
    """A share as a whole percentage: 0.80 → '80%'."""
    return f"{(share * 100).quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"


def required_hours(reference_hours: int, threshold: Decimal) -> Decimal:
    """Hours a trainee must attend to complete: threshold × reference hours."""
    return (Decimal(reference_hours) * threshold).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def completion_shortfall(attended: Decimal, reference_hours: int, threshold: Decimal) -> Message | None:
    """Why a trainee cannot complete yet, with the numbers; None when the bar is met."""
    needed = required_hours(reference_hours, threshold)
    if attended >= needed:
        return None
    return N_("{attended} hours attended; {needed} are needed ({reference} reference hours × {share}).",
              attended=hours_text(attended), needed=hours_text(needed), reference=reference_hours,
              share=percent_text(threshold))


@dataclass(frozen=True)
class Progress:
    """A trainee's attendance so far against the class's bar."""

    attended: Decimal
    reference_hours: int
    threshold: Decimal
    held: Decimal  # hours of the sessions held up to today

    @property
    def share(self) -> Decimal:
        """Attended hours as a share of the reference hours."""
        return self.attended / Decimal(self.reference_hours) if self.reference_hours else ZERO

    @property
    def required(self) -> Decimal:
        """Hours needed to complete."""
        return required_hours(self.reference_hours, self.threshold)

    @property
    def can_complete(self) -> bool:
        """Whether the completion bar is met."""
        return self.attended >= self.required

    @property
    def on_track(self) -> bool | None:
        """Attended at least the threshold share of the hours held so far; None before any session."""
        if self.held <= 0:
            return None
        return self.attended / self.held >= self.threshold


def held_hours(sessions: Iterable, today: date) -> Decimal:
    """Hours of sessions whose date has come (today included)."""
    return sum((s.hours for s in sessions if s.session_date <= today), ZERO)
