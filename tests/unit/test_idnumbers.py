"""Example vectors for app.idnumbers: every branch with the exact message (English msgid, Chinese catalogue)."""

from datetime import date

import pytest

from app import idnumbers as idn
from app.idnumbers import (
    FOREIGN_PR,
    HMT_PERMIT,
    PASSPORT,
    RESIDENT,
    CertificateNumber,
    IdNumberError,
    LegacyCertificateNumber,
    ParsedId,
)
from app.translation import Message, in_chinese

TODAY = date(2025, 6, 1)


def _with_check(first17: str) -> str:
    return first17 + idn.resident_id_check_char(first17)


def _error(func, *args, **kwargs) -> Message:
    with pytest.raises(IdNumberError) as info:
        func(*args, **kwargs)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value.message, Message)
    assert str(info.value) == info.value.message
    return info.value.message


# --- normalisation and Excel ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
        ("  1101 0519 4912 3100 2x ", "11010519491231002X"),
        ("\u3000110105\u200b19491231002X\ufeff", "11010519491231002X"),
        ("e１２３", "E123"),
        ("", ""),
    ],
)
def test_normalize_text_folds_width_drops_spaces_and_uppercases(raw, expected):
    assert idn.normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "mangled"),
    [
        ("2.10102E+17", True),
        ("2.10102e+17", True),
        ("2.10102199001011E+17", True),
        ("1E+17", True),
        ("210102199001011234.0", True),
        (" 210102199001011234.0 ", True),
        ("210102199001011234", False),
        ("12E45", False),  # a plausible passport number, not a float
        ("E12345678", False),
        ("", False),
    ],
)
def test_detect_excel_mangling(raw, mangled):
    assert idn.detect_excel_mangling(raw) is mangled


def test_parse_id_names_excel_scientific_notation():
    message = _error(idn.parse_id, RESIDENT, "2.10102E+17", today=TODAY)
    assert message == "ID number looks as if Excel turned it into scientific notation (2.10102E+17): format that column as text and enter it again."
    assert "2.10102e+17" in _error(idn.parse_id, RESIDENT, "2.10102e+17", today=TODAY)


def test_parse_id_names_excel_float():
    message = _error(idn.parse_id, RESIDENT, "210102199001011234.0", today=TODAY)
    assert message == "ID number looks as if Excel turned it into a number (210102199001011234.0): format that column as text and enter it again."


def test_other_parsers_also_catch_excel_mangling():
    assert "scientific notation (1.82101E+15)" in _error(idn.parse_legacy_certificate_number, "1.82101E+15")
    assert "scientific notation (9.1110E+17)" in _error(idn.validate_uscc, "9.1110E+17")
    assert "turned it into a number (13812345678.0)" in _error(idn.validate_mobile, "13812345678.0")


# --- resident ID ------------------------------------------------------------------------------------


def test_resident_id_check_char_known_vectors():
    assert idn.resident_id_check_char("11010519491231002") == "X"
    assert idn.resident_id_check_char("36042619910101007") == "1"


@pytest.mark.parametrize("bad", ["1101051949123100", "1101051949123100A", "110105194912310029", ""])
def test_resident_id_check_char_rejects_non_17_digits(bad):
    assert _error(idn.resident_id_check_char, bad) == "Computing the check character needs 17 digits."


def test_valid_resident_ids_parse_with_birth_date_and_gender():
    assert idn.parse_id(RESIDENT, "11010519491231002X", today=TODAY) == ParsedId(
        RESIDENT, "11010519491231002X", date(1949, 12, 31), "F"
    )
    assert idn.parse_id(RESIDENT, "360426199101010071", today=TODAY) == ParsedId(
        RESIDENT, "360426199101010071", date(1991, 1, 1), "M"
    )


def test_lowercase_x_and_full_width_are_accepted_and_normalised():
    assert idn.parse_id(RESIDENT, "11010519491231002x", today=TODAY).number == "11010519491231002X"
    assert (
        idn.parse_id(RESIDENT, "１１０１０５１９４９１２３１００２Ｘ", today=TODAY).number
        == "11010519491231002X"
    )


