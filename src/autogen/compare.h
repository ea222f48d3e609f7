// Comparing two schemas object by object: what `check` and `verify` report.
#pragma once

#include <string>
#include <vector>

#include "schema/schema.h"

namespace retort::autogen {

// One way `actual` differs from `expected`.
struct Difference {
  enum class Kind { kMissing, kUnexpected, kChanged };
  Kind kind = Kind::kChanged;
  std::string table;   // "" for enums
  std::string object;  // "table", "column c", "index ix", "foreign key fk", "enum e", ...
  std::string detail;  // for kChanged: "type: string(40) -> text", ...

  // "table users: missing index ix_users_email", ...
  std::string Describe() const;
};

// "none", "now()", "{sql: ...}" or "'value'", for messages.
std::string DescribeDefault(const std::optional<schema::Default>& d);

// "always start 10 increment 5", "by_default", "none"; "(a * b) stored",
// "none": for messages.
std::string DescribeIdentity(const std::optional<schema::Identity>& identity);
// "'text'", or "none" for an empty comment.
std::string DescribeComment(const std::string& comment);
std::string DescribeComputed(const std::optional<schema::Computed>& computed);

// "(a, (lower(b)) desc) include (c) where d > 0", "using gin (tags)": an
// index's definition past its name, for messages.
std::string DescribeIndex(const schema::Index& index);

// True when the two columns' defaults mean the same: equal, or literals
// equal as values of the column's type ("true" and "1" on a boolean, "5" and
// "5.0" on a number).
bool SameDefault(const schema::Column& a, const schema::Column& b);

// The differences, tables in `expected`'s order then unexpected ones; within
// a table: columns, primary key, foreign keys, unique and check
// constraints, indexes. Column order is not compared. Pure.
std::vector<Difference> CompareSchemas(const schema::Schema& expected,
                                       const schema::Schema& actual);

}  // namespace retort::autogen
