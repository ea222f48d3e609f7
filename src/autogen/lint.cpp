#include "autogen/lint.h"

#include "ops/replay.h"

namespace retort::autogen {
namespace {

using schema::Type;
using schema::TypeKind;

int IntegerRank(TypeKind kind) {
  switch (kind) {
    case TypeKind::kSmallInt: return 1;
    case TypeKind::kInteger: return 2;
    case TypeKind::kBigInt: return 3;
    default: return 0;
  }
}

}  // namespace

bool IsWidening(const Type& from, const Type& to) {
  if (from == to) return true;
  if (to.kind == TypeKind::kText) return from.kind != TypeKind::kBinary;
  if (from.IsInteger() && to.IsInteger()) return IntegerRank(to.kind) >= IntegerRank(from.kind);
  if (from.IsInteger() && (to.kind == TypeKind::kBigInt || to.kind == TypeKind::kNumeric)) {
    // numeric without precision holds any integer; with one, enough digits.
    return !to.precision || *to.precision - to.scale.value_or(0) >= 19;
  }
  if (from.kind == TypeKind::kFloat && to.kind == TypeKind::kDouble) return true;
  if (from.kind == TypeKind::kNumeric && to.kind == TypeKind::kNumeric) {
    if (!to.precision) return true;
    if (!from.precision) return false;
    int from_scale = from.scale.value_or(0), to_scale = to.scale.value_or(0);
    return to_scale >= from_scale && *to.precision - to_scale >= *from.precision - from_scale;
  }
  if (from.kind == TypeKind::kArray && to.kind == TypeKind::kArray && !from.element.empty() &&
      !to.element.empty()) {
    return IsWidening(from.element[0], to.element[0]);
  }
  if (from.kind == TypeKind::kChar && (to.kind == TypeKind::kChar || to.kind == TypeKind::kString)) {
    return (to.kind == TypeKind::kString && !to.length) || to.length.value_or(1) >= from.length.value_or(1);
  }
  if (to.kind == TypeKind::kString) {
    if (from.kind == TypeKind::kString) return !to.length || (from.length && *to.length >= *from.length);
    if (from.kind == TypeKind::kEnum || from.kind == TypeKind::kUuid) return !to.length || *to.length >= 36;
  }
  if (from.kind == TypeKind::kJson && to.kind == TypeKind::kJsonb) return true;
  if (from.kind == TypeKind::kJsonb && to.kind == TypeKind::kJson) return true;
  return false;
}

bool MayBeRisky(const ops::Operation& op) {
  if (const auto* alter = std::get_if<ops::AlterColumn>(&op)) return alter->type.has_value();
  return std::holds_alternative<ops::DropTable>(op) || std::holds_alternative<ops::DropColumn>(op) ||
         std::holds_alternative<ops::AddColumn>(op) || std::holds_alternative<ops::DropEnumValue>(op) ||
         std::holds_alternative<ops::DropSequence>(op) || std::holds_alternative<ops::DropExtension>(op);
}

std::optional<std::string> Risk(const ops::Operation& op, const schema::Schema& before) {
  if (const auto* drop = std::get_if<ops::DropTable>(&op)) {
    return "drops table " + drop->table + " and every row in it";
  }
  if (const auto* drop = std::get_if<ops::DropColumn>(&op)) {
    const schema::Table* t = before.FindTable(drop->table);
    const schema::Column* c = t ? t->FindColumn(drop->column) : nullptr;
    if (c && c->computed) return std::nullopt;  // computed from the others: nothing is lost
    return "drops column " + drop->table + "." + drop->column + " and the data in it";
  }
  if (const auto* drop = std::get_if<ops::DropSequence>(&op)) {
    return "drops sequence " + drop->name + " and the place it has reached";
  }
  if (const auto* drop = std::get_if<ops::DropExtension>(&op)) {
    return "drops extension " + drop->name + " and what it holds (the server refuses while other objects use it)";
  }
  if (const auto* drop = std::get_if<ops::DropEnumValue>(&op)) {
    return "drops value '" + drop->value + "' of enum " + drop->name +
           ": rows holding it make the upgrade fail";
  }
  if (const auto* add = std::get_if<ops::AddColumn>(&op)) {
    if (!add->column.nullable && !add->column.server_default && !add->column.computed &&
        !add->column.identity) {
      return "adds NOT NULL column " + add->table + "." + add->column.name +
             " without a default: fails on a table that has rows";
    }
  }
  if (const auto* alter = std::get_if<ops::AlterColumn>(&op); alter && alter->type) {
    const schema::Table* t = before.FindTable(alter->table);
    const schema::Column* c = t ? t->FindColumn(alter->column) : nullptr;
    if (c && !IsWidening(c->type, *alter->type)) {
      return "changes the type of " + alter->table + "." + alter->column + " from " +
             schema::DescribeType(c->type) + " to " + schema::DescribeType(*alter->type) +
             ": values that do not fit are cut or make the upgrade fail";
    }
  }
  return std::nullopt;
}

std::vector<LintFinding> Unacknowledged(const std::vector<ops::OpAt>& upgrade,
                                        const schema::Schema& before) {
  // Most lists hold nothing to judge against the schema (only a type
  // change is): a first pass judges them on `before`, uncopied.
  bool found = false;
  for (const ops::OpAt& at : upgrade) {
    if (at.acknowledged || !MayBeRisky(at.op)) continue;
    found = found || std::holds_alternative<ops::AlterColumn>(at.op) || Risk(at.op, before);
  }
  if (!found) return {};
  // Each judged on the schema just before it, the list replayed as it goes
  // (an operation that does not fit fails here, as it would in the run).
  std::vector<LintFinding> out;
  schema::Schema replayed = before;
  for (const ops::OpAt& at : upgrade) {
    if (!at.acknowledged) {
      if (std::optional<std::string> risk = Risk(at.op, replayed)) out.push_back({&at, *risk});
    }
    ops::Apply(at, replayed);
  }
  return out;
}

}  // namespace retort::autogen
