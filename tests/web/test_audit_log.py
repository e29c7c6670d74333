"""The audit log page: readable labels and changes, filters, keyset paging links, export, scope and history links."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from html import unescape

from openpyxl import load_workbook

from app.audit.services import PAGE_SIZE, record_event
from tests.conftest import login
from tests.factories import make_org, make_user

T0 = datetime(2026, 9, 17, 4, 0, tzinfo=UTC)
EVENT_RE = re.compile(r'data-event="(\d+)"')


def _admin(client, session):
    admin = make_user(session, "admin", username="boss")
    session.commit()
    login(client, "boss")
    return admin


def _link(html: str, element_id: str) -> str | None:
    found = re.search(rf'id="{element_id}" href="([^"]+)"', html)
    return unescape(found.group(1)) if found else None


def test_page_shows_labels_and_readable_changes(client, session):
    admin = _admin(client, session)
    record_event(session, actor=admin, now=T0, action="assessment.score_correction", object_type="assessment_score",
                 object_id=9, old={"value": "58", "reason": "未到场"}, new={"value": "61", "reason": "未到场"})
    record_event(session, actor=admin, now=T0, action="person.register", object_type="person", object_id=4,
                 new={"name": "王小明", "id_masked": "2101**********1234", "id_number": "210102199003071234"})
    session.commit()
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "更正成绩" in html and "登记人员" in html
    assert "assessment.score_correction</" not in html  # the code is only a tooltip
    assert "未到场" in html and "\\u672a" not in html and "王小明" in html
    assert "<del>58</del>" in html and "<ins>61</ins>" in html
    record_event(session, actor=admin, now=T0, action="assessment_plan.open", object_type="assessment_plan",
                 object_id=2, old={"status": "draft"}, new={"status": "open"})
    session.commit()
    plans = client.get("/admin/audit?object_type=assessment_plan").get_data(as_text=True)
    assert "<del>草稿</del>" in plans and "draft</del>" not in plans
    assert "210102199003071234" not in html and "2101**********1234" in html
    client.get("/lang/en?next=/")
    english = client.get("/admin/audit").get_data(as_text=True)
    assert "Score corrected" in english and "Old value" in english and "Person registered" in english
    assert "更正成绩" not in english and "王小明" in english  # labels translated, data as written


def test_paging_is_by_cursor_and_pages_differ(client, session):
    admin = _admin(client, session)
    for n in range(PAGE_SIZE + 7):
        record_event(session, actor=admin, now=T0 + timedelta(minutes=n // 4), action="person.update",
                     object_type="person", object_id=n)
    session.commit()
    first = client.get("/admin/audit?object_type=person").get_data(as_text=True)
    older = _link(first, "audit-older")
    assert older and "after=" in older and "object_type=person" in older and "page=" not in older
    assert _link(first, "audit-newer") is None
    second = client.get(older).get_data(as_text=True)
    one, two = EVENT_RE.findall(first), EVENT_RE.findall(second)
    assert len(one) == PAGE_SIZE and len(two) == 7 and not set(one) & set(two)
    assert _link(second, "audit-older") is None
    back = client.get(_link(second, "audit-newer")).get_data(as_text=True)
    assert EVENT_RE.findall(back) == one


def test_filters_narrow_rows_and_a_bad_date_is_explained(client, session):
    admin = _admin(client, session)
    other = make_user(session, "institution_staff", username="inst")
    a = record_event(session, actor=admin, now=T0, action="certificate.revoke", object_type="certificate", object_id=1)
    b = record_event(session, actor=other, now=T0 + timedelta(days=2), action="person.update", object_type="person",
                     object_id=1)
    session.commit()

    def shown(query: str) -> set[str]:
        return set(EVENT_RE.findall(client.get(f"/admin/audit?{query}").get_data(as_text=True))) & {str(a.id), str(b.id)}

    assert shown("actor=boss") == {str(a.id)}
    assert shown(f"organisation={other.organisation_id}") == {str(b.id)}
    assert shown("action=person.update") == {str(b.id)}
    assert shown("object_type=certificate&object_id=1") == {str(a.id)}
    assert shown("date_from=2026-09-18") == {str(b.id)} and shown("date_to=2026-09-17") == {str(a.id)}
    html = client.get("/admin/audit?date_from=2026-13-40").get_data(as_text=True)
    assert "不是日期" in html and "2026-13-40" in html
    swapped = client.get("/admin/audit?date_from=2026-09-20&date_to=2026-09-01").get_data(as_text=True)
    assert "开始日期晚于结束日期" in swapped


def test_export_matches_the_filter(client, session):
    admin = _admin(client, session)
    record_event(session, actor=admin, now=T0, action="certificate.revoke", object_type="certificate", object_id=1,
                 old={"status": "valid"}, new={"status": "revoked"})
    record_event(session, actor=admin, now=T0, action="person.update", object_type="person", object_id=2)
    session.commit()
    html = client.get("/admin/audit?action=certificate.revoke").get_data(as_text=True)
    export = _link(html, "audit-export")
    assert export and "action=certificate.revoke" in export
    response = client.get(export)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "所属机构", "操作")
    assert [r[8] for r in rows[1:]] == ["certificate.revoke"] and rows[1][3] == "撤销证书"
    assert "有效 → 已撤销" in rows[1][6]  # the status codes by their names


def test_only_administrators_read_the_log_or_export_it(client, session):
    make_user(session, "institution_staff", username="inst")
    session.commit()
    login(client, "inst")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit/export.xlsx").status_code == 403


def test_object_pages_link_to_their_history_for_administrators_only(client, session):
    _admin(client, session)
    org = make_org(session, "institution", name="沈阳培训学校")
    session.commit()
    html = client.get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    href = re.search(r'class="small audit-history-link" href="([^"]+)"', html)
    assert href and unescape(href.group(1)) == f"/admin/audit?object_type=organisation&object_id={org.id}"
    history = client.get(unescape(href.group(1))).get_data(as_text=True)
    assert "机构" in history and len(EVENT_RE.findall(history)) == 1  # organisation.create of this one only
    client = client.application.test_client()
    make_user(session, "institution_staff", org=org, username="inst")
    session.commit()
    login(client, "inst")
    own = client.get(f"/admin/organisations/{org.id}")
    assert own.status_code == 200 and "沈阳培训学校" in own.get_data(as_text=True)
    assert "audit-history-link" not in own.get_data(as_text=True)


def test_dashboard_recent_changes_newest_first_and_labelled(client, session):
    admin = _admin(client, session)
    record_event(session, actor=admin, now=T0 + timedelta(days=400), action="certificate.revoke",
                 object_type="certificate", object_id=1)
    record_event(session, actor=admin, now=T0 - timedelta(days=400), action="certificate.issue",
                 object_type="certificate", object_id=1)
    session.commit()
    html = client.get("/dashboard").get_data(as_text=True)
    rows = re.findall(r'<tr class="recent-event">(.*?)</tr>', html, re.S)
    assert "撤销证书" in rows[0] and "颁发证书" in rows[-1] and "certificate.revoke" not in html


def test_certificate_and_person_pages_link_to_their_history(app, client, session):
    from tests.web.test_certificate_screens import issued

    _org, _staff, certificate = issued(app, session)
    make_user(session, "admin", username="boss")
    session.commit()
    login(client, "boss")
    for page, object_type, object_id in ((f"/certificates/{certificate.id}", "certificate", certificate.id),
                                         (f"/people/{certificate.person_id}", "person", certificate.person_id)):
        html = client.get(page).get_data(as_text=True)
        href = re.search(r'class="small audit-history-link" href="([^"]+)"', html)
        assert href and unescape(href.group(1)) == f"/admin/audit?object_type={object_type}&object_id={object_id}"
    history = client.get(f"/admin/audit?object_type=certificate&object_id={certificate.id}").get_data(as_text=True)
    assert "颁发证书" in history and len(EVENT_RE.findall(history)) >= 1
