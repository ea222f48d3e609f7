// Helpers shared by the tests: scratch folders, running the retort binary,
// reading a SQLite database back.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace retort::testing {

// A fresh empty folder, removed when the object goes away.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to `relative` (creating folders).
  void Write(const std::string& relative, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the retort binary with `args` in `cwd` (no shell involved), with
// `env` added to the environment.
CommandResult RunRetort(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                        const std::map<std::string, std::string>& env = {});

// Runs `program` (an absolute path) with `args` in `cwd`, standard input
// from `in`; no shell involved.
CommandResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                         const std::filesystem::path& cwd, const std::filesystem::path& in);

// A retort process started in the background; Wait() collects it.
class RetortProcess {
 public:
  RetortProcess(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                const std::string& tag);
  CommandResult Wait();
  // Sends `signal` (e.g. SIGKILL) to the process; Wait() still collects it.
  void Kill(int signal);
  // The application_name its PostgreSQL connections carry (PGAPPNAME),
  // unique to this process, so a test finds its backends among those of
  // tests running beside it.
  const std::string& application_name() const { return application_name_; }

 private:
  int pid_ = -1;
  std::string application_name_;
  std::filesystem::path out_, err_;
};

// What an offline script and a live run must agree on, as text: the schema
// read back (tables but `skip`, enums), the views and triggers, and every
// row of every table but `skip`, sorted. Throws Error.
// Without `rows`, the rows are left out (values drawn at random).
std::string DatabaseState(const std::string& url, const std::vector<std::string>& skip = {},
                          bool rows = true);

// Runs the SQL script `sql` with the database's own shell on `url`
// (sqlite3 -bail; psql with ON_ERROR_STOP, in the URL's ?schema=), as a
// user applies an offline script.
CommandResult RunSqlShell(const std::string& url, const std::string& sql,
                          const std::filesystem::path& scratch);

// Rows of `sql` on the SQLite file `db`, each cell as text ("NULL" for NULL).
std::vector<std::vector<std::string>> SqliteQuery(const std::filesystem::path& db,
                                                  const std::string& sql);

// Runs `sql` on the SQLite file `db` (foreign keys off, as SQLite starts).
void SqliteExecute(const std::filesystem::path& db, const std::string& sql);

// Names of the tables of `db` (sorted), without sqlite_ internals.
std::vector<std::string> SqliteTables(const std::filesystem::path& db);

std::string ReadFile(const std::filesystem::path& path);

// Files of `dir` (recursively) whose names end in `suffix`, sorted.
std::vector<std::filesystem::path> FilesEndingWith(const std::filesystem::path& dir,
                                                   const std::string& suffix);

std::filesystem::path SourceDir();

// One data-driven case file, run on one dialect.
struct CaseFile {
  std::filesystem::path path;
  std::string dialect;
};
void PrintTo(const CaseFile& param, std::ostream* os);

// Every `*.case` below `dir`, once per dialect it applies to (its
// `dialects:` list, else sqlite and postgresql).
std::vector<CaseFile> CaseFiles(const std::filesystem::path& dir);

// "<dialect>_<folder>_<case>", as a test name.
std::string CaseTestName(const CaseFile& param);

// True when RETORT_BLESS=1: data-driven tests rewrite their expectations
// with what they got (for review with git diff) instead of failing.
bool Blessing();

// Replaces the top-level block `key` of the case file at `path` with
// `value` as a literal block (`key: |`), or appends it.
void Bless(const std::filesystem::path& path, const std::string& key, const std::string& value);

// The dialects the database tests run on.
std::vector<std::string> TestDialects();

// The PostgreSQL server of the tests (RETORT_TEST_PG_URL), if any.
std::optional<std::string> PostgresUrl();

// Skips the current test when `dialect` has no server here; fails instead
// under CI (CI=true), which always provides one.
bool SkipWithoutServer(const std::string& dialect);

// A fresh, empty target of one dialect: a SQLite file in `dir`, or a new
// schema of the tests' PostgreSQL database (dropped again at the end).
class TestDatabase {
 public:
  // PostgreSQL: a fresh schema of RETORT_TEST_PG_URL's database, or with
  // `own_database` a database of its own (for what belongs to a database,
  // not a schema: extensions), its `public` schema the target. Dropped
  // when the object goes.
  TestDatabase(const std::string& dialect, const std::filesystem::path& dir, bool own_database = false);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& dialect() const { return dialect_; }
  const std::string& url() const { return url_; }
  // Rows of `sql`, each cell as text ("NULL" for NULL).
  std::vector<std::vector<std::string>> Query(const std::string& sql) const;
  // The target's tables, sorted ("" database: none).
  std::vector<std::string> Tables() const;
  // The version table's rows, sorted; none when it does not exist.
  std::vector<std::string> VersionRows(const std::string& table = "retort_version") const;

 private:
  std::string dialect_;
  std::string url_;
  std::string schema_;  // PostgreSQL
  std::string database_;  // PostgreSQL, own_database
  std::filesystem::path file_;  // SQLite
};

// `db` as SQLAlchemy names it (postgresql+psycopg2://... without
// ?schema=, sqlite:///...), and in `schema` the PostgreSQL schema its URL
// names ("" for SQLite).
std::string SqlalchemyUrl(const TestDatabase& db, std::string* schema);

// `python3 -m alembic ARGS...` (Debian's python3-alembic) in `dir`, an
// Alembic project whose alembic/env.py reads the target's schema from
// `-x schema=`, on `db` (alembic.ini is written for it first).
CommandResult RunAlembic(const std::filesystem::path& dir, const TestDatabase& db,
                         const std::vector<std::string>& args);

}  // namespace retort::testing
