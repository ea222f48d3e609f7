#!/usr/bin/env python3
"""Benchmarks of `retort revision --autogenerate`, with Alembic in the same run.

  - a declared schema of 200 tables x 10 columns (integer keys, strings, text,
    booleans and timestamps with server defaults, numerics, foreign keys to
    the previous table, an indexed and a unique column)
  - `retort revision --autogenerate` of the 200 new tables (the first script)
  - after a handful of changes (2 new columns with defaults, a wider type,
    a new index, a new table, a renamed column): `retort revision
    --autogenerate` against the scripts (goal: under 100 ms),
    `--compare-database` against the SQLite database at head, and `retort
    check`; min and median of 10 runs, peak memory
  - `alembic revision --autogenerate` over the same models in SQLAlchemy
    (its database made by metadata.create_all and `alembic stamp`), when the
    system Python has Alembic; Alembic reads the live database, so its fair
    peer is --compare-database

Usage: bench/autogen.py [path/to/retort]   (default: build/retort)
Prints figures; asserts nothing.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RETORT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "retort"))
PYTHON = "/usr/bin/python3"
TABLES = 200
RUNS = 10


def run(cmd, cwd, ok=(0,)):
    """Runs cmd; returns (seconds, peak RSS in MiB). An exit code not in ok stops the bench."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) not in ok:
        sys.exit(f"{' '.join(cmd)} failed: {err}")
    return elapsed, usage.ru_maxrss / 1024.0


def output(cmd, cwd):
    """cmd's stdout and stderr, untimed (to count the changes it reports)."""
    return subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True).stdout


def repeat(n, fn):
    """fn() n times: (min seconds, median seconds, peak MiB)."""
    results = [fn() for _ in range(n)]
    times = [r[0] for r in results]
    return min(times), statistics.median(times), max(r[1] for r in results)


# The schema, as (table, [column dicts]); each column dict uses retort's keys and is
# turned into SQLAlchemy for Alembic. changed=True gives the schema after the changes.

def columns(i, changed):
    cols = [
        {"name": "id", "type": "integer", "primary_key": True},
        {"name": "name", "type": "string(80)", "nullable": False},
        {"name": "code", "type": "string(20)", "unique": True},
        {"name": "body", "type": "text"},
        {"name": "active", "type": "boolean", "nullable": False, "server_default": "true"},
        {"name": "created_at", "type": "datetime(timezone)", "nullable": False,
         "server_default": "now()"},
        {"name": "price", "type": "numeric(10,2)"},
        {"name": "parent_id", "type": "integer"},
        {"name": "status", "type": "string(20)", "index": True},
        {"name": "note", "type": "string(200)"},
    ]
    if i % 2 and i > 0:
        cols[7]["references"] = f"t{i - 1}.id"
    if changed:
        if i == 10:
            cols.append({"name": "priority", "type": "integer", "nullable": False,
                         "server_default": "0"})
        if i == 20:
            cols.append({"name": "flagged", "type": "boolean", "nullable": False,
                         "server_default": "false"})
        if i == 30:
            cols[9]["type"] = "string(500)"
        if i == 40:
            cols[1]["index"] = True
        if i == 50:
            cols[9] = dict(cols[9], name="remark", renamed_from="note")
    return cols


def schema(changed):
    tables = [(f"t{i}", columns(i, changed)) for i in range(TABLES)]
    if changed:
        tables.append(("audit_log", [
            {"name": "id", "type": "integer", "primary_key": True},
            {"name": "t0_id", "type": "integer", "nullable": False, "references": "t0.id"},
            {"name": "action", "type": "string(40)", "nullable": False},
            {"name": "at", "type": "datetime(timezone)", "nullable": False,
             "server_default": "now()"},
        ]))
    return tables


def yaml_column(c):
    parts = []
    for key, value in c.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif key == "type" or key == "server_default":
            value = f'"{value}"'
        parts.append(f"{key}: {value}")
    return "{" + ", ".join(parts) + "}"


def write_schema(path, changed):
    with open(path, "w") as f:
        f.write("tables:\n")
        for name, cols in schema(changed):
            f.write(f"  - name: {name}\n    columns:\n")
            for c in cols:
                f.write(f"      - {yaml_column(c)}\n")


def retort_project(directory):
    os.makedirs(os.path.join(directory, "migrations", "versions"))
    os.makedirs(os.path.join(directory, "schema"))
    with open(os.path.join(directory, "retort.toml"), "w") as f:
        f.write('script_location = "migrations/versions"\nschema = ["schema/*.yaml"]\n'
                'url = "sqlite:///app.db"\nfile_template = "{rev}"\n')
    write_schema(os.path.join(directory, "schema", "app.yaml"), changed=False)


