"""Domain errors raised by services and mapped to messages by the edge."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; `field` names the input at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """Input is well-formed but breaks a rule (checksum, range, duplicate)."""


class NotFound(DomainError):
    """The object does not exist or is outside the actor's scope."""


class NotAllowed(DomainError):
    """The actor may not do this."""


class InvalidTransition(DomainError):
    """A state change that the state machine does not allow."""


class Conflict(DomainError):
    """Someone else changed the object meanwhile, or a uniqueness rule was hit."""
