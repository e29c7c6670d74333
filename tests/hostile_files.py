"""Hostile uploads, built in memory and small: a million-row workbook and CSV, a zip bomb, sheets without a
dimension, too wide, with too many parts, a row far down, a flood of empty rows.

The zip is written by hand (local headers, directory, end record) so that a part's deflated bytes can be
repeated: a 1 MB run of rows deflated once with a full flush compresses to the same bytes every time, so a
1 GB sheet costs a CRC and about 1 MB, not a gigabyte of compression.
"""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'</Types>')
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="xl/workbook.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    b'</Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>').encode()
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    b'</Relationships>')
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>证件号码</t></is></c></row>')
MILLION = 1_000_000


@dataclass(frozen=True)
class Part:
    """One zip entry: its name, packed bytes, CRC-32 and unpacked size as the directory declares them."""

    name: str
    packed: bytes
    crc: int
    size: int
    method: int = 8  # deflated


def deflated(name: str, chunks: Iterable[bytes], level: int = 6) -> Part:
    """A part deflated as it is written, chunk by chunk (nothing the size of the part is held)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    packed, crc, size = [], 0, 0
    for chunk in chunks:
        packed.append(packer.compress(chunk))
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
    packed.append(packer.flush())
    return Part(name, b"".join(packed), crc, size)


def repeated(name: str, head: bytes, chunk: bytes, times: int, tail: bytes) -> Part:
    """head + chunk × times + tail, deflated at the cost of one chunk: after a full flush the compressor starts
    afresh, so the chunk's deflated bytes are the same every time and are simply repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return Part(name, first + block * times + last, crc, len(head) + len(chunk) * times + len(tail))


def zip_of(parts: Iterable[Part]) -> bytes:
    """A zip archive of the parts, written by hand (no zip64: every part stays under 4 GB)."""
    body, directory = bytearray(), bytearray()
    count = 0
    for part in parts:
        name = part.name.encode()
        offset = len(body)
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x800, part.method, 0, 0x21, part.crc,
                            len(part.packed), part.size, len(name), 0) + name + part.packed
        directory += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0x800, part.method, 0, 0x21,
                                 part.crc, len(part.packed), part.size, len(name), 0, 0, 0, 0, 0, offset) + name
        count += 1
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(body), 0)
    return bytes(body + directory + end)


def workbook_of(sheet: Part, *extra: Part) -> bytes:
    """A workbook whose first sheet is `sheet` (named xl/worksheets/sheet1.xml)."""
    return zip_of([deflated("[Content_Types].xml", [CONTENT_TYPES]), deflated("_rels/.rels", [ROOT_RELS]),
                   deflated("xl/workbook.xml", [WORKBOOK]), deflated("xl/_rels/workbook.xml.rels", [WORKBOOK_RELS]),
                   sheet, *extra])