SA_TYPES = {"integer": "sa.Integer()", "string(80)": "sa.String(80)", "string(20)": "sa.String(20)",
            "string(40)": "sa.String(40)", "string(200)": "sa.String(200)",
            "string(500)": "sa.String(500)", "text": "sa.Text()", "boolean": "sa.Boolean()",
            "datetime(timezone)": "sa.DateTime(timezone=True)", "numeric(10,2)": "sa.Numeric(10, 2)"}


def sa_column(c):
    args = [repr(c["name"]), SA_TYPES[c["type"]]]
    if "references" in c:
        args.append(f"sa.ForeignKey({c['references']!r})")
    if c.get("primary_key"):
        args.append("primary_key=True")
    if c.get("nullable") is False:
        args.append("nullable=False")
    if c.get("unique"):
        args.append("unique=True")
    if c.get("index"):
        args.append("index=True")
    default = c.get("server_default")
    if default == "now()":
        args.append("server_default=sa.func.now()")
    elif default is not None:
        args.append(f"server_default=sa.text({default!r})")
    return f"sa.Column({', '.join(args)})"


def models(path, changed):
    """SQLAlchemy metadata for the schema, named as retort's default naming convention names."""
    with open(path, "w") as f:
        f.write("import sqlalchemy as sa\n\nmetadata = sa.MetaData(naming_convention={\n"
                "    'pk': 'pk_%(table_name)s',\n"
                "    'fk': 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s',\n"
                "    'uq': 'uq_%(table_name)s_%(column_0_name)s',\n"
                "    'ck': 'ck_%(table_name)s_%(constraint_name)s',\n"
                "    'ix': 'ix_%(column_0_label)s'})\n\n")
        for name, cols in schema(changed):
            f.write(f"sa.Table({name!r}, metadata,\n")
            f.write(",\n".join(f"    {sa_column(c)}" for c in cols) + ")\n")


ENV = """\
import sys
from logging.config import fileConfig
from alembic import context
from sqlalchemy import create_engine

sys.path.insert(0, {directory!r})
from models import metadata

fileConfig(context.config.config_file_name)
# compare_server_default stays off (its default): on SQLite it reports every
# server default as changed ('(true)' read back vs 'true' declared).
with create_engine(context.config.get_main_option("sqlalchemy.url")).connect() as connection:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
"""


