// Reading operations from a migration script's `upgrade` / `downgrade`
// lists. Each entry is a one-key map: {create_table: {...}}.
#pragma once

#include <yaml-cpp/yaml.h>

#include <vector>

#include "ops/operation.h"
#include "schema/yaml_util.h"

namespace retort::ops {

// Parses a list of operations. Unnamed constraints and indexes are named by
// `naming`. Throws Error(kInput) at the offending node: an unknown operation
// or key, a missing field, a bad type.
std::vector<OpAt> ParseOperations(const schema::YamlFile& file, const YAML::Node& list,
                                  const schema::NamingConvention& naming);

}  // namespace retort::ops
