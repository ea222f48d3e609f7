#include "dialect/postgresql/postgresql_connection.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <optional>

#include "dialect/sql_text.h"

namespace retort::dialect {
namespace {

void IgnoreNotice(void*, const char*) {}

std::string Trimmed(const char* message) {
  std::string out = message ? message : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// SQLSTATE 55P03: a lock wait ran into lock_timeout.
constexpr const char* kLockNotAvailable = "55P03";

}  // namespace

PostgresConnection::PostgresConnection(const DatabaseUrl& url, const ConnectOptions& options)
    : label_(url.Masked()), lock_timeout_ms_(options.lock_timeout_ms) {
  // The server would cut a longer name, so that URLs differing after the
  // limit reach one schema: refused like any other over-long name.
  if (url.schema.size() > PostgresDialect::kMaxIdentifierBytes) {
    throw Error(ErrorKind::kUsage,
                "the ?schema= name '" + url.schema + "' is " + std::to_string(url.schema.size()) +
                    " bytes long; PostgreSQL keeps names of at most " +
                    std::to_string(PostgresDialect::kMaxIdentifierBytes) +
                    " bytes and would cut it short",
                Location{.target = label_});
  }
  CheckLibpqReadsUrl(url);
  conn_ = pq_.connectdb(url.conninfo.c_str());
  if (!conn_) throw Error(ErrorKind::kDatabase, "cannot connect: out of memory", Location{.target = label_});
  if (pq_.status(conn_) != CONNECTION_OK) {
    std::string message = MaskPassword(Trimmed(pq_.errorMessage(conn_)));
    pq_.finish(conn_);
    conn_ = nullptr;
    if (url.password && url.password->size() >= 3) {
      for (size_t p = 0; (p = message.find(*url.password, p)) != std::string::npos; p += 3) {
        message.replace(p, url.password->size(), "***");
      }
    }
    throw Error(ErrorKind::kDatabase, "cannot connect: " + message, Location{.target = label_});
  }
  pq_.setNoticeProcessor(conn_, IgnoreNotice, nullptr);
  try {
    schema_ = url.schema;
    if (schema_.empty()) {
      std::vector<Row> rows = Query("SELECT current_schema()");
      if (rows.empty() || !rows[0][0]) {
        throw Error(ErrorKind::kDatabase,
                    "no current schema (the search_path names none that exists); give ?schema=",
                    Location{.target = label_});
      }
      schema_ = *rows[0][0];
    } else if (Query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", {schema_}).empty()) {
      if (!options.create_schema) {
        throw Error(ErrorKind::kDatabase,
                    "schema '" + schema_ +
                        "' does not exist (create it, or allow retort to: --create-schema, or "
                        "create_database_schema = true in the config)",
                    Location{.target = label_});
      }
      try {
        Execute("CREATE SCHEMA IF NOT EXISTS " + QuoteIdentifier(schema_));
      } catch (const Error&) {
        // Two sessions creating it at once: IF NOT EXISTS does not keep the
        // second from failing on the catalog's unique index. What counts
        // is that the schema is there now.
        if (Query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", {schema_}).empty()) {
          throw;
        }
      }
    }
    // The lock is keyed on the schema's name as the server stores it.
    std::vector<Row> stored =
        Query("SET search_path TO " + QuoteIdentifier(schema_) + "; SELECT current_schema()");
    if (stored.empty() || !stored[0][0]) {
      throw Error(ErrorKind::kDatabase, "schema '" + schema_ + "' is gone", Location{.target = label_});
    }
    schema_ = *stored[0][0];
    UseLockName(options.lock_name);
  } catch (...) {
    pq_.finish(conn_);
    conn_ = nullptr;
    throw;
  }
}

void ConcurrentIndexBuild::Run(Connection& connection) const {
  auto* postgres = dynamic_cast<PostgresConnection*>(&connection);
  if (!postgres) {
    throw Error(ErrorKind::kDatabase, "internal: a PostgreSQL index build on another kind of database",
                create.where);
  }
  postgres->BuildIndexConcurrently(*this);
}

void PostgresConnection::BuildIndexConcurrently(const ConcurrentIndexBuild& build) {
  RefuseNul(build.create.sql, build.create.params, label_);
  if (pq_.transactionStatus(conn_) == PQTRANS_IDLE && ResumeIndexBuild(build)) return;
  ExecuteOne(build.create);
}

bool PostgresConnection::ResumeIndexBuild(const ConcurrentIndexBuild& build) {
  const std::string& table = build.table;
  const schema::Index& index = build.index;
  const Statement& s = build.create;
  // The index of that name, its table, and whether it is the one the
  // statement builds: the same definition past its name and table
  // (method, entries, INCLUDE, WHERE) as the catalog prints it, compared
  // with the same index built on an empty copy of the table.
  const std::string kDefinition = "substring(pg_catalog.pg_get_indexdef(i.indexrelid) from ' USING .*')";
  std::vector<Row> found = Query(
      "SELECT i.indisvalid, t.relname, i.indisunique AND true, " + kDefinition + " "
      "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
      "JOIN pg_catalog.pg_class t ON t.oid = i.indrelid "
      "WHERE c.relname = $1 AND c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace "
      "WHERE nspname = $2)",
      {dialect_.StoredName(index.name), schema_});
  if (found.empty()) return false;
  const Row& r = found[0];
  if (r[1] != std::optional<std::string>(table) ||
      r[2] != std::optional<std::string>(index.unique ? "t" : "f")) {
    return false;  // not this one: the CREATE says it exists
  }
  std::optional<std::string> wanted;
  Execute("BEGIN");
  try {
    schema::Index probe = index;
    probe.name = "_retort_probe_ix";
    Execute("CREATE TEMPORARY TABLE _retort_probe (LIKE " + dialect_.Quote(schema_) + "." +
            dialect_.Quote(table) + ")");
    Execute(dialect_.CreateIndexSql("_retort_probe", probe));
    std::vector<Row> rows = Query("SELECT " + kDefinition + " FROM pg_catalog.pg_index i "
                                  "WHERE i.indexrelid = 'pg_temp._retort_probe_ix'::regclass");
    if (!rows.empty()) wanted = rows[0][0];
  } catch (const Error&) {
    // Not comparable: taken as another index.
  }
  Execute("ROLLBACK");
  bool same = wanted && r[3] == wanted;
  if (!same) return false;  // not this one: the CREATE says it exists
  if (r[0] == std::optional<std::string>("t")) return true;  // built: done before
  // Left invalid by a build that was stopped: dropped, then built anew.
  ExecuteOne(Statement{"DROP INDEX CONCURRENTLY " + dialect_.Quote(dialect_.StoredName(index.name)),
                       {}, s.where});
  return false;
}

void PostgresConnection::CheckLibpqReadsUrl(const DatabaseUrl& url) {
  // libpq's own complaints quote the text they stumble on, a password
  // perhaps: they are never shown.
  static constexpr const char* kEncode =
      "libpq reads another user name or password from this URL than it holds: percent-encode "
      "'@' (%40), ':' (%3A), '/' (%2F), '?' (%3F) and '#' (%23) in them";
  char* why = nullptr;
  PQconninfoOption* options = pq_.conninfoParse(url.conninfo.c_str(), &why);
  if (why) pq_.freemem(why);
  if (!options) {
    throw Error(ErrorKind::kUsage,
                "libpq cannot read this URL: a ?key= that is none of libpq's keywords (they are "
                "lower case), or a user name or password holding an unencoded '@', ':', '/', '?' "
                "or '#'",
                Location{.target = label_});
  }
  std::optional<std::string> user, password;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (!o->val) continue;
    if (std::strcmp(o->keyword, "user") == 0) user = o->val;
    if (std::strcmp(o->keyword, "password") == 0) password = o->val;
  }
  pq_.conninfoFree(options);
  // The URL's user information must be what libpq takes it for (a query's
  // user= or password= may override it).
  bool user_differs = url.user && user != url.user && url.conninfo.find("user=") == std::string::npos;
  bool password_differs = url.password && password != url.password &&
                          url.conninfo.find("password=") == std::string::npos;
  if (user_differs || password_differs) throw Error(ErrorKind::kUsage, kEncode, Location{.target = label_});
}

PostgresConnection::PostgresConnection(PGconn* handle, const std::string& label,
                                       const ConnectOptions& options)
    : conn_(handle), borrowed_(true), label_(label), lock_timeout_ms_(options.lock_timeout_ms) {
  if (!handle || pq_.status(conn_) != CONNECTION_OK) {
    throw Error(ErrorKind::kUsage, "the application's PostgreSQL connection is not connected",
                Location{.target = label_});
  }
  if (pq_.transactionStatus(conn_) != PQTRANS_IDLE) {
    throw Error(ErrorKind::kUsage,
                "the application's PostgreSQL connection is inside a transaction: retort runs "
                "its own, so commit or roll back first",
                Location{.target = label_});
  }
  std::vector<Row> rows = Query("SELECT current_schema()");
  if (rows.empty() || !rows[0][0]) {
    throw Error(ErrorKind::kDatabase,
                "no current schema (the connection's search_path names none that exists)",
                Location{.target = label_});
  }
  schema_ = *rows[0][0];
  UseLockName(options.lock_name);
}

void PostgresConnection::UseLockName(const std::string& name) {
  lock_key_ = "retort:" + schema_ + "." + name;
}

PostgresConnection::~PostgresConnection() {
  if (conn_ && !borrowed_) pq_.finish(conn_);
}

std::vector<Row> PostgresConnection::Run(const std::string& sql, const std::vector<Value>& params) {
  RefuseNul(sql, params, label_);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Value& v : params) values.push_back(v ? v->c_str() : nullptr);
  PGresult* result =
      params.empty()
          ? pq_.exec(conn_, sql.c_str())
          : pq_.execParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                         values.data(), nullptr, nullptr, 0);
  ExecStatusType status = pq_.resultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw ResultError(result, sql);
  changes_ = std::strtoll(pq_.cmdTuples(result), nullptr, 10);
  std::vector<Row> rows;
  int n = pq_.ntuples(result), cols = pq_.nfields(result);
  rows.reserve(n);
  for (int r = 0; r < n; ++r) {
    Row row;
    row.reserve(cols);
    for (int c = 0; c < cols; ++c) {
      if (pq_.getisnull(result, r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(pq_.getvalue(result, r, c), pq_.getlength(result, r, c)));
      }
    }
    rows.push_back(std::move(row));
  }
  pq_.clear(result);
  return rows;
}

