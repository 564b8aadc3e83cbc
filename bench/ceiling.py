"""The ceiling: a bare Starlette + Jinja2 + aiosqlite (or asyncpg) app that renders a thread's first 20 posts from
the same database, with nothing of Quanzi around it. Quanzi's pages are measured as a share of what this serves.

    QUANZI_BENCH_DB=sqlite://path/to/quanzi.sqlite3 uvicorn bench.ceiling:app --port 8001
    QUANZI_BENCH_DB=postgres://user:password@host/database uvicorn bench.ceiling:app --port 8001 --workers 2
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite
import asyncpg
from jinja2 import Environment
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

TEMPLATE = Environment(autoescape=True).from_string(
    """<!doctype html><html><head><meta charset="utf-8"><title>{{ title }}</title></head><body><h1>{{ title }}</h1>
{% for post in posts %}<article><b>{{ post[0] }}</b> <time>{{ post[1] }}</time><div>{{ post[2]|safe }}</div></article>{% endfor %}
</body></html>"""
)
THREAD_ID = int(os.environ.get("QUANZI_BENCH_THREAD", "1"))
DATABASE = os.environ["QUANZI_BENCH_DB"]
TITLE = "SELECT title FROM threads WHERE id = {}"
POSTS = (
    "SELECT u.username, p.created_at, p.html FROM posts p JOIN users u ON u.id = p.author_id "
    "WHERE p.thread_id = {} ORDER BY p.id LIMIT 20"
)
db: Any  # an aiosqlite connection, or an asyncpg pool


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    global db
    if DATABASE.startswith("sqlite://"):
        db = await aiosqlite.connect(DATABASE.removeprefix("sqlite://"))
    else:
        db = await asyncpg.create_pool(DATABASE, min_size=2, max_size=10)
    yield
    await db.close()


async def thread(request: Request) -> HTMLResponse:
    if isinstance(db, aiosqlite.Connection):
        async with db.execute(TITLE.format("?"), (THREAD_ID,)) as cursor:
            (title,) = await cursor.fetchone()  # type: ignore[misc]
        async with db.execute(POSTS.format("?"), (THREAD_ID,)) as cursor:
            posts = await cursor.fetchall()
    else:
        title = await db.fetchval(TITLE.format("$1"), THREAD_ID)
        posts = await db.fetch(POSTS.format("$1"), THREAD_ID)
    return HTMLResponse(TEMPLATE.render(title=title, posts=posts))


app = Starlette(routes=[Route("/", thread)], lifespan=lifespan)
