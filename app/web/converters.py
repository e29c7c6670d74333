"""URL converters: `<int:…>` only matches numbers the database can compare, so a huge id is a 404, not a crash."""

from __future__ import annotations

from werkzeug import routing


class IntegerConverter(routing.IntegerConverter):
    """Werkzeug's `int` converter limited to 18 digits (below 2**63, the SQLite and PostgreSQL bigint limit).

    It keeps Werkzeug's class name so code that inspects converters by name still sees an integer. The limit
    is in the pattern, not in to_python: a value refused by to_python makes Werkzeug answer 405 when the same
    path has a rule for another method, while a pattern that does not match is a plain 404.
    """

    regex = r"\d{1,18}"
