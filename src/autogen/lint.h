// The lint of destructive or risky changes: operations that can lose data
// or fail on the rows a table already holds. Autogenerate marks them in the
// script it writes; an upgrade refuses a script whose marked operations are
// not acknowledged (`acknowledged: true` in the operation).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ops/operation.h"
#include "schema/schema.h"

namespace retort::autogen {

// Why `op`, run on a database whose schema is `before`, is destructive or
// risky ("drops column users.age and the data in it"); nullopt when it is
// neither. Flagged: dropping a table or a column, narrowing a column's type
// (or changing it to one its values may not convert to), adding a NOT NULL
// column without a default to an existing table, dropping an enum value.
std::optional<std::string> Risk(const ops::Operation& op, const schema::Schema& before);

// False for an operation Risk() never flags, whatever the schema.
bool MayBeRisky(const ops::Operation& op);

// True when a change from `from` to `to` keeps every value: a wider integer,
// string or numeric, a float to a double, anything to text.
bool IsWidening(const schema::Type& from, const schema::Type& to);

struct LintFinding {
  const ops::OpAt* op;  // into the linted list
  std::string risk;
};

// The operations of `upgrade` that are risky and not acknowledged, each
// judged on the schema just before it (`before` replayed as it goes, when
// any is risky; then it throws what ops::Apply throws).
std::vector<LintFinding> Unacknowledged(const std::vector<ops::OpAt>& upgrade,
                                        const schema::Schema& before);

}  // namespace retort::autogen
