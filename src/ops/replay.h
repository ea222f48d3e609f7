// Replay applies operations to an in-memory schema, and inversion derives
// the operations that undo them. Both are pure: no database is touched.
#pragma once

#include <vector>

#include "ops/operation.h"
#include "schema/schema.h"

namespace retort::ops {

// Applies `op` to `schema`. Throws Error(kInput) at `op.where` when the
// operation does not fit the schema (a missing table or column, a duplicate
// name, an undeclared enum, a foreign key to nothing).
void Apply(const OpAt& op, schema::Schema& schema);

// Makes explicit each name `op` leaves for the database to choose
// (implied) where the database, holding `schema`, would choose another: the
// table was renamed since the name was made, or the name is taken.
// `schema` is as it was on return.
void KeepImpliedNames(Operation& op, schema::Schema& schema);

// The operations that undo `op`, given the schema just before it ran.
// REQUIRES: IsReversible(op.op); Apply(op, before) succeeds.
std::vector<OpAt> Invert(const OpAt& op, const schema::Schema& before);

// Applies `upgrade` to `schema` and returns the inverse sequence (undo of
// the last operation first). Throws Error(kIrreversible) at the first
// operation without an inverse, and what Apply throws; `schema` is then
// partly changed.
std::vector<OpAt> ApplyDeriving(const std::vector<OpAt>& upgrade, schema::Schema& schema);

// The inverse sequence of `upgrade`, replayed on a copy of `before`.
std::vector<OpAt> DeriveDowngrade(const std::vector<OpAt>& upgrade,
                                  schema::Schema before);

}  // namespace retort::ops
