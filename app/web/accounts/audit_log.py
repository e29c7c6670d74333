"""The audit log's filter as the query string carries it, and the "history" link object pages show."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup

from app.accounts.roles import Role
from app.audit.services import AuditFilter
from app.web.access import current_actor, is_logged_in
from app.web.query import parse_integer

FILTER_ARGS = ("actor", "organisation", "action", "object_type", "object_id", "date_from", "date_to")


def _day(args: Mapping[str, str], name: str, problems: list[str]) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(_("“%(value)s” is not a date: pick one from the calendar or write it as 2026-09-18.",
                          value=raw[:20]))
        return None


def read_filter(args: Mapping[str, str]) -> tuple[AuditFilter, list[str]]:
    """The filter the query string asks for, and what in it could not be used (shown above the list)."""
    problems: list[str] = []
    date_from, date_to = _day(args, "date_from", problems), _day(args, "date_to", problems)
    if date_from and date_to and date_from > date_to:
        problems.append(_("The start date is after the end date: swap them to see that period."))
        date_from = date_to = None
    text = {name: (args.get(name) or "").strip()[:120] or None for name in ("actor", "action", "object_type")}
    object_id = (args.get("object_id") or "").strip()[:64] or None
    filters = AuditFilter(actor_name=text["actor"], organisation_id=parse_integer(args.get("organisation")),
                          action=text["action"], object_type=text["object_type"], object_id=object_id,
                          date_from=date_from, date_to=date_to)
    return filters, problems


def filter_args(filters: AuditFilter) -> dict[str, str]:
    """The query-string arguments that reproduce a filter (for paging and export links)."""
    values = {
        "actor": filters.actor_name, "organisation": filters.organisation_id, "action": filters.action,
        "object_type": filters.object_type, "object_id": filters.object_id,
        "date_from": filters.date_from and filters.date_from.isoformat(),
        "date_to": filters.date_to and filters.date_to.isoformat(),
    }
    return {key: str(value) for key, value in values.items() if value not in (None, "")}


def history_link(object_type: str, object_id: object) -> Markup:
    """A link to the audit log of one object, for those who may read the log; nothing for anyone else."""
    if not is_logged_in() or not current_actor().has_role(Role.ADMIN):
        return Markup("")
    href = url_for("accounts.audit", object_type=object_type, object_id=object_id)
    return Markup('<a class="small audit-history-link" href="{}">{}</a>').format(href, _("History"))
