// A dialect turns operations into SQL for one kind of database; a
// connection runs SQL on one database. Rendering is pure: no connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialect/plan.h"
#include "dialect/registry.h"
#include "ops/operation.h"
#include "schema/schema.h"

namespace retort::dialect {

// The error of a statement that changed `changed` rows where it had to
// change `statement.expect_changes`.
Error UnexpectedChanges(const Statement& statement, int64_t changed);

// Progress of long work: `done` of `total` rows of `table` copied.
using ProgressCallback =
    std::function<void(const std::string& table, int64_t done, int64_t total)>;

class Dialect {
 public:
  virtual ~Dialect() = default;

  // Its registry entry (registry.h): name, URL schemes, capabilities.
  virtual const DialectInfo& info() const = 0;
  // The key of per-dialect spellings in files ("sqlite", "postgresql").
  std::string_view name() const { return info().name; }
  const Capabilities& caps() const { return info().caps; }

  // The identifier as it must appear in SQL (quoted when it has to be).
  virtual std::string Quote(std::string_view identifier) const = 0;

  // The longest identifier this dialect keeps whole, in bytes; 0: no limit.
  size_t MaxIdentifierBytes() const { return caps().max_identifier_bytes; }

  // The name a constraint or index named `name` in the model has here: a
  // naming convention's name too long for the dialect shortened as
  // SQLAlchemy shortens it (schema::ShortenConventionName). Explicit names
  // that long never get here: loading refuses them.
  std::string StoredName(const std::string& name) const;
  // "CONSTRAINT <name> " for a named constraint, "" for an implied one.
  std::string ConstraintClause(const std::string& name, bool implied) const;

  // Throws Error(kUsage) when the version and history tables' names cannot
  // serve: equal, empty, or too long for this dialect (the version table's
  // primary key is named <table>_pkc, as Alembic names it).
  void CheckVersionTables(const std::string& version_table, const std::string& history_table) const;

  // The statements that perform `op` on a database whose schema is
  // `before`, in order. Throws Error(kInput) for an operation this dialect
  // cannot perform, saying why.
  virtual std::vector<std::string> Render(const ops::Operation& op,
                                          const schema::Schema& before) const = 0;

  // Renders `operations` in order and applies each to `schema`, so that each
  // sees what the database will hold. Throws Error at the operation's
  // location: what ops::Apply throws when an operation does not fit the
  // schema (checked first, as the clearer message), else what rendering
  // throws. A dialect may render several operations together (SQLite folds
  // consecutive changes of one table into one rebuild).
  virtual std::vector<Step> RenderOps(const std::vector<ops::OpAt>& operations,
                                      schema::Schema& schema) const;
  // The step of one statement that `op` rendered to: the statement itself,
  // unless the dialect runs it in a way of its own (a composite step).
  virtual Step StepOf(const ops::OpAt& op, Statement statement) const { return statement; }

  // What an offline script says before its first BEGIN so that foreign
  // keys act as in a live run: suspended (a step rebuilds a table) or
  // enforced (SQLite switches them only outside a transaction, and its
  // shell starts with them off); "" when nothing needs saying.
  virtual std::string ForeignKeysSql(bool suspended) const { return ""; }

  // The SQL type for a portable type (enums: the storage type).
  virtual std::string ColumnType(const schema::Type& type,
                                 const schema::Schema& schema) const = 0;

  // Statements creating the version table (Alembic's layout) and the history
  // table when they are missing.
  virtual std::vector<std::string> CreateVersionTable(const std::string& table) const = 0;
  virtual std::vector<std::string> CreateHistoryTable(const std::string& table) const = 0;

  // The placeholder for the 1-based parameter `n` ("?" or "$n").
  virtual std::string Placeholder(int n) const = 0;

  // A column's definition inside CREATE TABLE or ADD COLUMN.
  virtual std::string ColumnDefinition(const schema::Table& table, const schema::Column& column,
                                       const schema::Schema& schema) const = 0;
  // True when ColumnDefinition writes the table's primary key in its
  // column (SQLite's AUTOINCREMENT) and CREATE TABLE leaves it out.
  virtual bool PrimaryKeyInColumn(const schema::Table& /*table*/) const { return false; }
  // A value (a default or a bulk_insert cell) as a literal of `type`.
  virtual std::string Literal(const schema::Type& type, const std::string& value) const = 0;

  // `schema` as this dialect stores it and Connection::Inspect reads it
  // back: spellings that mean the same here made the same (e.g. SQLite:
  // datetime(timezone) is datetime, jsonb is json, an enum is a string with
  // a named CHECK). Inspect(db) == Normalize(schema) when the database holds
  // `schema`.
  virtual schema::Schema Normalize(const schema::Schema& schema) const = 0;

