"""An institution imports the people sheet it already keeps, in a browser, making the mistakes people make.

The sheet has a title row above its headers, the office's own header words and a 备注 column no import knows.
The preview must name that column and mask the ID numbers; importing before deciding it is refused; an
impossible 从业年限 is reported by its Excel row number and the user's header, with the marked sheet to
download; the corrected file then imports. The same flow is checked in English and on a phone-sized window.

Screenshots go to a temporary folder, or to IMPORT_SHOTS_DIR when set (e.g. /tmp/import-shots) to look at them.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.people.models import Person, WorkRecord
from tests.browser.conftest import log_in
from tests.people.factories import phone, resident_id
from tests.web.english import CJK, data_strings, foreign_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TITLE = "2026年培训人员名单"
HEADERS = ["姓名", "证件类型", "证件号码", "手机号", "文化程度", "工作单位", "职业（工种）", "从业年限", "备注"]
REMARKS = "#column_8"  # the 备注 column's select (column I)
LEAVE_OUT = "-"  # the value of "不导入此列 / Leave this column out"
# Bootstrap's borders (reached after a .15s transition, which expect(…).to_have_css waits out)
DANGER, FOCUSED, PLAIN = "rgb(220, 53, 69)", "rgb(134, 183, 254)", "rgb(222, 226, 230)"


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("IMPORT_SHOTS_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def office_people() -> list[list]:
    """Three people as the office writes them; the third, born in 2000, with an impossible 40 years worked."""
    return [
        ["邵明辉", "居民身份证", resident_id(born=date(1985, 4, 2)), phone(), "高中", "沈阳机床厂", "电工", 8, "老学员"],
        ["柏晓雪", "身份证", resident_id(born=date(1992, 11, 20), gender="F"), phone(), "大专", "鞍钢集团", "焊工",
         "5.5", ""],
        ["门立新", "居民身份证", resident_id(born=date(2000, 6, 1)), phone(), "中专", "华晨宝马", "车工", 40, "转岗"],
    ]


def office_sheet(path: Path, people: list[list], *, title: str | None = TITLE, headers=HEADERS) -> Path:
    """The sheet as the office keeps it: a title row, then its own headers, then the people."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in people:
        sheet.append(row)
    book.save(path)
    return path


def upload(page, base: str, path: Path) -> None:
    """Open the import page, choose the file and send it; wait for the preview."""
    page.goto(f"{base}/people/import")
    page.set_input_files("#file", str(path))
    page.click("#submit")
    expect(page.locator("#import-preview")).to_be_visible()


def count_named(session, names) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Person).where(Person.name.in_(names)))


