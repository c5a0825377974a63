"""Alembic environment: runs on the connection `storage.migrate` hands over, or on --db from the CLI.

`alembic -c storage/alembic.ini -x db=URL revision --autogenerate -m "..."` works for developers;
users run `watercooler db upgrade`, which locks out concurrent upgrades first.
"""
from alembic import context
from sqlalchemy import Connection

from storage.db import make_engine, resolve_url, write_connection
from storage.models import metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    db = context.get_x_argument(as_dictionary=True).get("db")
    if context.is_offline_mode():
        context.configure(url=resolve_url(db), target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = make_engine(db)
    try:
        with write_connection(engine) as connection, connection.begin():
            run(connection)
    finally:
        engine.dispose()


main()
