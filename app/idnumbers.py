"""Pure checks of identity numbers: resident IDs, permits, passports, credit codes, certificates, phones.

Flask-free and database-free so that every feature may use it. Validators raise IdNumberError whose
`message` is shown on forms, so it is in Simplified Chinese and says exactly what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date


class IdNumberError(ValueError):
    """An identity or certificate number is malformed; `message` is user-facing Chinese text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


RESIDENT = "resident_id"
HMT_PERMIT = "hmt_residence_permit"
FOREIGN_PR = "foreign_permanent_residence"
PASSPORT = "passport"
ID_TYPES: tuple[str, ...] = (RESIDENT, HMT_PERMIT, FOREIGN_PR, PASSPORT)
ID_TYPE_LABELS: dict[str, str] = {
    RESIDENT: "居民身份证",
    HMT_PERMIT: "港澳台居民居住证",
    FOREIGN_PR: "外国人永久居留身份证",
    PASSPORT: "护照",
}

# Province-level codes of GB/T 2260, plus 71 Taiwan, 81 Hong Kong, 82 Macao.
_PROVINCES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82"
)
PROVINCE_CODES: frozenset[str] = frozenset(_PROVINCES.split())

_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_HMT_PREFIXES = ("810000", "820000", "830000")
_EARLIEST_BIRTH = date(1900, 1, 1)
_PASSPORT_CHARS = re.compile(r"[A-Z0-9]+", re.ASCII)
# Excel shows long numbers as 2.10102E+17; pandas or a float cell gives 210102199001011234.0.
_EXCEL_EXPONENT = re.compile(r"[0-9]+(\.[0-9]*)?E[+-][0-9]+", re.ASCII)
_EXCEL_DECIMAL = re.compile(r"[0-9]+\.[0-9]+", re.ASCII)


@dataclass(frozen=True)
class ParsedId:
    """A validated identity document number with what it encodes."""

    id_type: str
    number: str
    birth_date: date | None
    gender: str | None


def normalize_text(s: str) -> str:
    """Fold full-width characters to ASCII (NFKC), drop all whitespace and invisible marks, upper-case."""
    folded = unicodedata.normalize("NFKC", s)
    # Cf covers zero-width spaces and BOMs that come along when numbers are pasted from web pages or Excel.
    kept = "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) != "Cf")
    return kept.upper()


def detect_excel_mangling(raw: str) -> bool:
    """Whether the value looks like a number Excel turned into scientific notation or a float."""
    s = normalize_text(raw)
    return bool(_EXCEL_EXPONENT.fullmatch(s) or _EXCEL_DECIMAL.fullmatch(s))


def _prepare(raw: str, what: str) -> str:
    """Normalise a raw input and reject empty values and Excel-mangled numbers."""
    if not isinstance(raw, str):
        raise IdNumberError(f"{what}应为文本")
    s = normalize_text(raw)
    if not s:
        raise IdNumberError(f"{what}不能为空")
    shown = raw.strip()
    if _EXCEL_EXPONENT.fullmatch(s):
        raise IdNumberError(f"{what}疑似被 Excel 转为科学计数法（{shown}），请将该列设为文本格式后重新填写")
    if _EXCEL_DECIMAL.fullmatch(s):
        raise IdNumberError(f"{what}疑似被 Excel 转为数字（{shown}），请将该列设为文本格式后重新填写")
    return s


