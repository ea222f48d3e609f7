// Readable gtest output for schema values (found by argument-dependent
// lookup): a failed EXPECT_EQ on schemas shows their text, not their bytes.
#pragma once

#include <ostream>

#include "schema/schema.h"

namespace retort::schema {

void PrintTo(const Schema& schema, std::ostream* out);
void PrintTo(const Table& table, std::ostream* out);

}  // namespace retort::schema
