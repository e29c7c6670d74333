"""Factories for people tests: valid identity numbers of every type, phones, people and photos."""

from __future__ import annotations

import io
import itertools
from datetime import date

from PIL import Image, ImageDraw

from app.idnumbers import resident_id_check_char
from app.people.services import register_person
from tests.factories import NOW

_seq = itertools.count(1)
LIAONING_REGIONS = ("210102", "210203", "210302", "210402", "210502", "210603", "210703", "210802", "210902",
                    "211002", "211102", "211202", "211302", "211402")


def _with_check(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def resident_id(born: date = date(1990, 3, 7), *, gender: str = "M", region: str | None = None,
                seq: int | None = None) -> str:
    """A checksum-valid 18-digit resident ID; sequence odd for men, even for women."""
    n = next(_seq) if seq is None else seq
    region = region or LIAONING_REGIONS[n % len(LIAONING_REGIONS)]
    sequence = (n * 2 % 998) + (1 if gender == "M" else 2)
    return _with_check(f"{region}{born:%Y%m%d}{sequence:03d}")


def legacy_15(born: date = date(1975, 5, 20), *, seq: int | None = None) -> str:
    """A legacy 15-digit resident ID (born in the 1900s), e.g. 210102750520123."""
    n = next(_seq) if seq is None else seq
    return f"210102{born:%y%m%d}{(n * 2 % 998) + 1:03d}"


def hmt_permit(born: date = date(1992, 8, 1), prefix: str = "810000") -> str:
    """A Hong Kong / Macao / Taiwan residence permit number."""
    return _with_check(f"{prefix}{born:%Y%m%d}{next(_seq) % 1000:03d}")


def foreign_pr(born: date = date(1985, 1, 15)) -> str:
    """A 2023-style foreign permanent residence ID (starts with 9)."""
    return _with_check(f"921156{born:%Y%m%d}{next(_seq) % 1000:03d}")


def phone() -> str:
    """A fresh mainland mobile number."""
    return f"139{next(_seq) % 100_000_000:08d}"


def make_person(session, actor, **kwargs):
    """A registered person with a resident ID and a phone, unless told otherwise."""
    kwargs.setdefault("name", "张伟")
    kwargs.setdefault("id_type", "resident_id")
    kwargs.setdefault("id_number", resident_id())
    kwargs.setdefault("phone", phone())
    return register_person(session, actor=actor, now=kwargs.pop("now", NOW), **kwargs)


def photo_bytes(size=(295, 413), background="white", fmt="JPEG", face=True) -> bytes:
    """A synthetic ID photo: background, a head and shoulders."""
    image = Image.new("RGB", size, background)
    if face:
        draw = ImageDraw.Draw(image)
        w, h = size
        draw.ellipse((w * 0.3, h * 0.2, w * 0.7, h * 0.55), fill="#f1d0b5")
        draw.rectangle((w * 0.15, h * 0.7, w * 0.85, h), fill="#222222")
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()