def test_the_office_sheet_with_mistakes_then_corrected(live_server, page, session, tmp_path, shots):
    people = office_people()
    names = [p[0] for p in people]
    first_ids = [p[2] for p in people]
    assert count_named(session, names) == 0
    log_in(page, live_server, "inst_sy")
    expect(page).to_have_url(re.compile(r"/dashboard$"))

    # 1. The sheet as kept: previewed, nothing written; 备注 not recognised; ID numbers masked.
    upload(page, live_server, office_sheet(tmp_path / "2026年培训人员名单.xlsx", people))
    page.screenshot(path=str(shots / "1-preview.png"), full_page=True)
    preview = page.locator("#import-preview")
    remarks = preview.locator("tr[data-column=I]")
    expect(remarks).to_contain_text("备注")
    expect(remarks).to_contain_text("未识别")
    expect(remarks).to_have_class(re.compile("table-warning"))
    expect(page.locator("#to-resolve")).to_contain_text("备注")
    for column, field in zip("ABCDEFGH", ["name", "id_type", "id_number", "phone", "education", "employer_name",
                                          "occupation_name", "work_years"], strict=True):
        expect(preview.locator(f"tr[data-column={column}] select")).to_have_value(field)
    expect(page.locator(REMARKS)).to_have_value("")
    expect(page.locator(REMARKS)).to_have_css("border-top-color", DANGER)  # marked red until decided
    shown = preview.locator("table").inner_text()
    assert TITLE not in shown  # the title row is not taken for the headers
    ids_row = preview.locator("tr[data-column=C]").inner_text()
    assert "…" in ids_row and not any(number in shown for number in first_ids)
    assert count_named(session, names) == 0

    # 2a. Import without deciding 备注: refused, the page names the column, nothing written.
    page.click("#confirm")
    expect(page.locator("#import-errors")).to_be_visible()
    expect(page.locator("#import-errors")).to_contain_text("备注")
    expect(page.locator("#import-errors")).to_contain_text("未导入任何数据")
    expect(page.locator("#import-preview")).to_be_visible()  # still to decide, on the same page
    page.screenshot(path=str(shots / "2-remarks-undecided.png"), full_page=True)
    assert count_named(session, names) == 0

    # 2b. 备注 left out with the keyboard: Tab from the column before, then the arrow key picks the next choice.
    page.focus("#column_7")
    page.keyboard.press("Tab")
    expect(page.locator(REMARKS)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator(REMARKS)).to_have_value(LEAVE_OUT)
    assert page.locator(f"{REMARKS} option:checked").inner_text() == "不导入此列"
    expect(page.locator(REMARKS)).to_have_css("border-top-color", FOCUSED)  # decided: no longer red
    page.click("#confirm")
    errors = page.locator("#import-errors")
    expect(errors.locator("tbody tr")).to_have_count(1)
    # Title in row 1, headers in row 2: the third person is on Excel's row 5.
    cells = errors.locator("tbody tr").first.locator("td")
    expect(cells.nth(0)).to_have_text("5")
    expect(cells.nth(1)).to_have_text("从业年限")
    expect(cells.nth(2)).to_contain_text("40")
    expect(errors).not_to_contain_text("备注")  # left out now
    page.screenshot(path=str(shots / "3-years-refused.png"), full_page=True)
    assert count_named(session, names) == 0

    with page.expect_download() as download_info:
        page.click("#error-sheet")
    marked = tmp_path / "marked.xlsx"
    download_info.value.save_as(marked)
    book = load_workbook(marked)
    data, listing = book.worksheets
    assert data["A1"].value == TITLE and data["H2"].value == "从业年限"
    assert data["A5"].value == "门立新" and data["H5"].fill.fgColor.rgb.endswith("FFC7CE")  # the bad cell in red
    assert "从业年限" in data["J5"].value and "40" in data["J5"].value
    listed = [[c.value for c in row] for row in listing.iter_rows(min_row=2)]
    assert len(listed) == 1 and listed[0][:2] == [5, "从业年限"]

    # 3. Go back and correct: the corrected file. No import succeeded, so no mapping was saved and 备注 is
    # again not recognised; it is decided again, and this time everything is imported.
    people[2][7] = 4
    page.click("text=重新上传文件")
    expect(page.locator("#file")).to_be_visible()
    page.set_input_files("#file", str(office_sheet(tmp_path / "2026年培训人员名单（改）.xlsx", people)))
    page.click("#submit")
    expect(page.locator("#import-preview")).to_be_visible()
    expect(page.locator("#import-errors")).to_have_count(0)
    expect(page.locator("tr[data-column=I]")).to_contain_text("未识别")
    expect(page.locator(REMARKS)).to_have_value("")  # not preset: the refused attempts saved no mapping
    page.select_option(REMARKS, label="不导入此列")
    expect(page.locator(REMARKS)).to_have_css("border-top-color", PLAIN)
    page.screenshot(path=str(shots / "4-corrected-preview.png"), full_page=True)
    page.click("#confirm")
    expect(page).to_have_url(re.compile(r"/people$"))
    expect(page.locator(".alert-success")).to_contain_text("导入完成：新增 3 人")
    for name in names:
        expect(page.locator("table").get_by_role("link", name=name)).to_be_visible()
    page.screenshot(path=str(shots / "5-imported.png"), full_page=True)
    assert count_named(session, names) == 3
    imported = {p.name: p for p in session.scalars(select(Person).where(Person.name.in_(names)))}
    assert imported["邵明辉"].education == "senior_secondary" and imported["柏晓雪"].education == "associate"
    years = {w.person.name: w.declared_years for w in session.scalars(
        select(WorkRecord).where(WorkRecord.person_id.in_([p.id for p in imported.values()])))}
    assert years == {"邵明辉": 8, "柏晓雪": 5.5, "门立新": 4}

    page.locator("table").get_by_role("link", name="邵明辉").click()
    expect(page.locator("h1")).to_have_text("邵明辉")
    expect(page.locator("dl")).to_contain_text("高中/中专")
    declared = page.locator("#work ~ table .declared-work")
    expect(declared).to_have_text(re.compile(r"^8 年（\d{4}-\d{2}-\d{2} 本人申报）$"))
    expect(page.locator("#work ~ table")).to_contain_text("沈阳机床厂")
    page.screenshot(path=str(shots / "6-person.png"), full_page=True)

    # The mapping was saved by the successful import: the next upload of the same layout starts with 备注 out.
    upload(page, live_server, office_sheet(tmp_path / "again.xlsx", people))
    expect(page.locator(REMARKS)).to_have_value(LEAVE_OUT)
    expect(page.locator("tr[data-column=I]")).not_to_contain_text("未识别")


