"""per dialect

Revision ID: 4d5e6f7a8b9c
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "4d5e6f7a8b9c"
down_revision = "3c4d5e6f7a8b"

def upgrade():
    bind = op.get_bind()
    is_pg = bind.dialect.name == "postgresql"
    kind = postgresql.ENUM("note", "task", name="kind", create_type=False)
    if is_pg:
        postgresql.ENUM("note", "task", name="kind").create(bind, checkfirst=True)
    for table, width in (("notes", 40), ("tasks", 80)):
        op.create_table(table, sa.Column("id", sa.Integer, primary_key=True), sa.Column("title", sa.String(width)))
        op.create_index(f"ix_{table}_title", table, ["title"])
    if bind.dialect.name == "postgresql" and not is_pg or is_pg:
        op.add_column("notes", sa.Column("kind", kind))
    elif op.get_context().dialect.name in ("sqlite", "mysql"):
        with op.batch_alter_table("notes") as batch_op:
            batch_op.add_column(sa.Column("kind", sa.String(4)))
    else:
        op.execute("never")
    bind.execute(sa.text("INSERT INTO notes (id, title) VALUES (1, 'first')"))

def downgrade():
    for table in ["tasks", "notes"]:
        op.drop_table(table)
    if op.get_bind().dialect.name != "sqlite":
        postgresql.ENUM(name="kind").drop(op.get_bind())
