"""The server's log as log collectors read it: with ``QUANZI_LOG_FORMAT=json``, each line is one JSON object (time,
level, logger, message, the error's traceback) with the id of the request it was written for.

The request id is the one the reverse proxy sent (``X-Request-ID``, from a proxy in ``QUANZI_TRUSTED_PROXIES``),
else one made here; the answer carries it back (core/web/observing.py). Only the standard library is imported:
``serve``'s supervisor hands this module's configuration to uvicorn (core/supervisor.py).
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id: ContextVar[str] = ContextVar("quanzi_request_id", default="")


class WithRequestId(logging.Filter):
    """Puts the id of the request being answered (``-`` outside of one) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        return True


class JsonLines(logging.Formatter):
    """A record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def json_log_config(level: str) -> dict[str, Any]:
    """The logging configuration (``logging.config.dictConfig``) of ``serve``'s processes with
    ``QUANZI_LOG_FORMAT=json``: Quanzi's loggers and uvicorn's, at ``level``, one JSON object a line."""
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    logger = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}.WithRequestId"}},
        "formatters": {"json": {"()": f"{__name__}.JsonLines"}},
        "handlers": {"default": handler},
        "loggers": {"uvicorn": logger, "uvicorn.access": logger, "quanzi": logger},
    }
