"""Search benchmark: on a data dir filled by ``server.py demo --size large``, time a full reindex, measure the
index's size, and query latency (p50 / p99) over a realistic mix of queries, beside SQLite FTS5 on the same text
(segmented the same way, so that only the engines differ).

    .venv/bin/python bench/search.py DATA_DIR
    .venv/bin/python bench/search.py DATA_DIR --postgres URL

With ``--postgres`` (a database filled by ``make bench --postgres URL``, or by the demo with that
``QUANZI_DATABASE_URL``) both of Quanzi's engines are measured on its data: the Whoosh index in DATA_DIR and
PostgreSQL's full-text search (core/search/postgres_index.py), each reindexed first (timed).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.config import load_config  # noqa: E402
from core.search.analysis import analyzer  # noqa: E402
from core.search.backend import SearchRequest  # noqa: E402
from core.search.whoosh_index import WhooshBackend  # noqa: E402

QUERIES = {
    "common English": ["weekend", "club", "members"],
    "common Chinese": ["今天", "周末", "活动"],
    "rare English": ["aardvark", "zeppelin", "harpsichord"],
    "rare Chinese": ["假酒", "投诉", "发票"],
    "two words": ["weekend meeting", "周末 活动", "book club"],
    "mixed": ["club 活动", "投诉 weekend"],
}
ROUNDS = 30


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def public_circles(db: Path) -> frozenset[int]:
    with sqlite3.connect(db) as connection:
        return frozenset(row[0] for row in connection.execute("SELECT id FROM circles WHERE visibility = 'public'"))


def whoosh_latencies(folder: Path, allowed: frozenset[int]) -> dict[str, list[float]]:
    backend = WhooshBackend(folder)
    timings: dict[str, list[float]] = {kind: [] for kind in QUERIES}
    for kind, queries in QUERIES.items():
        for _ in range(ROUNDS):
            for words in queries:
                started = time.perf_counter()
                backend.search_now(SearchRequest(words, allowed, limit=20))
                timings[kind].append((time.perf_counter() - started) * 1000)
    return timings


def fts5_latencies(db: Path, work: Path) -> tuple[dict[str, list[float]], float]:
    """The same documents in an FTS5 table, segmented by the same analyzer (space-joined words)."""
    words = analyzer()
    fts = work / "fts5.sqlite3"
    fts.unlink(missing_ok=True)
    started = time.perf_counter()
    with sqlite3.connect(db) as source, sqlite3.connect(fts) as target:
        target.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='unicode61')")
        rows = source.execute("SELECT p.id, t.title, p.body FROM posts p JOIN threads t ON t.id = p.thread_id")
        target.executemany(
            "INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)",
            (
                (i, " ".join(t.text for t in words(title)), " ".join(t.text for t in words(body)))
                for i, title, body in rows
            ),
        )
    build = time.perf_counter() - started
    timings: dict[str, list[float]] = {kind: [] for kind in QUERIES}
    with sqlite3.connect(fts) as connection:
        for kind, queries in QUERIES.items():
            for _ in range(ROUNDS):
                for text in queries:
                    match = " AND ".join(f'"{t.text}"' for t in words(text, mode="query"))
                    started = time.perf_counter()
                    connection.execute(
                        "SELECT rowid, snippet(docs, 1, '<mark>', '</mark>', '…', 12) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 3.0, 1.0) LIMIT 20",
                        (match,),
                    ).fetchall()
                    timings[kind].append((time.perf_counter() - started) * 1000)
    return timings, build


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def postgres_latencies(env: dict[str, str], allowed: frozenset[int]) -> dict[str, list[float]]:
    from core.db import database
    from core.pluginhost.host import PluginHost
    from core.search.postgres_index import PostgresBackend

    async def run() -> dict[str, list[float]]:
        config = load_config(env)
        async with database(config, PluginHost(config).models_apps()):
            backend = PostgresBackend()
            timings: dict[str, list[float]] = {kind: [] for kind in QUERIES}
            for kind, queries in QUERIES.items():
                for _ in range(ROUNDS):
                    for words in queries:
                        started = time.perf_counter()
                        await backend.search(SearchRequest(words, allowed, limit=20))
                        timings[kind].append((time.perf_counter() - started) * 1000)
            return timings

    return asyncio.run(run())


def postgres_figures(url: str) -> tuple[int, frozenset[int], int]:
    """The posts, the public circles and the search table's size (bytes, its indexes included)."""
    import asyncpg

    async def read() -> tuple[int, frozenset[int], int]:
        connection = await asyncpg.connect(url)
        try:
            posts = await connection.fetchval("SELECT COUNT(*) FROM posts")
            public = await connection.fetch("SELECT id FROM circles WHERE visibility = 'public'")
            size = await connection.fetchval("SELECT pg_total_relation_size('search_documents')")
            return posts, frozenset(row["id"] for row in public), size
        finally:
            await connection.close()

    return asyncio.run(read())


