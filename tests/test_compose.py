"""compose.yaml (two Quanzi containers behind nginx, sharing PostgreSQL, Redis and a MinIO bucket) says what the
site reads: no container runtime runs in the tests, so its settings are read here as Quanzi would read them."""

from __future__ import annotations

import re

import yaml

from core.config import ROOT, load_config

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
APPS = [name for name, service in COMPOSE["services"].items() if service.get("build") == "."]


def _filled(value: str) -> str:
    """A compose value with ``${NAME:?...}`` (a secret from .env) and ``${NAME:-default}`` filled in."""
    value = re.sub(r"\$\{([A-Z_]+):\?[^}]*\}", lambda match: f"test-{match.group(1).lower()}", value)
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", lambda match: match.group(1), value)


def test_two_app_containers_share_the_database_the_secret_the_bucket_and_the_rate_limits(tmp_path):
    assert len(APPS) == 2
    environments = [COMPOSE["services"][name]["environment"] for name in APPS]
    assert environments[0] == environments[1]
    env = {name: _filled(str(value)) for name, value in environments[0].items()}
    config = load_config({**env, "QUANZI_DATA_DIR": str(tmp_path)})  # what serve would read: valid as it stands
    assert config.database_url.startswith("postgres://quanzi:") and config.search == "postgres"
    assert config.storage_url.startswith("s3://quanzi?endpoint=http://minio:9000")
    assert config.rate_limit_storage == "redis://redis:6379"
    assert config.secret_key == "test-quanzi_secret_key"
    volumes = [COMPOSE["services"][name]["volumes"] for name in APPS]
    assert volumes[0] != volumes[1]  # each container's data dir is its own


def test_every_setting_compose_names_is_one_quanzi_reads():
    read = set(re.findall(r'"(QUANZI_[A-Z_]+)"', (ROOT / "core" / "config.py").read_text()))
    named = {name for name in COMPOSE["services"][APPS[0]]["environment"] if name.startswith("QUANZI_")}
    assert named <= read, named - read
    example = (ROOT / "deploy" / "compose.env.example").read_text()
    secrets = set(re.findall(r"\$\{([A-Z_]+):\?", (ROOT / "compose.yaml").read_text()))
    assert all(f"\n{name}=" in example for name in secrets)


def test_nginx_sends_requests_to_both_containers_on_the_port_they_serve():
    upstream = (ROOT / "deploy" / "nginx.conf").read_text()
    served = re.search(r'"--port", "(\d+)"', (ROOT / "Dockerfile").read_text())
    assert served is not None
    for name in APPS:
        assert f"server {name}:{served.group(1)}" in upstream
    assert "X-Request-ID $request_id" in upstream
