"""Take the README's screenshots: a demo site (``demo --size small``) on a phone and on a desktop, and a poll, a
survey's results and an event with a member's ticket (made through the API, answered by the demo's members) on a
phone.

.venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
from playwright.sync_api import Browser, ViewportSize, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.demo import DEMO_PASSWORD  # noqa: E402
from core.testing.live import live_server, server_env  # noqa: E402

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


def as_member(base: str, username: str) -> dict[str, str]:
    token = httpx2.post(f"{base}/api/v1/auth/token", json={"login": username, "password": DEMO_PASSWORD}).json()
    return {"Authorization": f"Bearer {token['token']}"}


def poll_and_survey(base: str) -> tuple[int, int]:
    """A poll that the members voted in and a survey they answered, in the walking club: the poll's thread and the
    survey's id."""
    organiser = as_member(base, "小林")
    members = [as_member(base, name) for name in ("王芳", "emma", "tom-b", "李雷", "hanmeimei")]
    for member in members:
        httpx2.post(f"{base}/api/v1/circles/city-walks/join", headers=member)
    poll = httpx2.post(
        f"{base}/api/v1/circles/city-walks/polls",
        headers=organiser,
        json={
            "title": "下个月走哪条路线？",
            "options": ["滨江步道", "老城区", "植物园环线"],
            "results": "always",
        },
    ).json()
    for member, choice in zip(members, [0, 1, 0, 2, 0], strict=True):
        httpx2.post(f"{base}/api/v1/polls/{poll['id']}/vote", headers=member, json={"choices": [choice]})
    questions: list[dict[str, Any]] = [
        {"kind": "single", "text": "这次活动的距离合适吗？", "options": ["太短", "刚好", "太长"]},
        {"kind": "rating", "text": "给这次活动打分"},
        {"kind": "text", "text": "还有什么建议？", "required": False},
    ]
    survey = httpx2.post(
        f"{base}/api/v1/circles/city-walks/surveys",
        headers=organiser,
        json={"title": "滨江徒步活动反馈", "questions": questions},
    ).json()
    for member, (distance, rating) in zip(members, [(1, 5), (1, 4), (2, 4), (1, 5), (0, 3)], strict=True):
        answers = {"0": distance, "1": rating, "2": "下次希望早点出发"}
        httpx2.post(f"{base}/api/v1/surveys/{survey['id']}/responses", headers=member, json={"answers": answers})
    return poll["thread_id"], survey["id"]


def a_walk(base: str) -> tuple[int, int]:
    """A Saturday walk with 20 places that the members registered for, one of them checked in: the event's thread
    and its id."""
    organiser = as_member(base, "小林")
    start = datetime.now(UTC) + timedelta(days=4)
    event = httpx2.post(
        f"{base}/api/v1/circles/city-walks/events",
        headers=organiser,
        json={
            "title": "周六滨江徒步",
            "body": "早上八点半在滨江公园南门集合，全程约 12 公里，带水和午饭。",
            "starts_at": start.replace(hour=0, minute=30).isoformat(),
            "ends_at": start.replace(hour=5, minute=0).isoformat(),
            "location": "滨江公园南门",
            "capacity": 20,
            "fields": [
                {"name": "name", "label": "姓名", "kind": "short_text", "required": True},
                {"name": "phone", "label": "手机号", "kind": "phone", "required": True},
            ],
        },
    ).json()
    for name, phone in (("王芳", "13812345678"), ("emma", "13912345678"), ("李雷", "13712345678")):
        httpx2.post(
            f"{base}/api/v1/events/{event['id']}/registrations",
            headers=as_member(base, name),
            json={"answers": {"name": name, "phone": phone}},
        )
    first = httpx2.get(f"{base}/api/v1/events/{event['id']}/registrations", headers=organiser).json()["items"][1]
    httpx2.post(f"{base}/api/v1/events/{event['id']}/checkin", headers=organiser, json={"code": first["code"]})
    return event["thread_id"], event["id"]


def signed_in_shot(browser: Browser, base: str, username: str, path: str, name: str) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=base, device_scale_factor=1)
    csrf = context.request.get("/api/v1/auth/csrf").json()["csrf_token"]
    context.request.post(
        "/api/v1/auth/session", data={"login": username, "password": DEMO_PASSWORD}, headers={"X-CSRF-Token": csrf}
    )
    page = context.new_page()
    page.goto(path)
    page.screenshot(path=ROOT / "docs" / name)
    context.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        subprocess.run(
            [sys.executable, "server.py", "demo", "--size", "small"], cwd=ROOT, env=server_env(Path(data)), check=True
        )
        with live_server(Path(data)) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--headless"]
            )
            for name, viewport, path, locale in (
                ("screenshot-phone.png", PHONE, "/t/4", "zh-CN"),  # a thread with a photo
                ("circle-phone.png", PHONE, "/c/city-walks", "zh-CN"),  # its colour and cover
                ("screenshot-desktop.png", DESKTOP, "/", "en"),
            ):
                context = browser.new_context(
                    viewport=viewport, locale=locale, base_url=server.base, device_scale_factor=1
                )
                page = context.new_page()
                page.goto(path)
                page.screenshot(path=ROOT / "docs" / name)
                context.close()
            poll_thread, survey = poll_and_survey(server.base)
            signed_in_shot(browser, server.base, "王芳", f"/t/{poll_thread}", "polls-phone.png")
            signed_in_shot(browser, server.base, "小林", f"/surveys/{survey}/results", "survey-results-phone.png")
            walk_thread, walk = a_walk(server.base)
            signed_in_shot(browser, server.base, "王芳", f"/t/{walk_thread}", "event-phone.png")
            signed_in_shot(browser, server.base, "王芳", f"/events/{walk}/ticket", "ticket-phone.png")
            browser.close()


if __name__ == "__main__":
    main()
