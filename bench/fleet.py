#!/usr/bin/env python3
"""`retort upgrade head` over a fleet of tenant databases in one process,
with Alembic (one process per database) in the same run.

  - 1,000 SQLite tenant files (empty beforehand), matched by
    `--url 'sqlite:///data/project_*.db'`, base -> head of a 20-revision chain
    (tables, then columns, indexes and new tables), `-j 2`: wall time (goal:
    under 10 s), peak memory; then the rerun, all up to date
  - 200 schemas of one PostgreSQL database, matched by `?schema=...*`, the
    same chain, `-j 2` (goal: under 30 s); then the rerun
  - the peer: one `alembic upgrade head` per database over the same chain in
    op.* calls, two processes at a time (like -j 2), when the system Python
    has Alembic (and psycopg2, for PostgreSQL); timed on a sample of 50 files
    and 20 schemas and extrapolated linearly to the whole fleet

Usage: bench/fleet.py [path/to/retort]   (default: build/retort)
The server: RETORT_TEST_PG_URL, else one started with scripts/pg.sh; without
one, the PostgreSQL part is skipped.
Prints figures; asserts nothing.
"""
import concurrent.futures
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import core  # noqa: E402

ROOT = core.ROOT
RETORT = core.RETORT
PYTHON = "/usr/bin/python3"
JOBS = 2
SQLITE_DBS, SQLITE_GOAL, SQLITE_SAMPLE = 1000, 10.0, 50
PG_SCHEMAS, PG_GOAL, PG_SAMPLE = 200, 30.0, 20
W = 60  # the label column


