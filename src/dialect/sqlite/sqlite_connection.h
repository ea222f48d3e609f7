// A connection to one SQLite database file, with foreign keys enforced.
#pragma once

#include <sqlite3.h>

#include <map>
#include <string>

#include "dialect/dialect.h"
#include "dialect/sqlite/sqlite_dialect.h"

namespace retort::dialect {

class SqliteTableRebuild;
struct RowCheck;

class SqliteConnection final : public Connection {
 public:
  // Opens `path` (":memory:" for an in-memory database). With create=false a
  // missing file is an error instead of a new empty database. `label` names
  // the target in errors. Throws Error(kDatabase).
  SqliteConnection(const std::string& path, bool create, int busy_timeout_ms,
                   const std::string& label);
  // Runs on `handle`, the application's, without ever closing it: foreign
  // keys are enforced while this lives and set back as they were after;
  // the busy timeout stays the application's.
  SqliteConnection(sqlite3* handle, const std::string& label);
  ~SqliteConnection() override;

  const Dialect& dialect() const override { return dialect_; }
  void Execute(const std::string& sql, const std::vector<Value>& params = {}) override;
  std::vector<Row> Query(const std::string& sql,
                         const std::vector<Value>& params = {}) override;
  // With suspend_foreign_keys: PRAGMA foreign_keys = OFF first (it cannot
  // change inside a transaction), and PRAGMA foreign_key_check before COMMIT.
  void BeginWrite(bool suspend_foreign_keys = false) override;
  // Runs a table rebuild (sqlite_rebuild.h), in a transaction of its own
  // when none is open.
  void Rebuild(const SqliteTableRebuild& rebuild);
  int64_t Changes() const override { return sqlite3_changes64(db_); }
  void Commit() override;
  void Rollback() override;
  bool TableExists(const std::string& table) override;
  schema::Schema Inspect(const std::vector<std::string>& skip_tables) override;  // sqlite_inspect.cpp
  std::vector<Unmodeled> ListUnmodeled(const std::vector<std::string>& skip_tables) override;  // sqlite_inspect.cpp
  std::unique_ptr<Connection> Scratch() const override {
    return std::make_unique<SqliteConnection>(":memory:", true, 1000, "scratch");
  }

 protected:
  const std::string& label() const override { return label_; }

 private:
  [[noreturn]] void Fail(const std::string& sql) const;
  void RunRebuild(const SqliteTableRebuild& rebuild);
  // Throws the check's message when its count is above zero.
  void Check(const RowCheck& check);
  // Runs a rebuild's copy in slices of rows, reporting progress.
  void CopyInSlices(const Statement& copy, const std::string& table);
  void RestoreForeignKeys();
  // What `after` counts beyond `before`, as " in 't', N of its rows refer
  // to no row of 'p'" items; empty when nothing is new.
  static std::string NewViolations(
      const std::map<std::pair<std::string, std::string>, int64_t>& before,
      const std::map<std::pair<std::string, std::string>, int64_t>& after);
  // Rows breaking a foreign key, by (table, referred table).
  std::map<std::pair<std::string, std::string>, int64_t> ForeignKeyViolations();
  std::vector<Row> Run(const std::string& sql, const std::vector<Value>& params, bool collect);

  sqlite3* db_ = nullptr;
  bool borrowed_ = false;
  bool foreign_keys_before_ = false;  // borrowed: the application's setting
  std::string label_;
  int busy_timeout_ms_ = 0;
  bool foreign_keys_suspended_ = false;
  std::map<std::pair<std::string, std::string>, int64_t> violations_before_;
  SqliteDialect dialect_;
};

}  // namespace retort::dialect
