"""Training projects and the 人社 overview: institutions run projects and open classes; 人社 watches."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.roles import TRAINING_READERS as READERS
from app.accounts.roles import Role
from app.accounts.services import list_users
from app.catalog.ladder import level_label
from app.clock import local_date
from app.database import utcnow
from app.demand.services import list_demands
from app.extensions import db
from app.training.overview import training_overview
from app.training.projects import (
    create_class,
    create_project,
    get_project,
    list_projects,
    set_project_demands,
)
from app.training.readiness import project_readiness
from app.web.access import current_actor, roles
from app.web.actions import one_click, render_form, submit
from app.web.demand.forms import LEVEL_CHOICES
from app.web.forms import choices, occupation_choices
from app.web.query import query_integer
from app.web.training.forms import ClassForm, DemandLinkForm, ProjectForm

bp = Blueprint("training", __name__, url_prefix="/training")


def _project(project_id: int):
    return get_project(db.session, actor=current_actor(), project_id=project_id)


def _demand_choices(occupation_id: int | None = None, linked=()) -> list:
    demands = {d.id: d for d in list_demands(db.session, actor=current_actor(), today=local_date(utcnow()), status="open")}
    demands.update({d.id: d for d in linked})
    return choices((d.id, f"{d.title} · {d.enterprise.name} · {d.occupation.name} · {d.headcount}")
                   for d in demands.values() if occupation_id is None or d.occupation_id == occupation_id)


@bp.get("/projects")
@roles(*READERS)
def projects():
    """The institution's projects (人社: every institution's)."""
    return render_template("training/projects.html", projects=list_projects(db.session, actor=current_actor()),
                           today=local_date(utcnow()))


@bp.route("/projects/new", methods=["GET", "POST"])
@roles(Role.INSTITUTION_STAFF)
def new_project():
    """Start a project for an occupation and level, linked to open demands (order-based training)."""
    form = ProjectForm()
    form.occupation_id.choices = occupation_choices()
    form.target_level_digit.choices = choices(LEVEL_CHOICES[1:])
    form.demand_ids.choices = _demand_choices()
    if request.method == "GET":
        form.target_level_digit.data = 4
        if query_integer("demand_id"):
            form.demand_ids.data = [query_integer("demand_id")]
    return submit(form, create_project, fields=("name", "project_type", "occupation_id", "target_level_digit"),
                  variant_name=form.variant_name.data or None, demand_ids=form.demand_ids.data or [],
                  description=form.description.data or None, success=_("Training project created."),
                  then=lambda project: url_for("training.project", project_id=project.id)) \
        or render_form("training/project_form.html", form)


def _link_form(project, form: DemandLinkForm | None = None) -> DemandLinkForm:
    form = form or DemandLinkForm(formdata=None, demand_ids=[d.id for d in project.demands])
    form.demand_ids.choices = _demand_choices(project.occupation_id, project.demands)
    return form


@bp.get("/projects/<int:project_id>")
@roles(*READERS)
def project(project_id: int):
    """A project: its level and hours, the demands it trains for, its classes."""
    found = _project(project_id)
    readiness = project_readiness(db.session, project=found, as_of=local_date(utcnow()))
    return render_template("training/project.html", project=found, link_form=_link_form(found),
                           today=local_date(utcnow()), level=level_label(found.target_level_digit),
                           eligibility_warning=readiness.warning())


@bp.post("/projects/<int:project_id>/demands")
@roles(Role.INSTITUTION_STAFF)
def link_demands(project_id: int):
    """Change the demands a project trains for."""
    found = _project(project_id)
    form = _link_form(found, DemandLinkForm())
    return one_click(form, set_project_demands, project_id=found.id, demand_ids=form.demand_ids.data or [],
                     success=_("Links saved."), then=url_for("training.project", project_id=project_id))


@bp.route("/projects/<int:project_id>/classes/new", methods=["GET", "POST"])
@roles(Role.INSTITUTION_STAFF)
def new_class(project_id: int):
    """Open a class: dates, capacity, venue, teachers, completion threshold and age limit."""
    found = _project(project_id)
    form = ClassForm()
    form.teacher_ids.choices = choices((u.id, u.display_name) for u in list_users(db.session, actor=current_actor())
                                       if u.has_role(Role.INSTITUTION_STAFF))
    return submit(form, create_class,
                  fields=("name", "start_date", "end_date", "capacity", "venue", "teacher_names", "max_age"),
                  project_id=found.id, teacher_ids=form.teacher_ids.data or [],
                  completion_threshold=Decimal(form.completion_threshold.data) / 100, success=_("Class opened."),
                  then=lambda klass: url_for("classes.show", class_id=klass.id)) \
        or render_form("training/class_form.html", form, project=found)


@bp.get("/overview")
@roles(Role.ADMIN)
def overview():
    """Open demands by city and occupation, projects, classes, enrolments, apprenticeships, subsidies."""
    today = local_date(utcnow())
    return render_template("training/overview.html", today=today,
                           overview=training_overview(db.session, actor=current_actor(), today=today))
