"""The documentation tells the truth: every API endpoint is listed in docs/api.md."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_api_endpoint_is_documented(client):
    text = (DOCS / "api.md").read_text()
    for endpoint in client.app.state.site.endpoints:
        path = re.sub(r"{(\w+):\w+}", r"{\1}", endpoint.path)
        assert f"`{endpoint.method} {path}`" in text, f"{endpoint.method} {path} is missing from docs/api.md"
