"""The ceiling: a bare Starlette + Jinja2 + aiosqlite app that renders a thread's first 20 posts from the same
database file, with nothing of Quanzi around it. Quanzi's pages are measured as a share of what this serves.

    QUANZI_BENCH_DB=path/to/quanzi.sqlite3 uvicorn bench.ceiling:app --port 8001
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiosqlite
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
db: aiosqlite.Connection


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    global db
    db = await aiosqlite.connect(os.environ["QUANZI_BENCH_DB"])
    yield
    await db.close()


async def thread(request: Request) -> HTMLResponse:
    async with db.execute("SELECT title FROM threads WHERE id = ?", (THREAD_ID,)) as cursor:
        (title,) = await cursor.fetchone()  # type: ignore[misc]
    query = (
        "SELECT u.username, p.created_at, p.html FROM posts p JOIN users u ON u.id = p.author_id "
        "WHERE p.thread_id = ? ORDER BY p.id LIMIT 20"
    )
    async with db.execute(query, (THREAD_ID,)) as cursor:
        posts = await cursor.fetchall()
    return HTMLResponse(TEMPLATE.render(title=title, posts=posts))


app = Starlette(routes=[Route("/", thread)], lifespan=lifespan)
