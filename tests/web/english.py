"""Helpers for the English-interface tests: what a page shows, and which Chinese in it is data."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import JSON, String, Text, select

from app.extensions import db

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")  # ideographs; full-width punctuation is not counted
# Shown on purpose in every language: the product name and the language switch's own name for Chinese.
ALWAYS_ALLOWED = ("匠才", "简体中文", "中文")
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class _Visible(HTMLParser):
    """Collects the text a reader sees or hears: text nodes and labelling attributes, not scripts or styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if value and (name in VISIBLE_ATTRIBUTES or (name == "value" and dict(attrs).get("type") in
                                                         ("submit", "button"))):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's visible text, one piece per line."""
    parser = _Visible()
    parser.feed(html)
    return "\n".join(parser.parts)


def _texts(value) -> list[str]:
    """The strings inside a JSON value (lists and objects, at any depth)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in (*value.keys(), *value.values()) for text in _texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def data_strings(app) -> list[str]:
    """Every text value in the database that holds Chinese (names, titles, addresses…, and the strings inside
    JSON columns: score-level descriptors, lists of skills), longest first."""
    found: set[str] = set()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String | Text) and not getattr(column.type, "length", 0) == 1:
                    values = db.session.execute(select(column).where(column.is_not(None)).distinct()).scalars()
                    found.update(v for v in values if isinstance(v, str) and CJK.search(v))
                elif isinstance(column.type, JSON):
                    for value in db.session.execute(select(column).where(column.is_not(None))).scalars():
                        found.update(text for text in _texts(value) if CJK.search(text))
        db.session.remove()
    return sorted(found, key=len, reverse=True)


def foreign_text(text: str, data: list[str]) -> list[str]:
    """Runs of Chinese in `text` that are not data: each with a little context."""
    cleaned = text
    for value in data:
        if value in cleaned:
            cleaned = cleaned.replace(value, " ")
    for allowed in ALWAYS_ALLOWED:
        cleaned = cleaned.replace(allowed, " ")
    found = []
    for match in CJK.finditer(cleaned):
        start, end = max(0, match.start() - 30), min(len(cleaned), match.end() + 30)
        found.append(cleaned[start:end].replace("\n", " | "))
    return found
