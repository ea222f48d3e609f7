#include "ops/replay.h"

#include <algorithm>

#include "schema/dialect_keys.h"
#include "schema/naming.h"

namespace retort::ops {
namespace {

using schema::Schema;
using schema::Table;

using schema::RenameIdentifier;

bool Mentions(const std::vector<std::string>& columns, const std::string& c) {
  return std::find(columns.begin(), columns.end(), c) != columns.end();
}

template <typename T>
void EraseNamed(std::vector<T>& items, const std::string& name) {
  std::erase_if(items, [&](const T& item) { return item.name == name; });
}

class Replayer {
 public:
  Replayer(Schema& schema, const Location& where) : s_(schema), where_(where) {}

  [[noreturn]] void Fail(const std::string& message) const {
    throw Error(ErrorKind::kInput, message, where_);
  }

  Table& NeedTable(const std::string& name) {
    Table* t = s_.FindTable(name);
    if (!t) Fail("table '" + name + "' does not exist at this point");
    return *t;
  }
  schema::Column& NeedColumn(Table& t, const std::string& name) {
    schema::Column* c = t.FindColumn(name);
    if (!c) Fail("table '" + t.name + "' has no column '" + name + "'");
    return *c;
  }
  void NeedColumns(Table& t, const std::vector<std::string>& names) {
    for (const std::string& n : names) NeedColumn(t, n);
  }
  void FreshName(const Table& t, const std::string& name) {
    if (t.HasConstraintNamed(name)) {
      Fail("table '" + t.name + "' already has a constraint or index named '" + name + "'");
    }
  }
  // Index names (and the names of the indexes behind primary keys and
  // unique constraints, on PostgreSQL) are unique in the whole schema.
  void FreshIndexName(const std::string& name, const std::string& skip_table = "") {
    for (const Table& t : s_.tables) {
      if (t.name == skip_table) continue;
      bool taken = t.FindIndex(name) || (t.primary_key && t.primary_key->name == name);
      for (const auto& uq : t.uniques) taken = taken || uq.name == name;
      if (taken) Fail("the name '" + name + "' is already used by an index or key of table '" + t.name + "'");
    }
    for (const schema::View& v : s_.views) {
      if (std::any_of(v.indexes.begin(), v.indexes.end(), [&](const schema::Index& ix) { return ix.name == name; })) {
        Fail("the name '" + name + "' is already used by an index of materialized view '" + v.name + "'");
      }
    }
  }
  void FreshIndexNames(const Table& table) {
    if (table.primary_key) FreshIndexName(table.primary_key->name, table.name);
    for (const auto& uq : table.uniques) FreshIndexName(uq.name, table.name);
    for (const auto& ix : table.indexes) FreshIndexName(ix.name, table.name);
  }
  void Validate(const Table& t) { schema::ValidateSchemaReferences(s_, t, where_); }

  // `c` with its implied name (if it has one) chosen among the names the
  // schema holds now, as the database chooses it.
  template <typename Constraint>
  Constraint Named(Constraint c, std::string_view key, const schema::NameParts& parts) const {
    if (c.implied) c.name = schema::ImpliedNameIn(s_, key, parts);
    return c;
  }

