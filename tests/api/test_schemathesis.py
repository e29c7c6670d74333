"""The API keeps its published contract: schemathesis drives every operation of /api/v1/openapi.json.

Runs in-process against the WSGI app (no network) on the demo data set with certificates issued. Each
operation is called with the bearer token of a demo user whose role may use it, so generated requests reach
the services, not just the access check. Checks: no server error; every status code, content type and body
is the one the document declares; requests the document says are invalid are refused with a 4xx.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.accounts.roles import Role
from app.api import ROUTES
from app.web.access import PUBLIC
from tests.conftest import make_config
from tests.demo_world import api_tokens, close_app, load_demo_world, open_app

# The demo user acting for each role (one organisation user each; see app/demo/accounts.py).
ROLE_USERS = {Role.ADMIN: "admin", Role.INSTITUTION_STAFF: "inst_sy", Role.EVALUATION_STAFF: "eval",
              Role.ASSESSOR: "assessor1", Role.ENTERPRISE_HR: "hr_sy"}
ROLE_USERS[Role.WORKER] = "worker1"  # the worker's own endpoints (/me…), issue 23
# Who calls an operation open to any logged-in user: an organisation user, not the all-seeing administrator.
ANY_USER = "eval"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


@pytest.fixture(scope="module")
def contract(migrated_database, tmp_path_factory):
    """The app with demo data, and a token per demo user."""
    app = open_app(migrated_database, tmp_path_factory.mktemp("contract"), RATELIMIT_ENABLED=False)
    counts = load_demo_world(app)
    assert counts["people"] > 100 and counts["certificates"] > 0
    tokens = api_tokens(app, sorted(set(ROLE_USERS.values())))
    yield app, tokens
    close_app(app)


def _document_app():
    # The document depends only on the code, so it is read from an app with no database behind it.
    # (schemathesis.pytest.from_fixture would read it from the fixture's app, but breaks on pytest 9.)
    directory = Path(tempfile.mkdtemp(prefix="jiangcai-openapi-"))
    return create_app(make_config(f"sqlite:///{directory / 'unused.db'}", directory))


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _document_app())
# Tokens are sent per operation below; unknown query parameters are ignored by design (as by most HTTP APIs).
schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=False)


@schema.hook
def map_path_parameters(_context, path_parameters):
    """Fold generated ids onto the small ids the demo data has, so most calls reach real records."""
    if not path_parameters:
        return path_parameters
    return {name: value % 30 + 1 if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else value
            for name, value in path_parameters.items()}


def caller_for(path: str, method: str) -> str | None:
    """The demo user who may call an operation (None for public ones)."""
    route = next(r for r in ROUTES if r["path"] == path and r["method"] == method.lower())
    kind, allowed = getattr(route["view"], "access_rule", (PUBLIC, frozenset()))
    if kind == PUBLIC:
        return None
    if kind == "roles":
        preferred = [role for role in ROLE_USERS if role in allowed and role != Role.ADMIN] or [Role.ADMIN]
        return ROLE_USERS[preferred[0]]
    return ANY_USER


@schema.parametrize()
# schemathesis's WSGI transport reads a streamed response (the stored PDF) without closing it.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_keeps_its_contract(case, contract):
    app, tokens = contract
    user = caller_for(case.operation.path, case.operation.method)
    headers = {"Authorization": f"Bearer {tokens[user]}"} if user else {}
    case.call_and_validate(headers=headers, checks=CHECKS, app=app)
