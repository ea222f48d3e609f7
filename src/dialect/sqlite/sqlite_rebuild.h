// The table rebuild SQLite needs for the changes its ALTER TABLE cannot make
// (a column's type, nullability or default; adding or dropping a
// constraint; dropping a constrained column), following sqlite.org's
// "Making Other Kinds Of Table Schema Changes": create the new table, copy
// the rows, drop the old one, rename the new one, recreate the indexes. The
// connection keeps the table's triggers, suspends foreign-key actions for
// the transaction and checks every foreign key before it commits.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dialect/dialect.h"
#include "ops/operation.h"
#include "schema/schema.h"

namespace retort::dialect {

class SqliteDialect;

// Where a column of the rebuilt table takes its values from: a column of
// the old table (perhaps renamed since), cast when its type changed, its
// values renamed where an enum's labels were. A
// column with no source is not copied and takes its default.
struct ColumnSource {
  std::string from;
  bool cast = false;
  std::map<std::string, std::string> relabel;  // values renamed on the way: old -> new
};
using RebuildSources = std::map<std::string, ColumnSource>;  // new column -> source

// Every column from itself.
RebuildSources IdentitySources(const schema::Table& table);

// Follows `op` (about to be applied to `table`) in `sources`: renames,
// type changes, dropped and added columns, renamed enum labels.
void TrackSources(const ops::Operation& op, const schema::Table& table, RebuildSources& sources);

// A count of rows that break something: above zero, the rebuild fails with
// `message`, "{count}" standing for the count.
struct RowCheck {
  Statement count;
  std::string message;
  // Empty: checked before the rebuild. Else checked only when the rebuild
  // fails with an error starting with this text (the count then says which
  // constraint, and how many rows, made it fail); each costs a scan.
  std::string on_failure;
};

// One table rebuilt, as one step. Live (Run): the checks, the rebuild with
// foreign-key actions suspended and views left alone while the table is
// away, the copy in slices when progress is reported, the table's triggers
// created again, and its foreign keys (and those referring to it) checked
// against what they were before. Offline (Write): the same as SQL, where
// each check fails the script through a temporary table's named CHECK
// constraint; the declared triggers are made again by the statements, and
// an offline script, which cannot read an undeclared trigger's text to
// create it again, refuses to rebuild a table that has one.
class SqliteTableRebuild final : public CompositeStep {
 public:
  std::string table;
  std::vector<RowCheck> checks;
  std::vector<Statement> statements;  // create, copy, drop, rename, indexes
  std::optional<size_t> copy;         // which of them copies the rows
  // The table's triggers the scripts declare, which `statements` make
  // again; any other the live run makes again from its old text.
  std::vector<std::string> declared_triggers;
  Location where;

  void Run(Connection& connection) const override;  // sqlite_connection.cpp
  void Write(SqlText& out) const override;
  bool SuspendsForeignKeys() const override { return true; }
  std::vector<const Statement*> Statements() const override;
};

// The statements rebuilding `before` (of `old_schema`) into `after` (same
// name, of `schema`): a count for each constraint the rows must newly
// satisfy (NOT NULL, foreign key, unique, check, an enum's labels), failing
// with how many rows break it, then the rebuild itself.
std::shared_ptr<const SqliteTableRebuild> RebuildTable(const SqliteDialect& dialect, const schema::Table& before,
                                    const schema::Table& after, const RebuildSources& sources,
                                    const schema::Schema& old_schema, const schema::Schema& schema,
                                    const Location& where);

// The name of the new table while it is being filled.
std::string RebuildTempName(const std::string& table);

}  // namespace retort::dialect
