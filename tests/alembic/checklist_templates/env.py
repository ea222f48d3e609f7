"""The application's Alembic environment: its models' MetaData, on the URL
of alembic.ini, in the PostgreSQL schema given with -x schema=NAME."""
import os
import sys

import sqlalchemy as sa
from alembic import context

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import metadata as target_metadata  # noqa: E402

url = context.config.get_main_option("sqlalchemy.url")
schema = context.get_x_argument(as_dictionary=True).get("schema", "")
engine = sa.create_engine(url, connect_args={"options": "-csearch_path=" + schema} if schema else {})
if schema:
    with engine.begin() as connection:
        connection.execute(sa.text('CREATE SCHEMA IF NOT EXISTS "%s"' % schema))
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
