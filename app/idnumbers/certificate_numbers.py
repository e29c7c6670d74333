"""Certificate numbers: the 22-character 职业技能等级证书 number (人社鉴发〔2019〕2号) and the legacy 16-digit
职业资格证书 number issued before 2020. Neither carries a check digit, so every part is checked on its own."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.idnumbers.errors import IdNumberError, is_digits, prepare
from app.translation import N_, Message

# Province-level codes of GB/T 2260, plus 71 Taiwan, 81 Hong Kong, 82 Macao.
_PROVINCES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82"
)
PROVINCE_CODES: frozenset[str] = frozenset(_PROVINCES.split())

_CERT_PATTERN = re.compile(r"([YS])(\d{4})(\d{2})(\d{6})(\d{2})([1-5])(\d{6})", re.ASCII)
_CERTIFICATE_NUMBER = N_("Certificate number")
_ISSUE_YEAR = N_("Issue year")
_LEVEL_CODE = N_("Level code")
_SERIAL = N_("Certificate serial number")


def _require_digits(value: object, length: int, what: Message) -> str:
    """A part that must be a string of exactly `length` ASCII digits."""
    if not isinstance(value, str) or len(value) != length or not is_digits(value):
        raise IdNumberError(N_("{what} must be {length} digits, not “{value}”.", what=what, length=length,
                               value=value))
    return value


def _require_int(value: object, low: int, high: int, what: Message) -> int:
    """A part that must be an int (not bool) within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise IdNumberError(N_("{what} must be a whole number from {low} to {high}, not {value}.", what=what,
                               low=low, high=high, value=repr(value)))
    return value


def _require_province(code: object) -> None:
    """A two-digit province-level code that exists."""
    _require_digits(code, 2, N_("Province code"))
    if code not in PROVINCE_CODES:
        raise IdNumberError(N_("Province code {code} is not a valid province-level region code.", code=code))


@dataclass(frozen=True)
class CertificateNumber:
    """A 22-character 职业技能等级证书 number; its parts are checked on construction."""

    org_type: str
    org_code: str
    province: str
    site_code: str
    year2: str
    level_digit: int
    serial: int

    def __post_init__(self) -> None:
        if self.org_type not in ("Y", "S"):
            raise IdNumberError(N_(
                "The first character of a certificate number must be Y (employer) or S (social training and "
                "evaluation organisation), not {value}.", value=repr(self.org_type),
            ))
        _require_digits(self.org_code, 4, N_("Evaluation organisation code"))
        _require_province(self.province)
        _require_digits(self.site_code, 6, N_("Evaluation organisation site code"))
        _require_digits(self.year2, 2, _ISSUE_YEAR)
        _require_int(self.level_digit, 1, 5, _LEVEL_CODE)
        _require_int(self.serial, 1, 999_999, _SERIAL)

    @property
    def text(self) -> str:
        """The 22-character number."""
        return (
            f"{self.org_type}{self.org_code}{self.province}{self.site_code}{self.year2}"
            f"{self.level_digit}{self.serial:06d}"
        )


def _year2(year: int | str) -> str:
    """Two-digit issue year from a 4-digit year (2000–2099) or a 2-digit one."""
    if isinstance(year, str) and is_digits(year) and len(year) == 2:
        return year
    if isinstance(year, str) and is_digits(year) and len(year) == 4:
        year = int(year)
    if isinstance(year, int) and not isinstance(year, bool):
        if 2000 <= year <= 2099:
            return f"{year % 100:02d}"
        if 0 <= year <= 99:
            return f"{year:02d}"
    raise IdNumberError(N_(
        "The issue year must be a year from 2000 to 2099 or two digits, not {value}.", value=repr(year)
    ))


def format_certificate_number(
    org_type: str,
    org_code: str,
    province: str,
    site_code: str,
    year: int | str,
    level_digit: int,
    serial: int,
) -> str:
    """Build a 22-character certificate number from its parts, checking each one."""
    return CertificateNumber(org_type, org_code, province, site_code, _year2(year), level_digit, serial).text


