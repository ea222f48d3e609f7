#include "test_util.h"

#include <csignal>
#include <stdexcept>

#include <gtest/gtest.h>

#include "dialect/dialect.h"
#include "dialect/registry.h"
#include "dialect/sql_text.h"
#include "format/file.h"
#include "schema_printer.h"

#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <cstdlib>
#include <memory>

extern char** environ;

namespace retort::testing {

namespace fs = std::filesystem;

ScratchDir::ScratchDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("retort_test_" + std::to_string(getpid()) + "_" +
                                       std::to_string(rd()));
  fs::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void ScratchDir::Write(const std::string& relative, const std::string& text) const {
  fs::path p = path_ / relative;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {

// Starts the binary with stdout and stderr going to files; returns its pid.
pid_t Spawn(const std::vector<std::string>& args, const fs::path& cwd, const fs::path& out,
            const fs::path& err, const std::map<std::string, std::string>& env,
            const std::string& program = RETORT_BINARY, const fs::path& in = "/dev/null") {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());

  std::vector<std::string> argv_s = {program};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    std::string key = entry.substr(0, entry.find('='));
    if (key == "RETORT_DATABASE_URL" || key == "DATABASE_URL" || env.count(key)) continue;
    env_s.push_back(entry);
  }
  for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (std::string& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid;
  int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + program);
  return pid;
}

CommandResult Collect(pid_t pid, const fs::path& out, const fs::path& err) {
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFile(out);
  result.err = ReadFile(err);
  fs::remove(out);
  fs::remove(err);
  return result;
}

}  // namespace

CommandResult RunRetort(const std::vector<std::string>& args, const fs::path& cwd,
                        const std::map<std::string, std::string>& env) {
  fs::path out = cwd / ".retort_stdout", err = cwd / ".retort_stderr";
  return Collect(Spawn(args, cwd, out, err, env), out, err);
}

CommandResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                         const fs::path& cwd, const fs::path& in) {
  fs::path out = cwd / ".program_stdout", err = cwd / ".program_stderr";
  return Collect(Spawn(args, cwd, out, err, {}, program, in), out, err);
}

RetortProcess::RetortProcess(const std::vector<std::string>& args, const fs::path& cwd,
                             const std::string& tag)
    : out_(cwd / (".retort_stdout_" + tag)), err_(cwd / (".retort_stderr_" + tag)) {
  static int started = 0;
  application_name_ =
      "retort-test-" + std::to_string(getpid()) + "-" + std::to_string(++started) + "-" + tag;
  pid_ = Spawn(args, cwd, out_, err_, {{"PGAPPNAME", application_name_}});
}

CommandResult RetortProcess::Wait() { return Collect(pid_, out_, err_); }

void RetortProcess::Kill(int signal) { kill(pid_, signal); }

std::vector<std::vector<std::string>> SqliteQuery(const fs::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(handle);
    throw std::runtime_error("cannot open " + db.string());
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(handle);
    sqlite3_close(handle);
    throw std::runtime_error(message + " in: " + sql);
  }
  std::vector<std::vector<std::string>> rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const unsigned char* text = sqlite3_column_text(stmt, i);
      row.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return rows;
}

void SqliteExecute(const fs::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  if (sqlite3_open(db.c_str(), &handle) != SQLITE_OK ||
      sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(handle);
    sqlite3_close(handle);
    throw std::runtime_error(message + " in: " + sql);
  }
  sqlite3_close(handle);
}

std::vector<std::string> SqliteTables(const fs::path& db) {
  std::vector<std::string> out;
  for (const auto& row : SqliteQuery(
           db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
               "ORDER BY name")) {
    out.push_back(row[0]);
  }
  return out;
}

std::vector<fs::path> FilesEndingWith(const fs::path& dir, const std::string& suffix) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

fs::path SourceDir() { return RETORT_SOURCE_DIR; }

// Replaces the top-level block `key` of the case file's text with `value`.
void Bless(const std::filesystem::path& path, const std::string& key, const std::string& value) {
  std::string text = ReadFile(path);
  std::string block = value.empty() ? key + ": \"\"\n" : key + ": |\n";
  for (size_t at = 0; at < value.size();) {
    size_t end = value.find('\n', at);
    block += "  " + value.substr(at, end - at) + "\n";
    at = end == std::string::npos ? value.size() : end + 1;
  }
  size_t start = text.rfind("\n" + key + ":", std::string::npos);
  if (text.starts_with(key + ":")) start = 0;
  if (start == std::string::npos) {
    text += block;
  } else {
    if (start != 0) ++start;
    size_t end = text.find('\n', start);
    while (end != std::string::npos && end + 1 < text.size() &&
           (text[end + 1] == ' ' || text[end + 1] == '\n')) {
      end = text.find('\n', end + 1);
    }
    text.replace(start, end == std::string::npos ? std::string::npos : end + 1 - start, block);
  }
  std::ofstream(path, std::ios::binary) << text;
}

