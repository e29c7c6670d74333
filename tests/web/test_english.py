"""The English interface shows no Chinese but data: every page the demo reaches, for every role, and refusals.

The demo data set (with its issued certificates) is loaded once; each role logs in, switches to English and
walks every link it can reach. A page fails when it shows Chinese that is not a value from the database
(names of people, organisations, occupations, classes, plans…).
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import login
from tests.demo_world import close_app, load_demo_world, open_app
from tests.web.english import data_strings, foreign_text, visible_text

ROLES = ("admin", "inst_sy", "eval", "assessor1", "supervisor1", "hr_sy")
SKIP = ("/logout", "/lang/", "/static/", "/api/", "/downloads/")
HREF = re.compile(r'href="([^"#]+)')
PER_SHAPE = 2  # pages of one shape (same path with other ids or queries) that are walked
MAX_PAGES = 250  # per role, to keep the walk bounded


@pytest.fixture(scope="module")
def demo(migrated_database, tmp_path_factory):
    """The demo world with its certificates, and the Chinese that counts as data in it."""
    app = open_app(migrated_database, tmp_path_factory.mktemp("english"), RATELIMIT_ENABLED=False)
    load_demo_world(app)
    yield app, data_strings(app)
    close_app(app)


def _shape(url: str) -> str:
    parts = urlsplit(url)
    return re.sub(r"/\d+", "/#", parts.path) + ("?" + "&".join(sorted(
        p.split("=")[0] for p in parts.query.split("&"))) if parts.query else "")


def english_client(app, username):
    """A logged-in client with English chosen through the language switch."""
    client = app.test_client()
    assert login(client, username).status_code == 302
    client.get("/lang/en?next=/")
    return client


def walk(client, start: str = "/"):
    """Every HTML page reachable by GET links from `start`: yields (url, status, html)."""
    seen_shapes: dict[str, int] = {}
    queue, visited = deque([start]), set()
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        if url in visited:
            continue
        visited.add(url)
        with client.get(url, follow_redirects=True) as response:
            if not response.content_type.startswith("text/html"):
                continue
            html = response.get_data(as_text=True)
        yield url, response.status_code, html
        for href in HREF.findall(html):
            target = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc or any(parts.path.startswith(prefix) for prefix in SKIP):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            shape = _shape(target)
            if target not in visited and seen_shapes.get(shape, 0) < PER_SHAPE:
                seen_shapes[shape] = seen_shapes.get(shape, 0) + 1
                queue.append(target)


@pytest.mark.slow
@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_reaches_is_english(demo, username):
    app, data = demo
    client = english_client(app, username)
    problems, pages = [], 0
    for url, status, html in walk(client):
        pages += 1
        assert status < 500, f"{url} answered {status}"
        assert 'lang="en"' in html, f"{url} is not in English"
        problems += [f"{url}: …{snippet}…" for snippet in foreign_text(visible_text(html), data)]
    assert pages >= 10, f"{username} reached only {pages} pages"
    assert not problems, f"{len(problems)} Chinese texts in the English UI of {username}:\n" + "\n".join(
        sorted(set(problems))[:80])


def test_public_pages_are_english(demo):
    app, data = demo
    client = app.test_client()
    client.get("/lang/en?next=/")
    problems = []
    for url in ("/login", "/verify", "/verify/bulk", "/nope-404"):
        html = client.get(url).get_data(as_text=True)
        problems += [f"{url}: {s}" for s in foreign_text(visible_text(html), data)]
    assert not problems, "\n".join(problems)


def _catalogue() -> dict[str, str]:
    from pathlib import Path

    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[2] / "app/translations/zh/LC_MESSAGES/messages.po"
    with po.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if isinstance(m.id, str) and m.id and m.string}


@pytest.mark.slow
@pytest.mark.parametrize("username", ROLES)
def test_chinese_pages_show_no_untranslated_text(demo, username):
    """The other way round: in the Chinese UI no text node is an English message id the catalogue translates."""
    app, _data = demo
    english = {msgid for msgid, text in _catalogue().items() if msgid != text and "%(" not in msgid
               and "{" not in msgid}
    client = app.test_client()
    assert login(client, username).status_code == 302
    problems = set()
    for url, _status, html in walk(client):
        assert 'lang="zh-CN"' in html, f"{url} is not in Chinese"
        problems.update(f"{url}: {piece.strip()}" for piece in visible_text(html).split("\n")
                        if piece.strip() in english)
    assert not problems, f"{len(problems)} English texts in the Chinese UI of {username}:\n" + "\n".join(
        sorted(problems)[:80])


def test_official_pdfs_stay_chinese_in_the_english_interface(demo):
    """Certificates and admission tickets are official Chinese documents whatever the reader's language."""
    import io

    from pypdf import PdfReader

    app, _data = demo
    client = english_client(app, "eval")
    certificate_id = re.search(r"/certificates/(\d+)", client.get("/certificates").get_data(as_text=True)).group(1)
    with client.get(f"/certificates/{certificate_id}/pdf") as response:
        assert response.content_type == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "居民身份证" in text and "级/" in text and "Level" not in text and "Resident" not in text
    plans = sorted(set(re.findall(r"/assessment/plans/(\d+)", client.get("/assessment/plans").get_data(as_text=True))))
    tickets = None
    for plan_id in plans:
        with client.get(f"/assessment/plans/{plan_id}/tickets.pdf") as response:
            if response.content_type == "application/pdf":
                tickets = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
                break
    assert tickets is not None, "no plan of the demo has admission tickets"
    assert "准考证" in tickets and "理论知识考试" in tickets and "Theory" not in tickets and "Level" not in tickets
