// A dialect turns operations into SQL for one kind of database; a
// connection runs SQL on one database. Rendering is pure: no connection.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ops/operation.h"
#include "schema/schema.h"

namespace retort::dialect {

using Value = std::optional<std::string>;  // nullopt is NULL
using Row = std::vector<Value>;

class Dialect {
 public:
  virtual ~Dialect() = default;

  // "sqlite" or "postgresql": the key of per-dialect spellings in files.
  virtual std::string_view name() const = 0;

  // The identifier as it must appear in SQL (quoted when it has to be).
  virtual std::string Quote(std::string_view identifier) const = 0;

  // The statements that perform `op` on a database whose schema is
  // `before`, in order. Throws Error(kInput) for an operation this dialect
  // cannot perform, saying why.
  virtual std::vector<std::string> Render(const ops::Operation& op,
                                          const schema::Schema& before) const = 0;

  // The SQL type for a portable type (enums: the storage type).
  virtual std::string ColumnType(const schema::Type& type,
                                 const schema::Schema& schema) const = 0;

  // Statements creating the version table (Alembic's layout) and the history
  // table when they are missing.
  virtual std::vector<std::string> CreateVersionTable(const std::string& table) const = 0;
  virtual std::vector<std::string> CreateHistoryTable(const std::string& table) const = 0;

  // The placeholder for the 1-based parameter `n` ("?" or "$n").
  virtual std::string Placeholder(int n) const = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual const Dialect& dialect() const = 0;

  // Runs one statement with text parameters. Throws Error(kDatabase) with
  // the statement and the database's message.
  virtual void Execute(const std::string& sql, const std::vector<Value>& params = {}) = 0;
  virtual std::vector<Row> Query(const std::string& sql,
                                 const std::vector<Value>& params = {}) = 0;

  // Starts a transaction that holds the database's write lock from its first
  // statement (SQLite: BEGIN IMMEDIATE), waiting up to the busy timeout.
  virtual void BeginWrite() = 0;
  virtual void Commit() = 0;
  virtual void Rollback() = 0;

  virtual bool TableExists(const std::string& table) = 0;
};

// Rolls back in its destructor unless committed, so an exception can never
// leave a transaction open.
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) {
    connection_.BeginWrite();
  }
  ~Transaction() {
    if (!done_) {
      try {
        connection_.Rollback();
      } catch (...) {
      }
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void Commit() {
    connection_.Commit();
    done_ = true;
  }

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace retort::dialect