def _is_digits(s: str) -> bool:
    """ASCII digits only (str.isdigit also accepts superscripts and other scripts' digits)."""
    return bool(_DIGITS.fullmatch(s))


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 (MOD 11-2) check character for 17 digits."""
    if len(first17) != 17 or not _is_digits(first17):
        raise IdNumberError("计算校验位需要 17 位数字")
    total = sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def upgrade_15_to_18(raw15: str) -> str:
    """Turn a legacy 15-digit resident ID into 18 digits: insert "19" before the year, add the check char."""
    s = normalize_text(raw15)
    if len(s) != 15 or not _is_digits(s):
        raise IdNumberError(f"旧版居民身份证号码应为 15 位数字，实际为“{s}”")
    first17 = s[:6] + "19" + s[6:]
    return first17 + resident_id_check_char(first17)


def _check_birth_date(digits8: str, today: date) -> date:
    """Read YYYYMMDD and require a real date between 1900-01-01 and today."""
    try:
        born = date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:]))
    except ValueError:
        raise IdNumberError(f"出生日期 {digits8} 不是有效日期") from None
    if born > today:
        raise IdNumberError(f"出生日期 {born.isoformat()} 晚于今天（{today.isoformat()}）")
    if born < _EARLIEST_BIRTH:
        raise IdNumberError(f"出生日期 {born.isoformat()} 早于 1900 年")
    return born


def _check_shape(s: str, label: str) -> None:
    """18 characters: 17 ASCII digits and a check char that is a digit or X."""
    if len(s) != 18:
        raise IdNumberError(f"{label}号码应为 18 位，实际为 {len(s)} 位")
    bad = next((ch for ch in s[:17] if not _is_digits(ch)), None)
    if bad is not None:
        raise IdNumberError(f"{label}号码前 17 位应为数字，发现“{bad}”")
    if s[17] not in _ID_CHECK_CHARS:
        raise IdNumberError(f"{label}号码最后一位应为数字或 X，实际为“{s[17]}”")


def _check_date_and_check_char(s: str, label: str, today: date) -> date:
    """Birth date at positions 7–14 and the GB 11643 check char; return the birth date."""
    born = _check_birth_date(s[6:14], today)
    expected = resident_id_check_char(s[:17])
    if s[17] != expected:
        raise IdNumberError(f"{label}号码校验位应为 {expected}，实际为 {s[17]}")
    return born


def _gender(s: str) -> str:
    """Odd sequence number (positions 15–17) means male."""
    return "M" if int(s[14:17]) % 2 else "F"


def _parse_resident(s: str, today: date) -> ParsedId:
    """Resident ID: 18 chars, or a legacy 15-digit number that is upgraded first."""
    label = "居民身份证"
    if len(s) == 15:
        if not _is_digits(s):
            raise IdNumberError("15 位旧版居民身份证号码应全部为数字")
        s = upgrade_15_to_18(s)
    elif len(s) != 18:
        raise IdNumberError(f"居民身份证号码应为 18 位（或 15 位旧号码），实际为 {len(s)} 位")
    _check_shape(s, label)
    if s[0] not in "12345678":
        raise IdNumberError(f"居民身份证号码地区码 {s[:6]} 无效：首位应为 1–8")
    born = _check_date_and_check_char(s, label, today)
    return ParsedId(RESIDENT, s, born, _gender(s))


def _parse_hmt(s: str, today: date) -> ParsedId:
    """Hong Kong, Macao and Taiwan residents' residence permit: GB 11643 with prefix 810000/820000/830000."""
    label = "港澳台居民居住证"
    _check_shape(s, label)
    if s[:6] not in _HMT_PREFIXES:
        raise IdNumberError(f"港澳台居民居住证号码应以 810000、820000 或 830000 开头，实际为 {s[:6]}")
    born = _check_date_and_check_char(s, label, today)
    return ParsedId(HMT_PERMIT, s, born, _gender(s))


def _parse_foreign_pr(s: str, today: date) -> ParsedId:
    """2023 foreign permanent residence ID: '9', issuing province, nationality, YYYYMMDD, sequence, check."""
    label = "外国人永久居留身份证"
    _check_shape(s, label)
    if s[0] != "9":
        raise IdNumberError(f"外国人永久居留身份证号码（2023 年起的新版）应以 9 开头，实际为 {s[0]}")
    born = _check_date_and_check_char(s, label, today)
    # The 2023 rules do not say that the sequence encodes sex, so none is inferred.
    return ParsedId(FOREIGN_PR, s, born, None)


def _parse_passport(s: str) -> ParsedId:
    """Passport: 5–17 letters and digits, at least one digit."""
    if not 5 <= len(s) <= 17:
        raise IdNumberError(f"护照号码应为 5–17 位，实际为 {len(s)} 位")
    if not _PASSPORT_CHARS.fullmatch(s):
        bad = next(ch for ch in s if not _PASSPORT_CHARS.fullmatch(ch))
        raise IdNumberError(f"护照号码只能包含字母和数字，发现“{bad}”")
    if not any(_is_digits(ch) for ch in s):
        raise IdNumberError("护照号码应至少包含一位数字")
    return ParsedId(PASSPORT, s, None, None)


