"""Subsidy ledger pages: schemes (the HR department's), claims computed from records with rule checks, claim states."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.reporting.exports import rows_workbook
from app.reporting.models import CLAIM_STATUSES
from app.reporting.subsidies import (
    CLAIM_FLOW,
    claim_candidates,
    create_claim,
    create_scheme,
    list_claims,
    list_schemes,
    move_claim,
)
from app.web.access import current_actor, roles
from app.web.actions import form_status, localize, one_click, submit
from app.web.downloads import workbook_download
from app.web.query import query_integer
from app.web.reporting.forms import ClaimForm, ClaimStatusForm, SchemeForm
from app.web.reporting.views import bp

PREPARERS = (Role.ADMIN, Role.INSTITUTION_STAFF)


@bp.route("/subsidies", methods=["GET", "POST"])
@roles(*PREPARERS)
def subsidies():
    """Schemes (the HR department adds them) and the claims ledger; pick a scheme to see the claimable awards."""
    actor = current_actor()
    form = SchemeForm()
    if request.method == "POST" and not actor.has_role(Role.ADMIN):
        abort(403)
    return submit(form, lambda: create_scheme(
        db.session, actor=actor, now=utcnow(), name=form.name.data, kind=form.kind.data, amounts=_amounts(form),
        effective_from=form.effective_from.data, effective_to=form.effective_to.data,
        per_person_cap=form.per_person_cap.data, cap_per_year=form.cap_per_year.data,
        claim_window_months=form.claim_window_months.data, city_code=form.city_code.data or None,
        shortage_uplift_percent=form.shortage_uplift_percent.data,
    ), success=_("Scheme saved."), then=url_for("reports.subsidies")) or _ledger(actor, form)


def _ledger(actor, form: SchemeForm):
    """The schemes and the claims ledger (or its Excel export), with the claimable awards of a chosen scheme."""
    status = request.args.get("status") or None
    claims = list_claims(db.session, actor=actor, status=status)
    if request.args.get("export") == "xlsx":
        rows = [[c.id, c.person.name, c.scheme.name, c.occupation_name, c.level_digit, c.certificate_date.isoformat(),
                 str(c.base_amount), str(c.uplift_amount), str(c.amount), localize(CLAIM_STATUSES[c.status])]
                for c in claims]
        headers = [_("Number"), _("Full name"), _("Policy"), _("Occupation"), _("Level"), _("Certificate date"),
                   _("Base amount"), _("Shortage uplift"), _("Amount"), _("Status")]
        return workbook_download(rows_workbook(_("Subsidy ledger"), headers, rows), "subsidy-claims.xlsx")
    scheme_id = query_integer("scheme_id")
    candidates = []
    if scheme_id:
        candidates = claim_candidates(db.session, actor=actor, scheme_id=scheme_id, today=local_date(utcnow()))
    total = sum((c.amount for c in claims if c.status != "withdrawn"), Decimal(0))
    return render_template("reports/subsidies.html", schemes=list_schemes(db.session), claims=claims, form=form,
                           status=status or "", scheme_id=scheme_id, candidates=candidates, total=total,
                           flow=CLAIM_FLOW, claim_form=ClaimForm(formdata=None),
                           status_form=ClaimStatusForm(formdata=None)), form_status(form)


@bp.post("/subsidies/<int:scheme_id>/claims")
@roles(*PREPARERS)
def claim(scheme_id: int):
    """Draft a claim; a refusal names the rules it breaks."""
    return one_click(ClaimForm(), create_claim, fields=("level_award_id",), scheme_id=scheme_id,
                     success=_("Claim drafted."), then=url_for("reports.subsidies", scheme_id=scheme_id))


@bp.post("/claims/<int:claim_id>/status")
@roles(*PREPARERS)
def claim_status(claim_id: int):
    """Submit, notice, approve, pay, return or withdraw a claim."""
    return one_click(ClaimStatusForm(), move_claim, fields=("to_status",), claim_id=claim_id, success=_("Claim updated."),
                     then=url_for("reports.subsidies"))


def _amounts(form: SchemeForm) -> dict[int, Decimal]:
    """The amount per level the scheme pays (levels left empty pay nothing)."""
    amounts = {d: getattr(form, f"amount_{d}").data for d in (5, 4, 3, 2, 1)}
    return {d: Decimal(v) for d, v in amounts.items() if v is not None}