  void operator()(const CreateTable& op) {
    NameFree("table", op.table.name);
    Validate(op.table);
    s_.tables.push_back(op.table);
    schema::NameImplied(s_, op.table.name);
    FreshIndexNames(s_.tables.back());
  }
  void operator()(const DropTable& op) {
    NeedTable(op.table);
    for (const Table& other : s_.tables) {
      if (other.name == op.table) continue;
      for (const auto& fk : other.foreign_keys) {
        if (fk.referred_table == op.table) {
          Fail("table '" + op.table + "' is referred to by foreign key '" + fk.name +
               "' of table '" + other.name + "'; drop that first");
        }
      }
    }
    std::erase_if(s_.tables, [&](const Table& t) { return t.name == op.table; });
    // Its triggers and sequences go with it.
    std::erase_if(s_.triggers, [&](const schema::Trigger& x) { return x.table == op.table; });
    std::erase_if(s_.sequences, [&](const schema::Sequence& q) { return q.Owner().first == op.table; });
  }
  void operator()(const RenameTable& op) {
    Table& t = NeedTable(op.table);
    NameFree("table", op.new_name);
    t.name = op.new_name;
    for (Table& other : s_.tables) {
      for (auto& fk : other.foreign_keys) {
        if (fk.referred_table == op.table) fk.referred_table = op.new_name;
      }
    }
    for (schema::Sequence& q : s_.sequences) {
      if (q.Owner().first == op.table) q.owned_by = op.new_name + "." + q.Owner().second;
    }
    // The databases follow a rename in the views that read the table.
    for (schema::View& v : s_.views) v.sql = schema::RenameIdentifier(v.sql, op.table, op.new_name, true);
    for (schema::Trigger& x : s_.triggers) {
      if (x.table == op.table) x.table = op.new_name;
      if (!x.body.empty()) x.body = schema::RenameIdentifier(x.body, op.table, op.new_name, true);
    }
  }
  void operator()(const AddColumn& op) {
    Table& t = NeedTable(op.table);
    if (t.FindColumn(op.column.name)) {
      Fail("table '" + t.name + "' already has a column '" + op.column.name + "'");
    }
    std::vector<schema::ForeignKey> foreign_keys;
    std::vector<schema::UniqueConstraint> uniques;
    for (const auto& x : op.foreign_keys) {
      foreign_keys.push_back(Named(x, "fk", {t.name, x.columns, x.referred_table, x.referred_columns, ""}));
    }
    for (const auto& x : op.uniques) uniques.push_back(Named(x, "uq", {t.name, x.columns, "", {}, ""}));
    // Changed in place (a table can be large, and a thousand scripts add a
    // column each), and put back as it was when the operation does not fit.
    const size_t columns = t.columns.size(), fks = t.foreign_keys.size(), uqs = t.uniques.size(),
                 ixs = t.indexes.size();
    try {
      t.columns.push_back(op.column);
      for (const auto& x : foreign_keys) FreshName(t, x.name), t.foreign_keys.push_back(x);
      for (const auto& x : uniques) FreshName(t, x.name), t.uniques.push_back(x);
      for (const auto& x : op.indexes) FreshName(t, x.name), t.indexes.push_back(x);
      Validate(t);
      // Other tables' (this one's own names were checked above).
      for (const auto& x : uniques) FreshIndexName(x.name, t.name);
      for (const auto& x : op.indexes) FreshIndexName(x.name, t.name);
    } catch (...) {
      t.columns.resize(columns);
      t.foreign_keys.resize(fks);
      t.uniques.resize(uqs);
      t.indexes.resize(ixs);
      throw;
    }
  }
  void operator()(const DropColumn& op) {
    Table& t = NeedTable(op.table);
    NeedColumn(t, op.column);
    if (t.columns.size() == 1) Fail("cannot drop the only column of table '" + t.name + "'");
    if (t.sqlite_autoincrement && t.IsSolePrimaryKey(op.column)) {
      Fail("table '" + t.name + "' has sqlite_autoincrement on column '" + op.column +
           "'; turn it off (alter_table) before dropping the column");
    }
    for (const Table& other : s_.tables) {
      for (const auto& fk : other.foreign_keys) {
        if (fk.referred_table == t.name && Mentions(fk.referred_columns, op.column) &&
            other.name != t.name) {
          Fail("column '" + t.name + "." + op.column + "' is referred to by foreign key '" +
               fk.name + "' of table '" + other.name + "'");
        }
      }
    }
    for (const schema::Trigger& x : s_.triggers) {
      if (x.table == t.name && Mentions(x.columns, op.column)) {
        Fail("column '" + t.name + "." + op.column + "' is named by trigger '" + x.name +
             "' (UPDATE OF); drop the trigger first");
      }
    }
    // Dropping a column drops what is built on it, as PostgreSQL does.
    std::erase_if(t.columns, [&](const auto& c) { return c.name == op.column; });
    std::erase_if(s_.sequences, [&](const schema::Sequence& q) { return q.owned_by == t.name + "." + op.column; });
    if (t.primary_key && Mentions(t.primary_key->columns, op.column)) t.primary_key.reset();
    std::erase_if(t.foreign_keys, [&](const auto& x) { return Mentions(x.columns, op.column); });
    std::erase_if(t.uniques, [&](const auto& x) { return Mentions(x.columns, op.column); });
    std::erase_if(t.indexes, [&](const auto& x) { return x.Uses(op.column); });
  }
  void operator()(const AlterColumn& op) {
    Table& t = NeedTable(op.table);
    schema::Column& c = NeedColumn(t, op.column);
    if (op.type) {
      if (op.type->kind == schema::TypeKind::kEnum && !s_.FindEnum(op.type->enum_name)) {
        Fail("enum '" + op.type->enum_name + "' is not declared");
      }
      c.type = *op.type;
    }
    if (op.nullable) {
      if (*op.nullable && t.primary_key && Mentions(t.primary_key->columns, op.column)) {
        Fail("primary key column '" + t.name + "." + op.column + "' cannot be nullable");
      }
      c.nullable = *op.nullable;
    }
    if (op.server_default) c.server_default = *op.server_default;
    if (op.comment) c.comment = *op.comment;
    if (op.identity) c.identity = *op.identity;
    if (c.identity && (c.nullable || !c.type.IsInteger())) {
      Fail("identity column '" + t.name + "." + op.column + "' must be NOT NULL and of an integer type" +
           (c.nullable ? " (give nullable: false with it)" : ""));
    }
    if (c.identity && (c.server_default || c.computed)) {
      Fail("identity column '" + t.name + "." + op.column + "' cannot have a " +
           (c.computed ? "computed value" : "server_default"));
    }
    if (c.computed && c.server_default) {
      Fail("computed column '" + t.name + "." + op.column + "' cannot have a server_default");
    }
    if (std::string problem = schema::AutoincrementProblem(t); !problem.empty()) Fail(problem);
    if (op.new_name && *op.new_name != op.column) {
      if (t.FindColumn(*op.new_name)) {
        Fail("table '" + t.name + "' already has a column '" + *op.new_name + "'");
      }
      c.name = *op.new_name;
      RenameColumnEverywhere(t.name, op.column, *op.new_name);
      for (schema::Sequence& q : s_.sequences) {
        if (q.owned_by == t.name + "." + op.column) q.owned_by = t.name + "." + *op.new_name;
      }
      for (schema::View& v : s_.views) {
        if (schema::MentionsName(v.sql, t.name)) {
          v.sql = schema::RenameColumnInQuery(v.sql, op.column, *op.new_name);
        }
      }
      // Both databases follow it in the table's triggers too.
      for (schema::Trigger& x : s_.triggers) {
        if (x.table == t.name) {
          for (std::string& c : x.columns) {
            if (c == op.column) c = *op.new_name;
          }
          if (!x.when.empty()) x.when = schema::RenameIdentifier(x.when, op.column, *op.new_name, true);
        }
        if (!x.body.empty() && (x.table == t.name || schema::MentionsName(x.body, t.name))) {
          x.body = schema::RenameIdentifier(x.body, op.column, *op.new_name, true);
        }
      }
    }
  }
  void operator()(const CreateIndex& op) {
    Table& t = NeedTable(op.table);
    for (const schema::IndexEntry& e : op.index.entries) {
      if (e.expr.empty()) NeedColumn(t, e.column);
    }
    NeedColumns(t, op.index.include);
    FreshName(t, op.index.name);
    FreshIndexName(op.index.name);
    t.indexes.push_back(op.index);
  }
  void operator()(const DropIndex& op) {
    Table& t = NeedTable(op.table);
    if (!t.FindIndex(op.name)) Fail("table '" + t.name + "' has no index '" + op.name + "'");
    EraseNamed(t.indexes, op.name);
  }
  void operator()(const CreatePrimaryKey& op) {
    Table& t = NeedTable(op.table);
    if (t.primary_key) Fail("table '" + t.name + "' already has a primary key");
    NeedColumns(t, op.key.columns);
    schema::PrimaryKey key = Named(op.key, "pk", {t.name, op.key.columns, "", {}, ""});
    FreshName(t, key.name);
    FreshIndexName(key.name);
    for (const std::string& c : key.columns) t.FindColumn(c)->nullable = false;
    // A column that becomes the key later was made without a sequence: it
    // does not auto-increment (as it would, had it been the key at once).
    if (key.columns.size() == 1) {
      schema::Column* c = t.FindColumn(key.columns[0]);
      if (c->type.IsInteger() && !c->autoincrement) c->autoincrement = false;
    }
    t.primary_key = key;
  }
  void operator()(const CreateUniqueConstraint& op) {
    Table& t = NeedTable(op.table);
    NeedColumns(t, op.constraint.columns);
    schema::UniqueConstraint uq = Named(op.constraint, "uq", {t.name, op.constraint.columns, "", {}, ""});
    FreshName(t, uq.name);
    FreshIndexName(uq.name);
    t.uniques.push_back(uq);
  }
  void operator()(const CreateForeignKey& op) {
    Table& t = NeedTable(op.table);
    NeedColumns(t, op.foreign_key.columns);
    const schema::ForeignKey& given = op.foreign_key;
    schema::ForeignKey fk =
        Named(given, "fk", {t.name, given.columns, given.referred_table, given.referred_columns, ""});
    FreshName(t, fk.name);
    Table copy = t;
    copy.foreign_keys.push_back(fk);
    Validate(copy);
    t = std::move(copy);
  }
  void operator()(const CreateCheckConstraint& op) {
    Table& t = NeedTable(op.table);
    schema::CheckConstraint ck = op.check;
    if (ck.implied) ck.name = schema::ImpliedCheckNameIn(s_, t, ck);
    FreshName(t, ck.name);
    t.checks.push_back(ck);
  }
  void operator()(const DropConstraint& op) {
    Table& t = NeedTable(op.table);
    if (t.primary_key && t.primary_key->name == op.name) {
      if (t.sqlite_autoincrement) {
        Fail("table '" + t.name + "' has sqlite_autoincrement on its primary key; turn it off "
             "(alter_table) before dropping the key");
      }
      t.primary_key.reset();
      return;
    }
    size_t before = t.foreign_keys.size() + t.uniques.size() + t.checks.size();
    EraseNamed(t.foreign_keys, op.name);
    EraseNamed(t.uniques, op.name);
    EraseNamed(t.checks, op.name);
    if (before == t.foreign_keys.size() + t.uniques.size() + t.checks.size()) {
      Fail("table '" + t.name + "' has no constraint '" + op.name + "'" +
           (t.FindIndex(op.name) ? " (it is an index: use drop_index)" : ""));
    }
  }
  void operator()(const CreateEnum& op) {
    if (s_.FindEnum(op.enumeration.name)) Fail("enum '" + op.enumeration.name + "' already exists");
    s_.enums.push_back(op.enumeration);
  }
  void operator()(const DropEnum& op) {
    if (!s_.FindEnum(op.name)) Fail("enum '" + op.name + "' does not exist");
    for (const Table& t : s_.tables) {
      for (const auto& c : t.columns) {
        if (c.type.kind == schema::TypeKind::kEnum && c.type.enum_name == op.name) {
          Fail("enum '" + op.name + "' is still used by column '" + t.name + "." + c.name + "'");
        }
      }
    }
    EraseNamed(s_.enums, op.name);
  }
  void operator()(const AddEnumValue& op) {
    auto e = std::find_if(s_.enums.begin(), s_.enums.end(),
                          [&](const schema::Enum& x) { return x.name == op.name; });
    if (e == s_.enums.end()) Fail("enum '" + op.name + "' does not exist");
    std::vector<std::string>& values = e->values;
    if (Mentions(values, op.value)) {
      Fail("enum '" + op.name + "' already has value '" + op.value + "'");
    }
    auto at = values.end();
    if (op.before || op.after) {
      const std::string& anchor = op.before ? *op.before : *op.after;
      at = std::find(values.begin(), values.end(), anchor);
      if (at == values.end()) Fail("enum '" + op.name + "' has no value '" + anchor + "'");
      if (op.after) ++at;
    }
    values.insert(at, op.value);
  }
  void operator()(const DropEnumValue& op) {
    auto e = std::find_if(s_.enums.begin(), s_.enums.end(),
                          [&](const schema::Enum& x) { return x.name == op.name; });
    if (e == s_.enums.end()) Fail("enum '" + op.name + "' does not exist");
    std::vector<std::string>& values = e->values;
    if (!Mentions(values, op.value)) Fail("enum '" + op.name + "' has no value '" + op.value + "'");
    if (values.size() == 1) {
      Fail("cannot drop value '" + op.value + "', the last value of enum '" + op.name +
           "'; drop the enum instead");
    }
    // A default the enum no longer has would fail every insert relying on
    // it, and PostgreSQL could not even put it back after the type change.
    for (const Table& t : s_.tables) {
      for (const auto& c : t.columns) {
        auto defaults_to_it = [&](const std::optional<schema::Default>& d) {
          return d && d->kind == schema::Default::Kind::kLiteral && d->value == op.value;
        };
        bool defaults = false;
        for (const std::string& dialect : schema::FileDialects()) {
          defaults = defaults || defaults_to_it(schema::DefaultFor(c.server_default, dialect));
        }
        if (c.type.kind == schema::TypeKind::kEnum && c.type.enum_name == op.name && defaults) {
          Fail("cannot drop value '" + op.value + "' of enum '" + op.name + "': column '" +
               t.name + "." + c.name + "' defaults to it");
        }
      }
    }
    std::erase(values, op.value);
  }
  void operator()(const RenameEnumValue& op) {
    auto e = std::find_if(s_.enums.begin(), s_.enums.end(),
                          [&](const schema::Enum& x) { return x.name == op.name; });
    if (e == s_.enums.end()) Fail("enum '" + op.name + "' does not exist");
    auto at = std::find(e->values.begin(), e->values.end(), op.value);
    if (at == e->values.end()) Fail("enum '" + op.name + "' has no value '" + op.value + "'");
    if (Mentions(e->values, op.new_value)) {
      Fail("enum '" + op.name + "' already has value '" + op.new_value + "'");
    }
    *at = op.new_value;
    // Rows and defaults holding the label hold the new one.
    auto rename = [&](std::string& value) {
      if (value == op.value) value = op.new_value;
    };
    for (Table& t : s_.tables) {
      for (schema::Column& c : t.columns) {
        if (c.type.kind != schema::TypeKind::kEnum || c.type.enum_name != op.name || !c.server_default) {
          continue;
        }
        schema::Default& d = *c.server_default;
        if (d.kind == schema::Default::Kind::kLiteral) rename(d.value);
        for (auto& [dialect, one] : d.dialects) {
          if (one.first == schema::Default::Kind::kLiteral) rename(one.second);
        }
      }
    }
  }
  void operator()(const AlterTable& op) {
    Table& t = NeedTable(op.table);
    if (op.sqlite_autoincrement) {
      Table changed = t;
      changed.sqlite_autoincrement = *op.sqlite_autoincrement;
      if (std::string problem = schema::AutoincrementProblem(changed); !problem.empty()) Fail(problem);
      t = std::move(changed);
    }
  }
  void operator()(const CreateView& op) {
    NameFree("view", op.view.name);
    for (const schema::Index& ix : op.view.indexes) FreshIndexName(ix.name);
    s_.views.push_back(op.view);
  }
  void operator()(const ReplaceView& op) {
    // Made again: it now comes after the views it may read.
    schema::View v = NeedView(op.name);
    v.sql = op.sql;
    std::erase_if(s_.views, [&](const schema::View& x) { return x.name == op.name; });
    s_.views.push_back(std::move(v));
  }
  void operator()(const DropView& op) {
    NeedView(op.name);
    std::erase_if(s_.views, [&](const schema::View& v) { return v.name == op.name; });
    std::erase_if(s_.triggers, [&](const schema::Trigger& x) { return x.table == op.name; });
  }
  void operator()(const CreateTrigger& op) {
    const schema::Trigger& x = op.trigger;
    if (Table* t = s_.FindTable(x.table)) {
      for (const std::string& c : x.columns) NeedColumn(*t, c);
    } else if (!s_.FindView(x.table)) {
      Fail("trigger '" + x.name + "' is on '" + x.table + "', which is no table or view");
    }
    if (s_.FindTrigger(x.table, x.name)) Fail("trigger '" + x.name + "' on '" + x.table + "' already exists");
    s_.triggers.push_back(x);
  }
  void operator()(const DropTrigger& op) {
    if (!s_.FindTrigger(op.table, op.name)) {
      Fail("trigger '" + op.name + "' on '" + op.table + "' does not exist");
    }
    std::erase_if(s_.triggers, [&](const schema::Trigger& x) { return x.table == op.table && x.name == op.name; });
  }
  void operator()(const CreateExtension& op) {
    if (s_.FindExtension(op.extension.name)) {
      if (op.if_not_exists) return;
      Fail("extension '" + op.extension.name + "' already exists");
    }
    s_.extensions.push_back(op.extension);
  }
  void operator()(const UpdateExtension& op) { NeedExtension(op.name).version = op.version; }
  void operator()(const DropExtension& op) {
    NeedExtension(op.name);
    std::erase_if(s_.extensions, [&](const schema::Extension& x) { return x.name == op.name; });
  }
  void operator()(const CreateFunction& op) {
    const schema::Function& f = op.function;
    if (const schema::Function* other = s_.FindFunction(f.Signature())) {
      Fail(std::string(schema::FunctionKindName(other->kind)) + " " + f.Signature() + " already exists");
    }
    s_.functions.push_back(f);
  }
  void operator()(const ReplaceFunction& op) {
    NeedFunction(op.name, op.arguments).definition = op.definition;
  }
  void operator()(const DropFunction& op) {
    const std::string signature = NeedFunction(op.name, op.arguments).Signature();
    std::erase_if(s_.functions, [&](const schema::Function& f) { return f.Signature() == signature; });
  }
  void operator()(const CreateSequence& op) {
    NameFree("sequence", op.sequence.name);
    CheckSequence(op.sequence);
    s_.sequences.push_back(op.sequence);
  }
  void operator()(const DropSequence& op) {
    if (!s_.FindSequence(op.name)) Fail("sequence '" + op.name + "' does not exist");
    std::erase_if(s_.sequences, [&](const schema::Sequence& q) { return q.name == op.name; });
  }
  void operator()(const AlterSequence& op) {
    auto q = std::find_if(s_.sequences.begin(), s_.sequences.end(),
                          [&](const schema::Sequence& x) { return x.name == op.name; });
    if (q == s_.sequences.end()) Fail("sequence '" + op.name + "' does not exist");
    schema::Sequence changed = AlteredSequence(*q, op);
    if ((*changed.increment > 0) != (*schema::ResolvedSequence(*q).increment > 0)) {
      Fail("sequence '" + op.name + "' would count the other way; drop it and create it again");
    }
    CheckSequence(changed);
    *q = std::move(changed);
  }
  void operator()(const CreateTableComment& op) { NeedTable(op.table).comment = op.comment; }
  void operator()(const DropTableComment& op) { NeedTable(op.table).comment.clear(); }
  void operator()(const BulkInsert& op) {
    Table& t = NeedTable(op.table);
    for (const auto& row : op.rows) {
      for (const auto& [column, value] : row) NeedColumn(t, column);
    }
  }
  void operator()(const Execute& op) {
    for (const OpAt& effect : op.effect) std::visit(*this, effect.op);
  }

