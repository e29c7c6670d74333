"""Reading the audit log: filters, keyset paging, readable changes, labels and the Excel export."""

from __future__ import annotations

import ast
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.actions import ACTION_LABELS, action_label, object_type_label
from app.audit.changes import changes, field_label, mask_personal
from app.audit.models import AuditEvent
from app.audit.services import AuditFilter, Cursor, filtered_events, list_events, page_events, record_event
from app.audit.workbooks import export_events_workbook
from app.translation import N_, chinese, english, render
from tests.factories import make_user

T0 = datetime(2026, 9, 17, 12, 0, tzinfo=UTC)


def _events(session, actor, count: int, *, tie_every: int = 3):
    """`count` events whose times repeat in groups of `tie_every` (equal timestamps are the hard case)."""
    made = []
    for n in range(count):
        at = T0 + timedelta(minutes=n // tie_every)
        made.append(record_event(session, actor=actor, now=at, action="person.update", object_type="person",
                                 object_id=n % 4, old={"name": f"旧{n}"}, new={"name": f"新{n}"}))
    return made


def _walk_older(session, filters, size):
    pages, after = [], None
    while True:
        page = page_events(session, filters=filters, after=after, size=size)
        pages.append(page)
        if page.older is None:
            return pages
        after = page.older


def test_keyset_pages_lose_and_repeat_nothing_with_equal_timestamps(session):
    admin = make_user(session, "admin")
    made = _events(session, admin, 11)
    created = set(session.scalars(select(AuditEvent.id)))
    expected = [e.id for e in sorted(made, key=lambda e: (e.at, e.id), reverse=True)]
    pages = _walk_older(session, AuditFilter(object_type="person"), 3)
    seen = [e.id for p in pages for e in p.events]
    assert seen == expected and set(seen) <= created
    assert len(pages) == 4 and [len(p.events) for p in pages] == [3, 3, 3, 2]
    assert {e.id for e in pages[0].events}.isdisjoint({e.id for e in pages[1].events})
    assert pages[0].newer is None and pages[-1].older is None
    # Walking back with the "newer" cursors gives the same pages again.
    back = page_events(session, filters=AuditFilter(object_type="person"), before=pages[2].newer, size=3)
    assert [e.id for e in back.events] == [e.id for e in pages[1].events]
    assert back.newer is not None and back.older is not None
    first = page_events(session, filters=AuditFilter(object_type="person"), before=pages[1].newer, size=3)
    assert [e.id for e in first.events] == [e.id for e in pages[0].events] and first.newer is None


def test_rows_written_meanwhile_do_not_shift_the_next_page(session):
    admin = make_user(session, "admin")
    _events(session, admin, 6, tie_every=1)
    first = page_events(session, filters=AuditFilter(object_type="person"), size=3)
    record_event(session, actor=admin, now=T0 + timedelta(hours=5), action="person.update", object_type="person")
    second = page_events(session, filters=AuditFilter(object_type="person"), after=first.older, size=3)
    assert {e.id for e in first.events}.isdisjoint({e.id for e in second.events}) and len(second.events) == 3
    assert second.older is None and second.newer is not None


def test_cursor_round_trip_and_garbage():
    cursor = Cursor(datetime(2026, 9, 17, 12, 0, 0, 123456, tzinfo=UTC), 42)
    assert Cursor.parse(str(cursor)) == cursor
    for bad in (None, "", "abc", "12-", "-3", "1.5-2", "１２-3", "9" * 30 + "-1", "12-3-4"):
        assert Cursor.parse(bad) is None


def test_filters_by_actor_organisation_action_object_and_beijing_dates(session):
    admin, staff = make_user(session, "admin", username="boss"), make_user(session, "institution_staff")
    late = datetime(2026, 9, 17, 17, 30, tzinfo=UTC)  # 2026-09-18 01:30 in Beijing
    a = record_event(session, actor=admin, now=late, action="certificate.revoke", object_type="certificate",
                     object_id=7)
    b = record_event(session, actor=staff, now=late - timedelta(hours=2), action="person.update",
                     object_type="person", object_id=7)
    c = record_event(session, actor=None, now=late + timedelta(days=3), action="certificate.issue",
                     object_type="certificate", object_id=8)

    def ids(**kw):
        mine = {a.id, b.id, c.id}  # the factories' own events (users, organisations created) aside
        return {e.id for e in page_events(session, filters=AuditFilter(**kw)).events} & mine

    assert ids(actor_name="boss") == {a.id} and ids(actor_name="system") == {c.id}
    assert ids(organisation_id=staff.organisation_id) == {b.id}
    assert ids(action="certificate.issue") == {c.id}
    assert ids(object_type="certificate", object_id="7") == {a.id}
    assert ids(object_type="certificate") == {a.id, c.id}
    assert ids(date_from=date(2026, 9, 18), date_to=date(2026, 9, 18)) == {a.id}
    assert ids(date_to=date(2026, 9, 17)) == {b.id}
    assert ids(date_from=date(2026, 9, 19)) == {c.id}
    assert ids(actor_name="boss", action="person.update") == set()


def test_recent_events_newest_first_by_time_not_by_id(session):
    admin = make_user(session, "admin")
    later = record_event(session, actor=admin, now=T0 + timedelta(days=1), action="person.update", object_type="person")
    earlier = record_event(session, actor=admin, now=T0, action="person.update", object_type="person")
    newest = [e.id for e in list_events(session, limit=10) if e.id in (later.id, earlier.id)]
    assert newest == [later.id, earlier.id]


def test_changes_pair_fields_decode_chinese_and_mask_numbers():
    fields = changes({"status": "open", "name": "数控车工", "components": [["theory", "60.0", True]]},
                     {"status": "closed", "name": "数控车工", "id_number": "210102199003071234",
                      "amounts": {"5": "1000.00"}})
    by_key = {f.key: f for f in fields}
    assert [f.key for f in fields] == ["status", "name", "id_number", "amounts", "components"]
    assert by_key["status"].changed and not by_key["name"].changed
    assert by_key["name"].new == "数控车工" and "\\u" not in by_key["name"].new
    assert by_key["id_number"].new == "2101**********1234"
    assert by_key["amounts"].new == "5: 1000.00"
    assert by_key["components"].old == "theory – 60.0 – ✓" and by_key["components"].new == ""
    assert by_key["status"].label == "Status" and by_key["id_number"].label == "id_number"
    only_new = changes(None, {"flag": False})
    assert only_new[0].new == "No" and not only_new[0].changed
    assert changes(None, None) == []
    assert mask_personal("call 13812345678 now") == "call 138****5678 now"
    assert changes({"uscc": "912101000000000017"}, None)[0].old == "912101000000000017"


def test_labels_in_both_languages_and_unknown_codes_fall_back():
    assert render(action_label("assessment.score_correction"), english) == "Score corrected"
    assert render(action_label("assessment.score_correction"), chinese) == "更正成绩"
    assert action_label("made.up") == "made.up" and object_type_label("made_up") == "made_up"
    assert render(object_type_label("training_class"), chinese) != "Training class"
    assert render(field_label("status"), chinese) != "Status"


def _record_event_actions() -> set[str]:
    """Every action code written as a literal (or either branch of a conditional) in a record_event call."""
    found: set[str] = set()
    for path in Path("app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record_event":
                for kw in node.keywords:
                    if kw.arg != "action":
                        continue
                    values = [kw.value.body, kw.value.orelse] if isinstance(kw.value, ast.IfExp) else [kw.value]
                    found |= {v.value for v in values if isinstance(v, ast.Constant)}
    return found


def test_every_literal_action_code_has_a_label():
    codes = _record_event_actions()
    assert len(codes) > 80
    assert codes - set(ACTION_LABELS) == set()
    # The codes built from a variable part.
    for code in ("assessment.score_entry", "assessment.score_correction", "assessment.objection_upheld",
                 "assessment_plan.open", "assessment_plan.cancel", "certificate_job.resume"):
        assert code in ACTION_LABELS


def test_export_holds_the_filtered_rows_with_headers_in_the_language(session):
    admin = make_user(session, "admin", username="boss")
    record_event(session, actor=admin, now=T0, action="assessment.score_correction", object_type="assessment_score",
                 object_id=3, old={"value": "58"}, new={"value": "61", "version": 2}, note="复核 210102199003071234")
    record_event(session, actor=admin, now=T0, action="person.update", object_type="person", object_id=5,
                 new={"name": "王小明"})
    events = filtered_events(session, filters=AuditFilter(action="assessment.score_correction"))
    data = export_events_workbook(events, organisation_names={admin.organisation_id: "测试人社局"}, translate=chinese)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["时间", "操作人", "所属机构", "操作"]
    assert len(rows) == 2
    row = rows[1]
    assert row[0] == "2026-09-17 20:00:00" and row[1] == "boss" and row[2] == "测试人社局"
    assert row[3] == "更正成绩" and row[5] == "3" and row[8] == "assessment.score_correction"
    assert "58 → 61" in row[6] and "210102199003071234" not in row[7] and "2101" in row[7]
    english_rows = list(load_workbook(io.BytesIO(export_events_workbook(
        filtered_events(session, filters=AuditFilter(actor_name="boss")), organisation_names={}))).active.iter_rows(values_only=True))
    assert english_rows[0][0] == "Time" and len(english_rows) == 3


def test_stored_marked_messages_and_field_names_show_in_the_language():
    fields = changes(None, {"eligibility": "Employee of the enterprise", "year": 2026, "name": "王小明"}, chinese)
    by_key = {f.key: f for f in fields}
    assert by_key["eligibility"].new == chinese("Employee of the enterprise") != "Employee of the enterprise"
    assert by_key["name"].new == "王小明" and by_key["year"].new == "2026"
    assert render(by_key["year"].label, chinese) == "年份"


def test_coded_values_are_named_by_the_vocabulary_given():
    vocabularies = {"status": {"draft": N_("Draft"), "open": N_("Registration open")}}
    status = changes({"status": "draft"}, {"status": "open"}, chinese, vocabularies)[0]
    assert (status.old, status.new) == ("草稿", chinese("Registration open")) and status.changed
    unnamed = changes({"status": "draft"}, {"status": "gone"}, english, vocabularies)[0]
    assert (unnamed.old, unnamed.new) == ("Draft", "gone")
