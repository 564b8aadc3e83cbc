"""Take the README's screenshots: a demo site (``demo --size small``) on a phone and on a desktop.

.venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.testing.live import live_server, server_env  # noqa: E402


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
                ("screenshot-phone.png", {"width": 390, "height": 844}, "/t/1", "zh-CN"),
                ("screenshot-desktop.png", {"width": 1280, "height": 800}, "/", "en"),
            ):
                context = browser.new_context(
                    viewport=viewport, locale=locale, base_url=server.base, device_scale_factor=1
                )
                page = context.new_page()
                page.goto(path)
                page.screenshot(path=ROOT / "docs" / name)
                context.close()
            browser.close()


if __name__ == "__main__":
    main()
