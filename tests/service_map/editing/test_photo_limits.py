"""Photo uploads under attack: a decompression bomb (a small PNG declaring millions of pixels), oversized photos,
files left behind by a failed save, removed photos still served."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from cityservices.config import Settings
from cityservices.errors import Conflict
from cityservices.service_map.editing import photos
from tests.builders import png_bomb
from tests.service_map.editing.helpers import SHINAN_VENUE, current_version, login


def _upload(client: TestClient, token: str, data: bytes, name: str = "p.png") -> object:
    files = {"file": (name, data, "application/octet-stream")}
    version = current_version(client, f"/api/staff/venues/{SHINAN_VENUE}")
    return client.post(f"/api/staff/venues/{SHINAN_VENUE}/photos", files=files, data={"caption": "大厅"},
                       headers={"X-CSRF-Token": token, "If-Match": f'"{version}"'})  # fmt: skip


def _stored(settings: Settings) -> list[Path]:
    folder = Path(settings.media_dir) / "venues" / SHINAN_VENUE
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_a_small_png_of_huge_dimensions_is_refused_before_decoding(
    client: TestClient, staff_settings: Settings
) -> None:
    bomb = png_bomb(6320)  # the reproduced attack: 6320×6320 pixels
    assert len(bomb) < 200 * 1024
    token = login(client, "editor")
    response = _upload(client, token, bomb)
    assert response.status_code == 422  # type: ignore[attr-defined]
    detail = response.json()["detail"]  # type: ignore[attr-defined]
    assert "像素过多" in detail
    assert "6320×6320" in detail
    assert client.get(f"/api/staff/venues/{SHINAN_VENUE}/versions").json() == []
    assert _stored(staff_settings) == []


def test_a_large_photo_is_stored_scaled_to_the_longest_side(client: TestClient, staff_settings: Settings) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (3200, 2000), (10, 120, 200)).save(buffer, "JPEG")
    token = login(client, "editor")
    response = _upload(client, token, buffer.getvalue(), "p.jpg")
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    photo = response.json()["record"]["photos"][-1]  # type: ignore[attr-defined]
    with Image.open(Path(staff_settings.media_dir) / photo["url"].removeprefix("/media/")) as stored:
        assert max(stored.size) == photos.PHOTO_MAX_SIDE


def test_a_failed_save_leaves_no_photo_files_behind(
    client: TestClient, staff_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise Conflict("该场所刚被他人修改")

    monkeypatch.setattr(photos, "save_record", refuse)
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300)).save(buffer, "PNG")
    token = login(client, "editor")
    assert _upload(client, token, buffer.getvalue()).status_code == 409  # type: ignore[attr-defined]
    assert _stored(staff_settings) == []


def test_a_removed_photo_is_no_longer_served(client: TestClient) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300)).save(buffer, "PNG")
    token = login(client, "editor")
    added = _upload(client, token, buffer.getvalue())
    assert added.status_code == 201  # type: ignore[attr-defined]
    record = added.json()["record"]  # type: ignore[attr-defined]
    photo, index = record["photos"][-1], len(record["photos"]) - 1
    assert client.get(photo["url"]).status_code == 200
    version = current_version(client, f"/api/staff/venues/{SHINAN_VENUE}")
    removed = client.delete(f"/api/staff/venues/{SHINAN_VENUE}/photos/{index}",
                            headers={"X-CSRF-Token": token, "If-Match": f'"{version}"'})  # fmt: skip
    assert removed.status_code == 200
    assert client.get(photo["url"]).status_code == 404
    assert client.get(photo["thumbnail_url"]).status_code == 404
    assert client.get(f"/media/venues/{SHINAN_VENUE}/../../secret_key").status_code == 404
