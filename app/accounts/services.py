"""The accounts feature's services in one place, for callers that want them all.

Each sub-feature has its own module: `organisations`, `filings` (evaluation filings), `users`, `logins`
(authentication and login sessions) and `api_tokens`; `roles` holds the roles, their labels and `require_admin`.
"""

from app.accounts.api_tokens import (
    API_TOKEN_PREFIX,
    TokenCheck,
    check_api_token,
    create_api_token,
    list_api_tokens,
    revoke_api_token,
    user_for_api_token,
)
from app.accounts.filings import parse_scope_lines, set_evaluation_filing
from app.accounts.logins import (
    authenticate,
    change_password,
    close_login_session,
    open_login_session,
    user_for_token,
)
from app.accounts.organisations import (
    create_organisation,
    get_organisation,
    list_organisations,
    organisation_counts,
)
from app.accounts.users import create_user, list_users, set_user_active

__all__ = [
    "API_TOKEN_PREFIX",
    "TokenCheck",
    "authenticate",
    "change_password",
    "check_api_token",
    "close_login_session",
    "create_api_token",
    "create_organisation",
    "create_user",
    "get_organisation",
    "list_api_tokens",
    "list_organisations",
    "list_users",
    "open_login_session",
    "organisation_counts",
    "parse_scope_lines",
    "revoke_api_token",
    "set_evaluation_filing",
    "set_user_active",
    "user_for_api_token",
    "user_for_token",
]
