"""The core's layers (docs/development.md, "Layers"): each module imports only from its own layer and those below,
imports under ``TYPE_CHECKING`` (for annotations only) included."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS = [  # from the bottom up: (name, the modules or packages in it)
    ("foundation", ["core.config", "core.errors", "core.db", "core.remembered", "core.memory", "core.metrics", "core.logs", "core.sql", "core.pagination", "core.times",
                    "core.markdown", "core.backup", "core.numbers", "core.accounts.names", "core.nudge",
                    "core.workers", "core.mail.smtp", "core.uploads.images", "core.uploads.storage",
                    "core.forms.fields", "core.sms.senders", "core.push.keys"]),
    ("models", ["core.accounts.models", "core.accounts.passwords", "core.accounts.rows", "core.circles.models",
                "core.threads.models", "core.threads.rows", "core.circles.rows", "core.site.models", "core.notifications.models",
                "core.notifications.rows", "core.search.models", "core.search.outbox", "core.search.analysis", "core.search.snippets",
                "core.search.scoring", "core.search.health", "core.jobs.models", "core.uploads.models",
                "core.moderation.models", "core.push.models", "core.messages.models",
                "core.chat.models", "core.chat.rows"]),
    ("contract", ["core.contract"]),
    ("plugin host", ["core.pluginhost"]),
    ("engines", ["core.search.backend", "core.search.whoosh_index", "core.search.postgres_index", "core.search.indexer", "core.jobs.queue",
                 "core.jobs.runner", "core.live"]),
    ("access", ["core.access"]),
    ("services", ["core.accounts.service", "core.accounts.sessions", "core.accounts.phone", "core.accounts.wechat", "core.sms.outbox", "core.accounts.serialize", "core.circles.service",
                  "core.circles.serialize", "core.circles.scenarios", "core.threads.service", "core.threads.serialize",
                  "core.threads.search", "core.notifications.service", "core.notifications.serialize",
                  "core.notifications.watching",
                  "core.site.service", "core.search.service", "core.search.commands", "core.mail.outbox", "core.accounts.reset", "core.accounts.verify",
                  "core.forms.export", "core.uploads.service", "core.moderation.service",
                  "core.moderation.words", "core.moderation.limits", "core.push.service", "core.wechat_messages.templates",
                  "core.threads.likes", "core.messages.service", "core.messages.notices", "core.messages.flags",
                  "core.chat.service", "core.notifications.audiences"]),
    ("web plumbing", ["core.web", "core.forms"]),
    ("hook specifications", ["core.contract.hookspecs"]),
    ("features", ["core.accounts", "core.circles", "core.threads", "core.notifications", "core.search", "core.site",
                  "core.admin", "core.jobs", "core.mail", "core.sms", "core.push", "core.wechat_messages", "core.uploads", "core.moderation",
                  "core.messages", "core.chat"]),
    ("plugin API", ["core.plugins"]),
    ("tooling", ["core.app", "core.asgi", "core.cli", "core.testing", "core.demo", "core.supervisor"]),
]  # fmt: skip


def _layer(module: str) -> int:
    """The layer of ``module``: the one that names it or the longest package holding it."""
    found = [
        (len(prefix), index)
        for index, (_, prefixes) in enumerate(LAYERS)
        for prefix in prefixes
        if module == prefix or module.startswith(prefix + ".")
    ]
    assert found, f"{module} is in no layer: give it one in tests/test_layers.py and docs/development.md"
    return max(found)[1]


def _of_core(module: str) -> bool:
    return module == "core" or module.startswith("core.")  # not coredis


def _runtime_imports(tree: ast.AST) -> list[str]:
    imports: list[str] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.ImportFrom) and node.module and _of_core(node.module):
            package = (ROOT / Path(*node.module.split("."))).is_dir()
            imports += [f"{node.module}.{alias.name}" for alias in node.names] if package else [node.module]
        elif isinstance(node, ast.Import):
            imports += [alias.name for alias in node.names if _of_core(alias.name)]
        imports += _runtime_imports(node)
    return imports


def test_each_module_imports_only_from_its_layer_and_below():
    upward = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        if module == "core":
            continue
        mine = _layer(module)
        for imported in _runtime_imports(ast.parse(path.read_text())):
            if imported != "core" and _layer(imported) > mine:
                upward.append(f"{module} ({LAYERS[mine][0]}) imports {imported} ({LAYERS[_layer(imported)][0]})")
    assert upward == []