def parse_certificate_number(raw: str) -> CertificateNumber:
    """Parse a 22-character 职业技能等级证书 number."""
    s = prepare(raw, _CERTIFICATE_NUMBER)
    if len(s) != 22:
        raise IdNumberError(N_("A skill-level certificate number has 22 characters, not {length}.", length=len(s)))
    if s[0] not in "YS":
        raise IdNumberError(N_("The first character of a certificate number must be Y or S, not “{char}”.",
                               char=s[0]))
    for pos, ch in enumerate(s[1:], start=2):
        if not is_digits(ch):
            raise IdNumberError(N_("Character {position} of the certificate number must be a digit, not “{char}”.",
                                   position=pos, char=ch))
    m = _CERT_PATTERN.fullmatch(s)
    if m is None:
        raise IdNumberError(N_(
            "Character 16 of the certificate number, the level code, must be 1–5, not {digit}.", digit=s[15]
        ))
    org_type, org_code, province, site, year2, level, serial = m.groups()
    if serial == "000000":
        raise IdNumberError(N_("The last 6 digits of a certificate number, the serial, cannot be 000000."))
    return CertificateNumber(org_type, org_code, province, site, year2, int(level), int(serial))


def is_certificate_number(text: str) -> bool:
    """Whether an already normalised string is a valid 22-character number; `parse_certificate_number` without
    the messages, for the public verification path, which only needs yes or no."""
    match = _CERT_PATTERN.fullmatch(text)
    return match is not None and match.group(3) in PROVINCE_CODES and match.group(7) != "000000"


@dataclass(frozen=True)
class LegacyCertificateNumber:
    """A 16-digit 职业资格证书 number issued before 2020."""

    year2: str
    province: str
    city: str
    institution_type: str
    institution_serial: str
    level_digit: int
    serial: int

    def __post_init__(self) -> None:
        _require_digits(self.year2, 2, _ISSUE_YEAR)
        _require_province(self.province)
        _require_digits(self.city, 2, N_("City code"))
        _require_digits(self.institution_type, 1, N_("Testing institution type"))
        _require_digits(self.institution_serial, 3, N_("Testing institution serial"))
        _require_int(self.level_digit, 1, 5, _LEVEL_CODE)
        _require_int(self.serial, 0, 99_999, _SERIAL)

    @property
    def text(self) -> str:
        """The 16-digit number."""
        return (
            f"{self.year2}{self.province}{self.city}{self.institution_type}{self.institution_serial}"
            f"{self.level_digit}{self.serial:05d}"
        )


def parse_legacy_certificate_number(raw: str) -> LegacyCertificateNumber:
    """Parse a legacy 16-digit 职业资格证书 number."""
    s = prepare(raw, _CERTIFICATE_NUMBER)
    if len(s) != 16 or not is_digits(s):
        raise IdNumberError(N_(
            "A legacy vocational qualification certificate number has 16 digits, not “{number}”.", number=s
        ))
    if s[10] not in "12345":
        raise IdNumberError(N_(
            "Digit 11 of a legacy vocational qualification certificate number, the level code, must be 1–5, "
            "not {digit}.", digit=s[10],
        ))
    return LegacyCertificateNumber(s[0:2], s[2:4], s[4:6], s[6], s[7:10], int(s[10]), int(s[11:]))


def parse_any_certificate_number(raw: str) -> CertificateNumber | LegacyCertificateNumber:
    """Parse either a 22-character certificate number or a legacy 16-digit one."""
    s = prepare(raw, _CERTIFICATE_NUMBER)
    if s[0] in "YS" or len(s) == 22:
        return parse_certificate_number(s)
    if len(s) == 16:
        return parse_legacy_certificate_number(s)
    raise IdNumberError(N_(
        "A certificate number has 22 characters (a skill-level certificate starting with Y or S) or 16 digits "
        "(a legacy vocational qualification certificate), not {length}.", length=len(s),
    ))
