"""Job demand pages: enterprises record theirs, institutions browse open ones, the HR department sees all."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.roles import ENTERPRISE_READERS as READERS
from app.accounts.roles import ENTERPRISE_RECORDERS as RECORDERS
from app.accounts.roles import Role
from app.catalog.occupations import list_occupations
from app.clock import local_date
from app.database import utcnow
from app.demand.pipeline import demand_pipeline_counts
from app.demand.services import (
    DemandDetails,
    change_demand_status,
    create_demand,
    currently_in_shortage,
    get_demand,
    list_demands,
    update_demand,
)
from app.extensions import db
from app.regions import LIAONING_CITIES
from app.training.projects import projects_for_demand
from app.web.access import current_actor, roles
from app.web.actions import form_status, render_form, submit
from app.web.demand.forms import DemandForm, DemandStatusForm
from app.web.forms import occupation_choices, offer_enterprises
from app.web.query import query_integer

bp = Blueprint("demand", __name__, url_prefix="/demands")


def _prepare(form: DemandForm, *, with_enterprise: bool) -> DemandForm:
    form.occupation_id.choices = occupation_choices()
    offer_enterprises(form, with_enterprise and current_actor().has_role(Role.ADMIN))
    return form


def _details(form: DemandForm) -> DemandDetails:
    return DemandDetails(
        occupation_id=form.occupation_id.data, title=form.title.data, headcount=form.headcount.data,
        city_code=form.city_code.data, wage_min=form.wage_min.data, wage_max=form.wage_max.data,
        valid_until=form.valid_until.data, variant_name=form.variant_name.data or None,
        min_level_digit=form.min_level_digit.data, requirements=form.requirements.data or None,
    )


@bp.get("")
@roles(*READERS)
def index():
    """Demands in the actor's scope, filtered by status, city or occupation."""
    status = request.args.get("status") or None
    city = request.args.get("city") or None
    occupation_id = query_integer("occupation_id")
    today = local_date(utcnow())
    demands = list_demands(db.session, actor=current_actor(), today=today, status=status, city_code=city,
                           occupation_id=occupation_id)
    return render_template("demand/index.html", demands=demands, today=today, status=status or "", city=city or "",
                           occupation_id=occupation_id, cities=LIAONING_CITIES,
                           occupations=list_occupations(db.session, active_only=True))


@bp.route("/new", methods=["GET", "POST"])
@roles(*RECORDERS)
def new():
    """Record a demand; a refused form keeps what was typed and names the field at fault."""
    form = _prepare(DemandForm(), with_enterprise=True)
    if request.method == "GET":
        form.city_code.data = current_actor().organisation.city_code or "2101"
    return submit(form, lambda: create_demand(db.session, actor=current_actor(), now=utcnow(), details=_details(form),
                                              enterprise_id=form.enterprise_id.data if form.enterprise_id else None),
                  success=_("Job demand recorded."), then=lambda demand: _shown(demand.id)) \
        or render_form("demand/form.html", form, demand=None)


def _shown(demand_id: int) -> str:
    return url_for("demand.show", demand_id=demand_id)


@bp.get("/<int:demand_id>")
@roles(*READERS)
def show(demand_id: int):
    """A demand with its shortage status and how many people are trained against it."""
    return _show(demand_id)


def _show(demand_id: int, status_form: DemandStatusForm | None = None):
    today = local_date(utcnow())
    demand = get_demand(db.session, actor=current_actor(), demand_id=demand_id, today=today)
    return render_template(
        "demand/show.html", demand=demand, today=today, status=demand.effective_status(today),
        in_shortage_now=currently_in_shortage(db.session, demand=demand, today=today),
        pipeline=demand_pipeline_counts(db.session, demand.id), projects=projects_for_demand(db.session, demand.id),
        status_form=status_form or DemandStatusForm(formdata=None),
    ), form_status(status_form)


@bp.route("/<int:demand_id>/edit", methods=["GET", "POST"])
@roles(*RECORDERS)
def edit(demand_id: int):
    """Change an open demand."""
    demand = get_demand(db.session, actor=current_actor(), demand_id=demand_id, today=local_date(utcnow()))
    # The enterprise of a demand never changes, so the edit form has no enterprise field.
    form = _prepare(DemandForm(obj=demand) if request.method == "GET" else DemandForm(), with_enterprise=False)
    return submit(form, lambda: update_demand(db.session, actor=current_actor(), now=utcnow(), demand_id=demand.id,
                                              details=_details(form)),
                  success=_("Saved."), then=_shown(demand.id)) or render_form("demand/form.html", form, demand=demand)


@bp.post("/<int:demand_id>/status")
@roles(*RECORDERS)
def status(demand_id: int):
    """Mark a demand filled, closed (with a reason while it still stands) or open again."""
    form = DemandStatusForm()
    return submit(form, change_demand_status, fields=("to_status", "reason"), demand_id=demand_id,
                  success=_("Status changed."), then=_shown(demand_id)) or _show(demand_id, form)