def reindexed(env: dict[str, str]) -> float:
    """Seconds that ``server.py reindex`` took with ``env``."""
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "server.py"), "reindex"], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def table(columns: dict[str, dict[str, list[float]]]) -> None:
    print(f"  {'queries':<16}" + "".join(f" {name + ' p50':>16} {'p99':>8}" for name in columns), end="")
    print("   (ms, top 20, a guest's visibility)")
    everything: dict[str, list[float]] = {name: [] for name in columns}
    for kind in QUERIES:
        row = f"  {kind:<16}"
        for name, timings in columns.items():
            everything[name] += timings[kind]
            row += f" {statistics.median(timings[kind]):>16.1f} {percentile(timings[kind], 0.99):>8.1f}"
        print(row)
    print(
        f"  {'all':<16}"
        + "".join(
            f" {statistics.median(found):>16.1f} {percentile(found, 0.99):>8.1f}" for found in everything.values()
        )
    )


def main() -> None:
    data = Path(sys.argv[1]).resolve()
    postgres = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--postgres" else None
    env = {**os.environ, "QUANZI_DATA_DIR": str(data)}
    if postgres:
        env["QUANZI_DATABASE_URL"] = postgres
        subprocess.run(
            [sys.executable, str(ROOT / "server.py"), "migrate"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        whoosh_reindex = reindexed({**env, "QUANZI_SEARCH": "whoosh"})
        postgres_reindex = reindexed({**env, "QUANZI_SEARCH": "postgres"})
        posts, allowed, size = postgres_figures(postgres)
        whoosh = whoosh_latencies(data / "search", allowed)
        in_postgres = postgres_latencies({**env, "QUANZI_SEARCH": "postgres"}, allowed)
        print(f"\nSearch benchmark: {posts:,} posts (PostgreSQL, {data})")
        print(f"  Whoosh full reindex: {whoosh_reindex:.1f} s; index size {folder_size(data / 'search') / 1e6:.0f} MB")
        print(f"  PostgreSQL full reindex: {postgres_reindex:.1f} s; table and indexes {size / 1e6:.0f} MB\n")
        table({"Whoosh": whoosh, "PostgreSQL": in_postgres})
        return
    reindex = reindexed(env)
    config = load_config(env)
    db = data / "quanzi.sqlite3"
    with sqlite3.connect(db) as connection:
        posts = connection.execute("SELECT COUNT(*) FROM posts").fetchone()[0]
    allowed = public_circles(db)
    whoosh = whoosh_latencies(config.data_dir / "search", allowed)
    fts5, fts5_build = fts5_latencies(db, data)
    print(f"\nSearch benchmark: {posts:,} posts ({data})")
    print(f"  Whoosh full reindex: {reindex:.1f} s; index size {folder_size(config.data_dir / 'search') / 1e6:.0f} MB")
    print(
        f"  FTS5 build (same segmented text): {fts5_build:.1f} s; size {(data / 'fts5.sqlite3').stat().st_size / 1e6:.0f} MB\n"
    )
    table({"Whoosh": whoosh, "FTS5": fts5})


if __name__ == "__main__":
    main()
