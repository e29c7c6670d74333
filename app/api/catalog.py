"""API: the occupation catalogue and the shortage catalogue (read-only reference data)."""

from __future__ import annotations

from flask import abort, jsonify, request

from app.api import bp, documented
from app.catalog.models import Occupation, ShortageCatalogue
from app.catalog.occupations import find_occupation, list_occupations
from app.catalog.shortage import catalogue_in_force
from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.web.access import authenticated


def occupation_json(occupation: Occupation, *, detail: bool = False) -> dict:
    """An occupation as JSON; with its current standard when detail is asked for."""
    data = {
        "id": occupation.id, "edition": occupation.edition, "code": occupation.code, "name": occupation.name,
        "english_name": occupation.english_name, "digital": occupation.digital, "green": occupation.green,
        "active": occupation.active,
        "variants": [{"kind": v.kind, "name": v.name} for v in occupation.variants],
    }
    standard = occupation.current_standard
    data["levels"] = standard.level_digits if standard else []
    if detail and standard:
        data["standard"] = {
            "edition": standard.edition,
            "related_codes": standard.related_codes,
            "staffing": {
                "theory_candidates_per_invigilator": standard.theory_candidates_per_invigilator,
                "theory_min_invigilators": standard.theory_min_invigilators,
                "practical_candidates_per_examiner": standard.practical_candidates_per_examiner,
                "practical_min_examiners": standard.practical_min_examiners,
                "review_min_panel": standard.review_min_panel,
            },
            "levels": [
                {"digit": lv.level_digit, "reference_hours": lv.reference_hours,
                 "components": [{"component": c.component, "pass_mark": float(c.pass_mark), "required": c.required}
                                for c in lv.components]}
                for lv in standard.levels
            ],
            "eligibility_rules": standard.eligibility_rules,
        }
    return data


@bp.get("/occupations")
@authenticated
@documented("/occupations", "get", summary="List occupations", tag="catalog",
            parameters=[{"name": "q", "in": "query", "required": False, "schema": {"type": "string"}}],
            responses={"200": {"$ref": "#/components/schemas/OccupationList"}})
def occupations():
    """Occupations, optionally filtered by name or code."""
    items = list_occupations(db.session, search=request.args.get("q", "").strip() or None)
    return jsonify({"items": [occupation_json(o) for o in items]})


@bp.get("/occupations/<code>")
@authenticated
@documented("/occupations/{code}", "get", summary="One occupation with its current standard", tag="catalog",
            parameters=[{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
            responses={"200": {"$ref": "#/components/schemas/OccupationDetail"}, "404": None})
def occupation(code: str):
    """The latest edition of an occupation code, with standard, components and eligibility rules."""
    found = find_occupation(db.session, code=code)
    if found is None:
        abort(404)
    return jsonify(occupation_json(found, detail=True))


def catalogue_json(catalogue: ShortageCatalogue) -> dict:
    """A shortage catalogue as JSON."""
    return {
        "quarter": catalogue.quarter, "valid_from": catalogue.valid_from.isoformat(),
        "valid_until": catalogue.valid_until.isoformat(), "title": catalogue.title,
        "entries": [{"rank": e.rank, "occupation_code": e.occupation_code, "occupation_name": e.occupation_name,
                     "trade_name": e.trade_name, "gap": e.gap, "cities": e.cities,
                     "previous_rank": e.previous_rank, "is_new": e.is_new} for e in catalogue.entries],
    }


@bp.get("/shortage/current")
@authenticated
@documented("/shortage/current", "get", summary="The shortage catalogue in force today", tag="catalog",
            responses={"200": {"$ref": "#/components/schemas/ShortageCatalogue"}, "404": None})
def shortage_current():
    """The catalogue in force today."""
    catalogue = catalogue_in_force(db.session, on=local_date(utcnow()))
    if catalogue is None:
        abort(404)
    return jsonify(catalogue_json(catalogue))
