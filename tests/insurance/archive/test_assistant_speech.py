"""The assistant's spoken answer: the member's own answer in Mandarin WAV, never cached; a citizen only; the page
offers the player."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cityservices.kit import speech
from tests.auth.citizens.helpers import sign_in
from tests.insurance.archive.conftest import OWN_ID

pytestmark = pytest.mark.skipif(not speech.available(), reason="espeak-ng is not installed (.ci/run installs it)")
SPEECH = "/api/v1/insurance/archive/assistant/speech"
QUESTION = "我今年还能报多少"


def test_the_answer_is_spoken(insurance_client: TestClient, members_with_records: dict[str, str]) -> None:
    assert insurance_client.get(SPEECH, params={"question": QUESTION}).status_code == 401
    token = sign_in(insurance_client, OWN_ID)
    answer = insurance_client.post("/api/v1/insurance/archive/assistant", json={"question": QUESTION},
                                   headers={"X-CSRF-Token": token}).json()  # fmt: skip
    spoken = insurance_client.get(SPEECH, params={"question": QUESTION})
    assert spoken.status_code == 200
    assert spoken.headers["content-type"] == "audio/wav"
    assert spoken.headers["cache-control"] == "no-store"
    assert spoken.content == speech.speak_wav(answer["answer"])  # this member's answer, worked out on the server
    assert insurance_client.get(SPEECH, params={"question": ""}).status_code == 422


def test_the_page_offers_the_player(insurance_client: TestClient, members_with_records: dict[str, str]) -> None:
    sign_in(insurance_client, OWN_ID)
    page = insurance_client.get("/insurance/archive/assistant")
    form_token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answered = insurance_client.post("/insurance/archive/assistant", data={"question": QUESTION,
                                                                           "csrf_token": form_token})  # fmt: skip
    assert answered.status_code == 200
    assert '<audio controls preload="none" src="/api/v1/insurance/archive/assistant/speech?question=' in answered.text
