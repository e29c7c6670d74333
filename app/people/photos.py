"""1-inch ID photos for certificates: checked for format, size, proportions and a white background."""

from __future__ import annotations

import hashlib
import io
import warnings
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageOps, ImageStat, UnidentifiedImageError
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.errors import ValidationFailed
from app.filestore import store_once
from app.people.access import person_for_change
from app.people.models import Person
from app.translation import N_

MAX_BYTES = 2 * 1024 * 1024
MIN_WIDTH = 200
# Anything this large is not an ID photo; refusing before decoding also avoids decompression bombs.
MAX_SIDE = 4000
MIN_ASPECT, MAX_ASPECT = 0.64, 0.80  # width / height; a 1-inch photo is 295×413 px (0.714) at 300 dpi
MIN_BACKGROUND_BRIGHTNESS = 215
MAX_BACKGROUND_SATURATION = 0.10  # mean HSV saturation of the border, 0–1
_STRIP = 0.06  # border strip width, as a share of the image side
_MAGIC = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}


def check_photo(data: bytes) -> bytes:
    """Check an uploaded ID photo; return it upright as a JPEG without metadata, or refuse with the reason."""
    if len(data) > MAX_BYTES:
        raise ValidationFailed(N_("A photo file may be at most 2 MB (this one is {size} MB).",
                                  size=format(len(data) / 1024 / 1024, ".1f")), field="photo")
    declared = next((fmt for magic, fmt in _MAGIC.items() if data.startswith(magic)), None)
    if declared is None:
        raise ValidationFailed(N_("The photo must be a JPEG or PNG file."), field="photo")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationFailed(N_("The photo is too large; upload a 1-inch ID photo."), field="photo") from None
    except (UnidentifiedImageError, OSError):
        raise ValidationFailed(N_("The photo file cannot be read; it may be damaged."), field="photo") from None
    with image:
        if image.format != declared:
            raise ValidationFailed(N_("The photo must be a JPEG or PNG file."), field="photo")
        if max(image.size) > MAX_SIDE:
            raise ValidationFailed(N_("The photo is too large ({width}×{height} pixels); upload a 1-inch ID photo.",
                                      width=image.width, height=image.height), field="photo")
        try:
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGB")
        except (OSError, SyntaxError, ValueError):
            raise ValidationFailed(N_("The photo file cannot be read; it may be damaged."), field="photo") from None
    _check_proportions(upright)
    _check_background(upright)
    return _clean_jpeg(upright)


def _clean_jpeg(image: Image.Image) -> bytes:
    """Re-encode the upright photo: no EXIF (camera, GPS position, time), no ICC, no comments.

    A phone photo carries where and when it was taken; certificates and exports need only the pixels.
    Re-encoding also applies the EXIF orientation, so the photo prints upright wherever it is shown.
    """
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, optimize=True)
    return buffer.getvalue()


def _check_proportions(image: Image.Image) -> None:
    width, height = image.size
    if width < MIN_WIDTH:
        raise ValidationFailed(N_("The photo must be at least {minimum} pixels wide (this one is {width}).",
                                  minimum=MIN_WIDTH, width=width), field="photo")
    ratio = width / height
    if not MIN_ASPECT <= ratio <= MAX_ASPECT:
        raise ValidationFailed(
            N_("The photo should have the proportions of a 1-inch ID photo (width to height {low}–{high}, e.g. "
               "295×413 pixels); this one is {width}×{height} pixels, ratio {ratio}.", low=format(MIN_ASPECT, ".2f"),
               high=format(MAX_ASPECT, ".2f"), width=width, height=height, ratio=format(ratio, ".2f")),
            field="photo",
        )


def _border_strips(image: Image.Image) -> list[Image.Image]:
    """The top strip and the upper two thirds of both sides: background, clear of the shoulders."""
    width, height = image.size
    sx, sy = max(1, int(width * _STRIP)), max(1, int(height * _STRIP))
    side = int(height * 2 / 3)
    return [image.crop((0, 0, width, sy)), image.crop((0, 0, sx, side)), image.crop((width - sx, 0, width, side))]


def _check_background(image: Image.Image) -> None:
    strips = _border_strips(image)
    pixels = sum(s.width * s.height for s in strips)
    brightness = sum(ImageStat.Stat(s.convert("L")).mean[0] * s.width * s.height for s in strips) / pixels
    saturation = sum(ImageStat.Stat(s.convert("HSV")).mean[1] * s.width * s.height for s in strips) / pixels / 255
    if brightness < MIN_BACKGROUND_BRIGHTNESS:
        raise ValidationFailed(N_("The photo's background should be white (the edges' mean brightness is {found}; it "
                                  "should be at least {minimum}).", found=format(brightness, ".0f"),
                                  minimum=MIN_BACKGROUND_BRIGHTNESS), field="photo")
    if saturation > MAX_BACKGROUND_SATURATION:
        raise ValidationFailed(N_("The photo's background should be white (the edges are coloured, mean saturation "
                                  "{found}; it should be at most {maximum}).", found=format(saturation, ".0%"),
                                  maximum=format(MAX_BACKGROUND_SATURATION, ".0%")), field="photo")


def set_photo(
    session: Session, *, actor: User, now: datetime, person_id: int, data: bytes, storage_dir: Path
) -> Person:
    """Check and store a person's 1-inch photo under storage_dir/photos/<sha256>.<ext>; records the hash."""
    person = person_for_change(session, actor=actor, person_id=person_id)
    return store_photo(session, actor=actor, now=now, person=person, data=data, storage_dir=storage_dir)


def store_photo(session: Session, *, actor: User, now: datetime, person: Person, data: bytes,
                storage_dir: Path) -> Person:
    """Check and store the photo of a person the caller has already established (staff in scope, or the person's
    own account): the same checks for both."""
    clean = check_photo(data)
    digest = hashlib.sha256(clean).hexdigest()
    relative = f"photos/{digest}.jpg"
    store_once(Path(storage_dir) / relative, clean)
    old = person.photo_sha256
    person.photo_path, person.photo_sha256, person.updated_at = relative, digest, now
    session.flush()
    record_event(
        session, actor=actor, now=now, action="person.photo", object_type="person", object_id=person.id,
        old={"photo_sha256": old}, new={"photo_sha256": digest},
    )
    return person