def test_wrong_check_char_names_expected_and_actual():
    message = _error(idn.parse_id, RESIDENT, "110105194912310029", today=TODAY)
    assert message == "Resident ID card: the check character of the number should be X, not 9."


def test_today_defaults_to_the_real_date():
    assert idn.parse_id(RESIDENT, "360426199101010071").birth_date == date(1991, 1, 1)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("   ", "ID number must not be empty."),
        ("11010519491231002", "A resident ID number has 18 characters (or 15 digits for an old number), not 17."),
        ("1101051949123100X", "A resident ID number has 18 characters (or 15 digits for an old number), not 17."),
        ("11010A491231002", "A legacy 15-digit resident ID number must be all digits."),
        ("1101051949A231002X", "Resident ID card: the first 17 characters of the number must be digits; found “A”."),
        ("11010519491231002Y", "Resident ID card: the last character of the number must be a digit or X, not “Y”."),
        ("010105194912310021", "Region code 010105 of the resident ID number is invalid: its first digit must be 1–8."),
        ("910105194912310021", "Region code 910105 of the resident ID number is invalid: its first digit must be 1–8."),
    ],
)
def test_resident_id_shape_errors(raw, message):
    assert _error(idn.parse_id, RESIDENT, raw, today=TODAY) == message


def test_resident_id_birth_date_must_be_real():
    raw = _with_check("11010519490230002")
    assert _error(idn.parse_id, RESIDENT, raw, today=TODAY) == "Birth date 19490230 is not a real date."


def test_resident_id_birth_date_not_in_future():
    raw = _with_check("21010220250602001")
    message = _error(idn.parse_id, RESIDENT, raw, today=TODAY)
    assert message == "Birth date 2025-06-02 is later than today (2025-06-01)."
    assert idn.parse_id(RESIDENT, raw, today=date(2025, 6, 2)).birth_date == date(2025, 6, 2)


def test_resident_id_birth_date_not_before_1900():
    raw = _with_check("21010218991231001")
    assert _error(idn.parse_id, RESIDENT, raw, today=TODAY) == "Birth date 1899-12-31 is before 1900."
    assert idn.parse_id(RESIDENT, _with_check("21010219000101001"), today=TODAY).gender == "M"


def test_upgrade_15_to_18_matches_known_vector():
    assert idn.upgrade_15_to_18("110105491231002") == "11010519491231002X"


def test_parse_id_upgrades_legacy_15_digit_number():
    parsed = idn.parse_id(RESIDENT, "110105491231002", today=TODAY)
    assert parsed == ParsedId(RESIDENT, "11010519491231002X", date(1949, 12, 31), "F")


@pytest.mark.parametrize("bad", ["11010549123100", "11010549123100X", "1101054912310021"])
def test_upgrade_15_to_18_rejects_other_shapes(bad):
    assert _error(idn.upgrade_15_to_18, bad) == f"A legacy resident ID number has 15 digits, not “{bad}”."


def test_legacy_15_digit_number_with_bad_date_fails():
    assert _error(idn.parse_id, RESIDENT, "110105491331002", today=TODAY) == "Birth date 19491331 is not a real date."


# --- other identity documents -----------------------------------------------------------------------


def test_hmt_permit_valid_for_all_three_prefixes():
    for prefix, gender in (("810000", "M"), ("820000", "F"), ("830000", "M")):
        seq = "001" if gender == "M" else "002"
        raw = _with_check(f"{prefix}19850315{seq}")
        assert idn.parse_id(HMT_PERMIT, raw, today=TODAY) == ParsedId(
            HMT_PERMIT, raw, date(1985, 3, 15), gender
        )


def test_hmt_permit_rejects_other_prefix_and_bad_check():
    resident = "360426199101010071"
    assert (
        _error(idn.parse_id, HMT_PERMIT, resident, today=TODAY)
        == "A Hong Kong, Macao and Taiwan residence permit number starts with 810000, 820000 or 830000, not 360426."
    )
    raw = _with_check("81000019850315001")
    wrong = raw[:17] + ("0" if raw[17] != "0" else "1")
    assert (
        _error(idn.parse_id, HMT_PERMIT, wrong, today=TODAY)
        == f"Hong Kong, Macao and Taiwan residence permit: the check character of the number should be {raw[17]}, "
        f"not {wrong[17]}."
    )
    assert (
        _error(idn.parse_id, HMT_PERMIT, "8100001985", today=TODAY)
        == "Hong Kong, Macao and Taiwan residence permit: the number must have 18 characters, not 10."
    )


