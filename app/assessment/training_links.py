"""Links the training stage records between an assessor and a candidate (class teacher, mentors).

Filled in from app.training once that stage records teachers and mentors; until then it finds none.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.people.models import Person


def training_links(session: Session, *, assessor: User, people: dict[int, Person]) -> list:
    """Recusal links from training records between the assessor and these people."""
    return []
