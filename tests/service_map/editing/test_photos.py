"""Photo uploads: type by content (not name), size and pixel limits, re-encoding, thumbnails, /media/."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from cityservices.config import Settings
from cityservices.service_map.editing.photos import detect_image_type
from tests.service_map.editing.helpers import SHIBEI_VENUE, SHINAN_VENUE, current_version, login


def _image(fmt: str, size: tuple[int, int] = (800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, fmt)
    return buffer.getvalue()


def _upload(client: TestClient, token: str, data: bytes, name: str, venue: str = SHINAN_VENUE) -> object:
    files = {"file": (name, data, "image/png")}
    version = current_version(client, f"/api/staff/venues/{venue}")
    return client.post(f"/api/staff/venues/{venue}/photos", files=files, data={"caption": "大厅"},
                       headers={"X-CSRF-Token": token, "If-Match": f'"{version}"'})  # fmt: skip


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_an_image_is_stored_with_a_thumbnail_and_served(client: TestClient, staff_settings: Settings, fmt: str) -> None:
    token = login(client, "editor")
    response = _upload(client, token, _image(fmt), "photo.txt")  # the name does not matter, the content does
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    photo = response.json()["record"]["photos"][-1]  # type: ignore[attr-defined]
    assert photo["caption"] == "大厅"
    served = client.get(photo["url"])
    assert served.status_code == 200
    assert served.headers["x-content-type-options"] == "nosniff"
    thumb = Image.open(io.BytesIO(client.get(photo["thumbnail_url"]).content))
    assert max(thumb.size) == 320
    stored = Path(staff_settings.media_dir) / photo["url"].removeprefix("/media/")
    assert stored.is_file()


@pytest.mark.parametrize(
    "data",
    [
        b"<?php echo 'hi'; ?>",
        b"\x89PNG\r\n\x1a\n" + b"not really a png",
        b"GIF89a" + b"\x00" * 64,
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    ],
)
def test_files_that_are_not_jpeg_png_or_webp_are_refused(client: TestClient, data: bytes) -> None:
    token = login(client, "editor")
    response = _upload(client, token, data, "photo.png")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert client.get(f"/api/staff/venues/{SHINAN_VENUE}/versions").json() == []


def test_files_over_the_size_limit_are_refused(client: TestClient, staff_settings: Settings) -> None:
    token = login(client, "editor")
    big = _image("PNG") + b"\x00" * staff_settings.max_upload_bytes
    assert _upload(client, token, big, "big.png").status_code == 413  # type: ignore[attr-defined]


def test_photos_follow_the_editors_limits_and_can_be_removed(client: TestClient) -> None:
    token = login(client, "shinan")
    assert _upload(client, token, _image("PNG"), "p.png", venue=SHIBEI_VENUE).status_code == 403  # type: ignore[attr-defined]
    assert _upload(client, token, _image("PNG"), "p.png").status_code == 201  # type: ignore[attr-defined]
    current = client.get(f"/api/staff/venues/{SHINAN_VENUE}").json()
    photos = current["record"]["photos"]
    removed = client.delete(f"/api/staff/venues/{SHINAN_VENUE}/photos/{len(photos) - 1}",
                            headers={"X-CSRF-Token": token, "If-Match": str(current["version"])})  # fmt: skip
    assert removed.status_code == 200
    assert len(removed.json()["record"]["photos"]) == len(photos) - 1


def test_magic_bytes_decide_the_type() -> None:
    assert detect_image_type(_image("JPEG")) == "jpeg"
    assert detect_image_type(_image("PNG")) == "png"
    assert detect_image_type(_image("WEBP")) == "webp"
    assert detect_image_type(b"RIFF\x00\x00\x00\x00WAVE") is None
