"""A people import larger than the interactive size goes to the task queue: the confirm step redirects to the job's
page, which shows progress (and reloads itself) and then the outcome; only its uploader and administrators see it."""

import re

import pytest
from sqlalchemy import func, select

from app.people.import_job_models import PeopleImportJob
from app.people.models import Person
from app.tasks import run_people_import_job
from tests.conftest import confirm_import, login
from tests.factories import make_user
from tests.people.factories import phone, resident_id
from tests.web.test_import_preview import sheet, teacher, upload

BAD_ID = "110105194912310029"  # the check character should be X


@pytest.fixture(autouse=True)
def small_interactive_size(app):
    app.config["PEOPLE_IMPORT_INTERACTIVE_ROWS"] = 3


@pytest.fixture
def held(app, monkeypatch):
    """The queue takes jobs but runs none until the test says (a worker that is busy elsewhere)."""
    queued = []
    monkeypatch.setitem(app.extensions["huey_tasks"], "import_people", queued.append)
    return queued


def rows(count, note=""):
    given = "伟芳娜敏静丽强磊军洋"
    return [["张" + given[n % len(given)], "居民身份证", resident_id(), phone(), "高中", "沈阳机床厂", "电工", 3, note]
            for n in range(count)]


def start(client, data):
    """Upload and confirm (the 备注 column left out); the confirm step's response."""
    return confirm_import(client, upload(client, data), {"column_8": "-"})


def job_id_of(response) -> int:
    match = re.fullmatch(r".*/people/imports/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def people(session) -> int:
    session.rollback()
    return session.scalar(select(func.count(Person.id)))


def test_a_large_upload_goes_to_a_job_page_that_shows_progress_then_the_outcome(app, client, session, held):
    teacher(session)
    login(client, "teacher")
    confirmed = start(client, sheet(rows(5)))
    assert confirmed.status_code == 302
    job_id = job_id_of(confirmed)
    assert held == [job_id] and people(session) == 0
    waiting = client.get(f"/people/imports/{job_id}")
    html = waiting.get_data(as_text=True)
    assert waiting.status_code == 200 and 'http-equiv="refresh"' in html  # reloads itself, no script needed
    assert "排队" in html or "Queued" in html
    assert 'max="5" value="0"' in html and "名单.xlsx" in html
    run_people_import_job(app, job_id)  # the worker's turn
    finished = client.get(f"/people/imports/{job_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in finished and 'id="job-outcome"' in finished
    assert 'max="5" value="5"' in finished
    assert re.search(r"5\D+0\D+0\D+5", finished.split('id="job-outcome"')[1])  # 5 new, 0 completed, 0 unchanged, 5 work
    assert people(session) == 5
    job = session.get(PeopleImportJob, job_id)
    assert job.status == "done" and job.upload_token is None and job.channel == "web"
    listed = client.get("/people/import").get_data(as_text=True)  # found again from the import page
    assert 'id="import-jobs"' in listed and f'href="/people/imports/{job_id}"' in listed


def test_only_the_uploader_and_administrators_see_the_job(app, client, session, held):
    uploader = teacher(session)
    other = teacher(session, "other_teacher")  # of another institution
    make_user(session, "admin", username="admin1")
    session.commit()
    assert other.organisation_id != uploader.organisation_id
    login(client, "teacher")
    job_id = job_id_of(start(client, sheet(rows(4))))
    for name, status in (("other_teacher", 404), ("admin1", 200), ("teacher", 200)):
        visitor = app.test_client()
        login(visitor, name)
        assert visitor.get(f"/people/imports/{job_id}").status_code == status, name
    assert app.test_client().get(f"/people/imports/{job_id}").status_code in (302, 401)  # not signed in


def test_bad_rows_import_nothing_and_every_bad_row_is_reported(app, client, session):
    teacher(session)
    login(client, "teacher")
    data = rows(5)
    data[1][2] = BAD_ID
    data[4][2] = "12345"
    confirmed = start(client, sheet(data))
    job_id = job_id_of(confirmed)  # run at once: the test queue is immediate
    page = client.get(f"/people/imports/{job_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="import-errors"' in html
    assert html.count("<tr><td>3</td>") == 1 and html.count("<tr><td>6</td>") == 1  # each bad row, by Excel's number
    assert people(session) == 0
    download = re.search(r'href="(/downloads/[^"]+)" id="error-sheet"', html)
    sheet_response = client.get(download.group(1))
    assert sheet_response.status_code == 200 and sheet_response.data[:2] == b"PK"
    assert session.get(PeopleImportJob, job_id).status == "invalid"


def test_an_upload_at_the_interactive_size_still_runs_in_the_request(app, client, session, held):
    teacher(session)
    login(client, "teacher")
    confirmed = start(client, sheet(rows(3)))
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("/people")
    assert held == [] and people(session) == 3
    assert session.scalar(select(func.count(PeopleImportJob.id))) == 0


def test_with_the_queue_unreachable_the_import_runs_at_once_and_says_so(app, client, session, monkeypatch):
    def unreachable(job_id):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setitem(app.extensions["huey_tasks"], "import_people", unreachable)
    teacher(session)
    login(client, "teacher")
    job_id = job_id_of(start(client, sheet(rows(4))))
    page = client.get(f"/people/imports/{job_id}").get_data(as_text=True)
    assert ("任务队列" in page or "task queue could not be reached" in page) and 'id="job-outcome"' in page  # the warning, and the outcome already
    assert people(session) == 4
    assert session.get(PeopleImportJob, job_id).status == "done"
