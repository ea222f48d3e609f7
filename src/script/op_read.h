// Reading operations from a migration script's `upgrade` / `downgrade`
// lists. Each entry is a one-key map: {create_table: {...}}.
#pragma once


#include <vector>

#include "ops/operation.h"
#include "format/file.h"

namespace retort::script {

// Parses a list of operations. Unnamed constraints and indexes are named by
// `naming`. Throws Error(kInput) at the offending node: an unknown operation
// or key, a missing field, a bad type, an unknown dialect. `in_effect`: the
// list is an execute's effect, whose operations take no dialect.
std::vector<ops::OpAt> ParseOperations(const format::File& file, const format::Node& list,
                                  const schema::NamingConvention& naming, bool in_effect = false);

}  // namespace retort::script
