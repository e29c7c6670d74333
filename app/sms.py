"""Text messages to mobile phones behind one small adapter, so any feature can send a code or a notice.

The console backend (development and tests) writes each message to the log and keeps the recent ones in
memory, where tests read them; a real SMS gateway is another backend with the same `send` method. Callers are
handed a sender explicitly (services never look one up), and the edge picks it from the configuration.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger("jiangcai.sms")


@dataclass(frozen=True)
class TextMessage:
    """One message as sent: the full number and the text."""

    phone: str
    text: str


class SmsSender(Protocol):
    """Anything that can send a text message to a mainland mobile number."""

    def send(self, phone: str, text: str) -> None:
        """Send the text; raise on a failure the caller should report."""


class ConsoleSms:
    """Logs each message (the number masked) and keeps the last ones in `outbox` for tests and local use."""

    def __init__(self, keep: int = 200) -> None:
        self.outbox: deque[TextMessage] = deque(maxlen=keep)

    def send(self, phone: str, text: str) -> None:
        """Record the message instead of sending it."""
        self.outbox.append(TextMessage(phone=phone, text=text))
        log.info("SMS to %s***%s: %s", phone[:3], phone[-4:], text)

    def last_to(self, phone: str) -> TextMessage | None:
        """The latest message sent to this number, if any."""
        return next((m for m in reversed(self.outbox) if m.phone == phone), None)


BACKENDS = {"console": ConsoleSms}


def make_sender(backend: str) -> SmsSender:
    """A sender of the configured backend."""
    try:
        return BACKENDS[backend]()
    except KeyError:
        raise ValueError(f"unknown SMS backend {backend!r}; choose one of {sorted(BACKENDS)}") from None
