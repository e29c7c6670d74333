"""The worker's own side (issue 23): a person's own account and pages over the same services as staff use.

Every route here is `workers_only`: it needs a worker account, and every page shows the account's own person,
found by `people.worker_accounts.own_person`; no route takes a person id.
"""

from app.web.portal import activation, applying, claims, jobs, records, sharing  # noqa: F401  (the views register on bp)
from app.web.portal.blueprint import bp

__all__ = ["bp"]
