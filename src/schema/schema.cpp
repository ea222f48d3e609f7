#include "schema/schema.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace retort::schema {
namespace {

template <typename T>
auto FindByName(T& items, const std::string& name) -> decltype(&items[0]) {
  for (auto& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

}  // namespace

std::optional<Default> Default::For(std::string_view dialect) const {
  if (kind != Kind::kPerDialect) return *this;
  auto it = dialects.find(std::string(dialect));
  if (it == dialects.end()) return std::nullopt;
  return Default{it->second.first, it->second.second, {}};
}

std::optional<Default> DefaultFor(const std::optional<Default>& d, std::string_view dialect) {
  return d ? d->For(dialect) : std::nullopt;
}

std::optional<Action> ParseAction(const std::string& text) {
  std::string upper;
  for (char c : text) {
    upper += c == '_' ? ' ' : static_cast<char>(std::toupper(c));
  }
  if (upper == "NO ACTION") return Action::kNoAction;
  if (upper == "RESTRICT") return Action::kRestrict;
  if (upper == "CASCADE") return Action::kCascade;
  if (upper == "SET NULL") return Action::kSetNull;
  if (upper == "SET DEFAULT") return Action::kSetDefault;
  return std::nullopt;
}

std::string FormatAction(Action action) {
  switch (action) {
    case Action::kNoAction: return "NO ACTION";
    case Action::kRestrict: return "RESTRICT";
    case Action::kCascade: return "CASCADE";
    case Action::kSetNull: return "SET NULL";
    case Action::kSetDefault: return "SET DEFAULT";
  }
  return "NO ACTION";
}

Column* Table::FindColumn(const std::string& column) {
  return FindByName(columns, column);
}
const Column* Table::FindColumn(const std::string& column) const {
  return FindByName(columns, column);
}
const Index* Table::FindIndex(const std::string& index) const {
  return FindByName(indexes, index);
}

Index Index::On(std::string name, const std::vector<std::string>& columns, bool unique) {
  Index index;
  index.name = std::move(name);
  for (const std::string& c : columns) index.entries.push_back(IndexEntry{.column = c});
  index.unique = unique;
  return index;
}

std::vector<std::string> Index::KeyColumns() const {
  std::vector<std::string> out;
  auto add = [&](const std::string& c) {
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  };
  for (const IndexEntry& e : entries) {
    if (e.expr.empty()) {
      add(e.column);
    } else {
      for (const std::string& c : ExpressionColumns(e.expr)) add(c);
    }
  }
  return out;
}

bool Index::Uses(const std::string& column) const {
  for (const IndexEntry& e : entries) {
    if (e.expr.empty() ? e.column == column : ExpressionUses(e.expr, column)) return true;
  }
  return (!where.empty() && ExpressionUses(where, column)) ||
         std::find(include.begin(), include.end(), column) != include.end();
}

bool Index::PlainColumns() const {
  return std::all_of(entries.begin(), entries.end(),
                     [](const IndexEntry& e) { return e.IsPlainColumn(); });
}

bool Table::IsSolePrimaryKey(const std::string& column) const {
  return primary_key && primary_key->columns.size() == 1 &&
         primary_key->columns[0] == column;
}

bool Table::HasConstraintNamed(const std::string& name) const {
  if (primary_key && primary_key->name == name) return true;
  return FindByName(foreign_keys, name) || FindByName(uniques, name) ||
         FindByName(checks, name) || FindByName(indexes, name);
}

Table* Schema::FindTable(const std::string& table) {
  return FindByName(tables, table);
}
const Table* Schema::FindTable(const std::string& table) const {
  return FindByName(tables, table);
}
const Enum* Schema::FindEnum(const std::string& name) const {
  return FindByName(enums, name);
}

const Extension* Schema::FindExtension(const std::string& name) const {
  return FindByName(extensions, name);
}
const Sequence* Schema::FindSequence(const std::string& name) const {
  return FindByName(sequences, name);
}

std::pair<std::string, std::string> Sequence::Owner() const {
  size_t dot = owned_by.find('.');
  if (dot == std::string::npos) return {owned_by, ""};
  return {owned_by.substr(0, dot), owned_by.substr(dot + 1)};
}

const Column* Schema::FindOwner(const std::string& owned_by) const {
  auto [table, column] = Sequence{.owned_by = owned_by}.Owner();
  const Table* t = FindTable(table);
  return t && !column.empty() ? t->FindColumn(column) : nullptr;
}

const View* Schema::FindView(const std::string& name) const { return FindByName(views, name); }

const Function* Schema::FindFunction(const std::string& signature) const {
  for (const Function& f : functions) {
    if (f.Signature() == signature) return &f;
  }
  return nullptr;
}

const Trigger* Schema::FindTrigger(const std::string& table, const std::string& name) const {
  for (const Trigger& t : triggers) {
    if (t.table == table && t.name == name) return &t;
  }
  return nullptr;
}

const char* TimingName(Trigger::Timing timing) {
  switch (timing) {
    case Trigger::Timing::kAfter: return "after";
    case Trigger::Timing::kInsteadOf: return "instead of";
    case Trigger::Timing::kBefore: break;
  }
  return "before";
}

const char* FunctionKindName(Function::Kind kind) {
  switch (kind) {
    case Function::Kind::kProcedure: return "procedure";
    case Function::Kind::kAggregate: return "aggregate";
    case Function::Kind::kFunction: break;
  }
  return "function";
}

void ValidateSchemaReferences(const Schema& schema, const Table& table,
                              const Location& where) {
  for (const Column& c : table.columns) {
    const Type* type = &c.type;
    if (type->kind == TypeKind::kArray && !type->element.empty()) type = &type->element[0];
    if (type->kind == TypeKind::kEnum && !schema.FindEnum(type->enum_name)) {
      throw Error(ErrorKind::kInput, "column '" + table.name + "." + c.name +
                                         "' uses enum '" + type->enum_name +
                                         "', which is not declared", where);
    }
  }
  for (const ForeignKey& fk : table.foreign_keys) {
    if (fk.RefersElsewhere()) continue;  // another schema's: not in the model
    const Table* referred = fk.referred_table == table.name
                                ? &table
                                : schema.FindTable(fk.referred_table);
    if (!referred) {
      throw Error(ErrorKind::kInput, "foreign key '" + fk.name + "' of table '" +
                                         table.name + "' refers to table '" +
                                         fk.referred_table + "', which does not exist",
                  where);
    }
    // PostgreSQL refers to no deferrable key: one that is not must cover the columns.
    auto same_set = [&](std::vector<std::string> a) {
      std::vector<std::string> b = fk.referred_columns;
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      return a == b;
    };
    bool deferrable_only = false, plain = false;
    auto consider = [&](const std::vector<std::string>& columns, bool deferrable) {
      if (!same_set(columns)) return;
      (deferrable ? deferrable_only : plain) = true;
    };
    if (referred->primary_key) consider(referred->primary_key->columns, referred->primary_key->deferral.deferrable);
    for (const UniqueConstraint& uq : referred->uniques) consider(uq.columns, uq.deferral.deferrable);
    for (const Index& ix : referred->indexes) {
      if (ix.unique && ix.where.empty() && ix.PlainColumns()) consider(ix.KeyColumns(), false);
    }
    if (deferrable_only && !plain) {
      throw Error(ErrorKind::kInput, "foreign key '" + fk.name + "' of table '" + table.name +
                                         "' refers to a deferrable key of '" + fk.referred_table +
                                         "'; a foreign key needs a key that is not deferrable",
                  where);
    }
    for (const std::string& rc : fk.referred_columns) {
      if (!referred->FindColumn(rc)) {
        throw Error(ErrorKind::kInput, "foreign key '" + fk.name + "' of table '" +
                                           table.name + "' refers to column '" +
                                           fk.referred_table + "." + rc +
                                           "', which does not exist", where);
      }
    }
  }
}

std::string AutoincrementProblem(const Table& t) {
  if (!t.sqlite_autoincrement) return "";
  const Column* key = t.primary_key && t.primary_key->columns.size() == 1
                          ? t.FindColumn(t.primary_key->columns[0])
                          : nullptr;
  if (key && key->type.IsInteger() && key->autoincrement != false) return "";
  return "'sqlite_autoincrement' needs a single-column integer primary key that "
         "auto-increments; table '" + t.name + "' has none";
}

Sequence ResolvedSequence(const Sequence& q) {
  Sequence r = q;
  TypeKind kind = q.type ? q.type->kind : TypeKind::kBigInt;
  r.type = Type{.kind = kind};
  int64_t lowest = kind == TypeKind::kSmallInt  ? -32768
                   : kind == TypeKind::kInteger ? -2147483648LL
                                                : INT64_MIN;
  int64_t highest = kind == TypeKind::kSmallInt  ? 32767
                    : kind == TypeKind::kInteger ? 2147483647LL
                                                 : INT64_MAX;
  int64_t increment = q.increment.value_or(1);
  r.increment = increment;
  if (!r.minvalue) r.minvalue = increment > 0 ? 1 : lowest;
  if (!r.maxvalue) r.maxvalue = increment > 0 ? highest : -1;
  if (!r.start) r.start = increment > 0 ? *r.minvalue : *r.maxvalue;
  return r;
}

Sequence SparseSequence(const Sequence& q) {
  const Sequence r = ResolvedSequence(q);
  Sequence out{.name = q.name, .cycle = q.cycle, .owned_by = q.owned_by};
  if (r.type->kind != TypeKind::kBigInt) out.type = r.type;
  if (*r.increment != 1) out.increment = r.increment;
  Sequence d = ResolvedSequence(out);
  if (r.minvalue != d.minvalue) out.minvalue = r.minvalue;
  if (r.maxvalue != d.maxvalue) out.maxvalue = r.maxvalue;
  d = ResolvedSequence(out);
  if (r.start != d.start) out.start = r.start;
  return out;
}

std::string SequenceProblem(const Sequence& q) {
  const std::string what = "sequence '" + q.name + "': ";
  if (q.type && !q.type->IsInteger()) {
    return what + "its type must be smallint, integer or bigint, not " + FormatType(*q.type);
  }
  if (q.increment == 0) return what + "increment cannot be 0";
  Sequence r = ResolvedSequence(q);
  Sequence bounds = ResolvedSequence(Sequence{.type = r.type, .increment = 1});
  Sequence lows = ResolvedSequence(Sequence{.type = r.type, .increment = -1});
  int64_t lowest = *lows.minvalue, highest = *bounds.maxvalue;
  auto num = [](int64_t n) { return std::to_string(n); };
  if (*r.minvalue < lowest || *r.maxvalue > highest) {
    return what + "its bounds do not fit its type " + FormatType(*r.type);
  }
  if (*r.minvalue >= *r.maxvalue) {
    return what + "minvalue " + num(*r.minvalue) + " must be below maxvalue " + num(*r.maxvalue);
  }
  if (*r.start < *r.minvalue) return what + "start " + num(*r.start) + " is below minvalue " + num(*r.minvalue);
  if (*r.start > *r.maxvalue) return what + "start " + num(*r.start) + " is above maxvalue " + num(*r.maxvalue);
  return "";
}

}  // namespace retort::schema
