// Rendering a sequence of operations, replaying each onto the schema so the
// next one sees what the database will hold.
#pragma once

#include <string>
#include <vector>

#include "dialect/dialect.h"
#include "ops/operation.h"

namespace retort::dialect {

// Renders `operations` in order and applies each to `schema`. Throws
// Error at the operation's location: what Apply throws when the operation
// does not fit the schema (checked first, as the clearer message), else what
// the dialect throws when it cannot perform it.
std::vector<Statement> RenderAndApply(const Dialect& dialect,
                                      const std::vector<ops::OpAt>& operations,
                                      schema::Schema& schema);

}  // namespace retort::dialect
