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


def test_pet_liver_reference_revision_keeps_the_rows(engine):
    """0003 adds the liver reference to a populated table and removes it again, rows intact."""
    from sqlalchemy import text

    with make_sessionmaker(engine)() as session:
        load_demo(session=session, patients=20, centres=2, seed=3)
    count = "SELECT count(*) FROM imaging_assessment"
    filled = "SELECT count(*) FROM imaging_assessment WHERE liver_sul_mean IS NOT NULL"
    with engine.connect() as c:
        rows, with_liver = c.execute(text(count)).scalar(), c.execute(text(filled)).scalar()
    assert rows > 0 and with_liver > 0  # the demo's FDG PET scans carry the liver reference
    migrate.downgrade(engine, "0002")
    columns = {c["name"] for c in inspect(engine).get_columns("imaging_assessment")}
    assert "liver_sul_mean" not in columns and "liver_sul_sd" not in columns
    with engine.connect() as c:
        assert c.execute(text(count)).scalar() == rows
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    with engine.connect() as c:
        assert c.execute(text(count)).scalar() == rows
        assert c.execute(text(filled)).scalar() == 0  # values dropped by the downgrade


def test_audit_table_time_index_revision(engine):
    """0004 indexes the audit log by (table_name, at) on a populated registry, and removes it."""
    with make_sessionmaker(engine)() as session:
        load_demo(session=session, patients=5, centres=1, seed=3)

    def indexes() -> dict[str, list[str]]:
        return {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("audit_log")}

    assert indexes()["ix_audit_log_table_name_at"] == ["table_name", "at"]
    migrate.downgrade(engine, "0003")
    assert "ix_audit_log_table_name_at" not in indexes()
    migrate.upgrade(engine)
    assert migrate.current(engine) == "0004"
    assert indexes()["ix_audit_log_table_name_at"] == ["table_name", "at"]
