"""Alembic migrations up and down on a populated database, on both back ends."""

from __future__ import annotations

from sqlalchemy import inspect

from rltcare.registry import migrate
from rltcare.registry.db import make_sessionmaker
from rltcare.registry.demo import load_demo
from rltcare.registry.models import Base


def test_upgrade_downgrade_upgrade_with_data(engine):
    with make_sessionmaker(engine)() as session:
        load_demo(session=session, patients=20, centres=2, seed=3)
    assert migrate.current(engine) == migrate.head()
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    migrate.downgrade(engine, "base")
    assert migrate.current(engine) is None
    assert not set(Base.metadata.tables) & set(inspect(engine).get_table_names())
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()


def test_schema_matches_the_models(engine):
    """Autogenerate finds nothing to do: the migration creates exactly the ORM's tables."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
