"""Forms posted from a record's page (add work to a person, evidence to a placement, …): one table row a form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from app.web.actions import submit


class PageForm(NamedTuple):
    """A form on a record's page: its class, the service it runs with the named form fields, the message on
    success, the anchor to go back to, and the service's keywords taken from the form beyond the fields."""

    form: type
    call: Callable
    fields: tuple[str, ...]
    success: str  # a lazy string, made at request time
    anchor: str | None = None
    extra: Callable[[Any], dict] | None = None


def submit_page_form(posted: PageForm, *, then: Callable[[str | None], str], page: Callable[[Any], Any], **given):
    """`submit` the posted form with the `given` keywords, going to `then(anchor)`; a refused form is `page(form)`."""
    form = posted.form()
    return submit(form, posted.call, fields=posted.fields, form_extra=posted.extra, success=str(posted.success),
                  then=then(posted.anchor), **given) or page(form)
