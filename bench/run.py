"""``make bench``: the demo's large data set in a scratch data dir, the server as a real process (one worker,
SQLite), loaded by wrk at 32 connections; one table of requests/s, p50 and p99 per page, as a share of the
ceiling (bench/ceiling.py) measured in the same run, and the server's peak RSS.

    .venv/bin/python bench/run.py [--scale N] [--duration SECONDS] [--keep DIR] [--postgres URL [--workers N]]
                                  [--search whoosh|postgres]

With ``--postgres`` the data set is built in (or reused from) that database, and the server and the ceiling run
on it with ``--workers`` workers each; search is then PostgreSQL's (core/search/postgres_index.py) unless
``--search whoosh`` says otherwise (either engine is reindexed first on a data set that was built before).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import asyncpg
import httpx2
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.demo import DEMO_PASSWORD, RARE_EN, RARE_ZH, WORDS_EN, WORDS_ZH  # noqa: E402
from core.testing.gateway import TextGateway  # noqa: E402

CONNECTIONS = 32


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx2.get(url, timeout=2).status_code < 500:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


# wrk asks for these paths in turn instead of one (a Lua list), e.g. a mix of search words; ``BUST``: each with a
# parameter of its own, as a guest who would get past the guests' cache adds (pages with it are made, never kept)
ROTATE = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, paths[i %% #paths + 1]%s)
end
"""
BUST = ' .. "&v=" .. i'


def wrk(
    url: str, duration: int, token: str | None = None, paths: list[str] | None = None, bust: bool = False
) -> tuple[float, float, float]:
    """Requests per second, p50 and p99 in milliseconds (as a member, with ``token``); ``paths``: asked in turn on
    ``url``'s server instead of its path (``bust``: each with a parameter nobody asked for before)."""
    member = ["-H", f"Authorization: Bearer {token}"] if token else []
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if paths:
            script.write(ROTATE % (", ".join(f'"{path}"' for path in paths), BUST if bust else ""))
            script.flush()
        output = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{CONNECTIONS}",
                f"-d{duration}s",
                "--latency",
                *member,
                *(["-s", script.name] if paths else []),
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]

    def latency(label: str) -> float:
        value, unit = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    if "Non-2xx" in output:
        raise RuntimeError(f"{url} answered errors under load:\n{output}")
    return rate, latency("50"), latency("99")


def member_token(base: str) -> str:
    """An API token of a new member (the rows "as a member")."""
    account = {"username": "bench", "email": "bench@example.com", "password": "bench password 123"}
    httpx2.post(f"{base}/api/v1/auth/register", json=account, timeout=30)
    login = {"login": "bench", "password": account["password"]}
    return str(httpx2.post(f"{base}/api/v1/auth/token", json=login, timeout=30).json()["token"])


def thread_of_pictures(base: str, token: str, slug: str) -> int:
    """A thread of 20 posts, each with a photo (sent through the API), in the public circle ``slug``: its id."""
    auth = {"Authorization": f"Bearer {token}"}
    httpx2.post(f"{base}/api/v1/circles/{slug}/join", headers=auth, timeout=30)
    photos = []
    for number in range(20):
        photo = BytesIO()
        Image.new("RGB", (2400, 1600), (number * 12, 90, 160)).save(photo, "JPEG")
        photos.append(
            httpx2.post(
                f"{base}/api/v1/uploads",
                headers=auth,
                timeout=30,
                files={"file": ("walk.jpg", photo.getvalue(), "image/jpeg")},
            ).json()["markdown"]
        )
    thread = httpx2.post(
        f"{base}/api/v1/circles/{slug}/threads",
        headers=auth,
        timeout=30,
        json={"title": "Photos of the walk", "body": f"Photo 1\n\n{photos[0]}"},
    ).json()
    for number, markdown in enumerate(photos[1:], start=2):
        httpx2.post(
            f"{base}/api/v1/threads/{thread['id']}/posts",
            headers=auth,
            timeout=30,
            json={"body": f"Photo {number}\n\n{markdown}"},
        )
    return int(thread["id"])


