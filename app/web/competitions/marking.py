"""The judges' marking sheet (keyboard-first, one competitor at a time on a phone) and the chief judge's spread
flags and sign-off."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.competitions.entries import active_entries
from app.competitions.judges import chief_of
from app.competitions.marking import (
    CellInput,
    decide_flag,
    event_for_judge,
    judge_sheet,
    open_flags,
    request_remark,
    save_sheet,
    sign_off,
)
from app.competitions.models import SpreadFlag
from app.competitions.scheme import aspects_of
from app.database import utcnow
from app.extensions import db
from app.web.access import authenticated, current_actor
from app.web.actions import attempt, form_status, one_click, submit
from app.web.competitions.forms import ConfirmForm, DecisionForm, SheetForm
from app.web.competitions.views import bp
from app.web.query import query_integer


def _typed_cells() -> tuple[list[CellInput], dict[int, str]]:
    """The sheet's typed marks (`m-<cell>`) with the versions the judge saw (`v-<cell>`)."""
    cells, typed = [], {}
    for key, value in request.form.items():
        if not key.startswith("m-") or not key[2:].isdigit():
            continue
        mark_id = int(key[2:])
        version = request.form.get(f"v-{mark_id}", "")
        if not version.isdigit():
            continue
        typed[mark_id] = value[:10]
        cells.append(CellInput(mark_id, value.strip()[:10], int(version)))
    return cells, typed


def _sheet_page(event, form: SheetForm, typed: dict[int, str] | None = None, decision_form=None):
    actor = current_actor()
    entries = active_entries(db.session, event.id)
    only = query_integer("entry")
    shown = [e for e in entries if only is None or e.id == only]
    cells = {(c.entry_id, c.aspect_id): c for c in judge_sheet(db.session, actor=actor, event_id=event.id)}
    chief = chief_of(event)
    is_chief = chief is not None and chief.user_id == actor.id
    ids = [e.id for e in entries]
    position = ids.index(only) if only in ids else None
    return render_template(
        "competitions/sheet.html", event=event, form=form, entries=shown, all_entries=entries,
        aspects=aspects_of(event), cells=cells, typed=typed or {}, only=only, is_chief=is_chief,
        previous=ids[position - 1] if position else None,
        following=ids[position + 1] if position is not None and position + 1 < len(ids) else None,
        flags=open_flags(db.session, event_id=event.id) if is_chief else [],
        decision_form=decision_form or DecisionForm(formdata=None), confirm=ConfirmForm(formdata=None),
    ), form_status(form, decision_form)


@bp.route("/events/<int:event_id>/sheet", methods=["GET", "POST"])
@authenticated
def sheet(event_id: int):
    """A judge's own marks (others' only once everyone has marked); saved whole, stale edits refused."""
    event = event_for_judge(db.session, actor=current_actor(), event_id=event_id)
    form = SheetForm()
    typed = None
    if form.validate_on_submit():
        cells, typed = _typed_cells()
        with attempt(form) as done:
            changed = save_sheet(db.session, actor=current_actor(), now=utcnow(), event_id=event.id, cells=cells,
                                 reason=form.reason.data or None)
        if done:
            flash(_("%(count)s marks saved.", count=changed), "success")
            return redirect(request.full_path if request.args else url_for("competitions.sheet", event_id=event.id))
    return _sheet_page(event, form, typed)


def _flag_event_url(flag: SpreadFlag) -> str:
    return url_for("competitions.sheet", event_id=flag.event_id)


@bp.post("/flags/<int:flag_id>/remark")
@authenticated
def remark(flag_id: int):
    """The chief judge sends a flagged aspect back to the judges for re-marking."""
    return one_click(ConfirmForm(), request_remark, flag_id=flag_id,
                     success=_("Sent back to the judges for re-marking."), then=_flag_event_url,
                     back=url_for("competitions.index"))


@bp.post("/flags/<int:flag_id>/decide")
@authenticated
def decide_spread(flag_id: int):
    """The chief judge records the mark of a flagged aspect, with a reason."""
    flag = db.session.get(SpreadFlag, flag_id)
    event = event_for_judge(db.session, actor=current_actor(), event_id=flag.event_id if flag else 0)
    form = DecisionForm()
    return submit(form, decide_flag, flag_id=flag_id, fields=("value", "reason"),
                  success=_("Decision recorded."), then=_flag_event_url) \
        or _sheet_page(event, SheetForm(formdata=None), decision_form=form)


@bp.post("/events/<int:event_id>/sign-off")
@authenticated
def sign(event_id: int):
    """The chief judge signs the marking off: results are computed and the marks locked."""
    return one_click(ConfirmForm(), sign_off, event_id=event_id, success=_("Marking signed off; results computed."),
                     then=lambda event: url_for("competitions.event", event_id=event.id),
                     back=url_for("competitions.sheet", event_id=event_id))
