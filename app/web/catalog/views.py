"""Occupation catalogue, standards and the shortage catalogue."""

from __future__ import annotations

import json
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.catalog.eligibility_rules import rules_from_json
from app.catalog.models import COMPONENT_LABELS
from app.catalog.occupations import (
    add_variant,
    create_occupation,
    get_occupation,
    list_occupations,
    update_occupation,
)
from app.catalog.shortage import (
    FIELDS,
    KIND,
    MAX_ROWS,
    VOCABULARY,
    import_shortage_catalogue,
    list_catalogues,
)
from app.catalog.standards import get_standard, update_component, update_standard_rules
from app.database import utcnow
from app.extensions import db
from app.spreadsheets import template_workbook
from app.translation import N_
from app.web.access import authenticated, current_actor, roles
from app.web.actions import form_status, one_click, render_form, submit
from app.web.catalog.forms import ComponentForm, OccupationForm, RulesForm, ShortageImportForm, VariantForm
from app.web.downloads import send_workbook
from app.web.imports import SheetImport, run_import

bp = Blueprint("catalog", __name__, url_prefix="/catalog")


@bp.get("/occupations")
@authenticated
def occupations():
    """The occupation catalogue (reference data for every role)."""
    search = request.args.get("q", "").strip()
    return render_template("catalog/occupations.html", occupations=list_occupations(db.session, search=search),
                           search=search)


@bp.route("/occupations/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def new_occupation():
    """Add an occupation."""
    form = OccupationForm()
    return submit(form, create_occupation, fields=("edition", "code", "name", "english_name", "digital", "green"),
                  success=_("Occupation added."), then=lambda occupation: _occupation_url(occupation.id)) \
        or render_form("catalog/occupation_form.html", form)


def _occupation_url(occupation_id: int) -> str:
    return url_for("catalog.occupation", occupation_id=occupation_id)


@bp.get("/occupations/<int:occupation_id>")
@authenticated
def occupation(occupation_id: int):
    """An occupation with its variants and standards."""
    occupation = get_occupation(db.session, occupation_id=occupation_id)
    standard = occupation.current_standard
    rules = rules_from_json(standard.eligibility_rules) if standard else {}
    edit_form = OccupationForm(obj=occupation)
    return render_template(
        "catalog/occupation.html", occupation=occupation, standard=standard, rules=rules,
        variant_form=VariantForm(), edit_form=edit_form, component_labels=COMPONENT_LABELS,
        component_form=ComponentForm(),
        rules_form=RulesForm(
            eligibility_rules=json.dumps(standard.eligibility_rules, ensure_ascii=False, indent=2) if standard else "",
            related_codes=" ".join(standard.related_codes) if standard else "",
        ),
    )


@bp.post("/occupations/<int:occupation_id>")
@roles(Role.ADMIN)
def edit_occupation(occupation_id: int):
    """Change an occupation's name and flags."""
    return one_click(OccupationForm(), update_occupation, fields=("name", "english_name", "digital", "green", "active"),
                     occupation_id=occupation_id, success=_("Saved."), then=_occupation_url(occupation_id))


@bp.post("/occupations/<int:occupation_id>/variants")
@roles(Role.ADMIN)
def new_variant(occupation_id: int):
    """Add a sub-trade or an occupational direction."""
    return one_click(VariantForm(), add_variant, fields=("kind", "name"), occupation_id=occupation_id, success=_("Added."),
                     then=_occupation_url(occupation_id))


@bp.route("/standards/<int:standard_id>/rules", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit_rules(standard_id: int):
    """Edit a standard's eligibility rules; bad JSON or rules keep the typed text with the reason."""
    standard = get_standard(db.session, standard_id=standard_id)
    form = RulesForm()
    if request.method == "GET":
        form.eligibility_rules.data = json.dumps(standard.eligibility_rules, ensure_ascii=False, indent=2)
        form.related_codes.data = " ".join(standard.related_codes)
    return submit(form, lambda: update_standard_rules(
        db.session, actor=current_actor(), now=utcnow(), standard_id=standard.id, eligibility_rules=form.parsed_rules,
        related_codes=[c for c in re.split(r"[\s,，]+", form.related_codes.data or "") if c],
    ), success=_("Eligibility rules saved."), then=_occupation_url(standard.occupation_id)) \
        or render_form("catalog/rules_form.html", form, standard=standard)


@bp.post("/components/<int:component_id>")
@roles(Role.ADMIN)
def edit_component(component_id: int):
    """Change a component's pass mark."""
    form = ComponentForm()
    occupation_id = request.form.get("occupation_id", type=int)
    answer = one_click(form, update_component, fields=("pass_mark", "required"), component_id=component_id,
                       success=_("Pass mark saved."),
                       then=_occupation_url(occupation_id) if occupation_id else url_for("catalog.occupations"))
    for errors in form.errors.values():  # the pass mark's shape checks, shown on the occupation's page
        for message in errors:
            flash(str(message), "danger")
    return answer


SHORTAGE_SHEET = SheetImport(KIND, VOCABULARY, lambda: _("shortage-import-errors.xlsx"), MAX_ROWS)


@bp.route("/shortage", methods=["GET", "POST"])
@authenticated
def shortage():
    """The shortage catalogues; administrators import a quarter here."""
    form = ShortageImportForm()
    if request.method == "POST" and not current_actor().has_role(Role.ADMIN):
        abort(403)
    imported = run_import(form, SHORTAGE_SHEET, lambda table, mapping: import_shortage_catalogue(
        db.session, actor=current_actor(), now=utcnow(), quarter=form.quarter.data, table=table, mapping=mapping,
        title=form.title.data, replace=form.replace.data))
    if imported.done:
        flash(_("Imported %(n)s entries.", n=len(imported.result.catalogue.entries)), "success")
        return redirect(url_for("catalog.shortage"))
    return render_template("catalog/shortage.html", catalogues=list_catalogues(db.session), form=form,
                           imported=imported), form_status(form)


@bp.get("/shortage/template.xlsx")
@authenticated
def shortage_template():
    """An empty shortage-catalogue sheet with one example row."""
    # The column headers and the example row are the import's own format, which stays as the province writes it.
    return send_workbook(template_workbook(N_("Shortage list"), FIELDS, translate=_),
                         _("shortage-catalogue-template.xlsx"))
