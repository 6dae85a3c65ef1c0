"""Typed settings read from the environment (``RLTCARE_*``) and passed to factories."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RLTCARE_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Folder for the embedded database and runs.")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default: SQLite file rltcare.db in data_dir."
    )
    host: str = "127.0.0.1"
    port: int = 8000

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'rltcare.db').resolve()}"
