"""Pure checks of identity numbers: resident IDs, permits, passports, credit codes, certificates, phones.

Flask-free and database-free so that every feature may use it (a low module: it imports no feature).
Validators raise `IdNumberError`, whose `message` is a marked `Message` (English text, translated at the edge)
that says exactly what is wrong. The modules, one per kind of number:

- `errors`: `IdNumberError` and the reading of raw input (full-width folding, Excel-mangled numbers);
- `resident`: GB 11643 resident ID check character, legacy 15-digit numbers, birth dates;
- `documents`: the ID types and their labels, `parse_id` for every identity document;
- `uscc`: the unified social credit code (GB 32100);
- `certificate_numbers`: 22-character skill-level certificate numbers and legacy 16-digit ones;
- `phones` and `masking`: mobile numbers, and masking numbers in lists and public pages.
"""

from app.idnumbers.certificate_numbers import (
    PROVINCE_CODES,
    CertificateNumber,
    LegacyCertificateNumber,
    format_certificate_number,
    is_certificate_number,
    parse_any_certificate_number,
    parse_certificate_number,
    parse_legacy_certificate_number,
)
from app.idnumbers.documents import (
    FOREIGN_PR,
    HMT_PERMIT,
    ID_TYPE_LABELS,
    ID_TYPES,
    PASSPORT,
    RESIDENT,
    ParsedId,
    parse_id,
)
from app.idnumbers.errors import IdNumberError, detect_excel_mangling, normalize_text
from app.idnumbers.masking import mask_id, mask_phone
from app.idnumbers.phones import validate_mobile
from app.idnumbers.resident import resident_id_check_char, upgrade_15_to_18
from app.idnumbers.uscc import uscc_check_char, validate_uscc

__all__ = [
    "FOREIGN_PR",
    "HMT_PERMIT",
    "ID_TYPES",
    "ID_TYPE_LABELS",
    "PASSPORT",
    "PROVINCE_CODES",
    "RESIDENT",
    "CertificateNumber",
    "IdNumberError",
    "LegacyCertificateNumber",
    "ParsedId",
    "detect_excel_mangling",
    "format_certificate_number",
    "is_certificate_number",
    "mask_id",
    "mask_phone",
    "normalize_text",
    "parse_any_certificate_number",
    "parse_certificate_number",
    "parse_id",
    "parse_legacy_certificate_number",
    "resident_id_check_char",
    "upgrade_15_to_18",
    "uscc_check_char",
    "validate_mobile",
    "validate_uscc",
]
