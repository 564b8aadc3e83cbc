"""Configuration read from the environment (see docs/admin.md for every variable)."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ConfigError
from core.mail.smtp import SmtpServer, parse_smtp_url
from core.sms.senders import SmsSender, parse_sms_url

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("zh_CN", "en")  # the languages the interface speaks
DEFAULT_MAIL_FROM = "Quanzi <noreply@localhost>"
LOCAL_BASE_URL = "http://localhost:8000"  # what `make run` serves, for links in mail when QUANZI_BASE_URL is unset


@dataclass(frozen=True)
class WeChatApp:
    """A WeChat app's id and secret: a service account (公众号) or an open-platform website app (网站应用)."""

    app_id: str
    secret: str = field(repr=False)


def _wechat_app(env: dict[str, str], prefix: str) -> WeChatApp | None:
    app_id, secret = env.get(f"{prefix}_APP_ID", ""), env.get(f"{prefix}_APP_SECRET", "")
    if bool(app_id) != bool(secret):
        raise ConfigError(f"{prefix}_APP_ID and {prefix}_APP_SECRET go together")
    return WeChatApp(app_id, secret) if app_id else None


PUSH_SERVICES = (
    "https://fcm.googleapis.com",
    "https://updates.push.services.mozilla.com",
    "https://*.push.apple.com",
    "https://*.notify.windows.com",
)


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database_url: str
    secret_key: str
    base_url: str = ""
    smtp: SmtpServer | None = None  # QUANZI_SMTP_URL: without it, no mail is sent
    sms: SmsSender | None = None  # QUANZI_SMS_URL: without it, no text message is sent, nobody signs in by phone
    mail_from: str = DEFAULT_MAIL_FROM
    wechat: WeChatApp | None = None  # QUANZI_WECHAT_APP_ID and _SECRET: sign-in inside WeChat's browser
    wechat_web: WeChatApp | None = None  # QUANZI_WECHAT_WEB_APP_ID and _SECRET: a QR code on a computer
    wechat_api: str = "https://api.weixin.qq.com"  # QUANZI_WECHAT_API
    wechat_open: str = "https://open.weixin.qq.com"  # QUANZI_WECHAT_OPEN_URL: where members authorise the site
    # QUANZI_PUSH_SERVICES: the push services a browser's subscription may name (a server-side POST goes there, so
    # only to these: scheme, host or *.suffix, port); the default: Chrome's, Firefox's, Apple's and Windows'.
    push_services: tuple[str, ...] = PUSH_SERVICES
    rate_limit_scale: float = 1.0
    rate_limit_storage: str = "memory://"
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    max_body_size: int = 1024 * 1024
    max_upload_size: int = 50 * 1024 * 1024  # a multipart body (a picture); the site setting upload_max_mb is below it
    max_post_length: int = 32_000
    guest_cache_seconds: float = 5.0
    storage_url: str = (
        ""  # QUANZI_STORAGE_URL: where pictures are kept (core/uploads/storage.py); the data dir by default
    )
    metrics_token: str = ""  # QUANZI_METRICS_TOKEN: what a Prometheus scrape of /metrics sends (none: no /metrics)
    log_format: str = "text"  # QUANZI_LOG_FORMAT: "text", or "json" (one object a line, with the request id)
    search_engine: str = ""  # QUANZI_SEARCH: "whoosh" or "postgres"; by default the one that goes with the database
    job_retry_seconds: float = 30.0  # a failed job waits this long before its next try, doubling each time
    session_max_age: int = 14 * 24 * 3600
    # argon2id cost (core/accounts/passwords.py): OWASP's 7 MiB and five passes; tests lower it.
    password_time_cost: int = 5
    password_memory_cost: int = 7168
    plugins_file: Path = field(default_factory=lambda: ROOT / "plugins.toml")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def search(self) -> str:
        """Where search keeps its index: "whoosh" (a folder in the data dir) or "postgres" (the database, shared
        by every machine of the site)."""
        return self.search_engine or ("whoosh" if self.is_sqlite else "postgres")

    @property
    def link_base(self) -> str:
        """The site's address in links made outside a request (mail): ``QUANZI_BASE_URL``, never a Host header."""
        return self.base_url or LOCAL_BASE_URL

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative, got {raw!r}")
    return value


