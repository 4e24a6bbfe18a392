"""Photos of a Party Day's minutes, under the platform's upload limits (``max_upload_bytes``,
``max_photo_pixels``) checked by ``kit.images`` (the type from the file's first bytes, the pixel count from the
header before any decoding, one decode at a time per worker), re-encoded as JPEG (which drops EXIF and GPS
metadata) at most ``MAX_SIDE`` pixels, with a thumbnail.

Party records are personal data, so the files are not under the public media folder: they live in
``party_photos/`` beside it (mode 0600), are served only to accounts whose scope covers the branch, and every
read is audited. The minutes' ``attachments`` list names them."""

from __future__ import annotations

import io
import os
import re
import uuid
from pathlib import Path

from PIL import Image
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor
from cityservices.config import Settings
from cityservices.errors import NotFound, RuleViolation
from cityservices.kit.audit import Actor, record_audit
from cityservices.kit.images import ImageTooLarge, check_upload, decode_image
from cityservices.kit.private_files import PRIVATE_MODE
from cityservices.party_day.activities.service import activity_in_scope
from cityservices.party_day.records import repository as repo

MAX_SIDE = 1600
THUMBNAIL_SIDE = 320
MAX_PHOTOS = 12
PHOTO_NAME = re.compile(r"^[0-9a-f]{32}\.jpg$")


PhotoTooLarge = ImageTooLarge  # the name this module has always raised


def photo_root(settings: Settings) -> Path:
    """The private folder of the minutes' photos (beside the public media folder, never served as static)."""
    return settings.media_dir.resolve().parent / "party_photos"


def _write_private(path: Path, image: Image.Image) -> None:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE)
    with os.fdopen(descriptor, "wb") as out:
        out.write(buffer.getvalue())


def add_photo(session: Session, *, account: StaffAccount, actor: Actor, activity_id: int, data: bytes,
              settings: Settings) -> list[str]:  # fmt: skip
    """Check and store a photo, and name it in the minutes; returns the minutes' attachments."""
    require_editor(account)
    activity, branch = activity_in_scope(session, account, activity_id)
    minutes = repo.minutes_of(session, activity.id)
    if minutes is None:
        raise RuleViolation("请先保存活动记录，再上传照片")
    photos = [a for a in minutes.attachments if PHOTO_NAME.match(a)]
    if len(photos) >= MAX_PHOTOS:
        raise RuleViolation(f"每次活动最多上传 {MAX_PHOTOS} 张照片")
    kind = check_upload(data, max_bytes=settings.max_upload_bytes)
    upright = decode_image(data, kind, max_pixels=settings.max_photo_pixels, max_side=MAX_SIDE)
    image = upright if upright.mode == "RGB" else upright.convert("RGB")
    folder = photo_root(settings) / str(activity.id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{uuid.uuid4().hex}.jpg"
    paths = (folder / name, folder / name.replace(".jpg", ".thumb.jpg"))
    try:
        _write_private(paths[0], image)
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        _write_private(paths[1], image)
        minutes.attachments = [*minutes.attachments, name]
        session.flush()
    except BaseException:
        for path in paths:
            path.unlink(missing_ok=True)
        raise
    record_audit(session, actor=actor, action="party.minutes.photo.add", target_kind="party_activity",
                 target_key=str(activity.id), detail={"branch": branch.code, "photo": name})  # fmt: skip
    return list(minutes.attachments)


def photo_names(session: Session, activity_id: int) -> list[str]:
    """The photos named in an activity's minutes (the caller has checked the scope)."""
    minutes = repo.minutes_of(session, activity_id)
    return [a for a in minutes.attachments if PHOTO_NAME.match(a)] if minutes else []


def photo_path(settings: Settings, activity_id: int, name: str, *, thumbnail: bool = False) -> Path:
    stored = name.replace(".jpg", ".thumb.jpg") if thumbnail else name
    return photo_root(settings) / str(activity_id) / stored


def read_photo(session: Session, *, account: StaffAccount, actor: Actor, activity_id: int, name: str,
               thumbnail: bool, settings: Settings) -> bytes:  # fmt: skip
    """A photo of the minutes, to an account whose scope covers the branch (audited)."""
    activity, branch = activity_in_scope(session, account, activity_id)
    if not PHOTO_NAME.match(name) or name not in photo_names(session, activity.id):
        raise NotFound("未找到该照片")
    path = photo_path(settings, activity.id, name, thumbnail=thumbnail)
    if not path.is_file():
        raise NotFound("未找到该照片")
    record_audit(session, actor=actor, action="party.minutes.photo.read", target_kind="party_activity",
                 target_key=str(activity.id), detail={"branch": branch.code, "photo": name})  # fmt: skip
    return path.read_bytes()
