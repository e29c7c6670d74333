"""API fixtures: a user with a bearer token."""

import pytest

from tests.factories import bearer_headers, make_user


@pytest.fixture
def api_user(session):
    """Make a user of a role with a token; returns (user, headers)."""

    def make(role="admin", org=None):
        user = make_user(session, role, org=org)
        return user, bearer_headers(session, user)

    return make