def sheet_head(dimension: str | None = None) -> bytes:
    """The start of a sheet's XML up to and including its header row."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{declared}<sheetData>{HEADER_ROW}'.encode()


SHEET_TAIL = b"</sheetData></worksheet>"


def person_row(number: int) -> str:
    """A data row with a name and a made-up number (invalid: no import accepts it, none should get that far)."""
    return (f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>王{number}</t></is></c>'
            f'<c r="B{number}" t="inlineStr"><is><t>{number:018d}</t></is></c></row>')


def sheet_of_rows(rows: int, dimension: str | None = None, row: Callable[[int], str] = person_row) -> Part:
    """A sheet of a header and `rows` data rows, streamed into the deflater 10,000 rows at a time."""
    def chunks():
        yield sheet_head(dimension)
        for start in range(2, rows + 2, 10_000):
            yield "".join(row(n) for n in range(start, min(start + 10_000, rows + 2))).encode()
        yield SHEET_TAIL
    return deflated("xl/worksheets/sheet1.xml", chunks(), level=9)


@cache
def million_rows_xlsx() -> bytes:
    """A workbook of a header and 1,000,000 data rows with an honest dimension (A1:B1000001): a few MB."""
    return workbook_of(sheet_of_rows(MILLION, f"A1:B{MILLION + 1}", row=_short_row))


def _short_row(number: int) -> str:
    return f'<row r="{number}"><c><v>{number}</v></c><c><v>1</v></c></row>'


@cache
def zip_bomb_xlsx() -> bytes:
    """About 1 MB that unpacks to a 1 GB sheet of identical rows, without a dimension."""
    row = '<row><c t="inlineStr"><is><t>王五</t></is></c><c t="inlineStr"><is><t>210102199003071233</t></is></c></row>'
    chunk = (row * (1024 * 1024 // len(row.encode()))).encode()
    return workbook_of(repeated("xl/worksheets/sheet1.xml", sheet_head(), chunk, 1024 * 1024 * 1024 // len(chunk),
                                SHEET_TAIL))


@cache
def million_rows_csv() -> bytes:
    """A header and 1,000,000 short rows of CSV (about 15 MB: under the 20 MB limit, so the row cap must act)."""
    return ("姓名,证件号码\n" + "".join(f"王{n},{n}\n" for n in range(MILLION))).encode()


def rows_without_dimension(rows: int) -> bytes:
    """A workbook whose sheet has no <dimension>: only streaming can tell how long it is."""
    return workbook_of(sheet_of_rows(rows))


def lying_dimension(rows: int) -> bytes:
    """A workbook whose dimension says A1:B2 whatever it holds."""
    return workbook_of(sheet_of_rows(rows, "A1:B2"))


def declared_rows(rows: int) -> bytes:
    """A workbook of three rows whose dimension declares `rows` rows."""
    return workbook_of(sheet_of_rows(2, f"A1:B{rows}"))


def too_wide(columns: int = 300) -> bytes:
    """A workbook whose dimension declares `columns` columns and whose header row fills them."""
    from openpyxl.utils import get_column_letter

    last = get_column_letter(columns)
    cells = "".join(f'<c r="{get_column_letter(c)}1" t="inlineStr"><is><t>列{c}</t></is></c>'
                    for c in range(1, columns + 1))
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><dimension ref="A1:{last}1"/>'
           f'<sheetData><row r="1">{cells}</row></sheetData></worksheet>').encode()
    return workbook_of(deflated("xl/worksheets/sheet1.xml", [xml]))


def wide_without_dimension(columns: int = 300) -> bytes:
    """A sheet without a dimension whose second row has a value in column `columns`."""
    from openpyxl.utils import get_column_letter

    cell = f'<row r="2"><c r="{get_column_letter(columns)}2"><v>1</v></c></row>'
    return workbook_of(deflated("xl/worksheets/sheet1.xml", [sheet_head(), cell.encode(), SHEET_TAIL]))


def endless_row(cells: int = 100_000) -> bytes:
    """A sheet whose second row holds `cells` empty cell elements."""
    return workbook_of(deflated("xl/worksheets/sheet1.xml",
                                [sheet_head(), b'<row r="2">', b"<c/>" * cells, b"</row>", SHEET_TAIL]))


def far_row(number: int = MILLION) -> bytes:
    """A header and one row numbered `number`, without a dimension."""
    return workbook_of(sheet_of_rows(1, row=lambda _: person_row(number)))


def empty_rows(rows: int) -> bytes:
    """A header and `rows` formatted but empty rows, without a dimension."""
    return workbook_of(sheet_of_rows(rows, row=lambda n: f'<row r="{n}" s="1" customFormat="1"/>'))


@cache
def shared_strings_flood(count: int = 1_300_000) -> bytes:
    """About 5 MB whose table of texts holds `count` short different texts (27 MB unpacked, 6× compressed:
    within the size, ratio and unpacked bounds of the people import)."""
    import random

    rng = random.Random(16)
    types = CONTENT_TYPES.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                  b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')

    def chunks():
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode()
        for start in range(0, count, 10_000):
            yield "".join(f"<si><t>{rng.randrange(16 ** 5):x}</t></si>"
                          for _ in range(min(10_000, count - start))).encode()
        yield b"</sst>"
    return zip_of([deflated("[Content_Types].xml", [types]), deflated("_rels/.rels", [ROOT_RELS]),
                   deflated("xl/workbook.xml", [WORKBOOK]), deflated("xl/_rels/workbook.xml.rels", [WORKBOOK_RELS]),
                   sheet_of_rows(2, "A1:B3"), deflated("xl/sharedStrings.xml", chunks(), level=9)])


def bloated_styles(formats: int = 100_000) -> bytes:
    """A styles part declaring `formats` cell formats (Excel stops at 64,000)."""
    import random

    rng = random.Random(64)

    def chunks():
        yield f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}"><cellXfs count="{formats}">'.encode()
        for start in range(0, formats, 10_000):
            yield "".join(f'<xf numFmtId="{rng.randrange(50)}" fontId="0" fillId="0" borderId="0"/>'
                          for _ in range(min(10_000, formats - start))).encode()
        yield b"</cellXfs></styleSheet>"
    return workbook_of(sheet_of_rows(2, "A1:B3"), deflated("xl/styles.xml", chunks(), level=9))


def many_parts(parts: int = 1_001) -> bytes:
    """A workbook with `parts` extra tiny parts."""
    extra = [Part(f"xl/media/p{n}.bin", b"", 0, 0, method=0) for n in range(parts)]
    return workbook_of(sheet_of_rows(2, "A1:B3"), *extra)


def bzip2_part() -> bytes:
    """A workbook whose sheet claims a compression Excel never uses (bzip2)."""
    sheet = sheet_of_rows(2, "A1:B3")
    return workbook_of(Part(sheet.name, sheet.packed, sheet.crc, sheet.size, method=12))


# The imports' upload pages, for the web tests and bench/hostile_uploads.py.

@dataclass(frozen=True)
class Upload:
    """An import's page: where it posts, which form fields beside the file, its row cap and size limit."""

    name: str
    cap: int
    megabytes: int = 20
    fields: tuple = ()