bool Blessing() {
  const char* bless = std::getenv("RETORT_BLESS");
  return bless && std::string(bless) == "1";
}

std::vector<std::string> TestDialects() {
  std::vector<std::string> out;
  for (const dialect::DialectInfo* d : dialect::Dialects()) out.emplace_back(d->name);
  return out;
}

std::optional<std::string> PostgresUrl() {
  const char* url = std::getenv("RETORT_TEST_PG_URL");
  if (!url || !*url) return std::nullopt;
  return std::string(url);
}

bool SkipWithoutServer(const std::string& dialect) {
  if (dialect != "postgresql" || PostgresUrl()) return false;
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") {
    ADD_FAILURE() << "RETORT_TEST_PG_URL is not set: CI must run the PostgreSQL tests";
  }
  return true;
}

namespace {

std::unique_ptr<dialect::Connection> Open(const std::string& url, bool create_schema) {
  return dialect::Connect(dialect::ParseUrl(url), {.create = false, .create_schema = create_schema});
}

std::vector<std::vector<std::string>> AsText(const std::vector<dialect::Row>& rows) {
  std::vector<std::vector<std::string>> out;
  for (const dialect::Row& row : rows) {
    std::vector<std::string> cells;
    for (const dialect::Value& v : row) cells.push_back(v.value_or("NULL"));
    out.push_back(std::move(cells));
  }
  return out;
}

}  // namespace

TestDatabase::TestDatabase(const std::string& dialect, const fs::path& dir, bool own_database)
    : dialect_(dialect) {
  if (dialect == "sqlite") {
    file_ = dir / "test.db";
    url_ = "sqlite:///" + file_.string();
    return;
  }
  std::random_device rd;
  const std::string name = "t_" + std::to_string(getpid()) + "_" + std::to_string(rd() % 1000000000);
  if (!own_database) {
    schema_ = name;
    url_ = dialect::WithQueryParameter(PostgresUrl().value(), "schema", schema_);
    return;
  }
  // The server's URL with its database (the path after the authority)
  // replaced.
  const std::string base = PostgresUrl().value();
  const size_t authority = base.find("://");
  const size_t slash = base.find('/', authority == std::string::npos ? 0 : authority + 3);
  const size_t query = base.find('?', slash == std::string::npos ? 0 : slash);
  if (slash == std::string::npos) throw std::runtime_error("RETORT_TEST_PG_URL names no database: " + base);
  Open(base, false)->Execute("CREATE DATABASE \"" + name + "\"");
  database_ = name;
  schema_ = "public";
  url_ = base.substr(0, slash + 1) + name + (query == std::string::npos ? "" : base.substr(query));
}

TestDatabase::~TestDatabase() {
  if (dialect_ != "postgresql") return;
  try {
    if (!database_.empty()) {
      Open(PostgresUrl().value(), false)->Execute("DROP DATABASE IF EXISTS \"" + database_ + "\" WITH (FORCE)");
    } else {
      Open(PostgresUrl().value(), false)->Execute("DROP SCHEMA IF EXISTS \"" + schema_ + "\" CASCADE");
    }
  } catch (...) {
  }
}

std::vector<std::vector<std::string>> TestDatabase::Query(const std::string& sql) const {
  return AsText(Open(url_, false)->Query(sql));
}

