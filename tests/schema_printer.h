// Readable gtest output for schema values (found by argument-dependent
// lookup): a failed EXPECT_EQ on schemas shows their text, not their bytes.
#pragma once

#include <ostream>

#include "schema/schema.h"

namespace retort::schema {

void PrintTo(const Schema& schema, std::ostream* out);

// `schema` with tables, enums, constraints and indexes in name order (and
// columns too with sort_columns), without the files' naming convention: for
// comparing schemas whose order of creation differs.
Schema Canonical(Schema schema, bool sort_columns);
void PrintTo(const Table& table, std::ostream* out);

}  // namespace retort::schema
