"""Settings, read from the environment (prefix ``CITYSERVICES_``) and never at import time."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_database_url() -> str:
    """The embedded default: a SQLite file under ``var/`` in the working directory."""
    return f"sqlite:///{Path('var') / 'cityservices.db'}"


class Settings(BaseSettings):
    """Every setting of the platform; see docs/configuration.md."""

    model_config = SettingsConfigDict(env_prefix="CITYSERVICES_", env_file=".env", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    demo_data_dir: Path = PROJECT_ROOT / "data" / "qingdao"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=0, le=64)
    sql_echo: bool = False


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return Settings()
