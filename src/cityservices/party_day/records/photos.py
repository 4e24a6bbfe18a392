"""Photos of a Party Day's minutes, under the platform's upload limits (``max_upload_bytes``,
``max_photo_pixels``): the type from the file's first bytes, the pixel count from the header before any decoding,
one decode at a time per worker, re-encoded as JPEG (which drops EXIF and GPS metadata) at most ``MAX_SIDE``
pixels, with a thumbnail.

Party records are personal data, so the files are not under the public media folder: they live in
``party_photos/`` beside it (mode 0600), are served only to accounts whose scope covers the branch, and every
read is audited. The minutes' ``attachments`` list names them."""

from __future__ import annotations

import io
import os
import re
import threading
import uuid
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor
from cityservices.config import Settings
from cityservices.errors import NotFound, RuleViolation
from cityservices.kit.audit import Actor, record_audit
from cityservices.kit.private_files import PRIVATE_MODE
from cityservices.party_day.activities.service import activity_in_scope
from cityservices.party_day.records import repository as repo

MAX_SIDE = 1600
THUMBNAIL_SIDE = 320
MAX_PHOTOS = 12
PHOTO_NAME = re.compile(r"^[0-9a-f]{32}\.jpg$")
FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
_DECODING = threading.BoundedSemaphore(1)


class PhotoTooLarge(RuleViolation):
    status_code = 413
    code = "too_large"


def photo_root(settings: Settings) -> Path:
    """The private folder of the minutes' photos (beside the public media folder, never served as static)."""
    return settings.media_dir.resolve().parent / "party_photos"


def image_type(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def decode(data: bytes, *, max_pixels: int) -> Image.Image:
    """The checked image, upright, at most ``MAX_SIDE`` on its longer side, in RGB."""
    kind = image_type(data)
    if kind is None:
        raise RuleViolation("只接受 JPEG、PNG 或 WebP 图片")
    try:
        with Image.open(io.BytesIO(data)) as probe:  # the header only
            if probe.format != FORMATS[kind]:
                raise RuleViolation("图片内容与文件类型不符")
            width, height = probe.size
            if width * height > max_pixels:
                raise RuleViolation(
                    f"图片像素过多（{width}×{height}）：最多 {max_pixels // 10_000} 万像素，请缩小后再上传"
                )
            probe.verify()
        with _DECODING:
            image = Image.open(io.BytesIO(data))
            if kind == "jpeg":
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            image.load()
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError):
        raise RuleViolation("无法识别的图片或图片已损坏") from None
    return upright if upright.mode == "RGB" else upright.convert("RGB")


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
    if len(data) > settings.max_upload_bytes:
        raise PhotoTooLarge(f"图片不能超过 {settings.max_upload_bytes // 1024} KB")
    image = decode(data, max_pixels=settings.max_photo_pixels)
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
