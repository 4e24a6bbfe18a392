"""Checks of an uploaded photo shared by every domain that takes one: the type from the file's first bytes
(never from its name), the size limit, the pixel count read from the header before a single pixel is decoded
(a small PNG can declare 40 million pixels: a decompression bomb), and a bounded decode — JPEGs decoded already
scaled down, the result at most ``max_side`` pixels on its longer side and upright, one decode per worker at a
time so that a burst of uploads waits instead of exhausting its memory.

Where the photo is stored, how it is re-encoded (which drops EXIF and GPS metadata) and who may read it stay
with the domain."""

from __future__ import annotations

import io
import threading
from typing import Literal

from PIL import Image, ImageOps, UnidentifiedImageError

from cityservices.errors import RuleViolation

ImageType = Literal["jpeg", "png", "webp"]
PIL_FORMATS: dict[ImageType, str] = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
EXTENSIONS: dict[ImageType, str] = {"jpeg": "jpg", "png": "png", "webp": "webp"}
_DECODING = threading.BoundedSemaphore(1)  # one decode per worker at a time: its memory is bounded


class ImageTooLarge(RuleViolation):
    """An upload over the size limit (413)."""

    status_code = 413
    code = "too_large"


def detect_image_type(data: bytes) -> ImageType | None:
    """``jpeg``, ``png`` or ``webp`` from the file's first bytes (never from its name), else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def check_upload(data: bytes, *, max_bytes: int) -> ImageType:
    """The type of an uploaded photo within ``max_bytes``; ImageTooLarge or a RuleViolation in Chinese."""
    if len(data) > max_bytes:
        raise ImageTooLarge(f"图片不能超过 {max_bytes // 1024} KB")
    kind = detect_image_type(data)
    if kind is None:
        raise RuleViolation("只接受 JPEG、PNG 或 WebP 图片")
    return kind


def decode_image(data: bytes, kind: ImageType, *, max_pixels: int, max_side: int, what: str = "") -> Image.Image:
    """The checked image of type ``kind``, upright, at most ``max_side`` pixels on its longer side. ``what``
    names the photo in the pixel-limit message (如 “场所照片”)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            if probe.format != PIL_FORMATS[kind]:
                raise RuleViolation("图片内容与文件类型不符")
            width, height = probe.size
            if width * height > max_pixels:
                raise RuleViolation(
                    f"图片像素过多（{width}×{height}）：{what}最多 {max_pixels // 10_000} 万像素，请缩小后再上传"
                )
            probe.verify()
        with _DECODING:
            image = Image.open(io.BytesIO(data))
            if kind == "jpeg":
                image.draft("RGB", (max_side, max_side))  # decoded at 1/2, 1/4 or 1/8 scale when larger
            image.load()
            image.thumbnail((max_side, max_side))
            return ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError):
        raise RuleViolation("无法识别的图片或图片已损坏") from None
