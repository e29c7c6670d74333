"""A stateful property test of the certificate lifecycle on the real database.

Hypothesis drives random sequences of issue, reprint, revoke, supersede and forbidden attempts against the
services, and checks after every step that numbers are never reused, revoked and superseded certificates never
come back, print serials are unique, and the number of certificates never goes down.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from app.catalog.seed import seed_catalog
from app.certification.issuing import CertificateDraft, IssuingContext, issue_certificate
from app.certification.lifecycle import reprint_certificate, revoke_certificate, supersede_certificate
from app.certification.models import Certificate, CertificatePrint
from app.certification.signing import keyring_from_config
from app.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.idnumbers import parse_certificate_number
from config import TestConfig
from tests.factories import make_evaluation_org, make_org, make_user
from tests.people.factories import make_person

START = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
FINAL = {"revoked", "superseded"}


@pytest.fixture
def world(session, tmp_path):
    """An evaluation organisation with staff and a few people, another issuer, and an institution that
    can see the people (so its refusals are NotAllowed, not NotFound)."""
    seed_catalog(session, now=START)
    org = make_evaluation_org(session, site_code="210001", scopes=[("6-18-02-04", 4)])
    staff = make_user(session, "evaluation_staff", org=org)
    other_issuer = make_user(session, "evaluation_staff", org=make_evaluation_org(session, site_code="210002"))
    institution_staff = make_user(session, "institution_staff", org=make_org(session, "institution"))
    people = [make_person(session, institution_staff, name=name) for name in ("王建华", "李秀英", "张伟")]
    session.commit()
    ctx = IssuingContext(storage_dir=tmp_path / "files", keyring=keyring_from_config(TestConfig.CERT_SIGNING_KEYS),
                         base_url="https://jc.example.cn")
    return session, ctx, org, staff, other_issuer, institution_staff, people


class CertificateLifecycle(RuleBasedStateMachine):
    """The model: each certificate's expected status, number and print serials, kept beside the database."""

    certificates = Bundle("certificates")

    def __init__(self, world):
        super().__init__()
        (self.session, self.ctx, self.org, self.staff, self.other_issuer, self.institution_staff,
         self.people) = world
        self.status: dict[int, str] = {}
        self.number: dict[int, str] = {}
        self.serials: dict[int, list[str]] = {}
        self.now = START
        self.count_before = self._count()

    # --- helpers ---------------------------------------------------------------------------------------

    def _count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(Certificate))

    def _tick(self) -> datetime:
        self.now += timedelta(minutes=7)
        return self.now

    def _issued(self, certificate: Certificate) -> int:
        self.status[certificate.id] = certificate.status
        self.number[certificate.id] = certificate.number
        self.serials[certificate.id] = [certificate.print_serial]
        return certificate.id

    def _refused(self, error: type[Exception], call) -> None:
        with pytest.raises(error):
            call()
        self.session.rollback()

    # --- rules -----------------------------------------------------------------------------------------

    @initialize(target=certificates, person=st.integers(0, 2))
    def first_issue(self, person):
        return self.issue(person)

    @rule(target=certificates, person=st.integers(0, 2))
    def issue(self, person):
        source = f"stateful-{len(self.status) + self.count_before + 1}-{self.now.timestamp()}"
        draft = CertificateDraft(kind="skill_level", person=self.people[person], issuer=self.org,
                                 occupation_code="6-18-02-04", occupation_name="焊工", variant_name=None,
                                 level_digit=4, source_type="assessment_result", source_id=source)
        certificate = issue_certificate(self.session, actor=self.staff, now=self._tick(), draft=draft, ctx=self.ctx)
        self.session.commit()
        assert certificate.status == "valid"
        parsed = parse_certificate_number(certificate.number)
        assert parsed.level_digit == 4 and parsed.year2 == f"{self.now.year % 100:02d}"
        return self._issued(certificate)

    @rule(certificate_id=certificates)
    def reprint(self, certificate_id):
        call = lambda: reprint_certificate(self.session, actor=self.staff, now=self._tick(),  # noqa: E731
                                           certificate_id=certificate_id, reason="遗失", ctx=self.ctx)
        if self.status[certificate_id] in FINAL:
            return self._refused(InvalidTransition, call)
        reprint = call()
        self.session.commit()
        certificate = self.session.get(Certificate, certificate_id)
        assert certificate.number == self.number[certificate_id]
        assert reprint.print_serial == certificate.print_serial not in self.serials[certificate_id]
        self.serials[certificate_id].append(reprint.print_serial)

    @rule(certificate_id=certificates, reason=st.sampled_from(["考试舞弊，经核实撤销", "材料造假已查实", "错"]))
    def revoke(self, certificate_id, reason):
        call = lambda: revoke_certificate(self.session, actor=self.staff, now=self._tick(),  # noqa: E731
                                          certificate_id=certificate_id, reason=reason)
        if len(reason) < 4:
            return self._refused(ValidationFailed, call)
        if self.status[certificate_id] in FINAL:
            return self._refused(InvalidTransition, call)
        certificate = call()
        self.session.commit()
        assert certificate.status == "revoked" and certificate.revoked_reason == reason
        self.status[certificate_id] = "revoked"

    @rule(target=certificates, certificate_id=certificates)
    def supersede(self, certificate_id):
        call = lambda: supersede_certificate(self.session, actor=self.staff, now=self._tick(),  # noqa: E731
                                             certificate_id=certificate_id, reason="工种填写错误", ctx=self.ctx,
                                             variant_name="熔化焊接与热切割")
        if self.status[certificate_id] in FINAL:
            self._refused(InvalidTransition, call)
            return certificate_id  # the bundle needs a value; an existing id keeps the model unchanged
        new = call()
        self.session.commit()
        old = self.session.get(Certificate, certificate_id)
        assert old.status == "superseded" and old.superseded_by_id == new.id and new.replaces_id == old.id
        assert new.number != old.number and new.status == "valid"
        self.status[certificate_id] = "superseded"
        return self._issued(new)

    @rule(certificate_id=certificates, action=st.sampled_from(["revoke", "reprint", "supersede"]))
    def other_organisations_are_refused(self, certificate_id, action):
        calls = {
            "revoke": lambda actor: revoke_certificate(self.session, actor=actor, now=self._tick(),
                                                       certificate_id=certificate_id, reason="越权撤销测试"),
            "reprint": lambda actor: reprint_certificate(self.session, actor=actor, now=self._tick(),
                                                         certificate_id=certificate_id, reason="遗失", ctx=self.ctx),
            "supersede": lambda actor: supersede_certificate(self.session, actor=actor, now=self._tick(),
                                                             certificate_id=certificate_id, reason="越权更正测试",
                                                             ctx=self.ctx),
        }
        # Another evaluation organisation cannot even see it; the institution sees its people's certificates
        # but may not change what someone else issued.
        self._refused(NotFound, lambda: calls[action](self.other_issuer))
        self._refused(NotAllowed, lambda: calls[action](self.institution_staff))

    # --- invariants ------------------------------------------------------------------------------------

    @invariant()
    def database_matches_the_model(self):
        rows = dict(self.session.execute(select(Certificate.id, Certificate.status)
                                         .where(Certificate.id.in_(list(self.status)))).all())
        assert rows == self.status  # in particular, nothing final ever became valid again
        numbers = dict(self.session.execute(select(Certificate.id, Certificate.number)
                                            .where(Certificate.id.in_(list(self.number)))).all())
        assert numbers == self.number  # a certificate keeps its number through every reprint

    @invariant()
    def numbers_and_print_serials_are_never_reused(self):
        total = self._count()
        assert self.session.scalar(select(func.count(func.distinct(Certificate.number)))) == total
        prints = self.session.scalar(select(func.count()).select_from(CertificatePrint))
        assert self.session.scalar(select(func.count(func.distinct(CertificatePrint.print_serial)))) == prints
        for certificate_id, serials in self.serials.items():
            stored = set(self.session.scalars(select(CertificatePrint.print_serial)
                                              .where(CertificatePrint.certificate_id == certificate_id)))
            assert stored == set(serials)

    @invariant()
    def certificates_are_never_removed(self):
        total = self._count()
        assert total >= self.count_before
        assert total == self.count_before + len(self.status)
        self.count_before = total - len(self.status)


@pytest.mark.slow
def test_certificate_lifecycle_state_machine(world):
    run_state_machine_as_test(lambda: CertificateLifecycle(world),
                              settings=settings(max_examples=10, stateful_step_count=15, deadline=None))
