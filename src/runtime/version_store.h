// The version table (Alembic's layout: one row per applied head, column
// version_num) and the history table (one row per applied, reverted or
// stamped step).
#pragma once

#include <string>
#include <vector>

#include "dialect/dialect.h"
#include "retort/retort.h"

namespace retort::runtime {

// The version and history tables' statements, for a dialect: what a run
// sends, and what an offline script writes. Pure.
class VersionStatements {
 public:
  // Throws what Dialect::CheckVersionTables throws. `environment` (null:
  // the process's) gives the time, user and host of history rows.
  VersionStatements(const dialect::Dialect& dialect, std::string version_table,
                    std::string history_table, const Environment* environment = nullptr);

  // The statements that delete `remove` and insert `add` (one UPDATE for
  // the common one-for-one step), each required to change its one row.
  std::vector<dialect::Statement> ChangeStatements(const std::vector<std::string>& remove,
                                                   const std::vector<std::string>& add) const;
  // The history row of a step.
  dialect::Statement RecordStatement(const std::string& revision, const std::string& direction,
                                     const std::string& checksum, double duration_ms) const;
  const std::string& version_table() const { return version_table_; }
  const std::string& history_table() const { return history_table_; }

 protected:
  const dialect::Dialect& dialect_;
  std::string version_table_;
  std::string history_table_;
  const Environment* environment_;
  std::string record_sql_;  // RecordStatement's INSERT, made once
};

// The version and history tables of one database.
class VersionStore : public VersionStatements {
 public:
  VersionStore(dialect::Connection& connection, std::string version_table,
               std::string history_table, const Environment* environment = nullptr);

  // Creates both tables when missing. REQUIRES: inside a write transaction.
  void EnsureTables();
  // The version rows; empty when the version table does not exist.
  std::vector<std::string> Heads();
  // Deletes `remove` and inserts `add` (ChangeStatements).
  void Change(const std::vector<std::string>& remove, const std::vector<std::string>& add);
  // Replaces every row, which must be `current` (as read in this
  // transaction), by `rows`. Every version-table statement must change
  // exactly the rows it expects, else Error(kDatabase) (see
  // dialect::Statement::expect_changes).
  void Replace(const std::vector<std::string>& current, const std::vector<std::string>& rows);
  void Record(const std::string& revision, const std::string& direction,
              const std::string& checksum, double duration_ms);
  // The history table's rows, oldest first; empty when it does not exist.
  std::vector<HistoryRecord> History();

 private:
  dialect::Connection& connection_;
};

}  // namespace retort::runtime