Error PostgresConnection::ResultError(PGresult* result, const std::string& sql) const {
  const char* state = result ? pq_.resultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  // Only the wait for the run lock is another run's doing; any other lock
  // wait that times out is reported as the server says, with its statement.
  bool locked = acquiring_run_lock_ && state && std::strcmp(state, kLockNotAvailable) == 0;
  std::string message = Trimmed(result ? pq_.resultErrorMessage(result) : pq_.errorMessage(conn_));
  if (result) pq_.clear(result);
  if (locked) FailLocked(sql);
  if (message.starts_with("ERROR:  ")) message = message.substr(8);
  return Error(ErrorKind::kDatabase, message, Location{.target = label_, .statement = sql});
}

void PostgresConnection::ExecuteAll(const std::vector<Statement>& statements) {
  RefuseNulInAll(statements);
  if (pq_.transactionStatus(conn_) == PQTRANS_IDLE) {
    // Outside a transaction each statement must commit on its own (a
    // pipeline would share one implicit transaction, which CREATE INDEX
    // CONCURRENTLY refuses).
    for (const Statement& s : statements) ExecuteOne(s);
    return;
  }
  size_t i = 0;
  while (i < statements.size()) {
    size_t j = i;
    while (j < statements.size() && statements[j].single) ++j;
    if (j - i > 1) {
      Pipeline(statements, i, j);
      i = j;
      continue;
    }
    // A lone command, or raw SQL that may hold several commands.
    ExecuteOne(statements[i]);
    ++i;
  }
}

