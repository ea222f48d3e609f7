#include "ops/operation.h"

#include <algorithm>

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
      "create_function",       "replace_function",      "drop_function",
      "create_trigger",        "drop_trigger",
      "create_extension",      "update_extension",      "drop_extension",
      "bulk_insert",           "execute",
  };
  static_assert(std::size(kNames) == std::variant_size_v<Operation>);
  return kNames[op.index()];
}

schema::Sequence AlteredSequence(const schema::Sequence& before, const AlterSequence& op) {
  const schema::Sequence old = schema::ResolvedSequence(before);
  schema::Sequence out = old;
  if (op.type) {
    out.type = *op.type;
    // Bounds that were the old type's own follow the new type.
    const schema::Sequence old_defaults = schema::ResolvedSequence({.type = old.type, .increment = old.increment});
    if (out.minvalue == old_defaults.minvalue) out.minvalue.reset();
    if (out.maxvalue == old_defaults.maxvalue) out.maxvalue.reset();
  }
  if (op.increment) out.increment = op.increment->value_or(1);
  if (op.minvalue) out.minvalue = *op.minvalue;
  if (op.maxvalue) out.maxvalue = *op.maxvalue;
  if (op.cycle) out.cycle = *op.cycle;
  if (op.owned_by) out.owned_by = *op.owned_by;
  out.start.reset();
  schema::Sequence resolved = schema::ResolvedSequence(out);  // bounds set to {}: the defaults
  out = resolved;
  out.start = op.start ? op.start->value_or(*schema::ResolvedSequence({.type = resolved.type,
                                                                       .increment = resolved.increment,
                                                                       .minvalue = resolved.minvalue,
                                                                       .maxvalue = resolved.maxvalue})
                                                     .start)
                       : old.start;
  return out;
}

bool OpAt::RunsOn(const std::string& dialect) const {
  if (!dialects.empty() && std::find(dialects.begin(), dialects.end(), dialect) == dialects.end()) return false;
  // An execute with SQL for other dialects only runs nowhere here, and its
  // effect is not replayed here either.
  if (const auto* e = std::get_if<Execute>(&op)) return e->sql.count("") || e->sql.count(dialect);
  return true;
}

std::vector<OpAt> OnDialect(const std::vector<OpAt>& list, const std::string& dialect) {
  std::vector<OpAt> out;
  out.reserve(list.size());
  for (const OpAt& op : list) {
    if (op.RunsOn(dialect)) out.push_back(op);
  }
  return out;
}

bool IsReversible(const Operation& op) {
  return !std::holds_alternative<BulkInsert>(op) && !std::holds_alternative<Execute>(op);
}

}  // namespace retort::ops
