"""retort schema files as a SQLAlchemy model, made with create_all.

usage: to_sqlalchemy.py URL SCHEMA FILE...

The model declares what the files declare, as a SQLAlchemy user would: the
same naming convention (none: SQLAlchemy's default), tables, keys, foreign
keys, unique and check constraints, indexes and enums (a native type on
PostgreSQL, a named CHECK on SQLite), and server defaults as a SQLAlchemy
model writes their meaning (func.now(), true(), text("0"), "LABEL"). Names,
kinds of objects and defaults are compared with what retort builds, so
types are approximate (uuid is a string).
"""
import re
import sys

import sqlalchemy as sa
import yaml

url, schema, files = sys.argv[1], sys.argv[2], sys.argv[3:]
docs = [yaml.safe_load(open(f)) or {} for f in files]
convention = {"ix": "ix_%(column_0_label)s"}
enums, tables = {}, []
for doc in docs:
    for key, template in (doc.get("naming_convention") or {}).items():
        if template is None:
            convention.pop(key, None)
        else:
            convention[key] = template
    enums.update(doc.get("enums") or {})
    tables += doc.get("tables") or []
metadata = sa.MetaData(naming_convention=convention)


def column_type(spelling):
    if isinstance(spelling, dict):
        return sa.Text
    match = re.match(r"(\w+)(?:\((.*)\))?$", str(spelling).replace(" ", ""))
    base, arg = match.group(1), match.group(2)
    simple = {"integer": sa.Integer, "bigint": sa.BigInteger, "smallint": sa.SmallInteger,
              "text": sa.Text, "boolean": sa.Boolean, "date": sa.Date, "float": sa.Float,
              "json": sa.JSON, "jsonb": sa.JSON, "time": sa.Time, "binary": sa.LargeBinary}
    if base in simple:
        return simple[base]
    if base == "string":
        return sa.String(int(arg)) if arg else sa.String
    if base == "datetime":
        return sa.DateTime(timezone=arg == "timezone")
    if base == "numeric":
        return sa.Numeric(*[int(x) for x in arg.split(",")]) if arg else sa.Numeric
    if base == "uuid":
        return sa.String(36)
    if base == "enum":
        return sa.Enum(*enums[arg], name=arg, create_constraint=True)
    raise SystemExit("unknown type " + str(spelling))


def server_default(column):
    """The column's server default as a SQLAlchemy model writes it."""
    d = column.get("server_default")
    if d is None:
        return None
    if isinstance(d, dict):
        if "sql" in d:
            return sa.text(d["sql"])
        raise SystemExit("per-dialect defaults are not translated")
    text = str(d).lower() if isinstance(d, bool) else str(d)
    if text.lower() in ("now()", "current_timestamp"):
        return sa.func.now()
    base = str(column["type"]).split("(")[0]
    if base == "boolean":
        return sa.true() if text.lower() in ("true", "1", "yes", "on", "t") else sa.false()
    if base in ("integer", "bigint", "smallint", "numeric", "float"):
        return sa.text(text)
    return text


def flag(value):
    """(on, name) of a unique/index shorthand: true, or {name: ...}."""
    if isinstance(value, dict):
        return True, value.get("name")
    return bool(value), None


for t in tables:
    columns, constraints, indexes = [], [], []  # indexes: (name, columns, unique)
    for c in t["columns"]:
        args = [c["name"], column_type(c["type"])]
        kwargs = {"nullable": c.get("nullable", True), "server_default": server_default(c)}
        if c.get("primary_key"):
            kwargs["primary_key"] = True
        if c.get("autoincrement") is not None:
            kwargs["autoincrement"] = c["autoincrement"]
        ref = c.get("references")
        if ref:
            target, name = (ref["column"], ref.get("name")) if isinstance(ref, dict) else (ref, None)
            args.append(sa.ForeignKey(target, name=name, ondelete=c.get("on_delete"),
                                      onupdate=c.get("on_update")))
        index, index_name = flag(c.get("index"))
        unique, unique_name = flag(c.get("unique"))
        if index:
            indexes.append((index_name, [c["name"]], unique))
        elif unique_name:
            constraints.append(sa.UniqueConstraint(c["name"], name=unique_name))
        elif unique:
            kwargs["unique"] = True
        columns.append(sa.Column(*args, **kwargs))
    pk = t.get("primary_key")
    if pk:
        constraints.append(sa.PrimaryKeyConstraint(*pk["columns"], name=pk.get("name")))
    for fk in t.get("foreign_keys") or []:
        constraints.append(sa.ForeignKeyConstraint(
            fk["columns"], [fk["referred_table"] + "." + c for c in fk["referred_columns"]],
            name=fk.get("name"), ondelete=fk.get("on_delete"), onupdate=fk.get("on_update")))
    for uq in t.get("unique") or []:
        constraints.append(sa.UniqueConstraint(*uq["columns"], name=uq.get("name")))
    for ck in t.get("checks") or []:
        constraints.append(sa.CheckConstraint(ck["expr"], name=ck.get("name")))
    for ix in t.get("indexes") or []:
        indexes.append((ix.get("name"), ix["columns"], ix.get("unique", False)))
    table = sa.Table(t["name"], metadata, *columns, *constraints)
    for name, cols, unique in indexes:
        sa.Index(name, *[table.c[x] for x in cols], unique=unique)

engine = sa.create_engine(url, connect_args={"options": "-csearch_path=" + schema} if schema else {})
if schema:
    with engine.begin() as c:
        c.execute(sa.text('CREATE SCHEMA IF NOT EXISTS "%s"' % schema))
metadata.create_all(engine)
