"""Domain errors raised by services and mapped to messages by the edge.

Every message is marked with `app.translation.N_` and carries named parameters, so the web edge and the API
show it in the user's language. `code` is a stable machine code for API clients.
"""

from __future__ import annotations

from app.translation import Message


class DomainError(Exception):
    """A rule of the domain refused the request; `field` names the input at fault, if any."""

    code = "refused"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message if isinstance(message, Message) else Message(message)
        self.field = field
        if code:
            self.code = code


class ValidationFailed(DomainError):
    """Input is well-formed but breaks a rule (checksum, range, duplicate)."""

    code = "invalid"


class NotFound(DomainError):
    """The object does not exist or is outside the actor's scope."""

    code = "not_found"


class NotAllowed(DomainError):
    """The actor may not do this."""

    code = "not_allowed"


class InvalidTransition(DomainError):
    """A state change that the state machine does not allow."""

    code = "invalid_transition"


class Conflict(DomainError):
    """Someone else changed the object meanwhile, or a uniqueness rule was hit."""

    code = "conflict"