 private:
  // Tables, views and sequences share one namespace (PostgreSQL's
  // relations): `name` must be free of all three for a new `kind`.
  void NameFree(const std::string& kind, const std::string& name) {
    const char* taken = s_.FindTable(name) ? "table" : s_.FindView(name) ? "view"
                        : s_.FindSequence(name) ? "sequence" : nullptr;
    if (!taken) return;
    if (kind == taken) Fail(kind + " '" + name + "' already exists");
    Fail(kind + " '" + name + "' would take the name of a " + taken);
  }
  schema::View& NeedView(const std::string& name) {
    auto v = std::find_if(s_.views.begin(), s_.views.end(),
                          [&](const schema::View& x) { return x.name == name; });
    if (v == s_.views.end()) Fail("view '" + name + "' does not exist");
    return *v;
  }
  schema::Extension& NeedExtension(const std::string& name) {
    auto x = std::find_if(s_.extensions.begin(), s_.extensions.end(),
                          [&](const schema::Extension& e) { return e.name == name; });
    if (x == s_.extensions.end()) Fail("extension '" + name + "' does not exist");
    return *x;
  }
  schema::Function& NeedFunction(const std::string& name, const std::string& arguments) {
    const std::string signature = name + "(" + arguments + ")";
    auto f = std::find_if(s_.functions.begin(), s_.functions.end(),
                          [&](const schema::Function& x) { return x.Signature() == signature; });
    if (f == s_.functions.end()) Fail("function " + signature + " does not exist");
    return *f;
  }
  void CheckSequence(const schema::Sequence& q) {
    std::string problem = schema::SequenceProblem(q);
    if (!problem.empty()) Fail(problem);
    if (q.owned_by.empty()) return;
    auto [table, column] = q.Owner();
    if (column.empty()) Fail("sequence '" + q.name + "': owned_by must be table.column");
    NeedColumn(NeedTable(table), column);
  }
  void RenameColumnEverywhere(const std::string& table, const std::string& from,
                              const std::string& to) {
    auto rename = [&](std::vector<std::string>& cols) {
      for (std::string& c : cols) {
        if (c == from) c = to;
      }
    };
    for (Table& t : s_.tables) {
      if (t.name == table) {
        if (t.primary_key) rename(t.primary_key->columns);
        for (auto& x : t.foreign_keys) rename(x.columns);
        for (auto& x : t.uniques) rename(x.columns);
        for (auto& x : t.indexes) {
          for (schema::IndexEntry& e : x.entries) {
            if (e.column == from) e.column = to;
            if (!e.expr.empty()) e.expr = RenameIdentifier(e.expr, from, to);
          }
          if (!x.where.empty()) x.where = RenameIdentifier(x.where, from, to);
          rename(x.include);
        }
        // As both databases do: the name changes inside check expressions.
        for (auto& x : t.checks) x.expr = RenameIdentifier(x.expr, from, to);
      }
      for (auto& fk : t.foreign_keys) {
        if (fk.referred_table == table) rename(fk.referred_columns);
      }
    }
  }

