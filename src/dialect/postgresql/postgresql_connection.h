// A connection to one PostgreSQL database over libpq, working in one schema
// (the URL's ?schema=, else the server's current schema).
#pragma once

#include <string>

#include "dialect/dialect.h"
#include "dialect/registry.h"
#include "dialect/dialect.h"
#include "dialect/postgresql/libpq.h"
#include "dialect/postgresql/postgresql_dialect.h"

namespace retort::dialect {

class PostgresConnection final : public Connection {
 public:
  // Connects, then makes the schema the search path; creates it when
  // missing if options.create_schema. options.lock_name (the version table)
  // and the schema key the run lock. Throws Error(kDatabase) for an unreachable server,
  // refused credentials, or a missing schema.
  PostgresConnection(const DatabaseUrl& url, const ConnectOptions& options);
  // Runs on `handle`, the application's, in its current schema, without
  // ever closing it or changing its search path. Throws Error(kUsage) when
  // it is not connected, or inside a transaction.
  PostgresConnection(PGconn* handle, const std::string& label, const ConnectOptions& options);
  ~PostgresConnection() override;

  const Dialect& dialect() const override { return dialect_; }
  void Execute(const std::string& sql, const std::vector<Value>& params = {}) override;
  std::vector<Row> Query(const std::string& sql,
                         const std::vector<Value>& params = {}) override;
  // Sends runs of single commands as one pipeline: one round trip for them
  // all, and still the failing statement's own error.
  void ExecuteAll(const std::vector<Statement>& statements) override;
  // PostgreSQL alters tables in place: foreign keys are never suspended.
  void BeginWrite(bool suspend_foreign_keys = false) override;
  int64_t Changes() const override { return changes_; }
  void Commit() override;
  void Rollback() override;
  bool TableExists(const std::string& table) override;
  schema::Schema Inspect(const std::vector<std::string>& skip_tables) override;  // postgresql_inspect.cpp
  std::vector<Unmodeled> ListUnmodeled(const std::vector<std::string>& skip_tables) override;  // postgresql_inspect.cpp
  void CanonicalizeExpressions(schema::Schema& expected) override;  // postgresql_inspect.cpp
  // Runs `build`: outside a transaction, the very index left valid by a
  // killed run is taken as built, and one left invalid is dropped first.
  void BuildIndexConcurrently(const ConcurrentIndexBuild& build);
  void LockSession() override;
  void UseLockName(const std::string& name) override;
  void UnlockSession() override;

  const std::string& schema() const { return schema_; }

 protected:
  const std::string& label() const override { return label_; }

 private:
  // Before a CREATE INDEX CONCURRENTLY outside a transaction: the very index
  // it builds (name, table, columns, uniqueness), left by a run killed
  // while it built it, is taken as built when valid (true: the statement is
  // skipped), and dropped first when PostgreSQL marks it invalid. Another
  // index of that name is left for the CREATE to fail on.
  bool ResumeIndexBuild(const ConcurrentIndexBuild& build);
  // Throws Error(kUsage), without libpq's words, when libpq cannot parse
  // the URL or reads another user name or password from it than the URL
  // means (an unencoded '@' or ':' in a password).
  void CheckLibpqReadsUrl(const DatabaseUrl& url);
  std::vector<Row> Run(const std::string& sql, const std::vector<Value>& params);
  // The Error for a failed result (consumed), naming `sql`.
  Error ResultError(PGresult* result, const std::string& sql) const;
  void Pipeline(const std::vector<Statement>& statements, size_t begin, size_t end);
  [[noreturn]] void FailLocked(const std::string& sql) const;
  // Waits for the run lock with `function` (the transaction's or the
  // session's advisory lock); a timeout says another run holds it.
  void AcquireRunLock(const std::string& function);
  // lock_timeout's value: the timeout in ms, 1 for 0 (PostgreSQL's 0 waits
  // forever).
  std::string LockTimeoutSetting() const;

  LibPq pq_;  // first: outlives conn_
  PGconn* conn_ = nullptr;
  bool borrowed_ = false;
  std::string label_;
  std::string schema_;
  std::string lock_key_;
  bool acquiring_run_lock_ = false;  // while waiting for the run lock
  int lock_timeout_ms_ = 0;
  int64_t changes_ = 0;  // of the last command Run
  PostgresDialect dialect_;
};

}  // namespace retort::dialect