IMPORTS = {
    "people": Upload("people", 10_000),
    "enrolment": Upload("enrolment", 1_000),
    "shortage": Upload("shortage", 3_000, fields=(("quarter", "2031Q2"), ("title", "二〇三一年第二季度急需紧缺目录"))),
    "bulk": Upload("bulk", 5_000, megabytes=10),
}


def open_import(client, session, name: str) -> str:
    """Log in as someone who may use the import and give the URL its form posts to."""
    from app.catalog.seed import seed_catalog
    from app.clock import local_date
    from app.database import utcnow
    from tests.conftest import login
    from tests.factories import NOW, make_user
    from tests.training.factories import make_class, occupation

    if name == "people":
        make_user(session, "institution_staff", username="people_staff")
        session.commit()
        login(client, "people_staff")
        return "/people/import"
    if name == "enrolment":
        staff = make_user(session, "institution_staff", username="class_staff")
        occupation(session)
        klass = make_class(session, staff, start_date=local_date(utcnow()) - timedelta(days=1),
                           end_date=local_date(utcnow()) + timedelta(days=20))
        session.commit()
        login(client, "class_staff")
        return f"/classes/{klass.id}/import"
    if name == "shortage":
        make_user(session, "admin", username="boss")
        seed_catalog(session, now=NOW)
        session.commit()
        login(client, "boss")
        return "/catalog/shortage"
    make_user(session, "enterprise_hr", username="hr1")
    session.commit()
    login(client, "hr1")
    return "/verify/bulk"


def _form_url(url: str) -> str:
    return url.removesuffix("/import") if url.startswith("/classes/") else url


def post_upload(client, url: str, upload: Upload, data: bytes, filename: str):
    """Post the file (and the import's other fields) as the upload form does; the response."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    from tests.conftest import csrf_token_from

    token = csrf_token_from(client.get(_form_url(url)).get_data(as_text=True))
    # Encoded here, in memory: the test client would spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart(MultiDict(
        {"csrf_token": token, **dict(upload.fields), "file": FileStorage(io.BytesIO(data), filename)}))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@dataclass
class Measured:
    """What a run gave (its result or the exception it raised), its wall and CPU time and its peak of traced
    memory. Tests bound the CPU time: on a machine shared with other work the wall time measures the neighbours
    too; the benchmark prints the wall time, measured on a quiet machine."""

    outcome: object = None
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_mb: float = 0.0


def measure(action: Callable[[], object], *, timed: bool = True, traced: bool = True) -> Measured:
    """Run `action` twice: timed alone (tracemalloc slows Python several times over), then under tracemalloc
    for the peak of memory it allocates. The outcome is the traced run's. Untimed (tests: times are the
    benchmark's to report, not a test's to assert), only the traced run happens; untraced, no peak is taken."""
    figures = Measured()
    if timed:
        started, cpu = time.perf_counter(), time.process_time()
        _outcome(action)
        figures.seconds, figures.cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    if not traced:
        figures.outcome = _outcome(action)
        return figures
    tracemalloc.start()
    try:
        figures.outcome = _outcome(action)
        figures.peak_mb = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()
    return figures


def _outcome(action: Callable[[], object]) -> object:
    try:
        return action()
    except Exception as exc:  # noqa: BLE001  (a refusal is the outcome being measured)
        return exc
