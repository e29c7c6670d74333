"""Personal-data keys for the people tests, also for tests that use no app (create_app configures them too)."""

from __future__ import annotations

import pytest

from app import pii
from config import TestConfig


@pytest.fixture(scope="session", autouse=True)
def pii_keys():
    """Configure app.pii with the TestConfig keys for the whole run."""
    pii.configure(TestConfig.PII_ENCRYPTION_KEY, TestConfig.PII_HASH_KEY)