def an_event(base: str, token: str, slug: str) -> dict[str, int]:
    """An event with 200 places in the circle ``slug``, as the annual meeting posts it."""
    start = time.time() + 30 * 86400
    body = {
        "title": "Annual meeting",
        "body": "Register by Friday.",
        "capacity": 200,
        "starts_at": time.strftime("%Y-%m-%dT09:00:00Z", time.gmtime(start)),
        "ends_at": time.strftime("%Y-%m-%dT17:00:00Z", time.gmtime(start)),
        "fields": [
            {"name": "name", "label": "Name", "kind": "short_text", "required": True},
            {"name": "organisation", "label": "Organisation", "kind": "short_text"},
        ],
    }
    response = httpx2.post(
        f"{base}/api/v1/circles/{slug}/events", json=body, timeout=30, headers={"Authorization": f"Bearer {token}"}
    )
    response.raise_for_status()
    return {"id": response.json()["id"], "thread_id": response.json()["thread_id"]}


def a_complaint(base: str, slug: str) -> str:
    """A guest's complaint with a few answers from the desk: the path of its tracking page."""
    body = {
        "subject": "A fake bottle",
        "body": "Bought at the fair; the cork is plastic.",
        "contact_name": "Wang",
        "contact_email": "wang@example.com",
    }
    response = httpx2.post(f"{base}/api/v1/circles/{slug}/complaints", json=body, timeout=30)
    response.raise_for_status()
    return str(response.json()["tracking_url"])


def a_campaign(base: str, token: str, slug: str) -> str:
    """A flyer campaign of the circle ``slug`` (its owner applies the template and publishes it): its public page's
    path."""
    owner = {"Authorization": f"Bearer {token}"}
    response = httpx2.post(
        f"{base}/api/v1/circles/{slug}/templates/flyer-campaign",
        json={"title": "Spring tasting"},
        headers=owner,
        timeout=30,
    )
    response.raise_for_status()
    path = str(response.json()["created"][0]["url"])
    httpx2.post(f"{base}/api/v1/flyers/{path.rsplit('/', 1)[1]}/publish", headers=owner, timeout=30).raise_for_status()
    return path


def a_club(base: str, token: str, slug: str, members: list[str]) -> str:
    """The customer club around the circle ``slug`` (its owner applies the template), with ``members`` given points
    from 0 to 950 (a correction each), so that levels show beside their names and on their profiles: its page's
    path."""
    headers = {"Authorization": f"Bearer {token}"}
    response = httpx2.post(
        f"{base}/api/v1/circles/{slug}/templates/customer-club", json={}, headers=headers, timeout=60
    )
    response.raise_for_status()
    club = response.json()["created"][0]["url"].rsplit("/", 1)[1]
    for number, username in enumerate(members):
        body = {"username": username, "points": 50 * (number % 20) or 5, "reason": "bench"}
        httpx2.post(f"{base}/api/v1/clubs/{club}/corrections", json=body, headers=headers, timeout=30)
    return f"/clubs/{club}"


