"""Shared upload checks of photos (kit.images): type by content, size, pixel count before decoding, bounded
decode; both domains that take photos use them rather than their own copies."""

from __future__ import annotations

import inspect
import io

import pytest
from PIL import Image

from cityservices.errors import RuleViolation
from cityservices.kit import images
from cityservices.kit.images import ImageTooLarge, check_upload, decode_image, detect_image_type
from cityservices.party_day.records import photos as party_photos
from cityservices.service_map.editing import photos as venue_photos
from tests.builders import png_bomb


def encoded(size: tuple[int, int], fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(("fmt", "kind"), [("JPEG", "jpeg"), ("PNG", "png"), ("WEBP", "webp")])
def test_the_type_comes_from_the_content(fmt: str, kind: str) -> None:
    data = encoded((8, 8), fmt)
    assert detect_image_type(data) == kind
    assert check_upload(data, max_bytes=len(data)) == kind


def test_size_and_type_are_refused_in_chinese() -> None:
    with pytest.raises(ImageTooLarge, match="不能超过 1 KB") as caught:
        check_upload(b"\xff\xd8\xff" + b"0" * 2048, max_bytes=1024)
    assert caught.value.status_code == 413
    with pytest.raises(RuleViolation, match="只接受 JPEG、PNG 或 WebP"):
        check_upload(b"GIF89a....", max_bytes=1024)


def test_pixels_are_counted_before_decoding_and_the_result_is_bounded() -> None:
    with pytest.raises(RuleViolation, match="图片像素过多（3000×3000）：场所照片最多 100 万像素"):
        decode_image(png_bomb(3000), "png", max_pixels=1_000_000, max_side=100, what="场所照片")
    with pytest.raises(RuleViolation, match="与文件类型不符"):
        decode_image(encoded((8, 8), "PNG"), "jpeg", max_pixels=1_000_000, max_side=100)
    with pytest.raises(RuleViolation, match="无法识别的图片"):
        decode_image(b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "png", max_pixels=1_000_000, max_side=100)
    image = decode_image(encoded((400, 200), "JPEG"), "jpeg", max_pixels=1_000_000, max_side=100)
    assert max(image.size) <= 100


def test_both_domains_use_the_shared_checks() -> None:
    assert venue_photos.PhotoTooLarge is ImageTooLarge
    assert party_photos.PhotoTooLarge is ImageTooLarge
    for module in (venue_photos, party_photos):
        source = inspect.getsource(module)
        assert "\\x89PNG" not in source
        assert "Image.open" not in source
        assert "check_upload" in source
        assert "decode_image" in source
    assert "\\x89PNG" in inspect.getsource(images)
