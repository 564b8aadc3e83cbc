"""Login, token and registration attempts are limited per account and per client address."""

from __future__ import annotations

import ipaddress
import socket
import subprocess

import pytest
from conftest import PASSWORD

from core.testing import running_site as site
from core.testing import wait_until
from core.testing.live import free_port


def register(client, username, **kwargs):
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    return client.post("/api/v1/auth/register", json=body, **kwargs)


@pytest.fixture
def client(tmp_path):
    with site(tmp_path, rate_limit_scale=1.0) as client:
        register(client, "bob")
        yield client


def test_the_eleventh_wrong_password_is_429_with_retry_after(client):
    for _ in range(10):
        assert client.post("/api/v1/auth/token", json={"login": "bob", "password": "nope nope"}).status_code == 401
    response = client.post("/api/v1/auth/token", json={"login": "bob", "password": PASSWORD})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "rate_limited"


def test_spelling_the_login_differently_shares_the_same_count(client):
    spellings = ["bob", "BOB", "Bob", " bob ", "ｂｏｂ", "bob@example.com", "BOB@EXAMPLE.COM"]
    codes = [
        client.post(
            "/api/v1/auth/token", json={"login": spellings[i % len(spellings)], "password": "nope nope"}
        ).status_code
        for i in range(11)
    ]
    assert codes == [401] * 10 + [429]


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client):
    codes = [
        client.post(
            "/api/v1/auth/token",
            json={"login": "bob", "password": "nope nope"},
            headers={"X-Forwarded-For": f"198.51.100.{i}"},
        ).status_code
        for i in range(11)
    ]
    assert codes[-1] == 429


def test_many_accounts_from_one_address_are_limited_per_address(client):
    codes = [
        client.post("/api/v1/auth/token", json={"login": f"user{i}", "password": "nope nope"}).status_code
        for i in range(31)
    ]
    assert codes[:30] == [401] * 30 and codes[30] == 429


def test_registrations_are_limited_per_address(client):
    codes = [register(client, f"member{i}").status_code for i in range(10)]
    assert codes == [201] * 9 + [429]  # the fixture's own registration counted as the first


def test_behind_a_trusted_proxy_each_real_address_has_its_own_count(tmp_path):
    proxy = ipaddress.ip_network("192.0.2.1/32")
    with site(tmp_path, rate_limit_scale=1.0, trusted_proxies=(proxy,), client_address=("192.0.2.1", 40000)) as client:

        def attempt(address, index):
            headers = {"X-Forwarded-For": f"203.0.113.250, {address}"}
            body = {"login": f"user{address}-{index}", "password": "nope nope"}
            return client.post("/api/v1/auth/token", json=body, headers=headers).status_code

        assert [attempt("198.51.100.7", i) for i in range(31)][-1] == 429
        assert attempt("198.51.100.8", 0) == 401  # another member behind the same proxy is not blocked


def test_scale_zero_turns_limits_off(tmp_path):
    with site(tmp_path, rate_limit_scale=0.0) as client:
        codes = {
            client.post("/api/v1/auth/token", json={"login": "x", "password": "nope nope"}).status_code
            for _ in range(40)
        }
    assert codes == {401}


def test_circle_creation_is_limited_per_member_refused_tries_included(client):
    """Twenty tries an hour: a taken address answers every try, so probing for private circles' addresses is
    limited too."""
    token = client.post("/api/v1/auth/token", json={"login": "bob", "password": PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/circles", json={"slug": "taken", "name": "Taken"}, headers=headers).status_code == 201
    for attempt in range(19):
        probe = client.post("/api/v1/circles", json={"slug": "taken", "name": "X"}, headers=headers)
        assert probe.status_code == 400, attempt
    refused = client.post("/api/v1/circles", json={"slug": "another", "name": "Another"}, headers=headers)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


@pytest.fixture
def redis_url(tmp_path):
    """A Redis server of the test's own (Debian's redis-server), as several workers and machines share one."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: _answers(port), timeout=10)
        yield f"redis://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_workers_and_machines_that_share_a_redis_share_the_count(tmp_path, redis_url):
    wrong = {"login": "bob", "password": "nope nope"}
    with site(tmp_path / "a", rate_limit_scale=1.0, rate_limit_storage=redis_url) as first:
        assert {first.post("/api/v1/auth/token", json=wrong).status_code for _ in range(6)} == {401}
    with site(tmp_path / "b", rate_limit_scale=1.0, rate_limit_storage=redis_url) as second:  # another machine
        assert {second.post("/api/v1/auth/token", json=wrong).status_code for _ in range(4)} == {401}
        assert second.post("/api/v1/auth/token", json=wrong).status_code == 429  # the eleventh, counted across both
