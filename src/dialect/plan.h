// What a dialect renders an operation into: steps. A step is a plain SQL
// statement, or a composite step (a SQLite table rebuild) that knows both
// how to run itself on a connection and how to write itself as SQL text.
// A run sends its steps to one of two sinks, a live connection
// (Connection::Run) or the offline script (SqlText), so that `--sql`
// prints what a live run executes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "retort/error.h"
#include "schema/schema.h"

namespace retort::dialect {

class Connection;

using Value = std::optional<std::string>;  // nullopt is NULL
using Row = std::vector<Value>;

// A statement to run, with the place it came from for errors.
struct Statement {
  std::string sql;
  std::vector<Value> params;
  Location where;      // the operation's place in its script
  bool single = true;  // one SQL command (raw SQL may hold several)
  // When set, the rows this INSERT, UPDATE or DELETE must change: any other
  // count fails the run (the version table moved under it), which then
  // rolls back.
  std::optional<int64_t> expect_changes;
};

// The offline sink: a run as one SQL script, statements ending in ";" with
// their parameters written in as literals.
class SqlText {
 public:
  void Add(const Statement& statement);
  void Add(std::string sql);
  // A line "-- text" (a blank line first when `spaced`).
  void Comment(const std::string& text, bool spaced = false);
  void Blank() { text_ += "\n"; }
  // The script.
  const std::string& text() const { return text_; }
  // The statements alone, as added (without ";").
  const std::vector<std::string>& statements() const { return statements_; }

 private:
  std::string text_;
  std::vector<std::string> statements_;
};

// `statement` with its parameters written in as literals ("?" in order, or
// "$n").
std::string Inlined(const Statement& statement);

class CompositeStep {
 public:
  virtual ~CompositeStep() = default;
  // Runs on a live connection of the dialect that rendered it. Throws
  // Error at the operation's location.
  virtual void Run(Connection& connection) const = 0;
  // Writes itself as SQL that does the same when run by the database's
  // shell (sqlite3, psql) inside the run's transaction.
  virtual void Write(SqlText& out) const = 0;
  // The transaction around it must suspend foreign-key actions (see
  // Connection::BeginWrite).
  virtual bool SuspendsForeignKeys() const { return false; }
  // Every statement it may send, for NUL checks before anything runs.
  virtual std::vector<const Statement*> Statements() const = 0;
};

using Step = std::variant<Statement, std::shared_ptr<const CompositeStep>>;

// Writes `steps` to `out` in order.
void WriteSteps(const std::vector<Step>& steps, SqlText& out);
// True when one of `steps` needs foreign-key actions suspended.
bool SuspendsForeignKeys(const std::vector<Step>& steps);

}  // namespace retort::dialect
