"""Admitted candidates without a ticket number (recorded before numbering at admission, as the demo's past
plans were): the plan page says so, staff give numbers in one audited step, and ticket PDFs never answer 500."""

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.assessment.models import Registration
from app.audit.models import AuditEvent
from app.errors import NotFound
from tests.assessment.factories import make_world, registered_plan
from tests.conftest import csrf_token_from, login
from tests.factories import NOW, make_evaluation_org, make_user

NOTE = "Admitted candidates without a ticket number: 2."


@pytest.fixture
def world(session):
    made = make_world(session)
    session.commit()
    return made


@pytest.fixture
def unnumbered_plan(session, world):
    """A plan whose two admitted candidates have no ticket number, and one that has."""
    plan, regs = registered_plan(session, world, people=3)
    regs[0].ticket_number = regs[1].ticket_number = None
    session.commit()
    return plan, regs


def _english(client, username):
    login(client, username)
    client.set_cookie("jiangcai_lang", "en")


def test_the_plan_page_marks_candidates_without_a_number(client, world, unnumbered_plan):
    plan, _regs = unnumbered_plan
    _english(client, world.staff.username)
    page = client.get(f"/assessment/plans/{plan.id}").get_data(as_text=True)
    assert NOTE in page and page.count("No number") == 2 and 'id="number-tickets"' in page


@pytest.mark.parametrize("which", ["one", "all"])
def test_ticket_pdfs_of_unnumbered_candidates_say_why_and_go_back_to_the_plan(client, world, unnumbered_plan, which):
    plan, regs = unnumbered_plan
    _english(client, world.staff.username)
    url = (f"/assessment/registrations/{regs[0].id}/ticket.pdf" if which == "one"
           else f"/assessment/plans/{plan.id}/tickets.pdf")
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/assessment/plans/{plan.id}#registrations")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    expected = "has no ticket number yet" if which == "one" else "The admission tickets cannot be printed"
    assert expected in page
    # The numbered candidate's own ticket still prints.
    assert client.get(f"/assessment/registrations/{regs[2].id}/ticket.pdf").mimetype == "application/pdf"


def test_staff_give_the_missing_numbers_in_one_audited_step(client, session, world, unnumbered_plan):
    plan, regs = unnumbered_plan
    kept = regs[2].ticket_number
    _english(client, world.staff.username)
    token = csrf_token_from(client.get(f"/assessment/plans/{plan.id}").get_data(as_text=True))
    response = client.post(f"/assessment/plans/{plan.id}/tickets/number", data={"csrf_token": token})
    assert response.status_code == 302
    assert "Ticket numbers given: 2." in client.get(response.headers["Location"]).get_data(as_text=True)
    session.rollback()
    numbers = [session.get(Registration, r.id).ticket_number for r in regs]
    assert all(numbers) and len(set(numbers)) == 3 and numbers[2] == kept
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.number_tickets")).one()
    assert event.object_id == str(plan.id) and event.actor_id == world.staff.id
    pdf = client.get(f"/assessment/plans/{plan.id}/tickets.pdf")
    assert pdf.mimetype == "application/pdf" and len(PdfReader(io.BytesIO(pdf.data)).pages) == 3
    # Nothing left to number: a second press changes nothing and records nothing.
    token = csrf_token_from(client.get(f"/assessment/plans/{plan.id}").get_data(as_text=True))
    client.post(f"/assessment/plans/{plan.id}/tickets/number", data={"csrf_token": token})
    session.rollback()
    assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.number_tickets")).all()) == 1


def test_numbering_needs_the_form_token_and_the_plans_own_staff(client, session, world, unnumbered_plan):
    from app.assessment.tickets import number_tickets

    plan, regs = unnumbered_plan
    other = make_user(session, "evaluation_staff", org=make_evaluation_org(session, site_code="210099"))
    session.commit()
    with pytest.raises(NotFound):
        number_tickets(session, actor=other, now=NOW, plan_id=plan.id)
    session.rollback()
    login(client, other.username)
    token = csrf_token_from(client.get("/dashboard").get_data(as_text=True))
    assert client.post(f"/assessment/plans/{plan.id}/tickets/number", data={"csrf_token": token}).status_code == 404
    client.post("/logout", data={"csrf_token": token})
    login(client, world.staff.username)
    assert client.post(f"/assessment/plans/{plan.id}/tickets/number").status_code == 400  # no CSRF token
    session.rollback()
    assert session.get(Registration, regs[0].id).ticket_number is None


def test_the_demo_gives_every_admitted_candidate_a_ticket_number_and_its_tickets_print(app, client, session):
    result = app.test_cli_runner().invoke(args=["demo", "load", "--quiet"])
    assert result.exit_code == 0, result.output
    session.rollback()
    admitted = [r for r in session.scalars(select(Registration)) if r.admitted]
    assert len(admitted) > 20 and all(r.ticket_number for r in admitted)
    by_plan = {}
    for registration in admitted:
        by_plan.setdefault(registration.plan_id, []).append(registration.ticket_number)
    assert all(len(set(numbers)) == len(numbers) for numbers in by_plan.values())
    login(client, "eval")
    for plan_id in sorted(by_plan):  # the demo's past plans (4-11 in issue #16) included
        response = client.get(f"/assessment/plans/{plan_id}/tickets.pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf", plan_id
    one = admitted[0]
    assert client.get(f"/assessment/registrations/{one.id}/ticket.pdf").mimetype == "application/pdf"
