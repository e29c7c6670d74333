"""The one way a view runs an action: commit on success, or roll back and show the refusal once.

A view builds its form, hands the service to `submit` and renders its page when nothing was done:

    form = ScheduleForm()
    return submit(form, schedule_component, fields=("component", "exam_on", "exam_time"), plan_id=plan_id,
                  success=_("Exam date saved."), then=_plan_url(plan_id)) \
        or _plan_page(plan_id, schedule_form=form)

The service is called as `service(db.session, actor=current_actor(), now=utcnow(), **fields, **extra)`: each
name in `fields` is a form field passed under its own name (`exam_on=form.exam_on.data`), any other keyword
(`plan_id=plan_id`, `name=form.full_name.data`) is passed as it is. An action that needs more than that is
given as a callable of no arguments instead: `submit(form, lambda: ..., success=..., then=...)`.

A one-click step (a confirmed button, a small inline form) always goes back to a page: `one_click(...)`.
Both run the action inside `attempt(form)`, the context manager a view uses directly when its action needs
more than "flash and redirect" (an import that reports bad rows, a page that shows what was made).

On a `DomainError` the session is rolled back and the message, in the user's language, goes on the form
field it names (or is flashed when no field fits); the refused form answers 422. `NotFound` and `NotAllowed`
are rolled back and passed on to the app-level handlers (404 / 403, see `init_actions`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, flash, redirect, render_template
from flask_babel import gettext
from sqlalchemy.exc import DataError

from app.database import utcnow
from app.errors import Conflict, DomainError, NotAllowed, NotFound
from app.extensions import db
from app.translation import render
from app.web.access import current_actor

REFUSED = 422
T = TypeVar("T")
Target = str | Callable[[Any], str]  # a URL, or one made from the action's result
Success = str | Callable[[Any], str] | None  # the flashed message, or one made from the action's result


def localize(value: object) -> object:
    """A marked message (or label) in the request's language; anything else unchanged."""
    return render(value, gettext)


class Outcome:
    """What became of an attempted action: true when it went through."""

    def __init__(self) -> None:
        self.ok = False
        self.error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.ok

    @property
    def status(self) -> int:
        """The status for the page shown after the attempt: 422 when it was refused."""
        return REFUSED if self.error is not None else 200


def show_refusal(error: DomainError, form=None) -> None:
    """Put a service's refusal on the field it names, or flash it when no field of `form` fits."""
    message = localize(error.message)
    if form is not None:
        form.refused = True
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, message]  # WTForms may hold a tuple
    else:
        flash(message, "danger")


@contextmanager
def attempt(form=None, *, commit: bool = True) -> Iterator[Outcome]:
    """Run the body as one action: commit on success, roll back and show the refusal on a `DomainError`."""
    outcome = Outcome()
    try:
        yield outcome
    except (NotFound, NotAllowed):
        db.session.rollback()
        raise
    except DomainError as error:
        db.session.rollback()
        outcome.error = error
        show_refusal(error, form)
    else:
        if commit:
            db.session.commit()
        outcome.ok = True


def _made(value, result):
    return value(result) if callable(value) else value


FormExtra = Callable[[Any], dict[str, Any]] | None  # keywords made from the form once it passed its checks


def _action(form, call: Callable[..., T], fields: tuple[str, ...] | None, form_extra: FormExtra,
            extra: dict[str, Any]) -> Callable[[], T]:
    """The action to run: `call` itself, or the service `call` given the session, actor, time, fields and extra."""
    if fields is None and form_extra is None and not extra:
        return call

    def run() -> T:
        values = {name: form[name].data for name in fields or ()}
        made = form_extra(form) if form_extra else {}
        return call(db.session, actor=current_actor(), now=utcnow(), **values, **made, **extra)

    return run


def _finish(success: Success, then: Target, result):
    """Flash what was done and redirect to where the action leads."""
    message = _made(success, result)
    if message:
        flash(message, "success")
    return redirect(_made(then, result))


def submit(form, call: Callable[..., T], *, success: Success, then: Target,
           fields: tuple[str, ...] | None = None, form_extra: FormExtra = None, **extra):
    """Run the action for a submitted, valid `form`: on success flash `success` and redirect to `then`.

    The action is `call()`, or, with `fields` or other keywords, the service `call` given the session, the
    actor, the time, the named form fields, `form_extra(form)` (keywords built from the checked form: an upload
    read, a date and time combined) and the other keywords (see the module's docstring).

    `success` and `then` may be callables given the action's result (the new record, say). Returns None when
    the form was not submitted, failed its shape checks or was refused (the message is on its field, or
    flashed): the view then shows its page again with `form_status(form)`.
    """
    action = _action(form, call, fields, form_extra, extra)
    if not form.validate_on_submit():
        return None
    with attempt(form) as done:
        result = action()
    return _finish(success, then, result) if done else None


def one_click(form, call: Callable[..., T], *, success: Success, then: Target, back: str | None = None,
              fields: tuple[str, ...] | None = None, form_extra: FormExtra = None, **extra):
    """A one-click step (a confirmation, a small inline form): run the action when `form` is valid, then redirect.

    The action is given as to `submit`: `call()`, or the service `call` with `fields` and other keywords.

    On success `success` is flashed and the answer goes to `then` (a URL or a callable given the result);
    a refusal is flashed and the answer goes to `back` (default: `then`, which must then be a URL).
    """
    action = _action(form, call, fields, form_extra, extra)
    if form.validate_on_submit():
        with attempt() as done:
            result = action()
        if done:
            return _finish(success, then, result)
    return redirect(back if back is not None else then)


def form_status(*forms) -> int:
    """422 when a submitted form was refused (shape checks or a service's rule), else 200."""
    for form in forms:
        if form is not None and (getattr(form, "refused", False) or (form.is_submitted() and form.errors)):
            return REFUSED
    return 200


def render_form(template: str, form, **context):
    """A page built around one form (passed to the template as `form`), answering 422 when it was refused."""
    return render_template(template, form=form, **context), form_status(form)


def init_actions(app: Flask) -> None:
    """App-level handlers, after a rollback: NotFound is a 404, NotAllowed a 403, any other refusal a 422 page."""
    from app.web.security import render_error

    @app.errorhandler(NotFound)
    def _not_found(error: NotFound):
        db.session.rollback()
        return render_error(404)  # the API answers its own NotFound (app.api), with the message

    @app.errorhandler(NotAllowed)
    def _not_allowed(error: NotAllowed):
        db.session.rollback()
        return render_error(403, localize(error.message))

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def _out_of_range(error: Exception):
        # A number too large for the database (a tampered hidden field, a crafted request) is bad input, not a
        # crash; forms and query strings bound their numbers, this catches whatever still slips through.
        db.session.rollback()
        app.logger.warning("value out of range for the database: %s", type(error).__name__, exc_info=error)
        return render_error(400, gettext("A number in the request is too large."))

    @app.errorhandler(DomainError)
    def _refused(error: DomainError):
        # A refusal outside attempt() (a download, a page) is an answer, never a 500.
        db.session.rollback()
        return render_error(409 if isinstance(error, Conflict) else REFUSED, localize(error.message))