def parse_id(id_type: str, raw: str, *, today: date | None = None) -> ParsedId:
    """Validate an identity document number of the given type and return its normalised form and facts."""
    if id_type not in ID_TYPE_LABELS:
        raise IdNumberError(f"不支持的证件类型：{id_type}")
    s = _prepare(raw, "证件号码")
    today = today or date.today()
    if id_type == RESIDENT:
        return _parse_resident(s, today)
    if id_type == HMT_PERMIT:
        return _parse_hmt(s, today)
    if id_type == FOREIGN_PR:
        return _parse_foreign_pr(s, today)
    return _parse_passport(s)


# --- 统一社会信用代码 (GB 32100) ---------------------------------------------------------------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {ch: i for i, ch in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_AUTHORITIES = "123456789ANY"


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(ch not in _USCC_VALUES for ch in first17):
        raise IdNumberError("计算校验位需要 17 位有效的统一社会信用代码字符")
    total = sum(_USCC_VALUES[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(raw: str) -> str:
    """Validate a unified social credit code and return it normalised."""
    s = _prepare(raw, "统一社会信用代码")
    if len(s) != 18:
        raise IdNumberError(f"统一社会信用代码应为 18 位，实际为 {len(s)} 位")
    bad = next((ch for ch in s if ch not in _USCC_VALUES), None)
    if bad is not None:
        raise IdNumberError(f"统一社会信用代码含无效字符“{bad}”（只用数字和除 I、O、Z、S、V 以外的大写字母）")
    if s[0] not in _USCC_AUTHORITIES:
        raise IdNumberError(f"统一社会信用代码第 1 位（登记管理部门）应为 1–9、A、N 或 Y，实际为 {s[0]}")
    expected = uscc_check_char(s[:17])
    if s[17] != expected:
        raise IdNumberError(f"统一社会信用代码校验位应为 {expected}，实际为 {s[17]}")
    return s


# --- Certificate numbers (人社鉴发〔2019〕2号; legacy 职业资格证书) ---------------------------------------

_CERT_PATTERN = re.compile(r"([YS])(\d{4})(\d{2})(\d{6})(\d{2})([1-5])(\d{6})", re.ASCII)


def _require_digits(value: object, length: int, what: str) -> str:
    """A part that must be a string of exactly `length` ASCII digits."""
    if not isinstance(value, str) or len(value) != length or not _is_digits(value):
        raise IdNumberError(f"{what}应为 {length} 位数字，实际为“{value}”")
    return value


def _require_int(value: object, low: int, high: int, what: str) -> int:
    """A part that must be an int (not bool) within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise IdNumberError(f"{what}应为 {low}–{high} 的整数，实际为 {value!r}")
    return value


def _require_province(code: object) -> None:
    """A two-digit province-level code that exists."""
    _require_digits(code, 2, "省份代码")
    if code not in PROVINCE_CODES:
        raise IdNumberError(f"省份代码 {code} 不是有效的省级行政区划代码")


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
            raise IdNumberError(
                f"证书编号第 1 位应为 Y（用人单位）或 S（社会培训评价组织），实际为 {self.org_type!r}"
            )
        _require_digits(self.org_code, 4, "评价机构代码")
        _require_province(self.province)
        _require_digits(self.site_code, 6, "评价机构站点代码")
        _require_digits(self.year2, 2, "发证年份")
        _require_int(self.level_digit, 1, 5, "等级代码")
        _require_int(self.serial, 1, 999_999, "证书顺序号")

    @property
    def text(self) -> str:
        """The 22-character number."""
        return (
            f"{self.org_type}{self.org_code}{self.province}{self.site_code}{self.year2}"
            f"{self.level_digit}{self.serial:06d}"
        )


def _year2(year: int | str) -> str:
    """Two-digit issue year from a 4-digit year (2000–2099) or a 2-digit one."""
    if isinstance(year, str) and _is_digits(year) and len(year) == 2:
        return year
    if isinstance(year, str) and _is_digits(year) and len(year) == 4:
        year = int(year)
    if isinstance(year, int) and not isinstance(year, bool):
        if 2000 <= year <= 2099:
            return f"{year % 100:02d}"
        if 0 <= year <= 99:
            return f"{year:02d}"
    raise IdNumberError(f"发证年份应为 2000–2099 的年份或两位数字，实际为 {year!r}")


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
    s = _prepare(raw, "证书编号")
    if len(s) != 22:
        raise IdNumberError(f"职业技能等级证书编号应为 22 位，实际为 {len(s)} 位")
    if s[0] not in "YS":
        raise IdNumberError(f"证书编号第 1 位应为 Y 或 S，实际为“{s[0]}”")
    for pos, ch in enumerate(s[1:], start=2):
        if not _is_digits(ch):
            raise IdNumberError(f"证书编号第 {pos} 位应为数字，实际为“{ch}”")
    m = _CERT_PATTERN.fullmatch(s)
    if m is None:
        raise IdNumberError(f"证书编号第 16 位等级代码应为 1–5，实际为 {s[15]}")
    org_type, org_code, province, site, year2, level, serial = m.groups()
    if serial == "000000":
        raise IdNumberError("证书编号末 6 位顺序号不能为 000000")
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
        _require_digits(self.year2, 2, "发证年份")
        _require_province(self.province)
        _require_digits(self.city, 2, "地市代码")
        _require_digits(self.institution_type, 1, "鉴定机构类别")
        _require_digits(self.institution_serial, 3, "鉴定机构序号")
        _require_int(self.level_digit, 1, 5, "等级代码")
        _require_int(self.serial, 0, 99_999, "证书顺序号")

    @property
    def text(self) -> str:
        """The 16-digit number."""
        return (
            f"{self.year2}{self.province}{self.city}{self.institution_type}{self.institution_serial}"
            f"{self.level_digit}{self.serial:05d}"
        )


def parse_legacy_certificate_number(raw: str) -> LegacyCertificateNumber:
    """Parse a legacy 16-digit 职业资格证书 number."""
    s = _prepare(raw, "证书编号")
    if len(s) != 16 or not _is_digits(s):
        raise IdNumberError(f"旧版职业资格证书编号应为 16 位数字，实际为“{s}”")
    if s[10] not in "12345":
        raise IdNumberError(f"旧版职业资格证书编号第 11 位等级代码应为 1–5，实际为 {s[10]}")
    return LegacyCertificateNumber(s[0:2], s[2:4], s[4:6], s[6], s[7:10], int(s[10]), int(s[11:]))


def parse_any_certificate_number(raw: str) -> CertificateNumber | LegacyCertificateNumber:
    """Parse either a 22-character certificate number or a legacy 16-digit one."""
    s = _prepare(raw, "证书编号")
    if s[0] in "YS" or len(s) == 22:
        return parse_certificate_number(s)
    if len(s) == 16:
        return parse_legacy_certificate_number(s)
    raise IdNumberError(
        "证书编号应为 22 位（Y 或 S 开头的职业技能等级证书）或 16 位数字（旧版职业资格证书），"
        f"实际为 {len(s)} 位"
    )


# --- Masking and phones ----------------------------------------------------------------------------


def _mask(s: str, head: int, tail: int) -> str:
    """Keep `head` and `tail` characters and star the rest."""
    return s[:head] + "*" * (len(s) - head - tail) + s[len(s) - tail :]


def mask_id(number: str) -> str:
    """Mask an ID number: first 4 and last 4 kept, fewer for short numbers so at least half is hidden."""
    keep = min(4, len(number) // 4)
    return _mask(number, keep, keep)


def validate_mobile(raw: str) -> str:
    """Validate a mainland mobile number (optional +86/86 prefix, spaces and dashes) and return 11 digits."""
    s = _prepare(raw, "手机号码").replace("-", "")
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    elif s.startswith("86") and len(s) == 13:
        s = s[2:]
    if not _is_digits(s):
        raise IdNumberError("手机号码只能包含数字")
    if len(s) != 11:
        raise IdNumberError(f"手机号码应为 11 位，实际为 {len(s)} 位")
    if s[0] != "1" or s[1] not in "3456789":
        raise IdNumberError(f"手机号码应以 13–19 开头，实际为 {s[:2]}")
    return s


def mask_phone(phone: str) -> str:
    """Mask a phone number: 138****5678 for mobiles, at least half hidden otherwise."""
    if len(phone) == 11:
        return _mask(phone, 3, 4)
    keep = min(4, len(phone) // 4)
    return _mask(phone, keep, keep)
