"""Venue photos: checked by ``kit.images`` (type by magic bytes, size and pixel limits, a bounded decode),
re-encoded (drops EXIF and GPS metadata) with a thumbnail, stored under the media directory and served at
``/media/``. The stored photo is at most ``PHOTO_MAX_SIDE`` pixels on its longer side."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.config import Settings
from cityservices.errors import NotFound, RuleViolation
from cityservices.kit.audit import Actor
from cityservices.kit.images import (
    EXTENSIONS,
    PIL_FORMATS,
    ImageTooLarge,
    check_upload,
    decode_image,
    detect_image_type,
)
from cityservices.service_map.editing.records import read_record, snapshot
from cityservices.service_map.editing.service import SaveResult, save_record
from cityservices.service_map.scopes.service import require_can_edit

PHOTO_MAX_SIDE = 2560
THUMBNAIL_SIZE = (320, 320)
__all__ = ["PhotoTooLarge", "add_photo", "detect_image_type", "remove_photo", "store_photo", "upload_photo"]


PhotoTooLarge = ImageTooLarge  # the name this module has always raised


def store_photo(data: bytes, *, venue_id: str, settings: Settings, caption: str) -> dict[str, Any]:
    """Check and store an uploaded photo and its thumbnail; returns the photo entry for the venue."""
    kind = check_upload(data, max_bytes=settings.max_upload_bytes)
    root = settings.media_dir.resolve()
    folder = (root / "venues" / venue_id).resolve()
    if root not in folder.parents:
        raise RuleViolation("场所编号不能用作目录名")
    image = decode_image(data, kind, max_pixels=settings.max_photo_pixels, max_side=PHOTO_MAX_SIDE, what="场所照片")
    pil_format, extension = PIL_FORMATS[kind], EXTENSIONS[kind]
    if pil_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    folder.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    paths = (folder / f"{name}.{extension}", folder / f"{name}.thumb.{extension}")
    try:
        image.save(paths[0], pil_format)
        image.thumbnail(THUMBNAIL_SIZE)
        image.save(paths[1], pil_format)
    except BaseException:
        _unlink(paths)
        raise
    base = f"/media/venues/{venue_id}/{name}"
    return {"url": f"{base}.{extension}", "thumbnail_url": f"{base}.thumb.{extension}", "caption": caption.strip()}


def _unlink(paths: tuple[Path, ...]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def stored_files(photo: dict[str, Any], settings: Settings) -> tuple[Path, ...]:
    """The files of a photo entry under the media directory."""
    root = settings.media_dir.resolve()
    urls = (photo.get("url"), photo.get("thumbnail_url"))
    return tuple(
        root / url.removeprefix("/media/") for url in urls if isinstance(url, str) and url.startswith("/media/")
    )


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
    try:
        return save_record(session, kind="venue", key=venue_id, data=record, account=account, actor=actor,
                           base_version=base_version)  # fmt: skip
    except BaseException:  # the save was refused: its files must not stay behind
        _unlink(stored_files(photo, settings))
        raise


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