def a_meeting(base: str, token: str, slug: str) -> str:
    """A meeting of the circle ``slug`` (its owner applies the meeting kit): its page's path."""
    response = httpx2.post(
        f"{base}/api/v1/circles/{slug}/templates/meeting-kit",
        json={"title": "Annual meeting"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    response.raise_for_status()
    return str(response.json()["created"][0]["url"])


def crowd(base: str, count: int) -> list[str]:
    """``count`` new members who join the circles they act in: their API tokens (signed up one at a time, since each
    password hash takes its memory and the peak RSS is the server's own)."""
    tokens = []
    with httpx2.Client(base_url=base, timeout=60) as http:
        for number in range(count):
            account = {
                "username": f"rush{number}",
                "email": f"rush{number}@example.com",
                "password": "bench password 123",
            }
            http.post("/api/v1/auth/register", json=account)
            login = {"login": account["username"], "password": account["password"]}
            tokens.append(str(http.post("/api/v1/auth/token", json=login).json()["token"]))
    return tokens


def rush(
    base: str, path: str, calls: list[tuple[dict[str, str], dict[str, object]]]
) -> tuple[float, float, float, list[int]]:
    """Each of ``calls`` (headers, JSON body) POSTed to ``path`` once, ``CONNECTIONS`` at a time (a link in a chat
    group): requests per second, p50 and p99 in milliseconds, and the answers' status codes."""

    async def run() -> tuple[float, float, float, list[int]]:
        gate = asyncio.Semaphore(CONNECTIONS)
        latencies: list[float] = []
        async with httpx2.AsyncClient(base_url=base, timeout=60) as http:

            async def one(headers: dict[str, str], body: dict[str, object]) -> int:
                async with gate:
                    started = time.perf_counter()
                    response = await http.post(path, json=body, headers=headers)
                    latencies.append((time.perf_counter() - started) * 1000)
                    return response.status_code

            began = time.perf_counter()
            codes = await asyncio.gather(*(one(headers, body) for headers, body in calls))
            elapsed = time.perf_counter() - began
        latencies.sort()
        return len(calls) / elapsed, latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)], codes

    return asyncio.run(run())


def signing_in(base: str, gateway: TextGateway, count: int) -> list[tuple[str, float, float, float]]:
    """``count`` newcomers, each on a phone of their own (its address, as the reverse proxy says), ask for a code
    and sign in with it (a new account each): the rows of both, once every code has arrived at the gateway."""
    numbers = [f"+86139{index:08d}" for index in range(count)]
    phones = [{"X-Forwarded-For": f"10.{index // 250}.{index % 250}.1"} for index in range(count)]
    rows = []
    rate, p50, p99, codes = rush(base, "/api/v1/auth/phone/code", [
        (phone, {"phone": number}) for phone, number in zip(phones, numbers, strict=True)
    ])  # fmt: skip
    if codes != [202] * count:
        raise RuntimeError(f"code requests: {sorted(set(codes))}")
    rows.append((f"{count} code requests (API)", rate, p50, p99))
    sent = [gateway.code_for(number) for number in numbers]
    rate, p50, p99, codes = rush(base, "/api/v1/auth/phone/verify", [
        (phone, {"phone": number, "code": code}) for phone, number, code in zip(phones, numbers, sent, strict=True)
    ])  # fmt: skip
    if codes != [201] * count:
        raise RuntimeError(f"signing in with the codes: {sorted(set(codes))}")
    rows.append((f"{count} signing in by code (API)", rate, p50, p99))
    return rows


def a_product(base: str, token: str, slug: str) -> int:
    """A wine with 200 bottles in the circle ``slug``'s shop: its id."""
    body = {"name": "Ningxia Cabernet 2019", "description": "Dark fruit, oak.", "price": "88.00", "stock": 200}
    response = httpx2.post(
        f"{base}/api/v1/circles/{slug}/products", json=body, timeout=30, headers={"Authorization": f"Bearer {token}"}
    )
    response.raise_for_status()
    return int(response.json()["id"])


def talk(base: str, owner_token: str, member_token: str, slug: str) -> tuple[str, str]:
    """50 lines in the circle's chat, and a conversation of 30 messages between its owner and the bench's member:
    the paths of the chat's page and of the conversation's."""
    owner, member = {"Authorization": f"Bearer {owner_token}"}, {"Authorization": f"Bearer {member_token}"}
    with httpx2.Client(base_url=base, timeout=30) as http:
        for number in range(50):
            line = {
                "body": f"Line {number}: who brings the **bread** on Saturday? @{'nobody' if number % 7 else 'all'}"
            }
            http.post(f"/api/v1/circles/{slug}/chat", json=line, headers=owner).raise_for_status()
        http.patch("/api/v1/me", json={"messages_from": "everyone"}, headers=member).raise_for_status()
        me = http.get("/api/v1/me", headers=member).json()["username"]
        started = http.post("/api/v1/conversations", json={"to": [me], "body": "Hello, *welcome*!"}, headers=owner)
        conversation = started.raise_for_status().json()["id"]
        for number in range(29):
            body = {"body": f"Message {number}: see you at the tasting, bring a friend."}
            sender = member if number % 2 else owner
            http.post(f"/api/v1/conversations/{conversation}/messages", json=body, headers=sender).raise_for_status()
    return f"/c/{slug}/chat", f"/messages/{conversation}"