def _float(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative, got {raw!r}")
    return value


def _proxies(raw: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ConfigError(f"QUANZI_TRUSTED_PROXIES: {part!r} is not an IP address or network") from None
    return tuple(networks)


def _secret(data_dir: Path) -> str:
    """The secret generated once into the data dir, so that sessions survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load_config(env: dict[str, str] | None = None, **overrides: object) -> Config:
    """Build the configuration from ``env`` (default: the process environment)."""
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("QUANZI_DATA_DIR") or ROOT / "data").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = env.get("QUANZI_DATABASE_URL") or f"sqlite://{data_dir / 'quanzi.sqlite3'}"
    if not database_url.startswith(("sqlite://", "postgres://", "postgresql://", "asyncpg://")):
        raise ConfigError("QUANZI_DATABASE_URL must start with sqlite:// or postgres://")
    values: dict[str, object] = dict(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=env.get("QUANZI_SECRET_KEY") or _secret(data_dir),
        base_url=(env.get("QUANZI_BASE_URL") or "").rstrip("/"),
        smtp=parse_smtp_url(env["QUANZI_SMTP_URL"]) if env.get("QUANZI_SMTP_URL") else None,
        mail_from=env.get("QUANZI_MAIL_FROM") or DEFAULT_MAIL_FROM,
        sms=parse_sms_url(env["QUANZI_SMS_URL"]) if env.get("QUANZI_SMS_URL") else None,
        wechat=_wechat_app(env, "QUANZI_WECHAT"),
        wechat_web=_wechat_app(env, "QUANZI_WECHAT_WEB"),
        wechat_api=(env.get("QUANZI_WECHAT_API") or "https://api.weixin.qq.com").rstrip("/"),
        wechat_open=(env.get("QUANZI_WECHAT_OPEN_URL") or "https://open.weixin.qq.com").rstrip("/"),
        push_services=tuple(url.strip() for url in env["QUANZI_PUSH_SERVICES"].split(",") if url.strip())
        if env.get("QUANZI_PUSH_SERVICES")
        else PUSH_SERVICES,
        rate_limit_scale=_float(env, "QUANZI_RATE_LIMIT_SCALE", 1.0),
        rate_limit_storage=env.get("QUANZI_RATE_LIMIT_STORAGE") or "memory://",
        trusted_proxies=_proxies(env.get("QUANZI_TRUSTED_PROXIES", "")),
        max_body_size=_int(env, "QUANZI_MAX_BODY_SIZE", 1024 * 1024),
        max_upload_size=_int(env, "QUANZI_MAX_UPLOAD_SIZE", 50 * 1024 * 1024),
        max_post_length=_int(env, "QUANZI_MAX_POST_LENGTH", 32_000),
        guest_cache_seconds=_float(env, "QUANZI_GUEST_CACHE_SECONDS", 5.0),
        job_retry_seconds=_float(env, "QUANZI_JOB_RETRY_SECONDS", 30.0),
        storage_url=env.get("QUANZI_STORAGE_URL", ""),
        metrics_token=env.get("QUANZI_METRICS_TOKEN", ""),
        log_format=env.get("QUANZI_LOG_FORMAT") or "text",
        search_engine=env.get("QUANZI_SEARCH", ""),
    )
    if values["storage_url"] and not str(values["storage_url"]).startswith(("s3://", "file://")):
        raise ConfigError("QUANZI_STORAGE_URL must start with s3:// (a bucket) or file:// (the data dir)")
    if values["log_format"] not in ("text", "json"):
        raise ConfigError("QUANZI_LOG_FORMAT must be text or json")
    if env.get("QUANZI_PLUGINS_FILE"):
        values["plugins_file"] = Path(env["QUANZI_PLUGINS_FILE"]).resolve()
    values.update(overrides)
    config = Config(**values)  # type: ignore[arg-type]
    if config.search_engine not in ("", "whoosh", "postgres"):
        raise ConfigError("QUANZI_SEARCH must be whoosh or postgres")
    if config.search == "postgres" and config.is_sqlite:
        raise ConfigError("QUANZI_SEARCH=postgres needs the site on PostgreSQL (QUANZI_DATABASE_URL)")
    return config
