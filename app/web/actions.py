"""The one way a view runs an action: commit on success, or roll back and show the refusal once.

    form = PlanForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            plan = create_plan(db.session, actor=current_actor(), ...)
        if done:
            flash(_("Assessment plan created."), "success")
            return redirect(url_for("assessment.plan", plan_id=plan.id))
    return render_template("assessment/plan_form.html", form=form), form_status(form)

On a `DomainError` the session is rolled back and the message, in the user's language, goes on the form
field it names (or is flashed when no field fits); the refused form answers 422. `NotFound` and `NotAllowed`
are rolled back and passed on to the app-level handlers (404 / 403, see `init_actions`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, flash, request
from flask_babel import gettext

from app.errors import Conflict, DomainError, NotAllowed, NotFound
from app.extensions import db
from app.translation import render

REFUSED = 422


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
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is not None and hasattr(field, "errors"):
        if isinstance(field.errors, tuple):
            field.errors = list(field.errors)
        field.errors.append(message)
        form.refused = True
    else:
        if form is not None:
            form.refused = True
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


def form_status(*forms) -> int:
    """422 when a submitted form was refused (shape checks or a service's rule), else 200."""
    for form in forms:
        if form is not None and (getattr(form, "refused", False) or (form.is_submitted() and form.errors)):
            return REFUSED
    return 200


def init_actions(app: Flask) -> None:
    """App-level handlers, after a rollback: NotFound is a 404, NotAllowed a 403, any other refusal a 422 page."""
    from app.web.security import render_error

    @app.errorhandler(NotFound)
    def _not_found(error: NotFound):
        db.session.rollback()
        return render_error(404, localize(error.message) if request.blueprint == "api" else None)

    @app.errorhandler(NotAllowed)
    def _not_allowed(error: NotAllowed):
        db.session.rollback()
        return render_error(403, localize(error.message))

    @app.errorhandler(DomainError)
    def _refused(error: DomainError):
        # A refusal outside attempt() (a download, a page) is an answer, never a 500.
        db.session.rollback()
        return render_error(409 if isinstance(error, Conflict) else REFUSED, localize(error.message))
