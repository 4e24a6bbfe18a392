"""Settings, read from the environment (prefix ``CITYSERVICES_``) and never at import time."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_database_url() -> str:
    """The embedded default: a SQLite file under ``var/`` in the working directory."""
    return f"sqlite:///{Path('var') / 'cityservices.db'}"


class Settings(BaseSettings):
    """Every setting of the platform; see docs/configuration.md."""

    model_config = SettingsConfigDict(env_prefix="CITYSERVICES_", env_file=".env", extra="ignore")

    # The installed domains, each a package with an ``install`` module (docs/architecture.md).
    domains: tuple[str, ...] = ("auth", "service_map", "insurance", "party_day")
    database_url: str = Field(default_factory=default_database_url)
    database_pool_size: int = Field(default=16, ge=1, le=200)
    database_pool_prefill: bool = False  # `serve` turns it on for its workers
    demo_data_dir: Path = PROJECT_ROOT / "data" / "qingdao"
    # The site's address as citizens reach it (``https://map.example.gov.cn``), for absolute links in answers;
    # empty: links are root-relative. Never taken from the request's Host header (docs/operations.md, "Security").
    public_origin: str = Field(default="", pattern=r"^(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?)?$")
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=0, ge=0, le=64)  # 0: one per CPU core
    # A worker that does not answer its supervisor's health ping within this many seconds is killed and replaced.
    worker_healthcheck_timeout_s: int = Field(default=30, ge=1, le=3600)
    # Serving (docs/operations.md, "Serving"): the JSON access log and Prometheus metrics at /metrics.
    access_log: bool = True
    metrics_enabled: bool = True
    metrics_public: bool = False  # /metrics for anyone; by default only loopback scrapers or the token's holders
    metrics_token: SecretStr | None = None
    sql_echo: bool = False
    sqlite_busy_timeout_ms: int = Field(default=15_000, ge=0, le=600_000)
    # The service map's base layer (docs/configuration.md, "Map"): empty = the bundled boundaries only.
    map_tile_url: str = ""
    map_tile_crs: Literal["wgs84", "gcj02"] = "wgs84"
    map_tile_attribution: str = ""
    # Staff side and security (docs/configuration.md, "Security").
    secret_key: SecretStr | None = None
    # Demo and development only (docs/member-services.md, "Registration"): staff can read the message outbox.
    demo_mode: bool = False
    cookie_secure: bool = True
    session_idle_minutes: int = Field(default=60, ge=1)
    session_max_hours: int = Field(default=12, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)
    login_max_failures_account: int = Field(default=100, ge=1)
    admin_totp_required: bool = False
    reauth_window_minutes: int = Field(default=10, ge=1, le=240)  # sensitive actions: credentials given this recently
    rate_limit_login_per_minute: int = Field(default=10, ge=0)
    rate_limit_api_per_minute: int = Field(default=1200, ge=0)
    rate_limit_shared: bool = True
    open_app_rate_limit_per_minute: int = Field(default=600, ge=1, le=100_000)  # a new open-platform app's limit
    redis_url: str | None = None
    # Public read API (docs/api.md, "Caching"): answers kept per process until the next minute or a data change.
    api_cache_entries: int = Field(default=4096, ge=0, le=1_000_000)
    media_dir: Path = Path("var") / "media"
    max_upload_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_photo_pixels: int = Field(default=16_000_000, ge=100_000, le=100_000_000)
    # Request limits (docs/operations.md, "Security"): bodies other than uploads, counted as received.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_header_bytes: int = Field(default=16 * 1024, ge=1024, le=1024 * 1024)  # a request's line and headers
    header_read_timeout_seconds: float = Field(default=10.0, gt=0, le=600)
    http_parser: Literal["httptools", "h11"] = "httptools"  # serve's HTTP/1.1 parser (platform.http_server)
    body_read_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)  # between two parts of a body
    keep_alive_seconds: int = Field(default=5, ge=1, le=600)
    guide_stale_days: int = Field(default=365, ge=1)
    csp_img_src: str = "'self' data: https://tile.openstreetmap.org https://*.tile.openstreetmap.org"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return Settings()
