"""The certificate typeface: Noto Serif CJK SC cut down to GB 2312, built once with HarfBuzz.

Subsetting the full Noto Serif CJK face (65,000 glyphs) into each PDF costs about 33 ms of CPU a
certificate; subsetting a face that already holds only GB 2312 (6,763 hanzi, what nearly every name
and every printed label uses) costs about 8 ms.  The designs name this face first and the full
system face second, so a rare character outside GB 2312 (e.g. 龑) still prints, from the full face.

The file is derived from the installed font, not committed: ``build_font()`` takes about 0.3 s and
runs at setup (``python -m app.certification.fonts``) or at the first render of a process.
"""

from __future__ import annotations

import logging
import subprocess
import threading
from functools import lru_cache
from pathlib import Path

from cffi import FFI

from app.filestore import write_atomically

CERTIFICATES_DIR = Path(__file__).resolve().parents[2] / "certificates"
FONT_PATH = CERTIFICATES_DIR / "fonts" / "JiangcaiSerif-GB2312.otf"
SOURCE_FAMILY = "Noto Serif CJK SC"
LOGGER = logging.getLogger(__name__)
_BUILD_LOCK = threading.Lock()

_ffi = FFI()
_ffi.cdef("""
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef uint32_t hb_codepoint_t;
hb_blob_t *hb_blob_create_from_file_or_fail(const char *file_name);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
unsigned int hb_face_get_glyph_count(const hb_face_t *face);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
hb_set_t *hb_subset_input_unicode_set(hb_subset_input_t *input);
void hb_set_add(hb_set_t *set, hb_codepoint_t codepoint);
void hb_set_add_range(hb_set_t *set, hb_codepoint_t first, hb_codepoint_t last);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
void hb_blob_destroy(hb_blob_t *blob);
void hb_face_destroy(hb_face_t *face);
void hb_subset_input_destroy(hb_subset_input_t *input);
""")

# Besides GB 2312: ASCII, Latin-1, general punctuation, CJK symbols and full-width forms.
_EXTRA_RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x2027), (0x3000, 0x303F), (0xFF01, 0xFF5E))


def gb2312_characters() -> set[int]:
    """Every code point that GB 2312 encodes (symbols, kana, Cyrillic, Greek and 6,763 hanzi)."""
    found: set[int] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def locate_source_font(family: str = SOURCE_FAMILY) -> tuple[str, int]:
    """Return (file, face index) of the installed font fontconfig picks for ``family``."""
    out = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{family}", family],
                         capture_output=True, text=True, check=True).stdout
    path, index, families = out.split("\t")
    if family not in families.split(","):
        raise RuntimeError(f"font {family!r} is not installed (fontconfig offered {families!r})")
    return path, int(index)


def _subset(source: str, index: int, codepoints: set[int]) -> bytes:
    lib = _ffi.dlopen("libharfbuzz-subset.so.0")
    blob = lib.hb_blob_create_from_file_or_fail(source.encode())
    if blob == _ffi.NULL:
        raise RuntimeError(f"cannot read font file {source}")
    face = lib.hb_face_create(blob, index)
    subset_input = lib.hb_subset_input_create_or_fail()
    try:
        unicodes = lib.hb_subset_input_unicode_set(subset_input)
        for codepoint in sorted(codepoints):
            lib.hb_set_add(unicodes, codepoint)
        for first, last in _EXTRA_RANGES:
            lib.hb_set_add_range(unicodes, first, last)
        result = lib.hb_subset_or_fail(face, subset_input)
        if result == _ffi.NULL:
            raise RuntimeError("HarfBuzz could not subset the certificate font")
        out_blob = lib.hb_face_reference_blob(result)
        length = _ffi.new("unsigned int *")
        data = _ffi.buffer(lib.hb_blob_get_data(out_blob, length), length[0])[:]
        lib.hb_blob_destroy(out_blob)
        lib.hb_face_destroy(result)
        return data
    finally:
        lib.hb_subset_input_destroy(subset_input)
        lib.hb_face_destroy(face)
        lib.hb_blob_destroy(blob)


def build_font(target: Path = FONT_PATH) -> Path:
    """Write the GB 2312 cut of the certificate face to ``target`` (atomically) and return it."""
    source, index = locate_source_font()
    data = _subset(source, index, gb2312_characters())
    write_atomically(target, data)  # renderers in other processes never read a half-written font
    return target


@lru_cache(maxsize=1)
def ensure_font() -> bool:
    """Build the certificate face if it is missing; False (designs fall back to the full face) if impossible."""
    with _BUILD_LOCK:
        if FONT_PATH.is_file():
            return True
        try:
            build_font()
        except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
            # Certificates still render correctly from the full system face, only ~30 ms slower.
            LOGGER.warning("certificate font not built, rendering with the full face: %s", error)
            return False
        return True


if __name__ == "__main__":
    print(build_font())
