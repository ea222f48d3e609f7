// The diff engine: the ordered operations that turn one schema into another,
// which `revision --autogenerate` writes into a script.
#pragma once

#include <string>
#include <vector>

#include "ops/operation.h"
#include "schema/schema.h"

namespace retort::autogen {

struct DiffOptions {
  // When `from` was read from a live database: the target schema as that
  // database would store it (Dialect::Normalize(to)). Objects are then
  // compared in the database's spelling, while the operations are written
  // from `to` in portable terms. Objects the database holds only because of
  // `to` (SQLite's enum CHECK constraints) are not dropped, and enums are
  // left alone when the dialect keeps none (SQLite).
  const schema::Schema* stored_to = nullptr;
  // With stored_to: whether that database keeps enums as types of their
  // own; when not, their labels live in each column's CHECK and there is
  // no enum to create or drop.
  bool native_enums = true;
};

// The operations that turn `from` into `to`, in an order that replays
// (ops::Apply) and runs: enums created and extended first; renames from
// `to.renames`; then, table by table, what is dropped (foreign keys first),
// renamed, added, altered, and created; new tables in foreign-key order,
// dropped ones in reverse; foreign keys added last (so cycles work); enum
// values and enums that are gone removed at the end. Column order is not
// compared. Empty when the schemas are equal. Throws Error(kInput) when a
// rename hint names nothing to rename. Pure.
std::vector<ops::Operation> Diff(const schema::Schema& from, const schema::Schema& to,
                                 const DiffOptions& options = {});

// One line describing `op` for a summary: "+ table users",
// "~ column users.email: type string(100) -> string(255)", ...
// `before` is the schema just before it (for the old type or default).
std::string Describe(const ops::Operation& op, const schema::Schema& before);

}  // namespace retort::autogen
