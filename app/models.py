"""Import every feature's models so that the metadata (and Alembic autogenerate) sees all tables."""

import app.accounts.models  # noqa: F401
import app.assessment.exception_models  # noqa: F401
import app.assessment.models  # noqa: F401
import app.assessment.result_models  # noqa: F401
import app.assessment.supervisor_models  # noqa: F401
import app.audit.models  # noqa: F401
import app.catalog.calendar  # noqa: F401
import app.catalog.models  # noqa: F401
import app.certification.models  # noqa: F401
import app.certification.numbering  # noqa: F401
import app.competitions.models  # noqa: F401
import app.demand.models  # noqa: F401
import app.labour.models  # noqa: F401
import app.labour.sharing_models  # noqa: F401
import app.people.account_models  # noqa: F401
import app.people.import_job_models  # noqa: F401
import app.people.models  # noqa: F401
import app.placement.interest_models  # noqa: F401
import app.placement.models  # noqa: F401
import app.reporting.models  # noqa: F401
import app.studios.models  # noqa: F401
import app.training.apprenticeship_models  # noqa: F401
import app.training.models  # noqa: F401
import app.verification.models  # noqa: F401
