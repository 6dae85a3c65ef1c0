"""The database engine, made from settings; SQLite by default, PostgreSQL for many centres."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from rltcare.settings import Settings

#: How long an SQLite writer waits for another process's write transaction to finish.
BUSY_TIMEOUT_S = 30.0


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured database; the SQLite file's folder is created if missing."""
    url = settings.effective_database_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:
            # WAL: readers (every web worker) never wait for the one writer, nor it for them;
            # a second writer waits up to BUSY_TIMEOUT_S for the first instead of failing.
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose flushes append to the audit trail (see :mod:`rltcare.registry.audit`)."""
    from rltcare.registry import audit  # noqa: F401  (installs the flush listener)

    return sessionmaker(engine, expire_on_commit=False)
