"""Verdicts in a real browser: a forged QR, a revoked and a superseded certificate, at desktop and phone widths.

Screenshots go to /tmp/verdict-*.png (and the forged QR's printed result to /tmp/verdict-forged-pdf.pdf) for a
person to look at; the assertions check what a reader sees first: the headline's words, sign and colour.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.catalog.seed import seed_catalog
from app.certification.issuing import CertificateDraft, IssuingContext, issue_certificate
from app.certification.lifecycle import revoke_certificate, supersede_certificate
from app.certification.signing import keyring_from_config
from app.database import utcnow, write_intent
from tests.certificates.helpers import decode_qr_codes
from tests.factories import make_evaluation_org, make_user
from tests.people.factories import make_person

pytestmark = pytest.mark.browser
QR_HEADLINE = "二维码无效：此纸质证书与登记信息不符，请勿采信"
SHOTS = Path("/tmp")


def _issue_three(app, session, tmp_path):
    """A valid, a revoked and a superseded certificate (with its replacement), as QR paths a phone would open."""
    ctx = IssuingContext(storage_dir=Path(app.config["FILE_STORAGE_DIR"]),
                         keyring=keyring_from_config(app.config["CERT_SIGNING_KEYS"]), base_url="https://jc.example.cn")
    now = utcnow()
    with write_intent():
        seed_catalog(session, now=now)
        org = make_evaluation_org(session, site_code="219902", scopes=[("6-18-02-04", 3)])
        staff = make_user(session, "evaluation_staff", org=org)
        issued = {}
        for key, name in (("valid", "周核验"), ("revoked", "吴撤销"), ("superseded", "郑更正")):
            person = make_person(session, staff, name=name)
            issued[key] = issue_certificate(session, actor=staff, now=now, ctx=ctx, draft=CertificateDraft(
                kind="skill_level", person=person, issuer=org, occupation_code="6-18-02-04", occupation_name="焊工",
                variant_name=None, level_digit=3, source_type="assessment_result", source_id=f"verdict-{key}"))
        revoke_certificate(session, actor=staff, now=now, certificate_id=issued["revoked"].id,
                           reason="考评员舞弊，成绩作废")
        replacement = supersede_certificate(session, actor=staff, now=now, certificate_id=issued["superseded"].id,
                                            reason="工种填写错误", ctx=ctx, variant_name="熔化焊接")
        session.commit()
    paths = {}
    for key, certificate in issued.items():
        (url,) = decode_qr_codes((ctx.storage_dir / certificate.pdf_path).read_bytes(), tmp_path)
        parts = urlsplit(url)
        paths[key] = f"{parts.path}?{parts.query}"
    return issued, replacement.number, paths


def _shoot(page, name: str) -> None:
    for width, label in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 860})
        page.screenshot(path=str(SHOTS / f"verdict-{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 860})


def _colour(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e)['{prop}']")


def test_forged_revoked_and_superseded_verdicts(app, live_server, page, session, tmp_path):
    issued, new_number, paths = _issue_three(app, session, tmp_path)

    # A forged paper: its QR claims a level the register does not hold for this certificate.
    page.goto(live_server + paths["valid"].replace("&l=3&", "&l=1&"))
    assert page.get_attribute("#verify-status", "data-verdict") == "qr_mismatch"
    assert page.inner_text("#verdict-word") == QR_HEADLINE
    assert _colour(page, "#verify-status", "backgroundColor") == "rgb(176, 42, 55)"  # red, behind white words
    assert page.get_attribute(".verdict-sign", "aria-hidden") == "true"
    assert page.locator("text=有效：").count() == 0
    caption = page.locator("#record-caption")
    assert "登记信息（供比对" in caption.inner_text()
    headline_box, record_box = page.locator("#verify-status").bounding_box(), caption.bounding_box()
    assert headline_box["y"] + headline_box["height"] <= record_box["y"]  # the record comes below the headline
    assert page.inner_text("#verify-number") == issued["valid"].number and page.inner_text("#verify-holder") == "周核验"
    _shoot(page, "forged")
    printed = page.request.get(live_server + page.get_attribute("#print-result", "href"))
    assert printed.status == 200 and printed.headers["content-type"] == "application/pdf"
    (SHOTS / "verdict-forged-pdf.pdf").write_bytes(printed.body())

    # The same certificate's own QR: valid, in green with the word.
    page.goto(live_server + paths["valid"])
    assert page.get_attribute("#verify-status", "data-verdict") == "valid"
    assert page.inner_text("#verdict-word").startswith("有效：")
    _shoot(page, "valid")

    page.goto(live_server + paths["revoked"])
    assert page.get_attribute("#verify-status", "data-verdict") == "revoked"
    assert page.inner_text("#verdict-word").startswith("已撤销：")
    assert "考评员舞弊，成绩作废" in page.inner_text("#revocation")
    assert utcnow().astimezone().strftime("%Y-") in page.inner_text("#revocation")
    _shoot(page, "revoked")

    page.goto(live_server + paths["superseded"])
    assert page.get_attribute("#verify-status", "data-verdict") == "superseded"
    assert page.inner_text("#verdict-word").startswith("已被替代：")
    assert new_number in page.inner_text("#replacement")
    _shoot(page, "superseded")

    # By number: a 21-character number names the format; an empty form is refused on its fields.
    page.goto(f"{live_server}/verify")
    page.fill("#number", issued["valid"].number[:-1])
    page.fill("#name", "周核验")
    page.click("#submit")
    assert page.get_attribute("#verify-status", "data-verdict") == "malformed"
    assert "22 位" in page.inner_text("#number-format")
    _shoot(page, "malformed")
    page.goto(f"{live_server}/verify")
    page.click("#submit")
    assert "请填写证书上印制的证书编号" in page.content() and page.locator("#verify-status").count() == 0
