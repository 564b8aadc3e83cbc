"""``serve``'s supervisor: a small process (uvicorn alone, the site not imported) that runs the worker processes,
replaces one that dies, and replaces them all on SIGHUP — which the admin area sends after a plugin change
(``core.workers.restart_workers``); each new worker takes over only once it answers.

``server.py serve`` migrates the database, then becomes this process (``exec``), so that the memory the site's code
takes is held by the workers alone.

    python -m core.supervisor HOST PORT WORKERS LOG_LEVEL
"""

from __future__ import annotations

import os
import sys

import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.supervisors import Multiprocess

from core.logs import json_log_config


def main(argv: list[str]) -> None:
    host, port, workers, log_level = argv
    json_lines = os.environ.get("QUANZI_LOG_FORMAT") == "json"  # else uvicorn's own lines
    config = uvicorn.Config(
        "core.asgi:app_factory",
        factory=True,
        host=host,
        port=int(port),
        workers=int(workers),
        proxy_headers=False,  # X-Forwarded-For counts only from QUANZI_TRUSTED_PROXIES, checked by Quanzi itself
        server_header=False,
        log_level=log_level,
        log_config=json_log_config(log_level) if json_lines else LOGGING_CONFIG,
    )
    Multiprocess(config, sockets=[config.bind_socket()]).run()


if __name__ == "__main__":
    main(sys.argv[1:])
