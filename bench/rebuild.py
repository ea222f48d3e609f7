#!/usr/bin/env python3
"""A SQLite table rebuild (alter_column: NOT NULL on one of ten columns) of a
1,000,000-row table through `retort upgrade`, against the bare
`CREATE TABLE new ...; INSERT INTO new SELECT * FROM old` in the sqlite3 shell
on the same database; peak memory at 100,000 and 1,000,000 rows.

Usage: bench/rebuild.py [path/to/retort]
Prints figures; asserts nothing.
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import core  # noqa: E402

RETORT = core.RETORT
COLUMNS = [("id", "integer", "INTEGER")] + [
    (f"c{i}", t, s) for i, (t, s) in enumerate(
        [("integer", "INTEGER"), ("text", "TEXT"), ("double", "DOUBLE"), ("string(40)", "VARCHAR(40)"),
         ("bigint", "BIGINT"), ("text", "TEXT"), ("integer", "INTEGER"), ("boolean", "BOOLEAN"),
         ("text", "TEXT")], start=1)]


def project(d):
    versions = os.path.join(d, "migrations", "versions")
    os.makedirs(versions)
    with open(os.path.join(d, "retort.toml"), "w") as f:
        f.write('script_location = "migrations/versions"\nurl = "sqlite:///bench.db"\n')
    cols = ", ".join(
        f"{{name: {n}, type: {t}{', primary_key: true' if n == 'id' else ''}}}" for n, t, _ in COLUMNS)
    with open(os.path.join(versions, "1.yaml"), "w") as f:
        f.write(f'revision: "1"\ndown_revision: null\nmessage: table\nupgrade:\n'
                f'  - create_table: {{name: t, columns: [{cols}]}}\n')
    with open(os.path.join(versions, "2.yaml"), "w") as f:
        f.write('revision: "2"\ndown_revision: "1"\nmessage: c1 required\nupgrade:\n'
                '  - alter_column: {table: t, column: c1, nullable: false}\n')


def fill(sqlite3, db, rows):
    sql = ("INSERT INTO t SELECT value, value % 1000, 'text ' || value, value * 0.5, "
           "'name ' || value, value * 7, 'more text ' || value, value % 10, value % 2, "
           f"'last ' || value FROM generate_series(1, {rows});")
    core.run([sqlite3, db, sql], os.path.dirname(db))


def main():
    sqlite3 = shutil.which("sqlite3")
    if not sqlite3:
        sys.exit("needs the sqlite3 shell")
    work = tempfile.mkdtemp(prefix="retort-bench-rebuild-")
    try:
        figures = {}
        for rows in (100_000, 1_000_000):
            d = os.path.join(work, f"p{rows}")
            project(d)
            core.run([RETORT, "upgrade", "1"], d)
            template = os.path.join(d, "template.db")
            os.rename(os.path.join(d, "bench.db"), template)
            fill(sqlite3, template, rows)

            def retort_rebuild():
                shutil.copy(template, os.path.join(d, "bench.db"))
                return core.run([RETORT, "upgrade", "2"], d)

            def shell_copy():
                db = os.path.join(d, "shell.db")
                shutil.copy(template, db)
                cols = ",\n  ".join(f"{n} {s}{' NOT NULL' if n in ('id', 'c1') else ''}"
                                    for n, _, s in COLUMNS)
                sql = (f"BEGIN; CREATE TABLE new_t (\n  {cols},\n  PRIMARY KEY (id)\n); "
                       "INSERT INTO new_t SELECT * FROM t; COMMIT;")
                return core.run([sqlite3, db, sql], d)

            figures[rows] = (core.best(3, retort_rebuild), core.best(3, shell_copy))
        for rows, ((r_time, r_mem), (s_time, s_mem)) in figures.items():
            print(f"{rows:>9,} rows: retort rebuild {r_time * 1000:7.0f} ms, peak {r_mem:5.1f} MiB; "
                  f"bare INSERT ... SELECT in the sqlite3 shell {s_time * 1000:7.0f} ms, "
                  f"peak {s_mem:5.1f} MiB; ratio {r_time / s_time:5.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
