#include "ops/operation.h"

namespace retort::ops {

std::string OperationName(const Operation& op) {
  static constexpr const char* kNames[] = {
      "create_table",          "drop_table",
      "rename_table",          "add_column",
      "drop_column",           "alter_column",
      "create_index",          "drop_index",
      "create_primary_key",    "create_unique_constraint",
      "create_foreign_key",    "create_check_constraint",
      "drop_constraint",       "create_enum",
      "drop_enum",             "add_enum_value",
      "drop_enum_value",       "rename_enum_value",
      "create_table_comment",  "drop_table_comment",
      "alter_table",           "create_sequence",       "drop_sequence",
      "alter_sequence",        "create_view",
      "replace_view",          "drop_view",
      "bulk_insert",           "execute",
  };
  static_assert(std::size(kNames) == std::variant_size_v<Operation>);
  return kNames[op.index()];
}

bool IsReversible(const Operation& op) {
  return !std::holds_alternative<BulkInsert>(op) && !std::holds_alternative<Execute>(op);
}

}  // namespace retort::ops