def test_the_preview_and_refusal_in_english(live_server, page, session, app, tmp_path, shots):
    log_in(page, live_server, "inst_sy")
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.goto(f"{live_server}/people/import")
    page.click("a[hreflang=en]")  # the interface's own language switch
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert {c["name"]: c["value"] for c in page.context.cookies()}.get("jiangcai_lang") == "en"

    person = ["庞立", resident_id(born=date(1990, 1, 9)), "老学员"]
    upload(page, live_server, office_sheet(tmp_path / "short.xlsx", [person], title=None,
                                           headers=["姓名", "身份证号码", "备注"]))
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("Check the columns of")
    expect(preview.locator("tr[data-column=C]")).to_contain_text("not recognised")
    expect(page.locator("#column_1 option:checked")).to_have_text("ID number")
    page.screenshot(path=str(shots / "7-preview-en.png"), full_page=True)
    ours = ["姓名", "身份证号码", "备注", "short.xlsx", *person]
    assert foreign_text(page.locator("main").inner_text(), ours + data_strings(app)) == []

    page.click("#confirm")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("Nothing was imported: 1 problem found. Fix it and upload the file again.")
    expect(errors).to_contain_text("The column “备注” is not recognised")
    page.screenshot(path=str(shots / "8-refused-en.png"), full_page=True)
    text = page.locator("main").inner_text()
    assert CJK.search(text)  # the user's own headers and data are shown as written …
    assert foreign_text(text, ours + data_strings(app)) == []  # … and nothing else is Chinese
    assert count_named(session, ["庞立"]) == 0


def test_the_preview_on_a_phone(live_server, browser, session, tmp_path, shots):
    people = office_people()
    people[2][7] = 4
    names = [p[0] for p in people]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    try:
        log_in(page, live_server, "inst_sy")
        expect(page).to_have_url(re.compile(r"/dashboard$"))
        upload(page, live_server, office_sheet(tmp_path / "phone.xlsx", people))
        page.screenshot(path=str(shots / "9-phone-preview.png"), full_page=True)
        # The page itself does not scroll sideways; the table may, inside its own container.
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page is {overflow}px wider than the phone"
        width = page.viewport_size["width"]
        confirm = page.locator("#confirm")
        confirm.scroll_into_view_if_needed()
        expect(confirm).to_be_in_viewport()
        box = confirm.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        for select in page.locator("#import-preview select").all():
            select.scroll_into_view_if_needed()
            expect(select).to_be_in_viewport()
            box = select.bounding_box()
            assert box["width"] >= 140, "a select too narrow to read its choice"
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, "a select off the side of the phone"
        # On a phone the first values sit under each header instead of in a column of their own.
        expect(page.locator("tr[data-column=I] th")).to_contain_text("老学员")
        page.select_option(REMARKS, value=LEAVE_OUT)
        expect(page.locator(REMARKS)).to_have_css("border-top-color", PLAIN)  # decided: no longer red
        page.screenshot(path=str(shots / "10-phone-decided.png"), full_page=False)
        confirm.tap()
        expect(page.locator(".alert-success")).to_contain_text("新增 3 人")
        page.screenshot(path=str(shots / "11-phone-imported.png"), full_page=True)
        assert count_named(session, names) == 3
    finally:
        context.close()

