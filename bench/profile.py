"""What one request of a signed-in member costs in-process: the app is called directly (no server, no network), a
page is asked ``--count`` times after a warm-up, and the median is printed, best of three runs; ``--profile`` prints
pyinstrument's tree of where the time goes instead.

    .venv/bin/python bench/profile.py DATA_DIR PATH [PATH ...] [--login NAME] [--count 300] [--profile]

DATA_DIR is a data dir with a site in it (``bench/run.py --keep DIR`` leaves the benchmark's). The member is
``--login`` (a demo member: every large demo member has the demo password; another with ``--password``: the bench's
own member is ``--login bench --password "bench password 123"``), or a new account made for the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def call(app: Any, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, bytes]:
    """One request through the whole ASGI app, as uvicorn would make it."""
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench.local"), *((k.lower().encode(), v.encode()) for k, v in headers.items())],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 80),
        "state": dict(app.state._state.get("lifespan", {})),
    }
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--login")
    parser.add_argument("--password", help="the member's password (default: the demo members' own)")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.update({"QUANZI_DATA_DIR": str(args.data), "QUANZI_RATE_LIMIT_SCALE": "0"})

    from core.app import create_app
    from core.config import load_config
    from core.demo import DEMO_PASSWORD

    app = create_app(load_config())
    async with app.router.lifespan_context(app):
        json_headers = {"content-type": "application/json"}
        if args.login:
            login = {"login": args.login, "password": args.password or DEMO_PASSWORD}
        else:
            account = {"username": "profiler", "email": "profiler@example.com", "password": "profiler password 123"}
            await call(app, "POST", "/api/v1/auth/register", json_headers, json.dumps(account).encode())
            login = {"login": "profiler", "password": account["password"]}
        status, answer = await call(app, "POST", "/api/v1/auth/token", json_headers, json.dumps(login).encode())
        if status != 201:
            raise SystemExit(f"could not sign in: {status} {answer[:200]!r}")
        headers = {"authorization": f"Bearer {json.loads(answer)['token']}", "accept-language": "en"}
        for path in args.paths:
            for _ in range(30):  # warm up: templates compiled, copies filled
                status, _ = await call(app, "GET", path, headers)
            if status != 200:
                raise SystemExit(f"{path}: {status}")
            if args.profile:
                from pyinstrument import Profiler

                with Profiler(async_mode="disabled", interval=0.0002) as profiler:
                    for _ in range(args.count):
                        await call(app, "GET", path, headers)
                print(profiler.output_text(unicode=True, color=False, show_all=False))
                continue
            medians, cpu = [], []
            for _ in range(3):
                times = []
                cpu_began = time.process_time()
                for _ in range(args.count):
                    began = time.perf_counter()
                    await call(app, "GET", path, headers)
                    times.append(time.perf_counter() - began)
                cpu.append((time.process_time() - cpu_began) / args.count * 1000)
                medians.append(statistics.median(times) * 1000)
            print(
                f"{path}: {min(medians):.2f} ms wall (median of {args.count}, best of 3), "
                f"{min(cpu):.2f} ms of CPU a request (both threads)"
            )


if __name__ == "__main__":
    asyncio.run(main())