std::vector<std::string> TestDatabase::Tables() const {
  std::vector<std::string> out;
  std::vector<std::vector<std::string>> rows;
  if (dialect_ == "sqlite") {
    if (!fs::exists(file_)) return out;
    rows = SqliteQuery(file_, "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                              "name NOT LIKE 'sqlite_%' ORDER BY name");
  } else {
    rows = AsText(Open(database_.empty() ? PostgresUrl().value() : url_, false)
                      ->Query("SELECT tablename::text FROM pg_catalog.pg_tables WHERE schemaname = $1 "
                              "ORDER BY tablename COLLATE \"C\"", {schema_}));
  }
  for (const auto& row : rows) out.push_back(row[0]);
  return out;
}

std::vector<std::string> TestDatabase::VersionRows(const std::string& table) const {
  std::vector<std::string> tables = Tables();
  std::vector<std::string> out;
  if (std::find(tables.begin(), tables.end(), table) == tables.end()) return out;
  for (const auto& row : Query("SELECT version_num FROM " + table)) out.push_back(row[0]);
  std::sort(out.begin(), out.end());
  return out;
}

void PrintTo(const CaseFile& param, std::ostream* os) {
  *os << param.dialect << " " << param.path.string();
}

std::vector<CaseFile> CaseFiles(const fs::path& dir) {
  std::vector<CaseFile> out;
  for (const fs::path& path : FilesEndingWith(dir, ".case")) {
    std::vector<std::string> dialects = {"sqlite", "postgresql"};
    try {
      format::Document doc = format::File(path.string()).Load();
      if (format::Node only = doc.root()["dialects"]; only.IsSequence()) {
        dialects.clear();
        for (const format::Node d : only) dialects.push_back(d.Scalar());
      }
    } catch (const std::exception&) {
      // Malformed: every dialect's test reports it.
    }
    for (const std::string& d : dialects) out.push_back({path, d});
  }
  return out;
}

std::string CaseTestName(const CaseFile& param) {
  std::string name = param.dialect + "_" + param.path.parent_path().filename().string() + "_" +
                     param.path.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

std::string DatabaseState(const std::string& url, const std::vector<std::string>& skip, bool rows_too) {
  std::unique_ptr<dialect::Connection> conn = Open(url, false);
  schema::Schema live = conn->Inspect(skip);
  std::ostringstream out;
  schema::PrintTo(schema::Canonical(live, true), &out);
  out << "\n";
  bool sqlite = conn->dialect().name() == "sqlite";
  std::string objects =
      sqlite ? "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('view', 'trigger') "
               "ORDER BY type, name"
             : "SELECT 'view', viewname, '', definition FROM pg_views WHERE schemaname = "
               "current_schema() UNION ALL SELECT 'trigger', t.tgname, c.relname, "
               "replace(pg_get_triggerdef(t.oid), current_schema() || '.', '') FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
               "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace "
               "ORDER BY 1, 2";
  for (const std::vector<std::string>& row : AsText(conn->Query(objects))) {
    for (const std::string& cell : row) out << cell << " | ";
    out << "\n";
  }
  for (const schema::Table& t : schema::Canonical(live, true).tables) {
    if (!rows_too) break;
    std::vector<std::vector<std::string>> rows =
        AsText(conn->Query("SELECT * FROM " + conn->dialect().Quote(t.name)));
    std::sort(rows.begin(), rows.end());
    out << "rows of " << t.name << ":\n";
    for (const std::vector<std::string>& row : rows) {
      for (const std::string& cell : row) out << "  " << cell;
      out << "\n";
    }
  }
  return out.str();
}

CommandResult RunSqlShell(const std::string& url, const std::string& sql,
                          const std::filesystem::path& scratch) {
  dialect::DatabaseUrl parsed = dialect::ParseUrl(url);
  std::filesystem::path script = scratch / "offline.sql";
  std::string text = sql;
  if (parsed.scheme != "sqlite" && !parsed.schema.empty()) {
    text = "SET search_path TO " + dialect::QuoteIdentifier(parsed.schema) + ";\n" + text;
  }
  std::ofstream(script) << text;
  if (parsed.scheme == "sqlite") {
    return RunProgram("/usr/bin/sqlite3", {"-bail", parsed.path}, scratch, script);
  }
  return RunProgram("/usr/bin/psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", parsed.conninfo}, scratch,
                    script);
}

std::string SqlalchemyUrl(const TestDatabase& db, std::string* schema) {
  std::string url = db.url();
  schema->clear();
  if (db.dialect() != "postgresql") return url;
  const size_t q = url.find("?schema=");
  *schema = url.substr(q + 8);
  return "postgresql+psycopg2" + url.substr(url.find(':'), q - url.find(':'));
}

CommandResult RunAlembic(const fs::path& dir, const TestDatabase& db, const std::vector<std::string>& args) {
  std::string schema;
  const std::string url = SqlalchemyUrl(db, &schema);
  std::ofstream(dir / "alembic.ini", std::ios::binary)
      << "[alembic]\nscript_location = alembic\nsqlalchemy.url = " << url << "\n";
  std::vector<std::string> all = {"-m", "alembic", "-c", (dir / "alembic.ini").string()};
  if (!schema.empty()) all.insert(all.end(), {"-x", "schema=" + schema});
  all.insert(all.end(), args.begin(), args.end());
  return RunProgram("/usr/bin/python3", all, dir, "/dev/null");
}

}  // namespace retort::testing
