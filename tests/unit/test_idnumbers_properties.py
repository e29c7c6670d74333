"""Property tests for app.idnumbers: valid numbers round-trip, single-character errors are caught."""

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app import idnumbers as idn
from app.idnumbers import FOREIGN_PR, HMT_PERMIT, ID_TYPES, PASSPORT, RESIDENT, IdNumberError

TODAY = date(2025, 6, 1)
WORKING_AGE_LATEST_BIRTH = date(TODAY.year - 16, TODAY.month, TODAY.day)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DIGITS = "0123456789"


@st.composite
def resident_parts(draw, *, earliest: date = date(1900, 1, 1), latest: date = WORKING_AGE_LATEST_BIRTH):
    """(region, birth date, sequence) of a valid resident ID; region's first digit is 1–6."""
    region = draw(st.integers(110000, 659999))
    born = draw(st.dates(min_value=earliest, max_value=latest))
    seq = draw(st.integers(0, 999))
    return region, born, seq


def build_resident_id(region: int, born: date, seq: int) -> str:
    first17 = f"{region:06d}{born:%Y%m%d}{seq:03d}"
    return first17 + idn.resident_id_check_char(first17)


valid_resident_ids = resident_parts().map(lambda p: build_resident_id(*p))


@st.composite
def valid_usccs(draw):
    first = draw(st.sampled_from("123456789ANY"))
    rest = "".join(draw(st.lists(st.sampled_from(USCC_ALPHABET), min_size=16, max_size=16)))
    return first + rest + idn.uscc_check_char(first + rest)


# --- resident ID ------------------------------------------------------------------------------------


@given(resident_parts())
def test_generated_resident_ids_parse_and_round_trip(parts):
    region, born, seq = parts
    number = build_resident_id(region, born, seq)
    parsed = idn.parse_id(RESIDENT, number.lower(), today=TODAY)
    assert parsed.id_type == RESIDENT
    assert parsed.number == number
    assert parsed.birth_date == born
    assert parsed.gender == ("M" if seq % 2 else "F")
    assert idn.parse_id(RESIDENT, parsed.number, today=TODAY) == parsed


@given(valid_resident_ids, st.integers(0, 17), st.sampled_from(DIGITS))
def test_any_single_digit_change_is_rejected(number, pos, digit):
    assume(number[pos] != digit)
    mutated = number[:pos] + digit + number[pos + 1 :]
    # MOD 11-2: every weight is non-zero mod the prime 11 and digits differ by less than 11, so the
    # expected check char always moves; a changed check char no longer matches the unchanged body.
    assert idn.resident_id_check_char(mutated[:17]) != mutated[17]
    with pytest.raises(IdNumberError):
        idn.parse_id(RESIDENT, mutated, today=TODAY)


@given(valid_resident_ids)
def test_changing_a_digit_check_char_to_x_is_rejected(number):
    assume(number[17] != "X")
    with pytest.raises(IdNumberError):
        idn.parse_id(RESIDENT, number[:17] + "X", today=TODAY)


@given(valid_resident_ids, st.integers(0, 15))
def test_adjacent_transposition_in_body_is_rejected(number, pos):
    assume(number[pos] != number[pos + 1])
    swapped = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2 :]
    assert idn.resident_id_check_char(swapped[:17]) != swapped[17]
    with pytest.raises(IdNumberError):
        idn.parse_id(RESIDENT, swapped, today=TODAY)


@given(resident_parts(earliest=date(1900, 1, 1), latest=date(1999, 12, 31)))
def test_15_digit_upgrade_yields_valid_18_digit_number(parts):
    region, born, seq = parts
    legacy = f"{region:06d}{born:%y%m%d}{seq:03d}"
    upgraded = idn.upgrade_15_to_18(legacy)
    assert upgraded == build_resident_id(region, born, seq)
    parsed = idn.parse_id(RESIDENT, upgraded, today=TODAY)
    assert parsed.birth_date == born
    assert idn.parse_id(RESIDENT, legacy, today=TODAY) == parsed


@given(st.sampled_from(["810000", "820000", "830000"]), resident_parts())
def test_generated_hmt_permits_parse(prefix, parts):
    _, born, seq = parts
    first17 = f"{prefix}{born:%Y%m%d}{seq:03d}"
    number = first17 + idn.resident_id_check_char(first17)
    parsed = idn.parse_id(HMT_PERMIT, number, today=TODAY)
    assert (parsed.number, parsed.birth_date, parsed.gender) == (number, born, "M" if seq % 2 else "F")


@given(st.integers(10, 99), st.integers(0, 999), resident_parts())
def test_generated_foreign_permanent_residence_ids_parse(province, nationality, parts):
    _, born, seq = parts
    first17 = f"9{province:02d}{nationality:03d}{born:%Y%m%d}{seq:03d}"
    number = first17 + idn.resident_id_check_char(first17)
    parsed = idn.parse_id(FOREIGN_PR, number, today=TODAY)
    assert (parsed.number, parsed.birth_date, parsed.gender) == (number, born, None)


@given(st.from_regex(r"[A-Z0-9]{4,16}[0-9]", fullmatch=True))
def test_generated_passports_parse(number):
    assert idn.parse_id(PASSPORT, number.lower()).number == number


# --- USCC -------------------------------------------------------------------------------------------


@given(valid_usccs())
def test_generated_usccs_validate(code):
    assert idn.validate_uscc(code) == code
    assert idn.validate_uscc(f" {code.lower()} ") == code


