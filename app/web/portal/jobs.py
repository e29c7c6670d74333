"""Job matches: open demands that fit me, with the reasons; saying I am interested."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.placement.own_matches import express_interest, own_matches
from app.web.access import current_actor, workers_only
from app.web.actions import attempt
from app.web.portal.blueprint import bp
from app.web.portal.forms import PlainForm


@bp.get("/jobs")
@workers_only
def jobs():
    """Open job demands that fit my certificates, levels and training."""
    return render_template("portal/jobs.html", form=PlainForm(),
                           matches=own_matches(db.session, actor=current_actor(), today=local_date(utcnow())))


@bp.post("/jobs/<int:demand_id>/interest")
@workers_only
def interest(demand_id: int):
    """Tell the enterprise I am interested; it sees this in the demand's matching list."""
    form = PlainForm()
    if form.validate_on_submit():
        with attempt() as done:
            express_interest(db.session, actor=current_actor(), now=utcnow(), demand_id=demand_id,
                             today=local_date(utcnow()))
        if done:
            flash(_("The enterprise will see that you are interested."), "success")
    return redirect(url_for("portal.jobs"))
