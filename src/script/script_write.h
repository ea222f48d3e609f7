// Writing operations back as script YAML: what `revision --autogenerate`
// puts in a new script. ParseOperations reads the text back to the same
// operations.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "ops/operation.h"
#include "schema/schema.h"

namespace retort::script {

// An operation to write, with comment lines shown above it (without "#")
// and, for a change that must be acknowledged, `acknowledged: false` in its
// body for the author to flip after review.
struct WrittenOp {
  ops::Operation op;
  std::vector<std::string> comments;
  bool needs_acknowledgement = false;
  std::vector<std::string> dialects;  // written as `dialect:`
};

// The YAML list items ("  - create_table: ...") for `operations`, each line
// indented by `indent` spaces. Every constraint and index is written with
// its full name, so the text means the same under any naming convention.
std::string WriteOperations(const std::vector<WrittenOp>& operations, int indent = 2);

// `yaml` (a one-key map, as a format::Writer wrote it) as an item of a
// block list indented by `indent` spaces ("  - create_table: ...").
std::string AsListItem(const std::string& yaml, int indent = 2);

// A schema file declaring `schema`: `header` as comment lines, then its
// naming convention (an empty template written as null), extensions,
// enums, sequences, tables, views, functions and triggers, each in the
// order given, in the syntax operations write them. A constraint or index
// name that the convention (with SQLAlchemy's default ix) gives anyway is
// left out. LoadSchemaText reads it back to `schema`.
// `keep_names` ("table\x1fname") are written even so: what reading the
// file back would name otherwise.
std::string WriteSchemaFile(const schema::Schema& schema, const std::vector<std::string>& header = {},
                            const std::set<std::string>& keep_names = {});

}  // namespace retort::script