def alembic_project(directory):
    if not os.path.exists(PYTHON) or subprocess.call([PYTHON, "-c", "import alembic, sqlalchemy"],
                                                     stderr=subprocess.DEVNULL) != 0:
        return None
    os.makedirs(directory)
    subprocess.check_call([PYTHON, "-m", "alembic", "init", "alembic"], cwd=directory,
                          stdout=subprocess.DEVNULL)
    ini = os.path.join(directory, "alembic.ini")
    with open(ini) as f:
        text = f.read().replace("driver://user:pass@localhost/dbname", "sqlite:///alembic.db")
    with open(ini, "w") as f:
        f.write(text)
    with open(os.path.join(directory, "alembic", "env.py"), "w") as f:
        f.write(ENV.format(directory=directory))
    with open(os.path.join(directory, "alembic", "versions", "0001_initial.py"), "w") as f:
        f.write("revision = '0001'\ndown_revision = None\nbranch_labels = None\n"
                "depends_on = None\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    pass\n")
    models(os.path.join(directory, "models.py"), changed=False)
    subprocess.check_call([PYTHON, "-c", "import sqlalchemy as sa; from models import metadata; "
                           "metadata.create_all(sa.create_engine('sqlite:///alembic.db'))"],
                          cwd=directory)
    subprocess.check_call([PYTHON, "-m", "alembic", "stamp", "head"], cwd=directory,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    models(os.path.join(directory, "models.py"), changed=True)
    return [PYTHON, "-m", "alembic"]


def changes(text, prefixes):
    """The number of change lines in retort's output."""
    return sum(1 for line in text.splitlines() if line.lstrip().startswith(prefixes))


def report(label, figures):
    low, median, mem = figures
    print(f"{label:44s} min {low * 1000:7.1f} ms, median {median * 1000:7.1f} ms, "
          f"peak {mem:5.1f} MiB")


def main():
    if not os.path.exists(RETORT):
        sys.exit(f"no retort binary at {RETORT}; build first")
    work = tempfile.mkdtemp(prefix="retort-bench-autogen-")
    try:
        print(f"retort: {RETORT}")
        print(f"schema: {TABLES} tables x 10 columns; {RUNS} runs each")
        d = os.path.join(work, "retort")
        retort_project(d)
        versions = os.path.join(d, "migrations", "versions")

        def autogenerate(rev, message, *extra):
            def once():
                script = os.path.join(versions, f"{rev}.yaml")
                if os.path.exists(script):
                    os.remove(script)
                return run([RETORT, "revision", "--autogenerate", "-m", message, "--rev-id", rev]
                           + list(extra), d)
            return once

        initial = repeat(RUNS, autogenerate("0001", "initial"))
        report(f"retort autogenerate, {TABLES} new tables:", initial)
        size = os.path.getsize(os.path.join(versions, "0001.yaml"))
        print(f"  (the script written: {size / 1024:.0f} KiB)")
        upgrade = run([RETORT, "upgrade", "head"], d)
        print(f"retort upgrade head, {TABLES} tables:".ljust(44)
              + f" {upgrade[0] * 1000:7.1f} ms, peak {upgrade[1]:5.1f} MiB")

        write_schema(os.path.join(d, "schema", "app.yaml"), changed=True)
        script = os.path.join(versions, "0002.yaml")

        def describe(*extra):
            """The output of one untimed autogenerate of the changes; its script removed."""
            text = output([RETORT, "revision", "--autogenerate", "-m", "change", "--rev-id", "0002"]
                          + list(extra), d)
            if os.path.exists(script):
                os.remove(script)
            return text

        text = describe()
        print(f"  (retort reports {changes(text, ('+', '-', '~'))} changes:)")
        for line in text.splitlines():
            if line.lstrip().startswith(("+", "-", "~", "DESTRUCTIVE")):
                print(f"    {line.strip()}")

        scripts = repeat(RUNS, autogenerate("0002", "change"))
        report("retort autogenerate, changes vs scripts:", scripts)
        print(f"  goal 100 ms: {'met' if scripts[1] < 0.1 else 'NOT met'} "
              f"(median {scripts[1] * 1000:.1f} ms)")
        os.remove(script)
        text = describe("--compare-database")
        print(f"  (--compare-database reports {changes(text, ('+', '-', '~'))} changes)")
        database = repeat(RUNS, autogenerate("0002", "change", "--compare-database"))
        report("retort autogenerate --compare-database:", database)
        os.remove(script)
        check = repeat(RUNS, lambda: run([RETORT, "check"], d, ok=(1,)))
        report("retort check (differences, exit 1):", check)

        a = os.path.join(work, "alembic")
        alembic = alembic_project(a)
        if alembic:
            a_versions = os.path.join(a, "alembic", "versions")
            text = output(alembic + ["revision", "--autogenerate", "-m", "change", "--rev-id", "0002"], a)
            detected = [line.split("Detected ", 1)[1] for line in text.splitlines()
                        if "autogenerate.compare] Detected " in line]
            print(f"  (Alembic reports {len(detected)} changes:)")
            for line in detected:
                print(f"    {line}")
            os.remove(os.path.join(a_versions, "0002_change.py"))

            def alembic_autogenerate():
                script = os.path.join(a_versions, "0002_change.py")
                if os.path.exists(script):
                    os.remove(script)
                return run(alembic + ["revision", "--autogenerate", "-m", "change", "--rev-id",
                                      "0002"], a)

            peer = repeat(RUNS, alembic_autogenerate)
            report("alembic revision --autogenerate:", peer)
            print(f"ratio retort --compare-database / alembic: {database[1] / peer[1]:7.3f}x "
                  "(median; both read the live database)")
            print(f"ratio retort vs scripts / alembic:         {scripts[1] / peer[1]:7.3f}x "
                  "(median; retort replays scripts, Alembic reads the database)")
            print(f"  goal 25x faster: {'met' if peer[1] >= 25 * scripts[1] else 'NOT met'} "
                  f"({peer[1] / scripts[1]:.1f}x vs scripts, {peer[1] / database[1]:.1f}x vs the database)")
            # Alembic's check (1.9 and later) compares the models with the live
            # database as autogenerate does, writing nothing; older releases
            # have autogenerate only, which is what check runs.
            if "check" in output(alembic + ["--help"], a):
                a_check = repeat(RUNS, lambda: run(alembic + ["check"], a, ok=(0, 1, 255)))
                report("alembic check:", a_check)
            else:
                a_check = peer
                print("  (this Alembic has no check command: its autogenerate stands in)")
            print(f"ratio alembic check / retort check:        {a_check[1] / check[1]:7.1f}x "
                  f"(goal 25x: {'met' if a_check[1] >= 25 * check[1] else 'NOT met'})")
        else:
            print("alembic or sqlalchemy not installed for /usr/bin/python3: no Alembic figures")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
