"""Fixtures for competition tests."""

import pytest

from tests.competitions.factories import make_world


@pytest.fixture
def world(session):
    """An organiser, an issuer, two enterprises with competitors at 高级工, judges and a chief judge."""
    return make_world(session)
