"""Claiming the skill upgrading subsidy (技能提升补贴) myself, and following my claims through the ledger."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.reporting.own_claims import claim_own_subsidy, own_claim_options, own_claims
from app.reporting.subsidies import refusals_message
from app.web.access import current_actor, workers_only
from app.web.actions import attempt, form_status
from app.web.portal.blueprint import bp
from app.web.portal.forms import ClaimForm

# The ledger's steps, in order, as the claim's progress bar shows them.
STEPS = ("submitted", "notice", "approved", "paid")


def _page(form: ClaimForm):
    actor = current_actor()
    return render_template("portal/subsidies.html", form=form, steps=STEPS, refusals_message=refusals_message,
                           options=own_claim_options(db.session, actor=actor, today=local_date(utcnow())),
                           claims=own_claims(db.session, actor=actor)), form_status(form)


@bp.route("/subsidies", methods=["GET", "POST"])
@workers_only
def subsidies():
    """What I may claim now (or which rule stands in the way), and my claims with their progress."""
    form = ClaimForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            claim_own_subsidy(db.session, actor=current_actor(), now=utcnow(), scheme_id=int(form.scheme_id.data),
                              level_award_id=int(form.level_award_id.data))
        if done:
            flash(_("Your claim has been submitted to the HR & social security department."), "success")
            return redirect(url_for("portal.subsidies"))
    return _page(form)