def worker_of(supervisor: int) -> int:
    """The worker process of ``serve`` (its supervisor's child that is not multiprocessing's resource tracker)."""
    for pid in subprocess.run(["pgrep", "-P", str(supervisor)], capture_output=True, text=True).stdout.split():
        if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return int(pid)
    raise RuntimeError("no worker")


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def idle_streams(port: int, worker: int, token: str, slug: str, count: int) -> tuple[float, float, float]:
    """``count`` readers of the circle's chat stream held open at once by one worker: what they add to its memory
    (MB), the CPU it spends in 10 idle seconds while it holds them, and how long one line takes to reach them all
    (ms)."""

    async def run() -> tuple[float, float, float]:
        before = rss_mb(worker)
        request = f"GET /api/v1/circles/{slug}/chat/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
        streams = []
        for _ in range(count):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            streams.append((reader, writer))
        await asyncio.gather(*(reader.readuntil(b"retry: 3000") for reader, _ in streams))
        held = rss_mb(worker) - before
        cpu = cpu_seconds(worker)
        await asyncio.sleep(10)
        idle_cpu = cpu_seconds(worker) - cpu
        async with httpx2.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            started = time.perf_counter()
            line = {"body": "bench-fanout: everyone hears this"}
            sent = await http.post(
                f"/api/v1/circles/{slug}/chat", json=line, headers={"Authorization": f"Bearer {token}"}
            )
            sent.raise_for_status()
            await asyncio.gather(*(reader.readuntil(b"bench-fanout") for reader, _ in streams))
            reached = (time.perf_counter() - started) * 1000
        for _, writer in streams:
            writer.close()
        return held, idle_cpu, reached

    return asyncio.run(run())


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


