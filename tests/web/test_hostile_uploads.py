"""Every import's upload refuses hostile files on its page: 422, the limit named in Chinese and in English, what
was typed kept, within 100 MB (the peak under tracemalloc). Times are reported by `bench/hostile_uploads.py`.

The imports: people (/people/import), class enrolment (/classes/<id>/import), the shortage catalogue
(/catalog/shortage) and the enterprise's bulk certificate check (/verify/bulk).
"""

from __future__ import annotations

import html

import pytest

from app.errors import ValidationFailed
from app.spreadsheets import read_table
from app.translation import in_chinese
from tests import hostile_files as hostile


def _limit(case: str, upload: hostile.Upload) -> str:
    """The limit the refusal must name."""
    if case == "million_rows_xlsx":
        return f"{upload.cap} rows"
    if case == "zip_bomb_xlsx":
        return "100 times"
    if upload.megabytes == 10:  # the bulk check's 10 MB comes before its rows
        return "10 MB"
    return f"{upload.cap} rows"


def _reading_refusal(data: bytes, filename: str, upload: hostile.Upload):
    """What the reading layer says of the file for this import (the page must show it, in either language)."""
    with pytest.raises(ValidationFailed) as caught:
        read_table(data, filename, max_rows=upload.cap, max_bytes=upload.megabytes * 1024 * 1024)
    return caught.value.message


CASES = [(name, case) for name in hostile.IMPORTS for case in ("million_rows_xlsx", "zip_bomb_xlsx", "million_rows_csv")]


@pytest.mark.parametrize(("name", "case"), CASES)
def test_hostile_upload_is_refused_on_the_page(client, session, name, case):
    upload = hostile.IMPORTS[name]
    url = hostile.open_import(client, session, name)
    data = getattr(hostile, case)()
    filename = "名单.csv" if case.endswith("csv") else "名单.xlsx"
    message, limit = _reading_refusal(data, filename, upload), _limit(case, upload)
    assert limit in message
    figures = hostile.measure(lambda: hostile.post_upload(client, url, upload, data, filename), timed=False)
    response = figures.outcome
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422, page[:2000]
    assert figures.peak_mb < 100, f"peak {figures.peak_mb:.1f} MB"
    assert in_chinese(message) in page and limit.split()[0] in in_chinese(message)
    for _field, value in upload.fields:
        assert value in page  # what was typed is kept
    client.set_cookie("jiangcai_lang", "en")
    english = hostile.post_upload(client, url, upload, data, filename)
    assert english.status_code == 422 and str(message) in html.unescape(english.get_data(as_text=True))


def test_an_upload_over_the_request_limit_gets_a_page_that_says_the_limit(client, session):
    url = hostile.open_import(client, session, "people")
    data = b"a,b\n" * (6 * 1024 * 1024)  # 24 MB
    figures = hostile.measure(lambda: hostile.post_upload(client, url, hostile.IMPORTS["people"], data, "big.csv"),
                              timed=False)
    response = figures.outcome
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 413 and "20 MB" in page
    assert figures.peak_mb < 100
    client.set_cookie("jiangcai_lang", "en")
    english = html.unescape(hostile.post_upload(client, url, hostile.IMPORTS["people"], data, "big.csv").get_data(as_text=True))
    assert "The upload is too large" in english and "Files of at most 20 MB can be uploaded" in english


def test_a_file_just_over_the_sheet_limit_is_refused_on_the_form(client, session):
    url = hostile.open_import(client, session, "shortage")
    response = hostile.post_upload(client, url, hostile.IMPORTS["shortage"], b"a,b\n" * (5 * 1024 * 1024 + 100), "big.csv")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and "20 MB" in page and "2031Q2" in page
