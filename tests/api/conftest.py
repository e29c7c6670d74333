"""API fixtures: a user with a bearer token."""

import pytest

from app.accounts.services import create_api_token
from tests.factories import NOW, make_user


@pytest.fixture
def api_user(session):
    """Make a user of a role with a token; returns (user, headers)."""

    def make(role="admin", org=None):
        user = make_user(session, role, org=org)
        _row, token = create_api_token(session, actor=user, now=NOW, name="test")
        session.commit()
        return user, {"Authorization": f"Bearer {token}"}

    return make
