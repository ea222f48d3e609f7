#!/usr/bin/env python3
"""`retort upgrade head` of the generated 1,000-revision chain on PostgreSQL,
against `psql --single-transaction -f` running the same DDL and version
updates, and Alembic when the system Python has it.

Usage: bench/postgres.py [path/to/retort]
The server: RETORT_TEST_PG_URL, else one started with scripts/pg.sh.
Prints figures; asserts nothing.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import core  # noqa: E402

ROOT = core.ROOT
RETORT = core.RETORT


def pg_ddl(steps):
    """The chain's DDL as retort renders it for PostgreSQL."""
    out = []
    for rev, down, _, ddl in steps:
        pg = [stmt.replace("id INTEGER NOT NULL", "id SERIAL NOT NULL") for stmt in ddl]
        out.append((rev, down, pg))
    return out


def main():
    url = os.environ.get("RETORT_TEST_PG_URL")
    started = None
    if not url:
        env = subprocess.check_output(["bash", os.path.join(ROOT, "scripts", "pg.sh"), "start"],
                                      text=True)
        values = dict(line.split("=", 1) for line in
                      (l.replace("export ", "") for l in env.splitlines()))
        url, started = values["RETORT_TEST_PG_URL"], values["RETORT_PG_DIR"]
    psql = shutil.which("psql")
    work = tempfile.mkdtemp(prefix="retort-bench-pg-")
    try:
        steps = core.chain(1000)
        d = os.path.join(work, "project")
        core.retort_project(d, steps)
        counter = [0]

        def fresh_schema():
            counter[0] += 1
            return f"bench_{os.getpid()}_{counter[0]}"

        def retort_upgrade():
            schema = fresh_schema()
            return core.run([RETORT, "--url", f"{url}?schema={schema}", "--create-schema",
                             "upgrade", "head"], d)

        r_time, r_mem = core.best(3, retort_upgrade)
        print(f"retort upgrade head, 1000 revs, PostgreSQL: {r_time * 1000:7.0f} ms, peak {r_mem:5.1f} MiB")

        if psql:
            script = os.path.join(work, "chain.sql")

            def psql_upgrade():
                schema = fresh_schema()
                with open(script, "w") as f:
                    f.write(f"CREATE SCHEMA {schema};\nSET search_path TO {schema};\n"
                            "CREATE TABLE retort_version (version_num VARCHAR(32) NOT NULL, "
                            "CONSTRAINT retort_version_pkc PRIMARY KEY (version_num));\n")
                    for rev, down, ddl in pg_ddl(steps):
                        for stmt in ddl:
                            f.write(stmt + ";\n")
                        if down is None:
                            f.write(f"INSERT INTO retort_version (version_num) VALUES ('{rev}');\n")
                        else:
                            f.write(f"UPDATE retort_version SET version_num = '{rev}' "
                                    f"WHERE version_num = '{down}';\n")
                return core.run([psql, "-q", "-X", "--single-transaction", "-v", "ON_ERROR_STOP=1",
                                 "-d", url, "-f", script], work)

            p_time, p_mem = core.best(3, psql_upgrade)
            print(f"psql --single-transaction, same DDL:       {p_time * 1000:7.0f} ms, peak {p_mem:5.1f} MiB")
            print(f"ratio retort / psql:                       {r_time / p_time:7.2f}x")
        else:
            print("psql not found: no peer figure")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if started:
            subprocess.call(["bash", os.path.join(ROOT, "scripts", "pg.sh"), "stop", started])


if __name__ == "__main__":
    main()