def test_foreign_permanent_residence_2023_format():
    raw = _with_check("93184019800704001")
    parsed = idn.parse_id(FOREIGN_PR, raw, today=TODAY)
    assert parsed == ParsedId(FOREIGN_PR, raw, date(1980, 7, 4), None)


def test_foreign_permanent_residence_errors():
    resident = "360426199101010071"
    assert "starts with 9, not 3." in _error(idn.parse_id, FOREIGN_PR, resident, today=TODAY)
    assert _error(idn.parse_id, FOREIGN_PR, _with_check("93184019800230001"), today=TODAY) == (
        "Birth date 19800230 is not a real date."
    )
    assert "Foreign permanent resident ID card: the number must have 18 characters" in _error(
        idn.parse_id, FOREIGN_PR, "USA310180704001", today=TODAY
    )


@pytest.mark.parametrize(
    ("raw", "number"), [("E12345678", "E12345678"), ("ｅ１２３ ４５", "E12345"), ("12345", "12345")]
)
def test_passport_valid(raw, number):
    assert idn.parse_id(PASSPORT, raw) == ParsedId(PASSPORT, number, None, None)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("E123", "A passport number has 5–17 characters, not 4."),
        ("E12345678901234567", "A passport number has 5–17 characters, not 18."),
        ("E1234/567", "A passport number may contain only letters and digits; found “/”."),
        ("ABCDEFG", "A passport number contains at least one digit."),
    ],
)
def test_passport_errors(raw, message):
    assert _error(idn.parse_id, PASSPORT, raw) == message


def test_unknown_id_type_is_refused():
    assert _error(idn.parse_id, "drivers_licence", "123456") == "Unsupported ID type: drivers_licence."


def test_id_type_labels_cover_every_type():
    assert set(idn.ID_TYPE_LABELS) == set(idn.ID_TYPES) == {RESIDENT, HMT_PERMIT, FOREIGN_PR, PASSPORT}
    assert all(isinstance(label, Message) for label in idn.ID_TYPE_LABELS.values())
    assert idn.ID_TYPE_LABELS[RESIDENT] == "Resident ID card"
    # The catalogue gives the Chinese labels that certificates and tickets print.
    assert in_chinese(idn.ID_TYPE_LABELS[RESIDENT]) == "居民身份证"
    assert in_chinese(idn.ID_TYPE_LABELS[HMT_PERMIT]) == "港澳台居民居住证"
    assert in_chinese(idn.ID_TYPE_LABELS[FOREIGN_PR]) == "外国人永久居留身份证"
    assert in_chinese(idn.ID_TYPE_LABELS[PASSPORT]) == "护照"


def test_the_chinese_catalogue_keeps_the_original_wording_with_labels_inside():
    message = _error(idn.parse_id, RESIDENT, "110105194912310029", today=TODAY)
    assert in_chinese(message) == "居民身份证号码校验位应为 X，实际为 9"
    message = _error(idn.parse_id, RESIDENT, "2.10102E+17", today=TODAY)
    assert in_chinese(message) == "证件号码疑似被 Excel 转为科学计数法（2.10102E+17），请将该列设为文本格式后重新填写"
    message = _error(idn.format_certificate_number, "S", "0000", "21", "000123", 2024, 6, 1)
    assert in_chinese(message) == "等级代码应为 1–5 的整数，实际为 6"


# --- USCC -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["91110000600037341L", "91350100M000100Y43"])
def test_uscc_known_valid_vectors(code):
    assert idn.validate_uscc(code) == code
    assert idn.validate_uscc(code.lower()) == code
    assert idn.uscc_check_char(code[:17]) == code[17]


def test_uscc_check_char_hand_computed_for_authority_a():
    # Values A=10,1,1,1,0,0,0,0,6,0,0,0,3,7,3,4,1 times the weights sum to 539; 539 mod 31 = 12;
    # 31 - 12 = 19, which is K in the alphabet without I, O, S, V, Z.
    assert idn.uscc_check_char("A1110000600037341") == "K"
    assert idn.validate_uscc("A1110000600037341K") == "A1110000600037341K"