def run(cmd, cwd, ok=(0,)):
    """Runs cmd; returns (seconds, peak RSS in MiB, standard output)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.PIPE)
        err = proc.stderr.read().decode()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.stderr.close()
        out.seek(0)
        text = out.read().decode()
    if os.waitstatus_to_exitcode(status) not in ok:
        sys.exit(f"{' '.join(cmd)} failed ({os.waitstatus_to_exitcode(status)}): {err}")
    return elapsed, usage.ru_maxrss / 1024.0, text


# The chain: (rev, down, retort operations, Alembic operations). A tenant's
# project tracker: two tables, then columns, indexes and more tables.
R = {}
A = {}
R[1] = """\
  - create_table:
      name: users
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: email, type: string(255), nullable: false, unique: true, index: true}
        - {name: name, type: string(100)}
        - {name: created_at, type: datetime, nullable: false, server_default: now()}
  - create_table:
      name: projects
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: owner_id, type: integer, nullable: false, references: users.id, on_delete: CASCADE}
        - {name: name, type: string(100), nullable: false}
        - {name: created_at, type: datetime, server_default: now()}"""
A[1] = """\
    op.create_table("users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("name", sa.String(100)),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.now()))
    op.create_index("ix_users_email", "users", ["email"], unique=True)
    op.create_table("projects",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, server_default=sa.func.now()))"""
R[2] = '  - add_column: {table: users, column: {name: is_active, type: boolean, nullable: false, server_default: "true"}}'
A[2] = '    op.add_column("users", sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()))'
R[3] = "  - create_index: {table: projects, columns: [owner_id]}"
A[3] = '    op.create_index("ix_projects_owner_id", "projects", ["owner_id"])'
R[4] = """\
  - create_table:
      name: tasks
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: project_id, type: integer, nullable: false, references: projects.id, on_delete: CASCADE}
        - {name: title, type: string(200), nullable: false}
        - {name: status, type: string(20), nullable: false, server_default: open}
        - {name: due_date, type: date}"""
A[4] = """\
    op.create_table("tasks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="open"),
        sa.Column("due_date", sa.Date))"""
R[5] = "  - create_index: {table: tasks, columns: [project_id, status]}"
A[5] = '    op.create_index("ix_tasks_project_id", "tasks", ["project_id", "status"])'
R[6] = "  - add_column: {table: projects, column: {name: description, type: text}}"
A[6] = '    op.add_column("projects", sa.Column("description", sa.Text))'
R[7] = '  - add_column: {table: tasks, column: {name: priority, type: smallint, nullable: false, server_default: "0"}}'
A[7] = '    op.add_column("tasks", sa.Column("priority", sa.SmallInteger, nullable=False, server_default="0"))'
R[8] = """\
  - create_table:
      name: comments
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: task_id, type: integer, nullable: false, references: tasks.id, on_delete: CASCADE}
        - {name: author_id, type: integer, references: users.id}
        - {name: body, type: text, nullable: false}
        - {name: created_at, type: datetime, server_default: now()}"""
A[8] = """\
    op.create_table("comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, server_default=sa.func.now()))"""
R[9] = "  - create_index: {table: comments, columns: [task_id]}"
A[9] = '    op.create_index("ix_comments_task_id", "comments", ["task_id"])'
R[10] = "  - add_column: {table: users, column: {name: last_login, type: datetime(timezone)}}"
A[10] = '    op.add_column("users", sa.Column("last_login", sa.DateTime(timezone=True)))'
R[11] = "  - create_index: {table: users, columns: [last_login]}"
A[11] = '    op.create_index("ix_users_last_login", "users", ["last_login"])'
R[12] = """\
  - create_table:
      name: tags
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: name, type: string(50), nullable: false, unique: true}"""
A[12] = """\
    op.create_table("tags",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False, unique=True))"""
R[13] = """\
  - create_table:
      name: task_tags
      columns:
        - {name: task_id, type: integer, primary_key: true, references: tasks.id, on_delete: CASCADE}
        - {name: tag_id, type: integer, primary_key: true, references: tags.id, on_delete: CASCADE}"""
A[13] = """\
    op.create_table("task_tags",
        sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tag_id", sa.Integer, sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True))"""
R[14] = '  - add_column: {table: tasks, column: {name: estimate, type: "numeric(8,2)"}}'
A[14] = '    op.add_column("tasks", sa.Column("estimate", sa.Numeric(8, 2)))'
R[15] = '  - add_column: {table: projects, column: {name: archived, type: boolean, nullable: false, server_default: "false"}}'
A[15] = '    op.add_column("projects", sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false()))'
R[16] = "  - create_index: {table: projects, columns: [archived]}"
A[16] = '    op.create_index("ix_projects_archived", "projects", ["archived"])'
R[17] = """\
  - create_table:
      name: attachments
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: task_id, type: integer, nullable: false, references: tasks.id, on_delete: CASCADE}
        - {name: filename, type: string(255), nullable: false}
        - {name: size, type: bigint, nullable: false, server_default: "0"}
        - {name: uploaded_at, type: datetime, server_default: now()}"""
A[17] = """\
    op.create_table("attachments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("uploaded_at", sa.DateTime, server_default=sa.func.now()))"""
R[18] = "  - create_index: {table: attachments, columns: [task_id]}"
A[18] = '    op.create_index("ix_attachments_task_id", "attachments", ["task_id"])'
R[19] = "  - add_column: {table: users, column: {name: timezone, type: string(64), server_default: UTC}}"
A[19] = '    op.add_column("users", sa.Column("timezone", sa.String(64), server_default="UTC"))'
R[20] = "  - create_index: {table: tasks, columns: [due_date]}"
A[20] = '    op.create_index("ix_tasks_due_date", "tasks", ["due_date"])'


def chain():
    """The 20 steps, as core.retort_project takes them, the Alembic operations last."""
    return [(f"r{i:02d}", None if i == 1 else f"r{i - 1:02d}", [R[i]], A[i]) for i in sorted(R)]


HEAD = chain()[-1][0]

ALEMBIC_ENV = """\
from alembic import context
from sqlalchemy import create_engine, text

x = context.get_x_argument(as_dictionary=True)
schema = x.get("schema")
with create_engine(x["url"]).connect() as connection:
    if schema:
        connection.execute(text(f'SET search_path TO "{schema}"'))
        connection.dialect.default_schema_name = schema
    context.configure(connection=connection, version_table_schema=schema)
    with context.begin_transaction():
        context.run_migrations()
"""


def alembic_project(directory, steps, module):
    """An Alembic env with the chain in op.* calls, the database given by -x url=..."""
    if not os.path.exists(PYTHON) or subprocess.call([PYTHON, "-c", f"import alembic, {module}"],
                                                     stderr=subprocess.DEVNULL) != 0:
        return None
    versions = os.path.join(directory, "alembic", "versions")
    os.makedirs(versions)
    with open(os.path.join(directory, "alembic.ini"), "w") as f:
        f.write("[alembic]\nscript_location = alembic\n")
    with open(os.path.join(directory, "alembic", "env.py"), "w") as f:
        f.write(ALEMBIC_ENV)
    for rev, down, _, ops in steps:
        with open(os.path.join(versions, f"{rev}.py"), "w") as f:
            f.write(f"from alembic import op\nimport sqlalchemy as sa\n\nrevision = {rev!r}\n"
                    f"down_revision = {down!r}\nbranch_labels = None\ndepends_on = None\n\n"
                    f"def upgrade():\n{ops}\n\ndef downgrade():\n    pass\n")
    return [PYTHON, "-m", "alembic"]


def two_at_a_time(cmds, cwd):
    """Runs the commands JOBS at a time; returns (wall seconds, peak RSS of any in MiB)."""
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
        results = list(pool.map(lambda cmd: run(cmd, cwd), cmds))
    return time.perf_counter() - start, max(r[1] for r in results)


def summary(report):
    counts = {k: v for k, v in report["summary"].items() if k not in ("seconds", "targets")}
    return (f"exit {report['exit_code']}, {report['summary']['targets']} targets: "
            + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in sorted(counts.items())))


