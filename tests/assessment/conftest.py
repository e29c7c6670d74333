"""Fixtures for assessment tests."""

import pytest

from tests.assessment.factories import make_world


@pytest.fixture
def world(session):
    """A filed evaluation organisation with staff, an administrator and six qualified 焊工 assessors."""
    return make_world(session)