@pytest.mark.parametrize("authority", ["A", "N", "Y", "1", "5", "9"])
def test_uscc_accepts_every_legal_authority_when_checksum_right(authority):
    first17 = authority + "2210102MA0XY1234"
    code = first17 + idn.uscc_check_char(first17)
    assert idn.validate_uscc(code) == code


@pytest.mark.parametrize("authority", ["0", "B", "C", "M", "X"])
def test_uscc_rejects_other_authorities(authority):
    first17 = authority + "1110000600037341"
    code = first17 + idn.uscc_check_char(first17)
    message = _error(idn.validate_uscc, code)
    assert message == (
        "The first character of a unified social credit code (the registering authority) must be 1–9, A, N or Y, "
        f"not {authority}."
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("9111000060003734", "A unified social credit code has 18 characters, not 16."),
        ("91110000600037341I", "The unified social credit code contains the invalid character “I” (use digits and capital letters other than I, O, Z, S and V)."),
        ("91110000600037341O", "The unified social credit code contains the invalid character “O” (use digits and capital letters other than I, O, Z, S and V)."),
        ("91110000600037341K", "The check character of the unified social credit code should be L, not K."),
        ("", "Unified social credit code must not be empty."),
    ],
)
def test_uscc_errors(raw, message):
    assert _error(idn.validate_uscc, raw) == message


def test_uscc_check_char_check_value_31_maps_to_zero():
    # Seventeen zeros sum to 0; 31 - 0 = 31, which the standard maps to 0.
    assert idn.uscc_check_char("0" * 17) == "0"


def test_uscc_check_char_rejects_bad_input():
    expected = "Computing the check character needs 17 valid credit-code characters."
    assert _error(idn.uscc_check_char, "9111000060003734") == expected
    assert _error(idn.uscc_check_char, "9111000060003734I") == expected


# --- certificate numbers ----------------------------------------------------------------------------


def test_format_certificate_number_pads_and_takes_last_two_year_digits():
    assert idn.format_certificate_number("S", "0000", "21", "000123", 2024, 4, 17) == "S000021000123244000017"
    assert idn.format_certificate_number("Y", "1234", "11", "987654", "2021", 1, 999_999) == (
        "Y123411987654211999999"
    )
    assert idn.format_certificate_number("Y", "1234", "11", "987654", "09", 5, 1) == "Y123411987654095000001"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("X", "0000", "21", "000123", 2024, 4, 1), "must be Y (employer) or S (social training and evaluation organisation)"),
        (("S", "000", "21", "000123", 2024, 4, 1), "Evaluation organisation code must be 4 digits"),
        (("S", "0000", "99", "000123", 2024, 4, 1), "Province code 99 is not a valid province-level region code."),
        (("S", "0000", "2", "000123", 2024, 4, 1), "Province code must be 2 digits"),
        (("S", "0000", "21", "12345", 2024, 4, 1), "Evaluation organisation site code must be 6 digits"),
        (("S", "0000", "21", "000123", 1999, 4, 1), "The issue year must be a year from 2000 to 2099 or two digits"),
        (("S", "0000", "21", "000123", 2024, 0, 1), "Level code must be a whole number from 1 to 5, not 0."),
        (("S", "0000", "21", "000123", 2024, 6, 1), "Level code must be a whole number from 1 to 5, not 6."),
        (("S", "0000", "21", "000123", 2024, True, 1), "Level code must be a whole number from 1 to 5"),
        (("S", "0000", "21", "000123", 2024, 4, 0), "Certificate serial number must be a whole number from 1 to 999999, not 0."),
        (("S", "0000", "21", "000123", 2024, 4, 1_000_000), "Certificate serial number must be a whole number from 1 to 999999"),
    ],
)
def test_format_certificate_number_rejects_bad_parts(args, fragment):
    assert fragment in _error(idn.format_certificate_number, *args)


