// The table rebuild SQLite needs for the changes its ALTER TABLE cannot make
// (a column's type, nullability or default; adding or dropping a
// constraint; dropping a constrained column), following sqlite.org's
// "Making Other Kinds Of Table Schema Changes": create the new table, copy
// the rows, drop the old one, rename the new one, recreate the indexes. The
// connection keeps the table's triggers, suspends foreign-key actions for
// the transaction and checks every foreign key before it commits.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "dialect/dialect.h"
#include "ops/operation.h"
#include "schema/schema.h"

namespace retort::dialect {

class SqliteDialect;

// Where a column of the rebuilt table takes its values from: a column of
// the old table (perhaps renamed since), cast when its type changed. A
// column with no source is not copied and takes its default.
struct ColumnSource {
  std::string from;
  bool cast = false;
};
using RebuildSources = std::map<std::string, ColumnSource>;  // new column -> source

// Every column from itself.
RebuildSources IdentitySources(const schema::Table& table);

// Follows `op` (about to be applied to `table`) in `sources`: renames,
// type changes, dropped and added columns.
void TrackSources(const ops::Operation& op, const schema::Table& table, RebuildSources& sources);

// The statements rebuilding `before` (of `old_schema`) into `after` (same
// name, of `schema`): a count for each constraint the rows must newly
// satisfy (NOT NULL, foreign key, unique, check, an enum's labels), failing
// with how many rows break it, then the rebuild itself. Every statement is
// tagged with the table. The connection runs the counts only when the
// rebuild fails (foreign keys: see BeginWrite).
std::vector<Statement> RebuildTable(const SqliteDialect& dialect, const schema::Table& before,
                                    const schema::Table& after, const RebuildSources& sources,
                                    const schema::Schema& old_schema, const schema::Schema& schema,
                                    const Location& where);

// The name of the new table while it is being filled.
std::string RebuildTempName(const std::string& table);

}  // namespace retort::dialect
