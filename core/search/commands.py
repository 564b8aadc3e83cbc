"""``server.py reindex``: rebuild the whole index from the database, safely while the server runs.

It takes the indexer's lease first, so the server's indexer waits (writes meanwhile stay in the outbox); it
builds a new index and puts it in place of the current one at once (Whoosh: a folder beside the current one;
PostgreSQL: one transaction), searches reading the current one meanwhile; then it indexes what the outbox gathered
meanwhile, and gives the lease back.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import AsyncIterator

from core.config import Config
from core.contract.kinds import SearchDocument
from core.db import database
from core.errors import ConfigError
from core.pluginhost.host import PluginHost
from core.search import indexer
from core.search.service import make_search
from core.workers import holder_name

BATCH = 1000  # documents read and written at a time


async def reindex(config: Config, host: PluginHost) -> int:
    from rich.progress import Progress  # loaded by the command that draws the bar, not by every command

    search = make_search(config, host)
    holder = holder_name()
    deadline = time.monotonic() + 120
    while not await indexer.acquire_lease(holder):
        if time.monotonic() > deadline:
            raise ConfigError("another indexer has held the search lease for two minutes; try again later")
        await asyncio.sleep(0.2)
    try:
        ids = {kind: await source.all_ids() for kind, source in search.sources.items()}
        total = sum(len(found) for found in ids.values())
        with Progress() as progress:
            task = progress.add_task("indexing", total=total)

            async def batches() -> AsyncIterator[list[SearchDocument]]:
                for kind, found in ids.items():
                    for start in range(0, len(found), BATCH):
                        yield await search.sources[kind].load(found[start : start + BATCH])
                        progress.advance(task, len(found[start : start + BATCH]))
                        await indexer.acquire_lease(holder)  # renew
                progress.update(task, description="writing")

            await search.backend.rebuild(batches())
        while await indexer.drain_once(search.backend, search.sources):
            await indexer.acquire_lease(holder)
    finally:
        await indexer.release_lease(holder)
    return total


def cmd_reindex(args: argparse.Namespace, config: Config, host: PluginHost | None) -> int:
    if host is None:
        raise ConfigError("fix plugins.toml first")

    async def run() -> int:
        async with database(config, host.models_apps()):
            return await reindex(config, host)

    started = time.monotonic()
    count = asyncio.run(run())
    print(f"Indexed {count} documents in {time.monotonic() - started:.1f} s.")
    return 0