def test_parse_certificate_number():
    cert = idn.parse_certificate_number(" s0000 2100 0123 2440 0001 7 ")
    assert cert == CertificateNumber("S", "0000", "21", "000123", "24", 4, 17)
    assert cert.text == "S000021000123244000017"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("S00002100012324400001", "A skill-level certificate number has 22 characters, not 21."),
        ("X000021000123244000017", "The first character of a certificate number must be Y or S, not “X”."),
        ("S0000210001232A4000017", "Character 15 of the certificate number must be a digit, not “A”."),
        ("S000021000123246000017", "Character 16 of the certificate number, the level code, must be 1–5, not 6."),
        ("S000021000123240000017", "Character 16 of the certificate number, the level code, must be 1–5, not 0."),
        ("S000021000123244000000", "The last 6 digits of a certificate number, the serial, cannot be 000000."),
        ("S000099000123244000017", "Province code 99 is not a valid province-level region code."),
    ],
)
def test_parse_certificate_number_errors(raw, message):
    assert _error(idn.parse_certificate_number, raw) == message


def test_parse_legacy_certificate_number():
    cert = idn.parse_legacy_certificate_number("1821010010300012")
    assert cert == LegacyCertificateNumber("18", "21", "01", "0", "010", 3, 12)
    assert cert.text == "1821010010300012"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("182101001030001", "A legacy vocational qualification certificate number has 16 digits, not “182101001030001”."),
        ("18210100103000A2", "A legacy vocational qualification certificate number has 16 digits, not “18210100103000A2”."),
        ("1821010010600012", "Digit 11 of a legacy vocational qualification certificate number, the level code, must be 1–5, not 6."),
        ("1821010010000012", "Digit 11 of a legacy vocational qualification certificate number, the level code, must be 1–5, not 0."),
        ("1800010010300012", "Province code 00 is not a valid province-level region code."),
    ],
)
def test_parse_legacy_certificate_number_errors(raw, message):
    assert _error(idn.parse_legacy_certificate_number, raw) == message


def test_parse_any_certificate_number_dispatches_on_shape():
    assert isinstance(idn.parse_any_certificate_number("Y000021000123244000017"), CertificateNumber)
    assert isinstance(idn.parse_any_certificate_number("1821010010300012"), LegacyCertificateNumber)
    assert _error(idn.parse_any_certificate_number, "1234567") == (
        "A certificate number has 22 characters (a skill-level certificate starting with Y or S) or 16 digits (a legacy vocational qualification certificate), not 7."
    )
    assert (
        _error(idn.parse_any_certificate_number, "A000021000123244000017")
        == "The first character of a certificate number must be Y or S, not “A”."
    )


def test_province_codes_are_the_34_province_level_codes():
    assert len(idn.PROVINCE_CODES) == 34
    assert {"21", "11", "65", "71", "81", "82"} <= idn.PROVINCE_CODES
    assert not {"00", "10", "16", "24", "38", "47", "55", "66", "83", "99"} & idn.PROVINCE_CODES


# --- masking and phones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("21010219900101123X", "2101**********123X"),
        ("E12345678", "E1*****78"),
        ("12345", "1***5"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_mask_id(number, masked):
    assert idn.mask_id(number) == masked


def test_mask_phone():
    assert idn.mask_phone("13812345678") == "138****5678"
    assert idn.mask_phone("02412345678") == "024****5678"
    assert idn.mask_phone("024-2345678") == "024****5678"
    assert idn.mask_phone("12345678") == "12****78"


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        " 138 1234 5678 ",
        "138-1234-5678",
        "+8613812345678",
        "+86 138 1234 5678",
        "8613812345678",
        "008613812345678",
        "１３８１２３４５６７８",
    ],
)
def test_validate_mobile_accepts_common_spellings(raw):
    assert idn.validate_mobile(raw) == "13812345678"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1381234567", "A mobile number has 11 digits, not 10."),
        ("138123456789", "A mobile number has 11 digits, not 12."),
        ("12812345678", "A mobile number starts with 13–19, not 12."),
        ("23812345678", "A mobile number starts with 13–19, not 23."),
        ("138(1234)5678", "A mobile number may contain only digits."),
        ("", "Mobile number must not be empty."),
    ],
)
def test_validate_mobile_errors(raw, message):
    assert _error(idn.validate_mobile, raw) == message