def first_failure(report):
    for target in report["targets"]:
        if target["status"] == "failed":
            return f"  first failure: {target['target']}: {target.get('error', '?')}"
    return None


def fleet(label, cmd, cwd, goal):
    """Upgrade and rerun over the fleet; returns the upgrade's and the rerun's seconds."""
    r_time, r_mem, out = run(cmd, cwd, ok=(0, 2, 3))
    report = json.loads(out)
    print(f"retort upgrade head, {label}, -j {JOBS}:".ljust(W)
          + f"{r_time:7.2f} s, peak {r_mem:5.1f} MiB  ({summary(report)})")
    if first_failure(report):
        print(first_failure(report))
    print(f"  goal {goal:.0f} s: {'met' if r_time < goal and report['exit_code'] == 0 else 'NOT met'}")
    again, again_mem, out = run(cmd, cwd, ok=(0, 2, 3))
    print("retort upgrade head, rerun, all up to date:".ljust(W)
          + f"{again:7.2f} s, peak {again_mem:5.1f} MiB  ({summary(json.loads(out))})")
    return r_time, again


def peer(label, cmds, cwd, whole, r_time, r_again):
    """Alembic on a sample of the fleet, two processes at a time, extrapolated to the whole."""
    n = len(cmds)
    a_time, a_mem = two_at_a_time(cmds, cwd)
    a_again, _ = two_at_a_time(cmds, cwd)
    a_full, a_again_full = a_time * whole / n, a_again * whole / n
    print(f"alembic upgrade head, {n} {label}, {JOBS} at a time:".ljust(W)
          + f"{a_time:7.2f} s, peak {a_mem:5.1f} MiB per process ({a_time / n * JOBS * 1000:.0f} ms each)")
    print(f"  extrapolated to {whole} (x {whole / n:g}):".ljust(W) + f"{a_full:7.2f} s")
    print(f"alembic rerun, {n} up to date, {JOBS} at a time:".ljust(W)
          + f"{a_again:7.2f} s; extrapolated to {whole}: {a_again_full:.2f} s")
    print("ratio retort / alembic (extrapolated), upgrade:".ljust(W)
          + f"{r_time / a_full:7.4f}x (Alembic {a_full / r_time:.0f}x the time)")
    print("ratio retort / alembic (extrapolated), rerun:".ljust(W)
          + f"{r_again / a_again_full:7.4f}x (Alembic {a_again_full / r_again:.0f}x the time)")


def sqlite_fleet(work, steps):
    d = os.path.join(work, "sqlite")
    core.retort_project(d, steps)
    data = os.path.join(d, "data")
    os.makedirs(data)
    for i in range(1, SQLITE_DBS + 1):
        open(os.path.join(data, f"project_{i:04d}.db"), "w").close()
    cmd = [RETORT, "upgrade", "head", "--url", "sqlite:///data/project_*.db", "-j", str(JOBS), "--json"]
    r_time, r_again = fleet(f"{SQLITE_DBS} SQLite files", cmd, d, SQLITE_GOAL)
    at_head = 0
    for name in os.listdir(data):
        with sqlite3.connect(os.path.join(data, name)) as db:
            at_head += db.execute("SELECT version_num FROM retort_version").fetchall() == [(HEAD,)]
        db.close()
    db = sqlite3.connect(os.path.join(data, "project_0001.db"))
    tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    db.close()
    print(f"  ({at_head} of {SQLITE_DBS} files at {HEAD}; project_0001.db has {tables} tables)")

    a = os.path.join(work, "alembic-sqlite")
    alembic = alembic_project(a, steps, "sqlalchemy")
    if alembic:
        cmds = []
        for i in range(1, SQLITE_SAMPLE + 1):
            db = os.path.join(a, f"project_{i:04d}.db")
            open(db, "w").close()
            cmds.append(alembic + ["-x", f"url=sqlite:///{db}", "upgrade", "head"])
        peer("SQLite files", cmds, a, SQLITE_DBS, r_time, r_again)
    else:
        print("alembic not installed for /usr/bin/python3: no Alembic figures")


