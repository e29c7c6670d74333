"""Competition pages for the organiser (人社 administrators) and the entering organisations: competitions,
events, marking schemes (Excel import and export), judges, entries, publication, objections, finalising,
certificates of promoted winners, and the Excel exports of entries, marks and results."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import EvaluationFiling, Organisation
from app.accounts.roles import Role
from app.catalog.ladder import grade_by_key, level_label
from app.certification.competition_sources import certificate_of, issue_for_event
from app.competitions.entries import enter_competitor, entries_for, withdraw_entry
from app.competitions.events import (
    create_competition,
    create_event,
    event_for_organiser,
    get_competition,
    get_event,
    is_organiser,
    list_competitions,
)
from app.competitions.exports import (
    entries_workbook,
    marks_workbook,
    read_scheme,
    results_workbook,
    scheme_workbook,
)
from app.competitions.judges import (
    assign_judge,
    events_judged_by,
    judge_candidates,
    open_marking,
    unassign_judge,
)
from app.competitions.marking import open_flags
from app.competitions.models import Objection
from app.competitions.promotion import RULE_SET_LABELS, rules_for_tier
from app.competitions.results import (
    decide_objection,
    finalise_results,
    promotions_of,
    publish_results,
    raise_objection,
    results_of,
)
from app.competitions.scheme import set_scheme
from app.competitions.vocabulary import (
    ASPECT_KINDS,
    EVENT_STATUSES,
    FLAG_STATUSES,
    JUDGE_ROLES,
    MEDALS,
    OBJECTION_STATUSES,
    PROMOTION_BASES,
    TIE_BREAKS,
    TIERS,
    TRACKS,
)
from app.database import utcnow
from app.extensions import db
from app.people.access import visible_clause
from app.people.models import Person
from app.tasks import issuing_context
from app.translation import from_json
from app.web.access import current_actor, roles
from app.web.actions import form_status, one_click, render_form, submit
from app.web.competitions.forms import (
    CompetitionForm,
    ConfirmForm,
    DecisionForm,
    EntryForm,
    EventForm,
    JudgeForm,
    ObjectionDecisionForm,
    ObjectionForm,
    SchemeUploadForm,
)
from app.web.downloads import send_workbook
from app.web.forms import blank_first

bp = Blueprint("competitions", __name__, url_prefix="/competitions")
ORGANISERS = (Role.ADMIN,)
STAFF = (Role.ADMIN, Role.ENTERPRISE_HR, Role.INSTITUTION_STAFF, Role.EVALUATION_STAFF, Role.ASSESSOR)
ENTERING = (Role.ADMIN, Role.ENTERPRISE_HR, Role.INSTITUTION_STAFF, Role.EVALUATION_STAFF)


def _event_url(event) -> str:
    return url_for("competitions.event", event_id=event.id)


@bp.get("")
@roles(*STAFF)
def index():
    """Competitions with their events, and the events the user judges."""
    return render_template("competitions/index.html", competitions=list_competitions(db.session),
                           judging=events_judged_by(db.session, actor=current_actor()))


def _issuers(form: CompetitionForm) -> CompetitionForm:
    filed = db.session.execute(select(Organisation.id, Organisation.name).join(EvaluationFiling)
                               .order_by(Organisation.name)).all()
    form.issuer_org_id.choices = blank_first((o.id, o.name) for o in filed)
    return form


@bp.route("/new", methods=["GET", "POST"])
@roles(*ORGANISERS)
def new():
    """Organise a competition; a refused form keeps what was typed."""
    form = _issuers(CompetitionForm())
    return submit(form, create_competition,
                  fields=("name", "tier", "starts_on", "ends_on", "notice_days", "rule_set", "issuer_org_id"),
                  success=_("Competition created: add its events."),
                  then=lambda c: url_for("competitions.show", competition_id=c.id)) \
        or render_form("competitions/form.html", form, title=_("Organise a competition"))


@bp.get("/<int:competition_id>")
@roles(*STAFF)
def show(competition_id: int):
    """A competition and its events."""
    competition = get_competition(db.session, competition_id)
    return render_template("competitions/show.html", competition=competition,
                           organiser=is_organiser(current_actor(), competition),
                           rules=rules_for_tier(db.session, rule_set=competition.rule_set, tier=competition.tier))


@bp.route("/<int:competition_id>/events/new", methods=["GET", "POST"])
@roles(*ORGANISERS)
def new_event(competition_id: int):
    """Add an event to a competition."""
    competition = get_competition(db.session, competition_id)
    form = EventForm()
    return submit(form, create_event, competition_id=competition.id,
                  fields=("name", "occupation_code", "variant_name", "band_low", "band_high", "track", "mode",
                          "venue", "min_age", "max_age", "employer_kinds", "spread_threshold", "drop_extremes",
                          "tie_break", "merit_places"),
                  success=_("Event added: import its marking scheme, then enter competitors and assign judges."),
                  then=_event_url) \
        or render_form("competitions/form.html", form, title=_("Add an event to %(name)s", name=competition.name))


def _entry_form(form: EntryForm) -> EntryForm:
    actor = current_actor()
    people = db.session.execute(select(Person.id, Person.name, Person.id_masked).where(visible_clause(actor))
                                .order_by(Person.name, Person.id).limit(500)).all()
    form.person_id.choices = blank_first((p.id, f"{p.name} {p.id_masked}") for p in people)
    return form


def _event_page(event, **forms):
    actor = current_actor()
    organiser = is_organiser(actor, event.competition)
    entries = entries_for(db.session, actor=actor, event_id=event.id)
    judge = next((j for j in event.judges if j.user_id == actor.id), None)
    judge_form = forms.get("judge_form") or JudgeForm(formdata=None)
    judge_form.user_id.choices = blank_first((u.id, f"{u.display_name} · {u.organisation.name}")
                                             for u in judge_candidates(db.session))
    entry_form = _entry_form(forms.get("entry_form") or EntryForm(formdata=None))
    objection_form = forms.get("objection_form") or ObjectionForm(formdata=None)
    objection_form.entry_id.choices = blank_first((e.id, f"{e.admission_number} {e.person.name}") for e in entries)
    promotions = {p.entry_id: p for p in promotions_of(db.session, event.id)}
    certificates = {p.entry_id: certificate_of(db.session, p) for p in promotions.values() if p.status == "awarded"}
    objections = db.session.scalars(select(Objection).where(Objection.event_id == event.id)
                                    .order_by(Objection.id)).all()
    page = render_template(
        "competitions/event.html", event=event, organiser=organiser, judge=judge, entries=entries,
        results=results_of(db.session, event.id), flags=open_flags(db.session, event_id=event.id),
        promotions=promotions, certificates=certificates, objections=objections,
        may_enter=actor.has_role(*ENTERING), judge_form=judge_form, entry_form=entry_form,
        scheme_form=forms.get("scheme_form") or SchemeUploadForm(formdata=None), objection_form=objection_form,
        decision_form=ObjectionDecisionForm(formdata=None), flag_form=DecisionForm(formdata=None),
        confirm=ConfirmForm(formdata=None))
    return page, form_status(*forms.values())


@bp.get("/events/<int:event_id>")
@roles(*STAFF)
def event(event_id: int):
    """An event: scheme, judges, entries in scope, flags, results, objections, and the actions of the user."""
    return _event_page(get_event(db.session, event_id))


@bp.post("/events/<int:event_id>/scheme")
@roles(*ORGANISERS)
def upload_scheme(event_id: int):
    """Replace the marking scheme from a workbook; every bad row is reported and nothing is kept."""
    item = get_event(db.session, event_id)
    form = SchemeUploadForm()
    return submit(form, set_scheme, event_id=item.id,
                  form_extra=lambda f: {"rows": read_scheme(f.file.data.read(), f.file.data.filename or "")},
                  success=_("Marking scheme imported."), then=_event_url(item)) \
        or _event_page(item, scheme_form=form)


@bp.post("/events/<int:event_id>/judges")
@roles(*ORGANISERS)
def add_judge(event_id: int):
    """Assign a judge or the chief judge (refused when they must recuse themselves)."""
    item = get_event(db.session, event_id)
    form = JudgeForm()
    form.user_id.choices = blank_first((u.id, u.display_name) for u in judge_candidates(db.session))
    return submit(form, assign_judge, event_id=item.id, fields=("user_id", "role"),
                  success=_("Judge assigned."), then=_event_url(item)) or _event_page(item, judge_form=form)


@bp.post("/judges/<int:judge_id>/remove")
@roles(*ORGANISERS)
def remove_judge(judge_id: int):
    """Take a judge off an event in preparation."""
    return one_click(ConfirmForm(), unassign_judge, judge_id=judge_id, success=_("Judge removed."),
                     then=_event_url, back=url_for("competitions.index"))


@bp.post("/events/<int:event_id>/entries")
@roles(*ENTERING)
def add_entry(event_id: int):
    """Enter a competitor (refused with every reason when not eligible)."""
    item = get_event(db.session, event_id)
    form = _entry_form(EntryForm())
    return submit(form, enter_competitor, event_id=item.id, fields=("person_id", "team_name"),
                  success=lambda e: _("%(name)s entered, admission number %(number)s.", name=e.person.name,
                                      number=e.admission_number),
                  then=_event_url(item)) or _event_page(item, entry_form=form)


@bp.post("/entries/<int:entry_id>/withdraw")
@roles(*ENTERING)
def withdraw(entry_id: int):
    """Withdraw an entry before marking opens."""
    return one_click(ConfirmForm(), withdraw_entry, entry_id=entry_id, success=_("Entry withdrawn."),
                     then=lambda e: url_for("competitions.event", event_id=e.event_id),
                     back=url_for("competitions.index"))


_STEPS = {
    "open": (open_marking, _l("Marking opened: the scheme is locked and the judges' sheets are ready.")),
    "publish": (publish_results, _l("Results published for the public notice.")),
    "finalise": (finalise_results, _l("Results are final; promotions are recorded.")),
}


@bp.post("/events/<int:event_id>/open", endpoint="open_marking", defaults={"step": "open"})
@bp.post("/events/<int:event_id>/publish", endpoint="publish", defaults={"step": "publish"})
@bp.post("/events/<int:event_id>/finalise", endpoint="finalise", defaults={"step": "finalise"})
@roles(*ORGANISERS)
def advance(event_id: int, step: str):
    """Open marking, publish results or make them final (each confirmed on the page)."""
    item = get_event(db.session, event_id)
    call, message = _STEPS[step]
    return one_click(ConfirmForm(), call, event_id=item.id, success=str(message), then=_event_url(item))


@bp.post("/events/<int:event_id>/certificates")
@roles(*ORGANISERS)
def certificates(event_id: int):
    """Issue the 职业技能等级证书 of every promoted winner not issued yet."""
    item = get_event(db.session, event_id)
    return one_click(ConfirmForm(), lambda: issue_for_event(
        db.session, actor=current_actor(), now=utcnow(), event_id=item.id, ctx=issuing_context(current_app)),
        success=lambda issued: _("%(count)s certificates issued.", count=len(issued)), then=_event_url(item))


@bp.post("/events/<int:event_id>/objections")
@roles(*ENTERING)
def object_to(event_id: int):
    """Raise an objection during the public notice."""
    item = get_event(db.session, event_id)
    form = ObjectionForm()
    form.entry_id.choices = blank_first((e.id, e.admission_number)
                                        for e in entries_for(db.session, actor=current_actor(), event_id=item.id))
    return submit(form, raise_objection, event_id=item.id, fields=("entry_id", "text"),
                  success=_("Objection recorded: the organiser will decide it."), then=_event_url(item)) \
        or _event_page(item, objection_form=form)


@bp.post("/objections/<int:objection_id>/decide")
@roles(*ORGANISERS)
def decide(objection_id: int):
    """Dismiss or uphold an objection, with a reason."""
    objection = db.session.get(Objection, objection_id)
    back = url_for("competitions.event", event_id=objection.event_id) if objection else url_for("competitions.index")
    return one_click(ObjectionDecisionForm(), decide_objection, objection_id=objection_id,
                     fields=("upheld", "reason"), success=_("Objection decided."), then=back)


_EXPORTS = {"entries": "entries.xlsx", "marks": "marks.xlsx", "results": "results.xlsx", "scheme": "scheme.xlsx"}


@bp.get("/events/<int:event_id>/entries.xlsx", endpoint="export_entries", defaults={"what": "entries"})
@bp.get("/events/<int:event_id>/marks.xlsx", endpoint="export_marks", defaults={"what": "marks"})
@bp.get("/events/<int:event_id>/results.xlsx", endpoint="export_results", defaults={"what": "results"})
@bp.get("/events/<int:event_id>/scheme.xlsx", endpoint="export_scheme", defaults={"what": "scheme"})
@roles(*STAFF)
def export(event_id: int, what: str):
    """Excel exports: entries in scope, marks (organiser only), results once signed off, the scheme."""
    item = get_event(db.session, event_id)
    actor = current_actor()
    if what == "entries":
        data = entries_workbook(entries_for(db.session, actor=actor, event_id=item.id), _)
    elif what == "marks":
        data = marks_workbook(db.session, event_for_organiser(db.session, actor=actor, event_id=item.id), _)
    elif what == "results":
        data = results_workbook(results_of(db.session, item.id), _)
    else:
        data = scheme_workbook(item, _)
    return send_workbook(data, f"{item.id}-{_EXPORTS[what]}")


@bp.context_processor
def _vocabularies() -> dict:
    """Labels the competition templates print (translated by the templates' finalize)."""
    return {"TIERS": TIERS, "TRACKS": TRACKS, "EVENT_STATUSES": EVENT_STATUSES, "MEDALS": MEDALS,
            "ASPECT_KINDS": ASPECT_KINDS, "JUDGE_ROLES": JUDGE_ROLES, "FLAG_STATUSES": FLAG_STATUSES,
            "OBJECTION_STATUSES": OBJECTION_STATUSES, "TIE_BREAKS": TIE_BREAKS, "level_label": level_label,
            "PROMOTION_BASES": PROMOTION_BASES, "RULE_SET_LABELS": RULE_SET_LABELS,
            "grade_name": lambda key: grade_by_key(key).name if key else "", "from_json": from_json}
