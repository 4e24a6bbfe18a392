"""Venue photos: type by magic bytes (JPEG, PNG, WebP), size and pixel limits, re-encoding (drops EXIF and
GPS metadata) and a thumbnail, stored under the media directory and served at ``/media/``.

Decoding is bounded: the pixel count is read from the file's header and checked against ``max_photo_pixels``
before a single pixel is decoded (a small PNG can declare 40 million pixels: a decompression bomb); JPEGs are
decoded already scaled down; the stored photo is at most ``PHOTO_MAX_SIDE`` pixels on its longer side; and a
worker decodes one upload at a time, so a burst of uploads waits instead of exhausting its memory."""

from __future__ import annotations

import io
import threading
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

PHOTO_MAX_SIDE = 2560
THUMBNAIL_SIZE = (320, 320)
FORMATS = {"jpeg": ("JPEG", "jpg"), "png": ("PNG", "png"), "webp": ("WEBP", "webp")}


class PhotoTooLarge(RuleViolation):
    status_code = 413
    code = "too_large"


_DECODING = threading.BoundedSemaphore(1)  # one decode per worker at a time: its memory is bounded


def detect_image_type(data: bytes) -> str | None:
    """``jpeg``, ``png`` or ``webp`` from the file's first bytes (never from its name), else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _decode(data: bytes, kind: str, *, max_pixels: int) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            if probe.format != FORMATS[kind][0]:
                raise RuleViolation("图片内容与文件类型不符")
            width, height = probe.size
            if width * height > max_pixels:
                raise RuleViolation(
                    f"图片像素过多（{width}×{height}）：场所照片最多 {max_pixels // 10_000} 万像素，请缩小后再上传"
                )
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if kind == "jpeg":
            image.draft("RGB", (PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))  # decoded at 1/2, 1/4 or 1/8 scale when larger
        image.load()
        image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
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
    root = settings.media_dir.resolve()
    folder = (root / "venues" / venue_id).resolve()
    if root not in folder.parents:
        raise RuleViolation("场所编号不能用作目录名")
    with _DECODING:
        image = _decode(data, kind, max_pixels=settings.max_photo_pixels)
        pil_format, extension = FORMATS[kind]
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