class Database:
    """The data set's database, read by the bench itself: the SQLite file in the data dir, or ``--postgres``."""

    def __init__(self, data: Path, postgres: str | None) -> None:
        self.postgres = postgres
        self.url = postgres or f"sqlite://{data / 'quanzi.sqlite3'}"

    def rows(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        if self.postgres is None:
            with sqlite3.connect(self.url.removeprefix("sqlite://")) as connection:
                return connection.execute(sql, params).fetchall()
        numbered = iter(range(1, len(params) + 1))
        sql = re.sub(r"\?", lambda _: f"${next(numbered)}", sql)

        async def fetch() -> list[tuple[object, ...]]:
            connection = await asyncpg.connect(self.postgres)
            try:
                return [tuple(row) for row in await connection.fetch(sql, *params)]
            finally:
                await connection.close()

        return asyncio.run(fetch())

    def built(self) -> bool:
        if self.postgres is None:
            return Path(self.url.removeprefix("sqlite://")).exists()
        return bool(self.rows("SELECT to_regclass('posts') IS NOT NULL")[0][0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="reuse (or keep) this data dir instead of a scratch one")
    parser.add_argument("--postgres", help="a PostgreSQL database's URL: the data set built there (or reused)")
    parser.add_argument("--workers", type=int, default=1, help="the server's and the ceiling's workers")
    parser.add_argument(
        "--search", choices=["whoosh", "postgres"], help="the search engine (QUANZI_SEARCH), reindexed before the run"
    )
    args = parser.parse_args()
    data = args.keep or Path(tempfile.mkdtemp(prefix="quanzi-bench-"))
    database = Database(data, args.postgres)
    env = {**os.environ, "QUANZI_DATA_DIR": str(data), "QUANZI_RATE_LIMIT_SCALE": "0"}
    env.pop("QUANZI_DATABASE_URL", None)
    if args.postgres:
        env["QUANZI_DATABASE_URL"] = args.postgres
    if args.search:
        env["QUANZI_SEARCH"] = args.search
    if not database.built():
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "server.py", "demo", "--size", "large", "--scale", str(args.scale)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        print(f"data set built in {time.monotonic() - started:.0f} s")
    elif args.search:  # a data set built with the other engine: this one's index filled from it
        subprocess.run([sys.executable, "server.py", "migrate"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "server.py", "reindex"], cwd=ROOT, env=env, check=True)
    ((long_id, long_posts),) = database.rows("SELECT id, post_count FROM threads ORDER BY post_count DESC LIMIT 1")
    ((slug,),) = database.rows("SELECT slug FROM circles WHERE visibility = 'public' ORDER BY id LIMIT 1")
    ((posts,),) = database.rows("SELECT COUNT(*) FROM posts")
    ((club_thread,),) = database.rows(
        "SELECT t.id FROM threads t JOIN circles c ON c.id = t.circle_id WHERE c.slug = ? "
        "ORDER BY t.post_count DESC LIMIT 1",
        slug,
    )
    authors = [
        name
        for (name,) in database.rows(
            "SELECT DISTINCT u.username FROM posts p JOIN users u ON u.id = p.author_id WHERE p.thread_id = ? "
            "AND p.number <= 20",
            club_thread,
        )
    ]
    busy_threads = [
        (int(thread), -(-int(count) // 20))  # type: ignore[call-overload]
        for thread, count in database.rows(
            "SELECT t.id, t.post_count FROM threads t JOIN circles c ON c.id = t.circle_id "
            "WHERE c.visibility = 'public' AND t.deleted_at IS NULL ORDER BY t.post_count DESC LIMIT 40"
        )
    ]
    ((owner,),) = database.rows(
        "SELECT u.username FROM memberships m JOIN users u ON u.id = m.user_id JOIN circles c ON c.id = m.circle_id "
        "WHERE c.slug = ? AND m.role = 'owner' ORDER BY m.id LIMIT 1",
        slug,
    )
    last_page = -(-long_posts // 20)
    pages = {
        "home": "/",
        "circle": f"/c/{slug}",
        "thread, first page": f"/t/{long_id}",
        f"thread, page {last_page}": f"/t/{long_id}?page={last_page}",
        "thread posts API": f"/api/v1/threads/{long_id}/posts",
        "search API": "/api/v1/search?q=weekend",
    }
    # A signed-in member is never served from the guests' cache (core/web/pagecache.py): these rows show what a
    # page costs to make.
    member_pages = {
        "home (member)": "/",
        "circle (member)": f"/c/{slug}",
        "thread p1 (member)": f"/t/{long_id}",
        f"thread p{last_page // 2} (member)": f"/t/{long_id}?page={last_page // 2}",
        "search API (member)": "/api/v1/search?q=weekend",
    }
    # what members look for, in turn: common words and rare ones, in both languages (core/demo.py writes them)
    search_mix = [
        f"/api/v1/search?q={quote(word)}" for word in [*WORDS_EN[:6], *WORDS_ZH[:6], *RARE_EN[:3], *RARE_ZH[:3]]
    ]
    gateway = TextGateway().start()  # the sign-in rows' text messages arrive here
    server_env = {**env, "QUANZI_SMS_URL": f"{gateway.url}/send", "QUANZI_TRUSTED_PROXIES": "127.0.0.1"}
    server = subprocess.Popen(
        [
            sys.executable,
            "server.py",
            "serve",
            "--port",
            "8391",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ceiling = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.ceiling:app",
            "--port",
            "8392",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**env, "QUANZI_BENCH_DB": database.url, "QUANZI_BENCH_THREAD": str(long_id)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for("http://127.0.0.1:8391/healthz")
        wait_for("http://127.0.0.1:8392/")
        for path in pages.values():  # warm up: templates compiled, search index opened
            httpx2.get(f"http://127.0.0.1:8391{path}", timeout=30)
        token = member_token("http://127.0.0.1:8391")
        # a member of the circle, as most readers of its pages are: the reply form and the like buttons are theirs
        httpx2.post(
            f"http://127.0.0.1:8391/api/v1/circles/{slug}/join",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).raise_for_status()
        member_pages["thread, 20 photos (member)"] = f"/t/{thread_of_pictures('http://127.0.0.1:8391', token, slug)}"
        event = an_event("http://127.0.0.1:8391", token, slug)
        pages["event page"] = member_pages["event page (member)"] = f"/t/{event['thread_id']}"
        pages["complaint tracking"] = a_complaint("http://127.0.0.1:8391", slug)
        owner_token = httpx2.post(
            "http://127.0.0.1:8391/api/v1/auth/token", timeout=30, json={"login": owner, "password": DEMO_PASSWORD}
        ).json()["token"]
        product = a_product("http://127.0.0.1:8391", owner_token, slug)
        pages["showcase"] = member_pages["showcase (member)"] = f"/c/{slug}/shop"
        pages["product page"] = f"/products/{product}"
        pages["campaign page"] = a_campaign("http://127.0.0.1:8391", owner_token, slug)
        # A customer club's levels beside names and on profiles: the same pages before and after the club
        profile = f"/u/{authors[0]}"
        rows_before = [
            (f"{name}, no club (member)", *wrk(f"http://127.0.0.1:8391{path}", args.duration, token))
            for name, path in (("profile", profile), ("club's thread p1", f"/t/{club_thread}"))
        ]
        club = a_club("http://127.0.0.1:8391", owner_token, slug, authors)
        member_pages["product page (member)"] = f"/products/{product}"
        member_pages["club page (member)"] = club
        member_pages["meeting page (member)"] = a_meeting("http://127.0.0.1:8391", owner_token, slug)
        # pages a circle's owner works on
        owner_pages = {
            "campaign editor (owner)": f"{pages['campaign page']}/edit",
            "review queue (owner)": f"/c/{slug}/review",
        }
        chat, conversation = talk("http://127.0.0.1:8391", owner_token, token, slug)
        pages["circle chat"] = member_pages["circle chat (member)"] = chat
        member_pages["conversation (member)"] = conversation
        pages["profile"] = profile
        member_pages["profile, a level (member)"] = profile
        member_pages["club's thread p1, levels (member)"] = f"/t/{club_thread}"
        ceiling_rate, ceiling_p50, ceiling_p99 = wrk("http://127.0.0.1:8392/", args.duration)
        rows = [(name, *wrk(f"http://127.0.0.1:8391{path}", args.duration)) for name, path in pages.items()]
        rows += [
            (name, *wrk(f"http://127.0.0.1:8391{path}", args.duration, token)) for name, path in member_pages.items()
        ]
        mix = (
            "search API, 18 words in turn (member)",
            *wrk("http://127.0.0.1:8391/", args.duration, token, search_mix),
        )
        rows.append(mix)
        rows += [
            (name, *wrk(f"http://127.0.0.1:8391{path}", args.duration, owner_token))
            for name, path in owner_pages.items()
        ]
        rows += rows_before
        # a flood of guests past the guests' cache: every page of the busiest threads and searches for words nobody
        # wrote, each with a parameter nobody asked for before, so that every page is made
        busting = [f"/t/{thread}?page={page}" for thread, pages in busy_threads for page in range(1, pages + 1)]
        busting += [f"/search?q=bench{number}" for number in range(len(busting))]
        rows.append(
            (
                f"{len(busting):,} pages, cache-busting guests",
                *wrk("http://127.0.0.1:8391/", args.duration, paths=busting, bust=True),
            )
        )
        tokens = crowd("http://127.0.0.1:8391", 300)
        for name, path, body, expected in (
            (
                "300 registering (API)",
                f"/api/v1/events/{event['id']}/registrations",
                {"answers": {"name": "Mei", "organisation": "Wine Society"}},
                [200] * 300,
            ),
            ("300 ordering (API)", f"/api/v1/products/{product}/orders", {"quantity": 1}, [201] * 200 + [409] * 100),
        ):
            calls = [({"Authorization": f"Bearer {token}"}, body) for token in tokens]
            rate, p50, p99, codes = rush("http://127.0.0.1:8391", path, calls)
            if sorted(codes) != expected:
                raise RuntimeError(f"{name}: {sorted(set(codes))} — not every place or bottle taken exactly once")
            rows.append((name, rate, p50, p99))
        rows += signing_in("http://127.0.0.1:8391", gateway, 300)
        rush(
            "http://127.0.0.1:8391",
            f"/api/v1/circles/{slug}/join",
            [({"Authorization": f"Bearer {t}"}, {}) for t in tokens],
        )
        calls = [({"Authorization": f"Bearer {t}"}, {"body": f"Count me in! (#{n})"}) for n, t in enumerate(tokens)]
        rate, p50, p99, codes = rush("http://127.0.0.1:8391", f"/api/v1/circles/{slug}/chat", calls)
        if codes != [201] * len(calls):
            raise RuntimeError(f"chat lines: {sorted(set(codes))}")
        rows.append(("300 chat lines (API)", rate, p50, p99))
        streams = idle_streams(8391, worker_of(server.pid), owner_token, slug, 1000)
        # serve is a small supervisor (server.pid) running one worker, beside multiprocessing's resource tracker
        processes = [
            int(pid)
            for pid in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        ]
        rss = max(peak_rss_mb(pid) for pid in processes)
        others = peak_rss_mb(server.pid) + sum(peak_rss_mb(pid) for pid in processes) - rss
    finally:
        server.terminate()
        ceiling.terminate()
        gateway.stop()
        server.wait()
        ceiling.wait()
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
    workers = "one worker" if args.workers == 1 else f"{args.workers} workers"
    engine = "PostgreSQL" if args.postgres else "SQLite"
    search = args.search or ("postgres" if args.postgres else "whoosh")
    print(
        f"\nQuanzi benchmark: {posts:,} posts, {workers} on {engine} (search: {search}), wrk with {CONNECTIONS} "
        f"connections for {args.duration} s each\n"
    )
    print(f"| {'page (as a guest)':<22} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | {'× ceiling':>9} |")
    print(f"| {'-' * 22} | {'-' * 8}: | {'-' * 7}: | {'-' * 7}: | {'-' * 9}: |")
    print(
        f"| {'ceiling (bare app)':<22} | {ceiling_rate:>8.0f} | {ceiling_p50:>7.1f} | {ceiling_p99:>7.1f} | {1:>9.2f} |"
    )
    for name, rate, p50, p99 in rows:
        print(f"| {name:<22} | {rate:>8.0f} | {p50:>7.1f} | {p99:>7.1f} | {rate / ceiling_rate:>9.2f} |")
    print("\nA member's pages as a share of the ceiling (each █ is 0.05; the goal is 0.5, and no page under 0.3)\n")
    for name, rate, _, _ in rows:
        if "member" in name or "owner" in name:
            share = rate / ceiling_rate
            print(f"{name:<36} {share:5.2f} {'█' * round(share / 0.05)}")
    held, idle_cpu, reached = streams
    print(
        f"\n1,000 idle chat streams on the worker: {held:.0f} MB more, {idle_cpu:.2f} s of CPU in 10 idle seconds; "
        f"one line reached all 1,000 in {reached:.0f} ms"
    )
    print(
        f"server peak RSS: the largest worker {rss:.0f} MB (its supervisor, resource tracker and any other worker: "
        f"{others:.0f} MB more)"
    )


if __name__ == "__main__":
    main()