@given(valid_usccs(), st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_any_single_uscc_char_substitution_is_rejected(code, pos, char):
    assume(code[pos] != char)
    mutated = code[:pos] + char + code[pos + 1 :]
    # Every weight is non-zero mod the prime 31 and values differ by less than 31.
    assert idn.uscc_check_char(mutated[:17]) != mutated[17]
    with pytest.raises(IdNumberError):
        idn.validate_uscc(mutated)


# --- certificate numbers ----------------------------------------------------------------------------


@given(
    st.sampled_from("YS"),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
    st.sampled_from(sorted(idn.PROVINCE_CODES)),
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.integers(2000, 2099),
    st.integers(1, 5),
    st.integers(1, 999_999),
)
def test_certificate_number_format_parse_round_trip(org_type, org_code, province, site, year, level, serial):
    text = idn.format_certificate_number(org_type, org_code, province, site, year, level, serial)
    assert len(text) == 22
    cert = idn.parse_certificate_number(text)
    year2 = f"{year % 100:02d}"
    assert cert == idn.CertificateNumber(org_type, org_code, province, site, year2, level, serial)
    assert cert.text == text
    assert idn.parse_any_certificate_number(text.lower()) == cert


@given(
    st.from_regex(r"[0-9]{2}", fullmatch=True),
    st.sampled_from(sorted(idn.PROVINCE_CODES)),
    st.from_regex(r"[0-9]{2}", fullmatch=True),
    st.from_regex(r"[0-9]", fullmatch=True),
    st.from_regex(r"[0-9]{3}", fullmatch=True),
    st.integers(1, 5),
    st.integers(0, 99_999),
)
def test_legacy_certificate_number_round_trip(year2, province, city, inst_type, inst_serial, level, serial):
    cert = idn.LegacyCertificateNumber(year2, province, city, inst_type, inst_serial, level, serial)
    assert len(cert.text) == 16
    assert idn.parse_legacy_certificate_number(cert.text) == cert
    assert idn.parse_any_certificate_number(cert.text) == cert


# --- robustness on arbitrary text -------------------------------------------------------------------

PARSERS = [
    *[lambda raw, t=t: idn.parse_id(t, raw, today=TODAY) for t in ID_TYPES],
    idn.validate_uscc,
    idn.parse_certificate_number,
    idn.parse_legacy_certificate_number,
    idn.parse_any_certificate_number,
    idn.validate_mobile,
    idn.upgrade_15_to_18,
    idn.resident_id_check_char,
    idn.uscc_check_char,
]


@pytest.mark.parametrize("parser", PARSERS)
@given(raw=st.text())
def test_parsers_raise_only_id_number_errors_on_arbitrary_text(parser, raw):
    try:
        parser(raw)
    except IdNumberError as exc:
        assert exc.message


@pytest.mark.parametrize("parser", PARSERS)
@given(raw=st.text(alphabet="0123456789xXYSE.+- ０１２３４５６７８９\u3000", max_size=25))
def test_parsers_raise_only_id_number_errors_on_number_like_text(parser, raw):
    try:
        parser(raw)
    except IdNumberError as exc:
        assert exc.message


@given(st.text())
def test_helpers_never_raise_on_arbitrary_text(raw):
    normal = idn.normalize_text(raw)
    assert not any(ch.isspace() for ch in normal)
    assert isinstance(idn.detect_excel_mangling(raw), bool)
    assert len(idn.mask_id(raw)) == len(raw)
    assert len(idn.mask_phone(raw)) == len(raw)


@given(st.text(alphabet=st.characters(blacklist_characters="*"), min_size=1))
def test_mask_id_hides_at_least_half_and_keeps_only_ends(number):
    masked = idn.mask_id(number)
    hidden = masked.count("*")
    assert hidden >= len(number) / 2
    kept = (len(number) - hidden) // 2
    assert masked == number[:kept] + "*" * hidden + number[len(number) - kept :]
    if len(number) >= 16:
        assert kept == 4


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", "+86", "86", "+86 ", "0086"]))
def test_generated_mobiles_validate_and_mask(mobile, prefix):
    spaced = f"{prefix}{mobile[:3]}-{mobile[3:7]} {mobile[7:]}"
    assert idn.validate_mobile(spaced) == mobile
    assert idn.mask_phone(mobile) == mobile[:3] + "****" + mobile[7:]


# 22 characters drawn mostly from what a number is made of, so that many are valid and the rest fail on
# one part (letter, province, level digit, serial 000000) rather than all at once.
near_certificate_numbers = st.builds(
    lambda first, org, province, rest, level, serial: f"{first}{org}{province}{rest}{level}{serial}",
    st.sampled_from("YSXy0"), st.text(DIGITS, min_size=4, max_size=4),
    st.sampled_from(["21", "11", "65", "00", "99", "2A"]), st.text(DIGITS + "O", min_size=8, max_size=8),
    st.sampled_from("012345689"), st.sampled_from(["000000", "000001", "999999"]) | st.text(DIGITS, min_size=6,
                                                                                            max_size=6))


@given(near_certificate_numbers | st.text(min_size=22, max_size=22))
def test_is_certificate_number_agrees_with_the_parser(text):
    assume(idn.normalize_text(text) == text)  # the fast check is for already-normalised text
    try:
        idn.parse_certificate_number(text)
    except IdNumberError:
        parsed = False
    else:
        parsed = True
    assert idn.is_certificate_number(text) is parsed


def test_is_certificate_number_examples():
    assert idn.is_certificate_number("S000021210001261101401")
    assert not idn.is_certificate_number("S000029910001261101401")  # no province 99
    assert not idn.is_certificate_number("S000021210001261000000")  # serial 000000
    assert not idn.is_certificate_number("S000021210001266101401")  # level digit 6
    assert not idn.is_certificate_number("X000021210001261101401")
