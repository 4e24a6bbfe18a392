"""Lost updates: every write to a versioned record names the version it was based on (``If-Match`` or
``base_version``; a hidden field in the staff forms) and a write based on anything but the latest is refused."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.service_map.editing.models import RecordVersion
from tests.service_map.editing.helpers import SHINAN_VENUE, form_fields, login

PATH = f"/api/staff/venues/{SHINAN_VENUE}"


def _read(client: TestClient) -> tuple[dict[str, Any], int]:
    body = client.get(PATH).json()
    return body["record"], body["version"]


def _versions(db: Session) -> int:
    return (
        db.scalar(select(func.count()).select_from(RecordVersion).where(RecordVersion.entity_key == SHINAN_VENUE)) or 0
    )


def test_a_save_without_the_version_it_was_based_on_is_refused(client: TestClient, db: Session) -> None:
    """The attack: two staff load the venue, both save without ``base_version``: the second silently wiped the
    first's change."""
    token = login(client, "editor")
    record, _ = _read(client)
    response = client.put(PATH, json={"record": {**record, "transport": "地铁"}}, headers={"X-CSRF-Token": token})
    assert response.status_code == 422
    assert "base_version" in response.text
    assert _versions(db) == 0


def test_the_second_of_two_saves_from_the_same_version_gets_409(client: TestClient) -> None:
    token = login(client, "editor")
    record, version = _read(client)
    first = client.put(PATH, json={"record": {**record, "transport": "地铁"}},
                       headers={"X-CSRF-Token": token, "If-Match": f'"{version}"'})  # fmt: skip
    assert first.status_code == 200
    second = client.put(PATH, json={"record": {**record, "description": "另一处修改"}},
                        headers={"X-CSRF-Token": token, "If-Match": f'"{version}"'})  # fmt: skip
    assert second.status_code == 409
    assert _read(client)[0]["transport"] == "地铁"


def test_the_record_carries_its_version_as_etag_and_if_match_must_be_a_version(client: TestClient) -> None:
    token = login(client, "editor")
    response = client.get(PATH)
    assert response.headers["etag"] == f'"{response.json()["version"]}"'
    record = response.json()["record"]
    bad = client.put(PATH, json={"record": record}, headers={"X-CSRF-Token": token, "If-Match": "*"})
    assert bad.status_code == 422
    assert "If-Match" in bad.text
    disagree = client.put(PATH, json={"record": record, "base_version": 1},
                          headers={"X-CSRF-Token": token, "If-Match": '"0"'})  # fmt: skip
    assert disagree.status_code == 422


def test_a_restore_decided_before_a_later_fix_does_not_wipe_it(client: TestClient) -> None:
    """The attack: a restore had no version check and wiped a fix saved after the restorer looked."""
    token = login(client, "editor")
    record, version = _read(client)
    assert client.put(PATH, json={"record": {**record, "transport": "地铁"}, "base_version": version},
                      headers={"X-CSRF-Token": token}).status_code == 200  # fmt: skip
    seen = _read(client)[1]  # the restorer looks at version 2
    assert (
        client.put(
            PATH,
            json={"record": {**record, "transport": "公交 5 路"}, "base_version": seen},
            headers={"X-CSRF-Token": token},
        ).status_code
        == 200
    )  # fmt: skip  (the fix)
    stale = client.post(f"{PATH}/versions/1/restore", headers={"X-CSRF-Token": token, "If-Match": str(seen)})
    assert stale.status_code == 409
    assert client.post(f"{PATH}/versions/1/restore", headers={"X-CSRF-Token": token}).status_code == 422
    assert _read(client)[0]["transport"] == "公交 5 路"
    done = client.post(f"{PATH}/versions/1/restore?base_version={seen + 1}", headers={"X-CSRF-Token": token})
    assert done.status_code == 200


def test_a_stale_photo_index_cannot_remove_another_photo(client: TestClient) -> None:
    token = login(client, "editor")
    record, version = _read(client)
    photos = [{"url": "/media/a.png", "caption": "甲"}, {"url": "/media/b.png", "caption": "乙"}]
    assert client.put(PATH, json={"record": {**record, "photos": photos}, "base_version": version},
                      headers={"X-CSRF-Token": token}).status_code == 200  # fmt: skip
    seen = _read(client)[1]
    assert client.delete(f"{PATH}/photos/0", headers={"X-CSRF-Token": token, "If-Match": str(seen)}).status_code == 200
    stale = client.delete(f"{PATH}/photos/0", headers={"X-CSRF-Token": token, "If-Match": str(seen)})
    assert stale.status_code == 409
    assert [p["caption"] for p in _read(client)[0]["photos"]] == ["乙"]
    assert client.delete(f"{PATH}/photos/0", headers={"X-CSRF-Token": token}).status_code == 422


def test_the_staff_form_carries_the_version_and_a_stale_form_gets_409(client: TestClient) -> None:
    token = login(client, "editor")
    page = client.get(f"/staff/venues/{SHINAN_VENUE}").text
    assert re.search(r'<input type="hidden" name="base_version" value="1">', page)
    record, _ = _read(client)
    assert client.put(PATH, json={"record": {**record, "transport": "地铁"}, "base_version": 0},
                      headers={"X-CSRF-Token": token}).status_code == 200  # fmt: skip
    form = {**form_fields(page), "csrf_token": token, "description": "表单里的修改"}
    stale = client.post(f"/staff/venues/{SHINAN_VENUE}", data=form, follow_redirects=False)
    assert stale.status_code == 409
    assert "已被他人修改" in stale.text
    form.pop("base_version")
    missing = client.post(f"/staff/venues/{SHINAN_VENUE}", data=form, follow_redirects=False)
    assert missing.status_code == 422
    restore = client.post(f"/staff/venues/{SHINAN_VENUE}/versions/1/restore",
                          data={"csrf_token": token, "base_version": "0"}, follow_redirects=False)  # fmt: skip
    assert restore.status_code == 409
    assert _read(client)[0]["transport"] == "地铁"
