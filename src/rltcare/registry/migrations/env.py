"""Alembic environment: runs on the connection that :mod:`rltcare.registry.migrate` passes."""

from alembic import context

from rltcare.registry import accounts, audit, models, runs  # noqa: F401  (registers every table)


def run() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=models.Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if getattr(context, "config", None) is not None:  # only when Alembic runs this file
    run()