  Schema& s_;
  const Location& where_;
};

}  // namespace

void Apply(const OpAt& op, Schema& schema) {
  Replayer replayer(schema, op.where);
  std::visit(replayer, op.op);
}

void KeepImpliedNames(Operation& op, Schema& schema) {
  auto keep = [](auto& c, const std::string& would_be) {
    if (c.implied && c.name != would_be) c.implied = false;
  };
  auto keep_fk = [&](schema::ForeignKey& fk, const std::string& table) {
    keep(fk, schema::ImpliedNameIn(schema, "fk", {table, fk.columns, fk.referred_table, fk.referred_columns, ""}));
  };
  std::visit(
      Overloaded{
          [&](CreateTable& o) {
            // Named as the new table, for a moment, then taken out again.
            schema.tables.push_back(o.table);
            schema::NameImplied(schema, o.table.name);
            const Table named = std::move(schema.tables.back());
            schema.tables.pop_back();
            if (o.table.primary_key) keep(*o.table.primary_key, named.primary_key->name);
            for (size_t i = 0; i < o.table.uniques.size(); ++i) keep(o.table.uniques[i], named.uniques[i].name);
            for (size_t i = 0; i < o.table.checks.size(); ++i) keep(o.table.checks[i], named.checks[i].name);
            for (size_t i = 0; i < o.table.foreign_keys.size(); ++i) {
              keep(o.table.foreign_keys[i], named.foreign_keys[i].name);
            }
          },
          [&](AddColumn& o) {
            for (auto& fk : o.foreign_keys) keep_fk(fk, o.table);
            for (auto& uq : o.uniques) keep(uq, schema::ImpliedNameIn(schema, "uq", {o.table, uq.columns, "", {}, ""}));
          },
          [&](CreatePrimaryKey& o) {
            keep(o.key, schema::ImpliedNameIn(schema, "pk", {o.table, o.key.columns, "", {}, ""}));
          },
          [&](CreateUniqueConstraint& o) {
            keep(o.constraint, schema::ImpliedNameIn(schema, "uq", {o.table, o.constraint.columns, "", {}, ""}));
          },
          [&](CreateForeignKey& o) { keep_fk(o.foreign_key, o.table); },
          [&](CreateCheckConstraint& o) {
            if (const Table* t = schema.FindTable(o.table)) {
              keep(o.check, schema::ImpliedCheckNameIn(schema, *t, o.check));
            }
          },
          [](auto&) {},
      },
      op);
}

std::vector<OpAt> Invert(const OpAt& at, const Schema& before) {
  std::vector<Operation> out;
  auto table = [&](const std::string& name) -> const Table& {
    const Table* t = before.FindTable(name);
    if (!t) throw Error(ErrorKind::kInput, "table '" + name + "' does not exist", at.where);
    return *t;
  };
  // The sequences column `table`.`column` owned, made again (they went
  // with it).
  auto owned_sequences = [&](const std::string& table_name, const std::string& column) {
    for (const schema::Sequence& q : before.sequences) {
      if (q.owned_by == table_name + "." + column) out.push_back(CreateSequence{q});
    }
  };
  // The table's comment as it was: set again, or dropped when it had none.
  auto restore_comment = [&](const std::string& name) {
    const std::string& old = table(name).comment;
    if (old.empty()) {
      out.push_back(DropTableComment{name});
    } else {
      out.push_back(CreateTableComment{name, old});
    }
  };
  auto recreate = [&](const std::string& t, const std::string& name) {
    const Table& tab = table(t);
    if (tab.primary_key && tab.primary_key->name == name) {
      out.push_back(CreatePrimaryKey{t, *tab.primary_key});
    }
    for (const auto& x : tab.foreign_keys) {
      if (x.name == name) out.push_back(CreateForeignKey{t, x});
    }
    for (const auto& x : tab.uniques) {
      if (x.name == name) out.push_back(CreateUniqueConstraint{t, x});
    }
    for (const auto& x : tab.checks) {
      if (x.name == name) out.push_back(CreateCheckConstraint{t, x});
    }
  };
  std::visit(
      Overloaded{
          [&](const CreateTable& op) { out.push_back(DropTable{op.table.name}); },
          [&](const DropTable& op) {
            const Table& t = table(op.table);
            out.push_back(CreateTable{t});
            for (const schema::Column& c : t.columns) owned_sequences(t.name, c.name);
            for (const schema::Trigger& x : before.triggers) {
              if (x.table == t.name) out.push_back(CreateTrigger{x});
            }
          },
          [&](const RenameTable& op) { out.push_back(RenameTable{op.new_name, op.table}); },
          [&](const AddColumn& op) { out.push_back(DropColumn{op.table, op.column.name}); },
          [&](const DropColumn& op) {
            const Table& t = table(op.table);
            const schema::Column* c = t.FindColumn(op.column);
            if (!c) {
              throw Error(ErrorKind::kInput, "table '" + t.name + "' has no column '" +
                                                 op.column + "'", at.where);
            }
            out.push_back(AddColumn{t.name, *c, {}, {}, {}});
            if (t.primary_key && Mentions(t.primary_key->columns, op.column)) {
              out.push_back(CreatePrimaryKey{t.name, *t.primary_key});
            }
            for (const auto& x : t.foreign_keys) {
              if (Mentions(x.columns, op.column)) out.push_back(CreateForeignKey{t.name, x});
            }
            for (const auto& x : t.uniques) {
              if (Mentions(x.columns, op.column)) out.push_back(CreateUniqueConstraint{t.name, x});
            }
            for (const auto& x : t.indexes) {
              if (x.Uses(op.column)) out.push_back(CreateIndex{t.name, x});
            }
            owned_sequences(t.name, op.column);
          },
          [&](const AlterColumn& op) {
            const Table& t = table(op.table);
            const schema::Column* c = t.FindColumn(op.column);
            if (!c) {
              throw Error(ErrorKind::kInput, "table '" + t.name + "' has no column '" +
                                                 op.column + "'", at.where);
            }
            AlterColumn undo{t.name, op.new_name.value_or(op.column), {}, {}, {}, {}};
            if (op.type) undo.type = c->type;
            if (op.nullable) undo.nullable = c->nullable;
            if (op.server_default) undo.server_default = c->server_default;
            if (op.identity) undo.identity = c->identity;
            if (op.comment) undo.comment = c->comment;
            if (op.new_name && *op.new_name != op.column) undo.new_name = op.column;
            out.push_back(undo);
          },
          [&](const CreateIndex& op) {
            out.push_back(DropIndex{op.table, op.index.name, op.concurrently});
          },
          [&](const DropIndex& op) {
            const schema::Index* index = table(op.table).FindIndex(op.name);
            if (!index) {
              throw Error(ErrorKind::kInput, "table '" + op.table + "' has no index '" +
                                                 op.name + "'", at.where);
            }
            out.push_back(CreateIndex{op.table, *index, op.concurrently});
          },
          [&](const CreatePrimaryKey& op) { out.push_back(DropConstraint{op.table, op.key.name}); },
          [&](const CreateUniqueConstraint& op) {
            out.push_back(DropConstraint{op.table, op.constraint.name});
          },
          [&](const CreateForeignKey& op) {
            out.push_back(DropConstraint{op.table, op.foreign_key.name});
          },
          [&](const CreateCheckConstraint& op) {
            out.push_back(DropConstraint{op.table, op.check.name});
          },
          [&](const DropConstraint& op) { recreate(op.table, op.name); },
          [&](const CreateEnum& op) { out.push_back(DropEnum{op.enumeration.name}); },
          [&](const DropEnum& op) {
            const schema::Enum* e = before.FindEnum(op.name);
            if (!e) throw Error(ErrorKind::kInput, "enum '" + op.name + "' does not exist", at.where);
            out.push_back(CreateEnum{*e});
          },
          [&](const AddEnumValue& op) { out.push_back(DropEnumValue{op.name, op.value}); },
          [&](const DropEnumValue& op) {
            const schema::Enum* e = before.FindEnum(op.name);
            if (!e) throw Error(ErrorKind::kInput, "enum '" + op.name + "' does not exist", at.where);
            auto it = std::find(e->values.begin(), e->values.end(), op.value);
            if (it == e->values.end()) {
              throw Error(ErrorKind::kInput, "enum '" + op.name + "' has no value '" + op.value + "'",
                          at.where);
            }
            // Back in its place: after the value before it, or before the
            // next when it was first.
            AddEnumValue undo{op.name, op.value, {}, {}};
            if (it != e->values.begin()) {
              undo.after = *(it - 1);
            } else if (it + 1 != e->values.end()) {
              undo.before = *(it + 1);
            }
            out.push_back(undo);
          },
          [&](const RenameEnumValue& op) {
            out.push_back(RenameEnumValue{op.name, op.new_value, op.value});
          },
          [&](const AlterTable& op) {
            AlterTable undo{op.table};
            if (op.sqlite_autoincrement) undo.sqlite_autoincrement = table(op.table).sqlite_autoincrement;
            out.push_back(undo);
          },
          [&](const CreateView& op) { out.push_back(DropView{op.view.name}); },
          [&](const ReplaceView& op) {
            const schema::View* v = before.FindView(op.name);
            if (!v) throw Error(ErrorKind::kInput, "view '" + op.name + "' does not exist", at.where);
            out.push_back(ReplaceView{op.name, v->sql});
          },
          [&](const DropView& op) {
            const schema::View* v = before.FindView(op.name);
            if (!v) throw Error(ErrorKind::kInput, "view '" + op.name + "' does not exist", at.where);
            out.push_back(CreateView{*v});
            for (const schema::Trigger& x : before.triggers) {
              if (x.table == v->name) out.push_back(CreateTrigger{x});
            }
          },
          [&](const CreateTrigger& op) { out.push_back(DropTrigger{op.trigger.table, op.trigger.name}); },
          [&](const DropTrigger& op) {
            const schema::Trigger* x = before.FindTrigger(op.table, op.name);
            if (!x) {
              throw Error(ErrorKind::kInput, "trigger '" + op.name + "' on '" + op.table + "' does not exist",
                          at.where);
            }
            out.push_back(CreateTrigger{*x});
          },
          [&](const CreateExtension& op) {
            if (op.if_not_exists && before.FindExtension(op.extension.name)) return;  // it changed nothing
            out.push_back(DropExtension{op.extension.name});
          },
          [&](const UpdateExtension& op) {
            const schema::Extension* x = before.FindExtension(op.name);
            if (!x) throw Error(ErrorKind::kInput, "extension '" + op.name + "' does not exist", at.where);
            if (x->version.empty()) {
              throw Error(ErrorKind::kIrreversible,
                          "update_extension '" + op.name +
                              "' has no inverse: the version it had is not known (declare the extension's "
                              "version where it is created)",
                          at.where);
            }
            out.push_back(UpdateExtension{op.name, x->version});
          },
          [&](const DropExtension& op) {
            const schema::Extension* x = before.FindExtension(op.name);
            if (!x) throw Error(ErrorKind::kInput, "extension '" + op.name + "' does not exist", at.where);
            out.push_back(CreateExtension{*x});
          },
          [&](const CreateFunction& op) {
            out.push_back(DropFunction{op.function.name, op.function.arguments});
          },
          [&](const ReplaceFunction& op) {
            const schema::Function* f = before.FindFunction(op.name + "(" + op.arguments + ")");
            if (!f) {
              throw Error(ErrorKind::kInput, "function " + op.name + "(" + op.arguments + ") does not exist",
                          at.where);
            }
            out.push_back(ReplaceFunction{op.name, op.arguments, f->definition});
          },
          [&](const DropFunction& op) {
            const schema::Function* f = before.FindFunction(op.name + "(" + op.arguments + ")");
            if (!f) {
              throw Error(ErrorKind::kInput, "function " + op.name + "(" + op.arguments + ") does not exist",
                          at.where);
            }
            out.push_back(CreateFunction{*f});
          },
          [&](const CreateSequence& op) { out.push_back(DropSequence{op.sequence.name}); },
          [&](const DropSequence& op) {
            const schema::Sequence* q = before.FindSequence(op.name);
            if (!q) throw Error(ErrorKind::kInput, "sequence '" + op.name + "' does not exist", at.where);
            out.push_back(CreateSequence{*q});
          },
          [&](const AlterSequence& op) {
            const schema::Sequence* q = before.FindSequence(op.name);
            if (!q) throw Error(ErrorKind::kInput, "sequence '" + op.name + "' does not exist", at.where);
            AlterSequence undo{op.name};
            if (op.type) {
              // Bounds that follow a type go back as they were.
              undo.type = q->type.value_or(schema::Type{.kind = schema::TypeKind::kBigInt});
              undo.minvalue = q->minvalue;
              undo.maxvalue = q->maxvalue;
            }
            if (op.start) undo.start = q->start;
            if (op.increment) undo.increment = q->increment;
            if (op.minvalue) undo.minvalue = q->minvalue;
            if (op.maxvalue) undo.maxvalue = q->maxvalue;
            if (op.cycle) undo.cycle = q->cycle;
            if (op.owned_by) undo.owned_by = q->owned_by;
            out.push_back(undo);
          },
          [&](const CreateTableComment& op) { restore_comment(op.table); },
          [&](const DropTableComment& op) { restore_comment(op.table); },
          [&](const BulkInsert&) {
            throw Error(ErrorKind::kIrreversible, "bulk_insert has no inverse", at.where);
          },
          [&](const Execute&) {
            throw Error(ErrorKind::kIrreversible, "execute has no inverse", at.where);
          },
      },
      at.op);
  // What the undo recreates under an implied name must get that very name.
  auto implied = [](const Operation& op) {
    return std::visit(Overloaded{
                          [](const CreateTable& o) {
                            auto any = [](const auto& v) {
                              return std::any_of(v.begin(), v.end(), [](const auto& c) { return c.implied; });
                            };
                            return (o.table.primary_key && o.table.primary_key->implied) ||
                                   any(o.table.uniques) || any(o.table.checks) || any(o.table.foreign_keys);
                          },
                          [](const CreatePrimaryKey& o) { return o.key.implied; },
                          [](const CreateUniqueConstraint& o) { return o.constraint.implied; },
                          [](const CreateForeignKey& o) { return o.foreign_key.implied; },
                          [](const CreateCheckConstraint& o) { return o.check.implied; },
                          [](const AddColumn& o) {
                            auto any = [](const auto& v) {
                              return std::any_of(v.begin(), v.end(), [](const auto& c) { return c.implied; });
                            };
                            return any(o.foreign_keys) || any(o.uniques);
                          },
                          [](const auto&) { return false; },
                      },
                      op);
  };
  if (std::any_of(out.begin(), out.end(), implied)) {
    Schema state = before;
    Apply(at, state);
    for (Operation& op : out) {
      KeepImpliedNames(op, state);
      Apply(OpAt{op, at.where}, state);
    }
  }
  std::vector<OpAt> result;
  for (Operation& op : out) result.push_back(OpAt{std::move(op), at.where});
  return result;
}

std::vector<OpAt> DeriveDowngrade(const std::vector<OpAt>& upgrade, Schema before) {
  return ApplyDeriving(upgrade, before);
}

std::vector<OpAt> ApplyDeriving(const std::vector<OpAt>& upgrade, Schema& before) {
  std::vector<std::vector<OpAt>> undo;
  undo.reserve(upgrade.size());
  for (const OpAt& op : upgrade) {
    if (!IsReversible(op.op)) {
      throw Error(ErrorKind::kIrreversible,
                  OperationName(op.op) + " has no inverse; write an explicit downgrade",
                  op.where);
    }
    undo.push_back(Invert(op, before));
    Apply(op, before);
  }
  std::vector<OpAt> out;
  for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
    for (OpAt& op : *it) out.push_back(std::move(op));
  }
  return out;
}

}  // namespace retort::ops
