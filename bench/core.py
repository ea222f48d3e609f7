#!/usr/bin/env python3
"""Whole-command benchmarks of the core, with their peers in the same run.

  - `retort current` on an up-to-date SQLite database with 100 revisions,
    against the sqlite3 shell reading the version row
  - `retort upgrade head` of a generated 100- and 1,000-revision chain (each
    adds a column or an index), against the sqlite3 shell running the same
    DDL and version updates as one transaction; peak memory of both
  - `retort upgrade head --sql` of the 1,000 revisions
  - the same through Alembic (upgrade, --sql, current), when the system
    Python has it
Each goal is printed beside its figure, met or not.

Usage: bench/core.py [path/to/retort]   (default: build/retort)
Prints figures; asserts nothing.
"""
import os
import shlex
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RETORT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "retort"))
TABLES = 10


def run(cmd, cwd, stdin=None):
    """Runs cmd; returns (seconds, peak RSS in MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=stdin, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed: {err}")
    return elapsed, usage.ru_maxrss / 1024.0


def chain(n):
    """The steps of an n-revision chain: (rev, down, ops, ddl)."""
    steps = []
    ops, ddl = [], []
    for t in range(TABLES):
        ops.append(f"  - create_table: {{name: t{t}, columns: [{{name: id, type: integer, primary_key: true}}]}}")
        ddl.append(f"CREATE TABLE t{t} (\n  id INTEGER NOT NULL,\n  CONSTRAINT pk_t{t} PRIMARY KEY (id)\n)")
    steps.append(("r0000", None, ops, ddl))
    for i in range(1, n):
        t = i % TABLES
        if i % 2:
            ops = [f"  - add_column: {{table: t{t}, column: {{name: c{i}, type: string(40)}}}}"]
            ddl = [f"ALTER TABLE t{t} ADD COLUMN c{i} VARCHAR(40)"]
        else:
            c = i - 1
            ops = [f"  - create_index: {{table: t{(i - 1) % TABLES}, columns: [c{c}]}}"]
            ddl = [f"CREATE INDEX ix_t{(i - 1) % TABLES}_c{c} ON t{(i - 1) % TABLES} (c{c})"]
        steps.append((f"r{i:04d}", f"r{i - 1:04d}", ops, ddl))
    return steps


def retort_project(directory, steps):
    versions = os.path.join(directory, "migrations", "versions")
    os.makedirs(versions)
    with open(os.path.join(directory, "retort.toml"), "w") as f:
        f.write('script_location = "migrations/versions"\nurl = "sqlite:///bench.db"\n')
    for rev, down, ops, _ in steps:
        with open(os.path.join(versions, f"{rev}.yaml"), "w") as f:
            f.write(f'revision: "{rev}"\ndown_revision: {"null" if down is None else repr(down)}\n'
                    f"message: step {rev}\nupgrade:\n" + "\n".join(ops) + "\n")


def shell_script(path, steps):
    """The same DDL and version bookkeeping as one sqlite3 transaction."""
    with open(path, "w") as f:
        f.write("BEGIN;\nCREATE TABLE retort_version (version_num VARCHAR(32) NOT NULL, "
                "CONSTRAINT retort_version_pkc PRIMARY KEY (version_num));\n")
        for rev, down, _, ddl in steps:
            for stmt in ddl:
                f.write(stmt + ";\n")
            if down is None:
                f.write(f"INSERT INTO retort_version (version_num) VALUES ('{rev}');\n")
            else:
                f.write(f"UPDATE retort_version SET version_num = '{rev}' WHERE version_num = '{down}';\n")
        f.write("COMMIT;\n")


def alembic_project(directory, steps):
    python = "/usr/bin/python3"
    if not os.path.exists(python) or subprocess.call([python, "-c", "import alembic"],
                                                     stderr=subprocess.DEVNULL) != 0:
        return None
    subprocess.check_call([python, "-m", "alembic", "init", "alembic"], cwd=directory,
                          stdout=subprocess.DEVNULL)
    ini = os.path.join(directory, "alembic.ini")
    with open(ini) as f:
        text = f.read().replace("driver://user:pass@localhost/dbname", "sqlite:///alembic.db")
    with open(ini, "w") as f:
        f.write(text)
    versions = os.path.join(directory, "alembic", "versions")
    for rev, down, _, ddl in steps:
        body = "\n".join(f"    op.execute({stmt!r})" for stmt in ddl)
        with open(os.path.join(versions, f"{rev}.py"), "w") as f:
            f.write(f"from alembic import op\nrevision = {rev!r}\ndown_revision = {down!r}\n"
                    f"branch_labels = None\ndepends_on = None\n\ndef upgrade():\n{body}\n\n"
                    "def downgrade():\n    pass\n")
    return [python, "-m", "alembic"]


def mean_wall(cmd, cwd, calls=200):
    """Mean wall time of cmd: hyperfine's when installed, else a plain loop."""
    hyperfine = shutil.which("hyperfine")
    if hyperfine:
        out = os.path.join(cwd, "hyperfine.json")
        subprocess.check_call([hyperfine, "-N", "--warmup", "10", "-r", str(calls), "--export-json",
                               out, shlex.join(cmd)], cwd=cwd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        import json
        with open(out) as f:
            return json.load(f)["results"][0]["mean"]
    start = time.perf_counter()
    for _ in range(calls):
        run(cmd, cwd)
    return (time.perf_counter() - start) / calls


def best(n, fn):
    results = [fn() for _ in range(n)]
    return min(r[0] for r in results), max(r[1] for r in results)


def main():
    if not os.path.exists(RETORT):
        sys.exit(f"no retort binary at {RETORT}; build first")
    sqlite3 = shutil.which("sqlite3")
    work = tempfile.mkdtemp(prefix="retort-bench-")
    try:
        print(f"retort: {RETORT}")
        # current, 100 revisions
        d = os.path.join(work, "current")
        retort_project(d, chain(100))
        run([RETORT, "upgrade", "head"], d)
        per_call = mean_wall([RETORT, "current"], d)
        print(f"retort current, 100 revisions:    {per_call * 1000:7.2f} ms per call")
        if sqlite3:
            shell = mean_wall([sqlite3, "bench.db", "SELECT version_num FROM retort_version"], d)
            print(f"sqlite3 shell reading the version: {shell * 1000:7.2f} ms per call")
            print(f"ratio retort / sqlite3 shell:      {per_call / shell:7.2f}x "
                  f"(goal 1.1x: {'met' if per_call <= 1.1 * shell else 'NOT met'})")

        # upgrade head, 100 and 1,000 revisions, beside the sqlite3 shell
        # running the same DDL in one transaction
        for n, runs in ((100, 7), (1000, 5)):
            steps = chain(n)
            d = os.path.join(work, f"upgrade{n}")
            retort_project(d, steps)

            def retort_upgrade():
                db = os.path.join(d, "bench.db")
                if os.path.exists(db):
                    os.remove(db)
                return run([RETORT, "upgrade", "head"], d)

            r_time, r_mem = best(runs, retort_upgrade)
            print(f"retort upgrade head, {n} revs:".ljust(35)
                  + f"{r_time * 1000:7.1f} ms, peak {r_mem:5.1f} MiB")
            if sqlite3:
                script = os.path.join(work, f"chain{n}.sql")
                shell_script(script, steps)

                def shell_upgrade():
                    db = os.path.join(work, "shell.db")
                    if os.path.exists(db):
                        os.remove(db)
                    with open(script) as f:
                        return run([sqlite3, db], work, stdin=f)

                s_time, s_mem = best(runs, shell_upgrade)
                print(f"sqlite3 shell, same DDL, 1 txn:".ljust(35)
                      + f"{s_time * 1000:7.1f} ms, peak {s_mem:5.1f} MiB")
                print(f"ratio retort / sqlite3 shell:      {r_time / s_time:7.2f}x time "
                      f"(goal 1.2x: {'met' if r_time <= 1.2 * s_time else 'NOT met'}), "
                      f"{r_mem / s_mem:5.2f}x peak RSS"
                      + (f" (goal 1.5x: {'met' if r_mem <= 1.5 * s_mem else 'NOT met'})"
                         if n == 1000 else ""))
            else:
                print("sqlite3 shell not found: no peer figure")
            if n == 1000:
                sql_time, _ = best(runs, lambda: run([RETORT, "upgrade", "head", "--sql"], d))
                print(f"retort upgrade head --sql, {n} revs: {sql_time * 1000:7.1f} ms")

        a = os.path.join(work, "alembic")
        os.makedirs(a)
        alembic = alembic_project(a, steps)
        if alembic:
            def alembic_upgrade():
                db = os.path.join(a, "alembic.db")
                if os.path.exists(db):
                    os.remove(db)
                return run(alembic + ["upgrade", "head"], a)

            a_time, a_mem = best(1, alembic_upgrade)
            c_time, _ = best(3, lambda: run(alembic + ["current"], a))
            a_sql, _ = best(3, lambda: run(alembic + ["upgrade", "head", "--sql"], a))
            print(f"alembic upgrade head, 1000 revs:   {a_time * 1000:7.0f} ms, peak {a_mem:5.1f} MiB")
            print(f"alembic upgrade head --sql:        {a_sql * 1000:7.0f} ms")
            print(f"alembic current:                   {c_time * 1000:7.0f} ms")
            print(f"ratio alembic / retort upgrade:    {a_time / r_time:7.2f}x")
            print(f"ratio alembic / retort --sql:      {a_sql / sql_time:7.2f}x "
                  f"(goal 30x: {'met' if a_sql >= 30 * sql_time else 'NOT met'})")
        else:
            print("alembic not installed for /usr/bin/python3: no Alembic figures")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
