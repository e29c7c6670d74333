"""1-inch photos: each refusal says what is wrong; a good photo is stored by its SHA-256."""

import hashlib
import io

import pytest
from PIL import Image
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.errors import NotFound, ValidationFailed
from app.people.photos import set_photo
from app.translation import in_chinese
from tests.factories import NOW, make_user
from tests.people.factories import make_person, photo_bytes


@pytest.fixture
def staff(session):
    return make_user(session, "institution_staff")


@pytest.fixture
def person(session, staff):
    return make_person(session, staff)


def upload(session, staff, person, data, tmp_path):
    return set_photo(session, actor=staff, now=NOW, person_id=person.id, data=data, storage_dir=tmp_path)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_good_photo_is_stored_as_clean_jpeg_under_its_sha256(session, staff, person, tmp_path, fmt):
    upload(session, staff, person, photo_bytes(fmt=fmt), tmp_path)
    stored = (tmp_path / person.photo_path).read_bytes()
    digest = hashlib.sha256(stored).hexdigest()
    assert person.photo_sha256 == digest and person.photo_path == f"photos/{digest}.jpg"
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (295, 413)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "person.photo")).one()
    assert event.new_value == {"photo_sha256": digest}


def test_stored_photo_drops_exif_and_is_turned_upright(session, staff, person, tmp_path):
    # A phone photo held sideways: pixels landscape, EXIF says "rotate 90°", plus a GPS position.
    upright = Image.open(io.BytesIO(photo_bytes()))
    sideways = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "N", 2: (41.0, 48.0, 0.0)}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    sideways.save(buffer, "JPEG", exif=exif)
    upload(session, staff, person, buffer.getvalue(), tmp_path)
    with Image.open(tmp_path / person.photo_path) as stored:
        assert stored.size == (295, 413)
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info and "icc_profile" not in stored.info


def test_off_white_but_bright_background_is_accepted(session, staff, person, tmp_path):
    upload(session, staff, person, photo_bytes(background=(236, 236, 232)), tmp_path)
    assert person.photo_sha256


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a" + b"\0" * 100, "照片须为 JPEG 或 PNG 格式"),
        (b"\xff\xd8\xff" + b"not really a jpeg", "无法读取照片文件"),
        (photo_bytes(size=(180, 252)), "照片宽度至少 200 像素（当前 180 像素）"),
        (photo_bytes(size=(413, 413)), "宽高比 1.00"),
        (photo_bytes(size=(300, 600)), "当前 300×600 像素，宽高比 0.50"),
        (photo_bytes(background=(143, 143, 143)), "照片背景应为白色（检测到边缘平均亮度 143"),
        (photo_bytes(background=(67, 142, 219)), "照片背景应为白色（检测到边缘平均亮度"),
        (photo_bytes(background=(255, 215, 215)), "边缘偏彩色，平均饱和度 16%"),
    ],
    ids=["gif", "broken-jpeg", "too-narrow", "square", "too-tall", "grey", "blue", "pink"],
)
def test_each_refusal_says_what_is_wrong(session, staff, person, tmp_path, data, message):
    with pytest.raises(ValidationFailed) as error:
        upload(session, staff, person, data, tmp_path)
    assert error.value.field == "photo"
    assert message in in_chinese(error.value.message)  # the catalogue's wording, with the measured values
    assert person.photo_sha256 is None
    assert not (tmp_path / "photos").exists()


def test_files_over_2_mb_are_refused_before_decoding(session, staff, person, tmp_path):
    noisy = Image.effect_noise((1200, 1600), 120).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "PNG")
    assert len(out.getvalue()) > 2 * 1024 * 1024
    with pytest.raises(ValidationFailed, match=r"at most 2 MB \(this one is \d+\.\d MB\)"):
        upload(session, staff, person, out.getvalue(), tmp_path)


def test_giant_dimensions_are_refused_without_decoding(session, staff, person, tmp_path):
    out = io.BytesIO()
    Image.new("L", (5000, 7000), 255).save(out, "PNG")
    with pytest.raises(ValidationFailed, match="too large"):
        upload(session, staff, person, out.getvalue(), tmp_path)


def test_photo_outside_scope_is_not_found(session, person, tmp_path):
    outsider = make_user(session, "institution_staff")
    with pytest.raises(NotFound):
        upload(session, outsider, person, photo_bytes(), tmp_path)
