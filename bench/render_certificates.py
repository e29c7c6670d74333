"""Benchmark certificate rendering; prints measured figures, asserts nothing.

Part 1: one skill-level certificate rendered N times after warm-ups (target: median <= 150 ms).

    .venv/bin/python bench/render_certificates.py [-n 50]
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from PIL import Image, ImageDraw  # noqa: E402

from app.certification.rendering import (  # noqa: E402
    SkillCertificateView,
    chinese_date,
    harfbuzz_subsetter_available,
    render_pdf,
)
from app.certification.seal import make_seal_svg  # noqa: E402
from app.certification.signing import (  # noqa: E402
    KeyRing,
    SignedPayload,
    generate_key,
    new_token,
    verification_url,
)

WARM_UPS = 3


def _photo() -> bytes:
    image = Image.new("RGB", (295, 413), "#4a7bd0")
    draw = ImageDraw.Draw(image)
    draw.ellipse((90, 80, 205, 215), fill="#f1d0b5")
    draw.rectangle((50, 250, 245, 413), fill="#222222")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def sample_skill_view() -> SkillCertificateView:
    """A realistic skill-level certificate with photo, seal and a signed QR URL."""
    key_id, seed = generate_key()
    ring = KeyRing({key_id: seed}, key_id)
    issued = date(2026, 11, 24)
    payload = SignedPayload("S000021000123264000017", 4, "6-18-02-04", issued, key_id)
    org = "沈阳市职业技能鉴定中心"
    return SkillCertificateView(
        holder_name="张伟",
        id_type="居民身份证",
        id_number="210102199003071234",
        occupation_name="焊工",
        occupation_direction="",
        level_label="四级/中级工",
        certificate_number=payload.number,
        issue_date=chinese_date(issued),
        org_name=org,
        seal_svg=make_seal_svg(org, "评价专用章"),
        verification_url=verification_url(
            "https://jiangcai.example.cn", new_token(), payload, ring.sign(payload)
        ),
        print_serial="LN2026A0004521",
        photo=_photo(),
    )


def _percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    rank = max(1, round(fraction * len(sorted_values) + 0.5))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def bench_skill_certificate(runs: int) -> dict[str, float]:
    """Render the sample certificate ``runs`` times after warm-ups; return timings in ms."""
    view = sample_skill_view()
    for _ in range(WARM_UPS):
        render_pdf(view)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        render_pdf(view)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": _percentile(timings, 0.95),
        "min_ms": timings[0],
        "max_ms": timings[-1],
    }


def peak_rss_mib() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=50, help="timed renders (default 50)")
    args = parser.parse_args(argv)

    print(f"HarfBuzz subsetter available: {harfbuzz_subsetter_available()}")
    figures = bench_skill_certificate(args.runs)
    print(
        f"skill-level certificate, {args.runs} renders after {WARM_UPS} warm-ups: "
        f"median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms "
        f"(min {figures['min_ms']:.1f}, max {figures['max_ms']:.1f}); target median <= 150 ms"
    )
    print(f"peak RSS: {peak_rss_mib():.1f} MiB")


if __name__ == "__main__":
    main()
