"""``server.py reindex``: rebuild the whole index from the database, safely while the server runs.

It takes the indexer's lease first, so the server's indexer waits (writes meanwhile stay in the outbox); it
builds a new index beside the current one and switches to it atomically; then it indexes what the outbox
gathered meanwhile, and gives the lease back.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from core.config import Config
from core.db import database
from core.errors import ConfigError
from core.pluginhost.host import PluginHost
from core.search import indexer
from core.search.service import make_search
from core.workers import holder_name


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
        rebuild = search.backend.rebuild()
        try:
            with Progress() as progress:
                task = progress.add_task("indexing", total=total)
                for kind, found in ids.items():
                    for start in range(0, len(found), 1000):
                        documents = await search.sources[kind].load(found[start : start + 1000])
                        rebuild.add(documents)
                        progress.advance(task, len(found[start : start + 1000]))
                        await indexer.acquire_lease(holder)  # renew
                progress.update(task, description="writing")
                rebuild.finish()
        except BaseException:
            rebuild.abort()
            raise
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