  // SQL both dialects spell alike, through their Quote, ColumnDefinition
  // and Literal.
  std::string QuotedNames(const std::vector<std::string>& names) const;
  // " DEFERRABLE [INITIALLY DEFERRED]" or ""; a primary key or unique
  // constraint (`key`) that is deferrable is refused where the dialect
  // has none (naming it by `what`).
  std::string DeferralSql(const schema::Deferral& deferral, bool key, const std::string& what) const;
  // REFERENCES t (a, b) [ON DELETE ...] [ON UPDATE ...] [DEFERRABLE ...]
  std::string ReferencesSql(const schema::ForeignKey& fk) const;
  // CREATE [UNIQUE] INDEX [CONCURRENTLY] name ON table (columns).
  std::string CreateIndexSql(const std::string& table, const schema::Index& index,
                             bool concurrently = false) const;
  // CREATE TABLE with its columns and constraints (not its indexes).
  std::string CreateTableSql(const schema::Table& table, const schema::Schema& schema) const;
  // bulk_insert: one INSERT per run of rows naming the same columns.
  std::vector<std::string> InsertSql(const schema::Table& table, const ops::BulkInsert& op) const;
};

// Throws Error(kInput) naming `target` and the statement when `sql` or one
// of `params` holds a NUL character: a database client would cut the text
// there and run another statement than the one given. Every connection
// calls it before sending anything.
void RefuseNul(const std::string& sql, const std::vector<Value>& params,
               const std::string& target);

// An object the model cannot hold: its kind ("domain"), its name (with
// its table's, "t.c", where it belongs to one) and its SQL.
struct Unmodeled {
  std::string kind;
  std::string name;
  std::string sql;
  std::string table;  // the table it belongs to; "" for none
  bool operator==(const Unmodeled&) const = default;
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

  // Runs `statements` in order, stopping at the first failure, which it
  // throws with that statement's location. A server may send them together
  // (PostgreSQL pipelines them) instead of waiting for each.
  virtual void ExecuteAll(const std::vector<Statement>& statements);

  // Runs one statement of ExecuteAll, checking expect_changes.
  void ExecuteOne(const Statement& statement);

  // Runs rendered steps in order: runs of statements through ExecuteAll,
  // composite steps by themselves. Refuses a NUL in any of them before
  // anything runs.
  void Run(const std::vector<Step>& steps);

  // The rows the last INSERT, UPDATE or DELETE run through Execute changed.
  virtual int64_t Changes() const = 0;

  // Starts a transaction that holds the run lock from its first statement
  // (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock keyed on the
  // schema and version table), waiting up to the lock timeout.
  // With suspend_foreign_keys (needed by a table rebuild), foreign-key
  // actions are off for the transaction and every foreign key is checked
  // before it commits.
  virtual void BeginWrite(bool suspend_foreign_keys = false) = 0;
  virtual void Commit() = 0;
  virtual void Rollback() = 0;

  virtual bool TableExists(const std::string& table) = 0;

  // The live schema: every table but `skip_tables` (retort's own), its
  // columns in portable types, nullability, server defaults, primary key,
  // foreign keys with their actions, unique and check constraints and
  // indexes, with their names; and the enums (PostgreSQL). Throws
  // Error(kDatabase).
  virtual schema::Schema Inspect(const std::vector<std::string>& skip_tables) = 0;

  // What the live database holds that Inspect cannot read into the model
  // (a domain, an exclusion constraint, a partition, a virtual table), each
  // with the SQL that makes it, in catalog order; never tables of
  // `skip_tables`. Throws Error(kDatabase).
  virtual std::vector<Unmodeled> ListUnmodeled(const std::vector<std::string>& skip_tables) = 0;

  // Rewrites the check expressions and {sql:} defaults of `expected` (a
  // Dialect::Normalize result) as this database prints them once stored, so
  // that they compare with what Inspect reads back. A server that rewrites
  // expressions (PostgreSQL: casts, IN lists) is asked, in a transaction
  // that leaves nothing behind; one that keeps the text (SQLite) does
  // nothing. An expression the server refuses stays as written.
  virtual void CanonicalizeExpressions(schema::Schema& /*expected*/) {}

  // Reports the progress of long statements (a rebuild's copy) to
  // `callback` while it is set.
  void SetProgress(ProgressCallback callback) { progress_ = std::move(callback); }

  // Hold and release the run lock outside a transaction, around a script
  // that cannot run inside one. SQLite has no such lock: its write lock
  // lives and dies with each transaction.
  virtual void LockSession() {}
  virtual void UnlockSession() {}
  // Keys the run lock on `name` (the version table), for a connection
  // opened before the project was known (a borrowed one).
  virtual void UseLockName(const std::string& /*name*/) {}

  // An empty database of the same dialect to build a schema in and read it
  // back (SQLite: one in memory), or nullptr where there is none to be had
  // without writing to a server.
  virtual std::unique_ptr<Connection> Scratch() const { return nullptr; }

 protected:
  // RefuseNul over every statement of a batch, before any of it runs.
  void RefuseNulInAll(const std::vector<Statement>& statements) const;
  // The target as errors name it (its URL, password masked).
  virtual const std::string& label() const = 0;

  ProgressCallback progress_;
};

// Rolls back in its destructor unless committed, so an exception can never
// leave a transaction open.
class Transaction {
 public:
  explicit Transaction(Connection& connection, bool suspend_foreign_keys = false)
      : connection_(connection) {
    connection_.BeginWrite(suspend_foreign_keys);
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
