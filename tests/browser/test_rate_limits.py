"""Rate limits in a real browser: an HR officer checks 100 certificates one by one through the public form
without being refused, while an anonymous visitor from the same address is stopped at the public limit and
shown when to try again and the way to bulk checking."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


STATIC = re.compile(r"/(static|bootstrap)/")


def _check_through_the_form(page, base: str, number: str) -> int:
    """Open the check form, type a number and a name and submit it like a person; the answer's status."""
    assert page.goto(f"{base}/verify").status == 200
    return _submit(page, base, number)


def _submit(page, base: str, number: str) -> int:
    page.fill("#number", number)
    page.fill("#name", "王某某")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url == f"{base}/verify") as answer:
        page.click("#submit")
    page.wait_for_load_state()
    return answer.value.status


def test_an_hr_officer_checks_100_certificates_one_by_one_and_the_public_meets_its_limit(app, live_server, page,
                                                                                          browser):
    # Stylesheets and scripts are not what is tested: 2 requests a check instead of 10 keep the test quick, and
    # no file download is cut short by the next navigation (werkzeug would leave that file open).
    page.route(STATIC, lambda route: route.abort())
    log_in(page, live_server, "hr_sy")
    page.wait_for_url(f"{live_server}/dashboard")
    started = time.monotonic()
    statuses = [_check_through_the_form(page, live_server, f"S0000210001012640{i + 1:05d}") for i in range(100)]
    assert statuses == [404] * 100  # each a "no matching certificate" answer: checked, never refused
    assert page.locator("#rate-limited").count() == 0
    print(f"100 checks through the form: {time.monotonic() - started:.1f} s")

    # A visitor at the same address (every browser here is 127.0.0.1) still has the whole public budget, then
    # meets its end. The form page counts too: the limit's N requests are about N/2 checks.
    limit = int(app.config["PUBLIC_LIMIT"].split()[0])
    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.route(STATIC, lambda route: route.abort())
    try:
        statuses = []
        while len(statuses) <= limit and 429 not in statuses:
            form = visitor.goto(f"{live_server}/verify")
            if form.status == 429:
                statuses.append(form.status)
                break
            statuses.append(form.status)
            statuses.append(_submit(visitor, live_server, f"Y0000210001012640{len(statuses):05d}"))
        assert statuses[-1] == 429 and len(statuses) == limit + 1 and set(statuses[:-1]) == {200, 404}
        retry = visitor.inner_text("#retry-at")
        assert re.search(r"请在 \d\d:\d\d:\d\d（约 .+后）再试。", retry), retry
        visitor.click("#bulk-link")  # bulk checking is for signed-in enterprise HR staff: the login form first
        assert visitor.url.endswith("/login?next=/verify/bulk")
    finally:
        visitor.context.close()