def psql_run(psql, url, sql, cwd):
    return subprocess.check_output([psql, "-q", "-X", "-tA", "-v", "ON_ERROR_STOP=1", "-d", url,
                                    "-c", "SET client_min_messages TO warning", "-c", sql],
                                   cwd=cwd, text=True).strip()


def drop_schemas(psql, url, names, cwd):
    for i in range(0, len(names), 25):
        psql_run(psql, url, f"DROP SCHEMA IF EXISTS {', '.join(names[i:i + 25])} CASCADE", cwd)


def postgres_fleet(work, steps):
    psql = shutil.which("psql")
    if not psql:
        print("psql not found: no PostgreSQL figures")
        return
    url = os.environ.get("RETORT_TEST_PG_URL")
    started = None
    if not url:
        try:
            env = subprocess.check_output(["bash", os.path.join(ROOT, "scripts", "pg.sh"), "start"],
                                          text=True)
        except subprocess.CalledProcessError:
            print("no PostgreSQL server (RETORT_TEST_PG_URL unset, scripts/pg.sh start failed): "
                  "no PostgreSQL figures")
            return
        values = dict(line.split("=", 1) for line in
                      (l.replace("export ", "") for l in env.splitlines()))
        url, started = values["RETORT_TEST_PG_URL"], values["RETORT_PG_DIR"]
    prefix = f"fleet_{os.getpid()}"
    ours = [f"{prefix}_project_{i:04d}" for i in range(1, PG_SCHEMAS + 1)]
    theirs = [f"{prefix}_alembic_{i:04d}" for i in range(1, PG_SAMPLE + 1)]
    d = os.path.join(work, "postgres")
    try:
        core.retort_project(d, steps)
        psql_run(psql, url, "; ".join(f"CREATE SCHEMA {s}" for s in ours + theirs), d)
        cmd = [RETORT, "upgrade", "head", "--url", f"{url}?schema={prefix}_project_*", "-j", str(JOBS),
               "--json"]
        r_time, r_again = fleet(f"{PG_SCHEMAS} PostgreSQL schemas", cmd, d, PG_GOAL)
        at_head = psql_run(psql, url, "SELECT count(*) FROM pg_indexes WHERE schemaname LIKE "
                           f"'{prefix}_project_%' AND indexdef LIKE '%tasks%(due_date)%'", d)
        print(f"  ({at_head} of {PG_SCHEMAS} schemas have the head's last index)")

        a = os.path.join(work, "alembic-postgres")
        alembic = alembic_project(a, steps, "psycopg2")
        if alembic:
            cmds = [alembic + ["-x", f"url={url}", "-x", f"schema={s}", "upgrade", "head"]
                    for s in theirs]
            peer("PostgreSQL schemas", cmds, a, PG_SCHEMAS, r_time, r_again)
        else:
            print("alembic or psycopg2 not installed for /usr/bin/python3: no Alembic figures "
                  "on PostgreSQL")
    finally:
        if os.path.exists(d):
            drop_schemas(psql, url, ours + theirs, d)
        if started:
            subprocess.call(["bash", os.path.join(ROOT, "scripts", "pg.sh"), "stop", started])


def main():
    if not os.path.exists(RETORT):
        sys.exit(f"no retort binary at {RETORT}; build first")
    work = tempfile.mkdtemp(prefix="retort-bench-fleet-")
    try:
        print(f"retort: {RETORT}")
        steps = chain()
        print(f"chain: {len(steps)} revisions; {os.cpu_count()} cores")
        sqlite_fleet(work, steps)
        postgres_fleet(work, steps)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
