"""视频办 in Chromium with fake media devices: a member (phone, 360 px) and an agent (desktop) connect by WebRTC
with signalling over the app's WebSocket, the member uploads a file that the agent's page lists and opens, the
agent completes the item.
Screenshots of both sides: docs/screenshots/video-member.png and video-agent.png."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, MOBILE, ROOT, Server, watch_console

SCREENSHOTS = ROOT / "docs" / "screenshots"
FAKE_MEDIA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--lang=zh-CN"]
AGENT, AGENT_PASSWORD = "video_agent", "Agent-video-2026!"
CITIZEN_PASSWORD = "Member-video-2026!"
PNG = (  # a 1×1 PNG: what a phone's photo of a certificate is, in small
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
SETUP = """
from cityservices.auth.citizens.service import CitizenKeys, create_citizen
from cityservices.auth.service import create_account
from cityservices.config import get_settings
from cityservices.db import session_scope
from cityservices.insurance.archive import repository
from cityservices.kit.audit import SYSTEM
from cityservices.platform.runtime import make_runtime
from cityservices.platform.security import load_secret
settings = get_settings()
runtime = make_runtime(settings)
with session_scope(runtime.sessions) as session:
    create_account(session, username="{agent}", password="{agent_password}", display_name="视频坐席",
                   role="editor", actor=SYSTEM)
    member = repository.demo_members(session, 20)[-1]
    create_citizen(session, id_number=member.certno, name=member.psn_name, password="{citizen_password}",
                   keys=CitizenKeys.from_secret(load_secret(settings)), actor=SYSTEM, demo=True)
    print(member.certno)
"""


@pytest.fixture(scope="module")
def media_browser(playwright: Any) -> Iterator[Any]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *FAKE_MEDIA])
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def member_id(demo_env: dict[str, str], server: Server) -> str:
    code = SETUP.format(agent=AGENT, agent_password=AGENT_PASSWORD, citizen_password=CITIZEN_PASSWORD)
    done = subprocess.run([sys.executable, "-c", code], env=demo_env, check=True, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def _context(browser: Any, viewport: dict[str, int], server: Server) -> Any:
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  permissions=["camera", "microphone"])  # fmt: skip
    context.set_default_timeout(90_000)  # two pages, WebRTC and a WebSocket on a loaded two-core machine
    return context


def test_member_and_agent_connect(media_browser: Any, server: Server, member_id: str, tmp_path: Path) -> None:
    member_ctx, agent_ctx = _context(media_browser, MOBILE, server), _context(media_browser, DESKTOP, server)
    member, agent = member_ctx.new_page(), agent_ctx.new_page()

    member.goto(server.url("/citizen/login?next=/insurance/video"))
    member.fill("input[name=id_number]", member_id)
    member.fill("input[name=password]", CITIZEN_PASSWORD)
    member.click("button[type=submit]")
    member.wait_for_url("**/insurance/video")
    member.select_option("select[name=item]", "elsewhere_filing")
    member.check("input[name=consent]")
    member.click("text=申请视频办理")
    member.wait_for_url("**/insurance/video/*")
    member.wait_for_selector("text=排队等待中")

    agent.goto(server.url("/staff/login?next=/insurance/agent/video"))
    agent.fill("input[name=username]", AGENT)
    agent.fill("input[name=password]", AGENT_PASSWORD)
    agent.click("button[type=submit]")
    agent.goto(server.url("/insurance/agent/video"))
    agent.click("text=接听")
    agent.wait_for_url("**/insurance/agent/video/*")
    member_problems, agent_problems = watch_console(member), watch_console(agent)  # from the call on
    failed: list[str] = []  # failing requests, by address (the staff layout has no icon: /favicon.ico is not one)
    for page in (member, agent):
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)

    for page in (member, agent):
        page.wait_for_selector("#video-call[data-transport=websocket]")  # not the polling fallback
        page.wait_for_selector("#video-call[data-connected=true]")
        # a function, not an expression: the page's CSP forbids the eval Playwright polls an expression with
        page.wait_for_function("() => document.getElementById('remote-video').videoWidth > 0")
    scroll = member.evaluate("document.documentElement.scrollWidth")
    assert scroll <= MOBILE["width"]

    document = tmp_path / "参保证明.png"
    document.write_bytes(PNG)
    member.wait_for_selector("#video-send:not([disabled])")
    member.set_input_files("#video-file", str(document))
    member.click("#video-send")
    member.wait_for_selector("#video-call[data-files='1']")
    agent.wait_for_selector("#video-call[data-files='1']")  # told over the signalling socket
    assert "参保证明.png" in agent.inner_text("#video-stored")
    href = agent.get_attribute("#video-stored a", "href")
    assert href is not None
    fetched = agent_ctx.request.get(server.url(href))
    assert fetched.body() == PNG
    assert member.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]

    member.wait_for_timeout(1500)  # a few frames of the fake camera on both sides
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    member.screenshot(path=str(SCREENSHOTS / "video-member.png"), full_page=True)
    agent.screenshot(path=str(SCREENSHOTS / "video-agent.png"), full_page=True)

    agent.fill("input[name=outcome]", "已受理异地就医备案")
    agent.click("#video-complete")
    agent.wait_for_selector("text=办理结果：已受理异地就医备案")
    member.wait_for_selector("#video-status:has-text('已办结')")
    assert not failed
    assert not [p for p in member_problems + agent_problems if not p.startswith("Failed to load resource")]
    member_ctx.close()
    agent_ctx.close()
