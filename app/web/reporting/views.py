"""Funnel and ladder report pages with server-side SVG charts and Excel export."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from app.accounts.models import Organisation
from app.accounts.roles import OrgKind, Role
from app.catalog.ladder import GRADES
from app.catalog.occupations import list_occupations
from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.regions import LIAONING_CITIES
from app.reporting.charts import column_chart, hbar_chart, progress_bar
from app.reporting.employment import parse_tiers
from app.reporting.exports import classes_workbook, funnel_workbook, ladder_workbook, movement_workbook
from app.reporting.facts import class_employment_from_facts, report_for
from app.reporting.funnel import FunnelFilters, check_filters, scoped_filters
from app.reporting.ladder import DIMENSIONS, counts_total, ladder, movement, save_target, target_progress
from app.reporting.models import LadderTarget
from app.reporting.periods import recent_quarters
from app.training.models import TrainingProject
from app.web.access import current_actor, roles
from app.web.actions import attempt, form_status, localize, submit
from app.web.downloads import workbook_download
from app.web.query import query_integer
from app.web.reporting.forms import TargetForm
from app.web.reporting.freshness import fresh_funnel_facts

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _filters() -> FunnelFilters:
    args = request.args
    return FunnelFilters(quarter=args.get("quarter") or None, city_code=args.get("city") or None,
                         occupation_id=query_integer("occupation_id"),
                         institution_id=query_integer("institution_id"),
                         project_id=query_integer("project_id"))


def _window() -> int:
    requested = query_integer("window")
    return requested if requested in (2, 6) else current_app.config["EMPLOYMENT_WINDOW_MONTHS"]


@bp.get("/funnel")
@roles(Role.ADMIN, Role.INSTITUTION_STAFF)
def funnel():
    """Demand → … → retained at 6 months, per-class employment rate and subsidy tier; SVG chart, Excel export."""
    actor, today = current_actor(), local_date(utcnow())
    filters, window = _filters(), _window()
    tiers = parse_tiers(current_app.config["EMPLOYMENT_SUBSIDY_TIERS"])
    with attempt(commit=False) as done:  # filters the report cannot use are flashed and dropped
        check_filters(filters)
        as_of = fresh_funnel_facts()
        steps = report_for(db.session, actor=actor, filters=filters)
        classes = class_employment_from_facts(db.session, scoped_filters(actor, filters), window_months=window,
                                              today=today, tiers=tiers)
    if not done:
        return redirect(url_for("reports.funnel"))
    export = request.args.get("export")
    if export == "funnel":
        return workbook_download(funnel_workbook(steps, _), "funnel.xlsx")
    if export == "classes":
        return workbook_download(classes_workbook(classes, window, _), "class-employment.xlsx")
    notes = ["" if s.conversion is None else f"{s.conversion * 100:.1f}%" for s in steps]
    chart = Markup(hbar_chart([(localize(s.label), s.count) for s in steps], title=_("Funnel"), notes=notes))
    institutions = list(db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.INSTITUTION)
                                           .order_by(Organisation.name))) if actor.has_role(Role.ADMIN) else []
    project_query = select(TrainingProject).order_by(TrainingProject.name)
    if not actor.has_role(Role.ADMIN):
        project_query = project_query.where(TrainingProject.institution_id == actor.organisation_id)
    projects = db.session.scalars(project_query)
    return render_template("reports/funnel.html", steps=steps, as_of=as_of, chart=chart, classes=classes,
                           window=window,
                           tiers=tiers, filters=filters, quarters=recent_quarters(today, 8), cities=LIAONING_CITIES,
                           occupations=list_occupations(db.session, active_only=True), institutions=institutions,
                           projects=list(projects),
                           filter_args={k: v for k, v in request.args.items() if k != "export"})


@bp.route("/ladder", methods=["GET", "POST"])
@roles(Role.ADMIN, Role.ENTERPRISE_HR)
def ladder_report():
    """Workers at each of the eight grades by occupation, enterprise or city; movement per quarter; targets."""
    actor, today = current_actor(), local_date(utcnow())
    by = request.args.get("by") if request.args.get("by") in DIMENSIONS else "occupation"
    form = TargetForm()
    if request.method == "GET":
        form.year.data = today.year
    elif actor.has_role(Role.ADMIN):  # only the HR department sets targets; anyone else's post is ignored
        saved = submit(form, lambda: save_target(
            db.session, actor=actor, now=utcnow(), year=form.year.data, name=form.name.data,
            grade_keys=form.grade_keys.data, target=form.target.data, city_code=form.city_code.data or None,
            target_id=form.target_id.data,
        ), success=_("Target saved."), then=url_for("reports.ladder_report", by=by))
        if saved:
            return saved
    rows = ladder(db.session, actor=actor, by=by, as_of=today)
    quarters = recent_quarters(today, 5)
    moves = movement(db.session, actor=actor, quarters=quarters)
    export = request.args.get("export")
    labels = {"occupation": _("Occupation"), "enterprise": _("Enterprise"), "city": _("City")}
    if export == "ladder":
        return workbook_download(ladder_workbook(rows, labels[by], _), "ladder.xlsx")
    if export == "movement":
        return workbook_download(movement_workbook(moves, _), "ladder-movement.xlsx")
    progress = target_progress(db.session, year=today.year) if actor.has_role(Role.ADMIN) else []
    chart = Markup(column_chart(quarters, [(localize(g.name), [moves[q][g.key] for q in quarters]) for g in GRADES],
                                title=_("New level awards per quarter")))
    bars = {p.target.id: Markup(progress_bar(p.share, label=p.target.name)) for p in progress}
    targets = list(db.session.scalars(select(LadderTarget).order_by(LadderTarget.year.desc(), LadderTarget.id)))
    return render_template("reports/ladder.html", rows=rows, totals=counts_total(rows), by=by, labels=labels,
                           grades=GRADES, quarters=quarters, moves=moves, chart=chart, progress=progress, bars=bars,
                           form=form, targets=targets, year=today.year), form_status(form)
