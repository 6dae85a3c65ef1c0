"""Registry fixtures: a migrated database on SQLite (always) and PostgreSQL (marker)."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from rltcare.registry import migrate
from rltcare.registry.access import SYSTEM
from rltcare.registry.db import make_engine, make_sessionmaker
from rltcare.settings import Settings

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def postgres_schema_url(base: str) -> tuple[str, str]:
    """A fresh schema on the shared test database, and a URL whose search_path is it."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with create_engine(base).begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    joiner = "&" if "?" in base else "?"
    return schema, f"{base}{joiner}options=-csearch_path%3D{schema}"


def drop_schema(base: str, schema: str) -> None:
    with create_engine(base).begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Argon2id with small cost: the parameters do not change what the tests check."""
    from argon2 import PasswordHasher

    from rltcare.registry import auth

    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture(params=BACKENDS)
def registry_settings(request, tmp_path):
    """Settings for an empty (not yet migrated) registry on each back end."""
    if request.param == "sqlite":
        yield Settings(data_dir=tmp_path / "data")
        return
    base = os.environ["RLTCARE_TEST_DATABASE_URL"]
    schema, url = postgres_schema_url(base)
    try:
        yield Settings(data_dir=tmp_path / "data", database_url=url)
    finally:
        drop_schema(base, schema)


@pytest.fixture
def engine(registry_settings):
    engine = make_engine(registry_settings)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with make_sessionmaker(engine)() as session:
        yield session


@pytest.fixture
def world(session):
    """Two centres, a patient in each, and an account per role."""
    from registry.factories import make_world

    return make_world(session)


@pytest.fixture
def system():
    return SYSTEM