void PostgresConnection::Pipeline(const std::vector<Statement>& statements, size_t begin,
                                  size_t end) {
  if (!pq_.enterPipelineMode(conn_)) throw ResultError(nullptr, statements[begin].sql);
  std::optional<Error> failure;
  size_t sent = begin;
  for (; sent < end; ++sent) {
    const Statement& s = statements[sent];
    std::vector<const char*> values;
    for (const Value& v : s.params) values.push_back(v ? v->c_str() : nullptr);
    if (!pq_.sendQueryParams(conn_, s.sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0)) {
      failure = ResultError(nullptr, s.sql).WithContext(s.where);
      break;
    }
  }
  pq_.pipelineSync(conn_);
  // One result (then a null) per statement sent, then the sync's.
  for (size_t k = begin; k < sent; ++k) {
    PGresult* result = pq_.getResult(conn_);
    ExecStatusType status = pq_.resultStatus(result);
    if (status == PGRES_FATAL_ERROR && !failure) {
      failure = ResultError(result, statements[k].sql).WithContext(statements[k].where);
    } else if (result && !failure && statements[k].expect_changes &&
               std::strtoll(pq_.cmdTuples(result), nullptr, 10) != *statements[k].expect_changes) {
      failure = UnexpectedChanges(statements[k], std::strtoll(pq_.cmdTuples(result), nullptr, 10))
                    .WithContext(Location{.target = label_});
      pq_.clear(result);
    } else if (result) {
      pq_.clear(result);
    }
    while (PGresult* extra = pq_.getResult(conn_)) pq_.clear(extra);
  }
  while (PGresult* result = pq_.getResult(conn_)) {
    bool sync = pq_.resultStatus(result) == PGRES_PIPELINE_SYNC;
    pq_.clear(result);
    if (sync) break;
  }
  pq_.exitPipelineMode(conn_);
  if (failure) throw *failure;
}

