"""A one-page PDF of a verification result, stamped with the check time, for an employer's HR file.

It leads with the same verdict as the page and the API (`CheckOutcome.verdict`): word, sign and headline.
"""

from __future__ import annotations

from dataclasses import asdict

from app.certification.rendering import render_design_pdf
from app.translation import in_chinese
from app.verification.checks import (
    LOCAL_ZONE,
    QR_MISMATCH,
    VERDICT_HEADLINES,
    VERDICT_SIGNS,
    VERDICT_WORDS,
    CheckOutcome,
)

SIGNATURE_TEXT = {"valid": "二维码签名验证通过，与证书记录一致",
                  "invalid": "二维码签名无法验证或与证书记录不一致：此纸质证书与登记信息不符，请勿采信",
                  "absent": "未提供二维码签名信息（按证书令牌核验）"}
CHANNEL_TEXT = {"public": "按证书编号和姓名核验", "qr": "扫描证书二维码核验", "share": "通过持证人分享链接核验",
                "api": "接口核验", "bulk": "批量核验"}


def result_pdf(outcome: CheckOutcome, *, channel: str, site: str) -> bytes:
    """Render the result of a check that found a certificate (the caller never prints a miss)."""
    if outcome.facts is None:
        raise ValueError("only a found certificate has a printable result")
    verdict = outcome.verdict
    # An official document: always Chinese, whatever the reader's language (labels are marked messages).
    facts = {k: ("" if v is None else str(in_chinese(v))) for k, v in asdict(outcome.facts).items()}
    context = {
        "f": facts,
        "verdict": verdict,
        "verdict_word": str(in_chinese(VERDICT_WORDS[verdict])),
        "verdict_sign": VERDICT_SIGNS[verdict],
        "headline": str(in_chinese(VERDICT_HEADLINES[verdict])),
        # On a QR mismatch the table is what the register holds, for comparison with the paper: never the paper.
        "record_caption": "登记信息（供比对，不代表纸质证书有效）" if verdict == QR_MISMATCH else "登记信息",
        "checked_at": outcome.checked_at.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M:%S"),
        "channel": CHANNEL_TEXT.get(channel, channel),
        "signature": SIGNATURE_TEXT.get(outcome.signature or "", ""),
        "site": site,
    }
    return render_design_pdf("verification", context)
