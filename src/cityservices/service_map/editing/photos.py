"""Venue photos: type by magic bytes (JPEG, PNG, WebP), size and pixel limits, re-encoding (drops EXIF and
GPS metadata) and a thumbnail, stored under the media directory and served at ``/media/``."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any, BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.config import Settings
from cityservices.errors import NotFound, RuleViolation
from cityservices.kit.audit import Actor
from cityservices.service_map.editing.records import read_record, snapshot
from cityservices.service_map.editing.service import SaveResult, save_record
from cityservices.service_map.scopes.service import require_can_edit

MAX_PIXELS = 40_000_000
THUMBNAIL_SIZE = (320, 320)
FORMATS = {"jpeg": ("JPEG", "jpg"), "png": ("PNG", "png"), "webp": ("WEBP", "webp")}


class PhotoTooLarge(RuleViolation):
    status_code = 413
    code = "too_large"


def detect_image_type(data: bytes) -> str | None:
    """``jpeg``, ``png`` or ``webp`` from the file's first bytes (never from its name), else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _decode(data: bytes, kind: str) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != FORMATS[kind][0]:
                raise RuleViolation("图片内容与文件类型不符")
            if probe.width * probe.height > MAX_PIXELS:
                raise RuleViolation("图片像素过多")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError):
        raise RuleViolation("无法识别的图片或图片已损坏") from None
    return ImageOps.exif_transpose(image)


def store_photo(data: bytes, *, venue_id: str, settings: Settings, caption: str) -> dict[str, Any]:
    """Check and store an uploaded photo and its thumbnail; returns the photo entry for the venue."""
    if len(data) > settings.max_upload_bytes:
        raise PhotoTooLarge(f"图片不能超过 {settings.max_upload_bytes // 1024} KB")
    kind = detect_image_type(data)
    if kind is None:
        raise RuleViolation("只接受 JPEG、PNG 或 WebP 图片")
    image = _decode(data, kind)
    pil_format, extension = FORMATS[kind]
    if pil_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    root = settings.media_dir.resolve()
    folder = (root / "venues" / venue_id).resolve()
    if root not in folder.parents:
        raise RuleViolation("场所编号不能用作目录名")
    folder.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    image.save(folder / f"{name}.{extension}", pil_format)
    thumbnail = image.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    thumbnail.save(folder / f"{name}.thumb.{extension}", pil_format)
    base = f"/media/venues/{venue_id}/{name}"
    return {"url": f"{base}.{extension}", "thumbnail_url": f"{base}.thumb.{extension}", "caption": caption.strip()}


def add_photo(
    session: Session,
    *,
    venue_id: str,
    data: bytes,
    caption: str,
    account: StaffAccount,
    actor: Actor,
    settings: Settings,
    base_version: int | None,
) -> SaveResult:
    """Store a photo and add it to the venue (a new version of the venue, based on ``base_version``)."""
    current = read_record(session, "venue", venue_id)
    if current is None:
        raise NotFound(f"未找到场所 {venue_id}")
    require_can_edit(session, account, "venue", current)
    if len(caption) > 200:
        raise RuleViolation("图片说明最多 200 个字符")
    photo = store_photo(data, venue_id=venue_id, settings=settings, caption=caption)
    record = snapshot(current)
    record["photos"] = [*record["photos"], photo]
    return save_record(session, kind="venue", key=venue_id, data=record, account=account, actor=actor,
                       base_version=base_version)  # fmt: skip


def upload_photo(
    session: Session,
    *,
    venue_id: str,
    upload: BinaryIO,
    caption: str,
    account: StaffAccount,
    actor: Actor,
    settings: Settings,
    base_version: int | None,
) -> SaveResult:
    """An uploaded file added to the venue (the staff API and the staff page): at most ``max_upload_bytes`` + 1
    bytes are read, so that a larger file is refused without reading it all."""
    data = upload.read(settings.max_upload_bytes + 1)
    return add_photo(session, venue_id=venue_id, data=data, caption=caption, account=account, actor=actor,
                     settings=settings, base_version=base_version)  # fmt: skip


def remove_photo(
    session: Session,
    *,
    venue_id: str,
    index: int,
    account: StaffAccount,
    actor: Actor,
    base_version: int | None,
) -> SaveResult:
    """Take a photo off the venue (the file stays, so that earlier versions can be restored); ``index`` is a
    position in version ``base_version``, so a stale index cannot remove another photo."""
    current = read_record(session, "venue", venue_id)
    if current is None:
        raise NotFound(f"未找到场所 {venue_id}")
    record = snapshot(current)
    if not 0 <= index < len(record["photos"]):
        raise NotFound("未找到该照片")
    record["photos"] = [p for i, p in enumerate(record["photos"]) if i != index]
    return save_record(session, kind="venue", key=venue_id, data=record, account=account, actor=actor,
                       base_version=base_version)  # fmt: skip


def media_path(settings: Settings) -> Path:
    path = settings.media_dir
    path.mkdir(parents=True, exist_ok=True)
    return path
