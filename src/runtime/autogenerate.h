// Autogenerate's script body: the diff between two schemas written as the
// upgrade and downgrade lists of a script, destructive changes marked.
#pragma once

#include <string>
#include <vector>

#include "autogen/diff.h"
#include "retort/retort.h"
#include "schema/schema.h"

namespace retort::runtime {

struct GeneratedScript {
  std::string upgrade;    // YAML list items; "" when nothing changes
  std::string downgrade;  // the derived inverse, written out
  std::vector<SchemaChange> changes;  // one per upgrade operation
};

// The operations from `from` to `to` (autogen::Diff), each destructive or
// risky one written with a comment and `acknowledged: false`.
GeneratedScript GenerateScript(const schema::Schema& from, const schema::Schema& to,
                               const autogen::DiffOptions& options = {});

}  // namespace retort::runtime