void PostgresConnection::FailLocked(const std::string& sql) const {
  throw Error(ErrorKind::kDatabase,
              "database is locked: another run holds the lock of this schema's version table; "
              "gave up after the lock timeout (" + fmt::format("{:g}", lock_timeout_ms_ / 1000.0) +
                  " s; see lock_timeout)",
              Location{.target = label_});
}

void PostgresConnection::Execute(const std::string& sql, const std::vector<Value>& params) {
  Run(sql, params);
}

std::vector<Row> PostgresConnection::Query(const std::string& sql,
                                           const std::vector<Value>& params) {
  return Run(sql, params);
}

void PostgresConnection::BeginWrite(bool) {
  Execute("BEGIN");
  Execute("SET LOCAL lock_timeout = " + LockTimeoutSetting());
  // One run at a time per schema and version table; runs on other schemas
  // go on in parallel.
  AcquireRunLock("pg_advisory_xact_lock");
}

std::string PostgresConnection::LockTimeoutSetting() const {
  // PostgreSQL's 0 is no limit; retort's is "fail at once".
  return std::to_string(std::max(lock_timeout_ms_, 1));
}

void PostgresConnection::AcquireRunLock(const std::string& function) {
  if (lock_timeout_ms_ == 0) {
    // No wait at all: try the lock, fail when another run holds it.
    std::string attempt = "SELECT " + std::string(function).replace(0, 3, "pg_try_") + "(hashtext($1))";
    std::vector<Row> got = Query(attempt, {lock_key_});
    if (got.empty() || got[0][0] != std::optional<std::string>("t")) FailLocked(attempt);
    return;
  }
  acquiring_run_lock_ = true;
  try {
    Execute("SELECT " + function + "(hashtext($1))", {lock_key_});
  } catch (...) {
    acquiring_run_lock_ = false;
    throw;
  }
  acquiring_run_lock_ = false;
}

void PostgresConnection::Commit() {
  try {
    Execute("COMMIT");
  } catch (const Error& e) {
    if (pq_.status(conn_) == CONNECTION_OK) throw;
    // The server got the COMMIT, or not: only it knows.
    throw Error(ErrorKind::kDatabase,
                "the connection was lost during COMMIT (" + e.message() +
                    "): the server may or may not have committed this transaction; `retort "
                    "current` tells where the database is, and a rerun goes on from there",
                Location{.target = label_, .statement = "COMMIT"});
  }
}

void PostgresConnection::Rollback() {
  if (pq_.transactionStatus(conn_) != PQTRANS_IDLE) Execute("ROLLBACK");
}

bool PostgresConnection::TableExists(const std::string& table) {
  return !Query("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = $2",
                {schema_, table})
              .empty();
}

void PostgresConnection::LockSession() {
  Execute("SET lock_timeout = " + LockTimeoutSetting());
  try {
    AcquireRunLock("pg_advisory_lock");
  } catch (...) {
    Execute("RESET lock_timeout");
    throw;
  }
  // The script's own statements (CREATE INDEX CONCURRENTLY waits for
  // readers) wait as long as they need.
  Execute("RESET lock_timeout");
}

void PostgresConnection::UnlockSession() {
  Execute("SELECT pg_advisory_unlock(hashtext($1))", {lock_key_});
}

}  // namespace retort::dialect
