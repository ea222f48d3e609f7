#include "dialect/sqlite/sqlite_dialect.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "dialect/sqlite/sqlite_rebuild.h"
#include "ops/replay.h"

#include "dialect/sql_text.h"
#include "schema/naming.h"

namespace retort::dialect {
namespace {

using schema::Column;
using schema::Schema;
using schema::Table;
using schema::Type;
using schema::TypeKind;

// Thrown by RenderNative for an operation SQLite's ALTER TABLE cannot do:
// RenderOps rebuilds the tables instead.
struct RebuildNeeded {
  std::vector<std::string> tables;
};

[[noreturn]] void NeedsRebuild(const std::string& table) { throw RebuildNeeded{{table}}; }

// A change of enum `name`'s labels: they are in the CHECK constraint of
// every column using it, so each table with such a column is rebuilt.
void RebuildEnumUsers(const std::string& name, const Schema& before) {
  RebuildNeeded users;
  for (const Table& t : before.tables) {
    for (const Column& c : t.columns) {
      if (c.type.kind == TypeKind::kEnum && c.type.enum_name == name &&
          (users.tables.empty() || users.tables.back() != t.name)) {
        users.tables.push_back(t.name);
      }
    }
  }
  if (!users.tables.empty()) throw users;
}

bool AutoIncrements(const Table& table, const Column& column) {
  return column.type.IsInteger() && table.IsSolePrimaryKey(column.name) &&
         column.autoincrement.value_or(true);
}

[[noreturn]] void NoSequences(const std::string& name) {
  throw Error(ErrorKind::kInput, "sequence '" + name + "': SQLite has no sequences (an integer "
                                 "primary key takes its values from the rowid)");
}

}  // namespace

std::string SqliteDialect::CreateTriggerSql(const schema::Trigger& t) const {
  const std::string what = "trigger '" + t.name + "'";
  if (t.body.empty()) {
    throw Error(ErrorKind::kInput, what + ": a SQLite trigger has a body of statements, not a function to "
                                   "call: give 'body' ('execute' is PostgreSQL's)");
  }
  if (t.events.size() != 1) {
    throw Error(ErrorKind::kInput, what + ": a SQLite trigger fires on one event; declare one trigger per event");
  }
  if (t.events[0] == "truncate") throw Error(ErrorKind::kInput, what + ": SQLite has no TRUNCATE");
  if (!t.for_each_row) {
    throw Error(ErrorKind::kInput, what + ": SQLite triggers fire for each row, not for each statement");
  }
  if (t.deferral.deferrable) throw Error(ErrorKind::kInput, what + ": SQLite has no deferrable triggers");
  std::string out = "CREATE TRIGGER " + Quote(t.name) + " " + ToUpper(schema::TimingName(t.timing)) + " " +
                    ToUpper(t.events[0]);
  if (!t.columns.empty()) out += " OF " + QuotedNames(t.columns);
  out += " ON " + Quote(t.table) + " FOR EACH ROW";
  if (!t.when.empty()) out += " WHEN " + t.when;
  return out + " BEGIN " + t.body + "; END";
}

namespace {

[[noreturn]] void NoFunctions(const std::string& signature) {
  throw Error(ErrorKind::kInput, signature + ": SQLite keeps no functions in the database (an "
                                 "application registers them on its connection)");
}

[[noreturn]] void NoExtensions(const std::string& name) {
  throw Error(ErrorKind::kInput, "extension '" + name + "': SQLite has no CREATE EXTENSION (a loadable "
                                 "extension is loaded by the application on its connection)");
}

// SQLite has no identity columns: the rowid is the one sequence a table has.
void RequireRowidIdentity(const Table& table, const Column& column) {
  if (column.identity && !AutoIncrements(table, column)) {
    throw Error(ErrorKind::kInput,
                "identity column '" + table.name + "." + column.name +
                    "': SQLite has no identity columns; only a table's single-column integer "
                    "primary key takes its values from a sequence (the rowid)");
  }
}

}  // namespace

std::string SqliteDialect::Quote(std::string_view identifier) const {
  return QuoteIdentifier(identifier);
}

std::string SqliteDialect::ColumnType(const Type& type, const Schema& schema) const {
  switch (type.kind) {
    case TypeKind::kInteger: return "INTEGER";
    case TypeKind::kSmallInt: return "SMALLINT";
    case TypeKind::kBigInt: return "BIGINT";
    case TypeKind::kFloat: return "FLOAT";
    case TypeKind::kDouble: return "DOUBLE";
    case TypeKind::kNumeric:
      if (!type.precision) return "NUMERIC";
      return "NUMERIC(" + std::to_string(*type.precision) +
             (type.scale ? ", " + std::to_string(*type.scale) : "") + ")";
    case TypeKind::kBoolean: return "BOOLEAN";
    case TypeKind::kString:
      return type.length ? "VARCHAR(" + std::to_string(*type.length) + ")" : "VARCHAR";
    case TypeKind::kText: return "TEXT";
    case TypeKind::kBinary: return "BLOB";
    case TypeKind::kDate: return "DATE";
    case TypeKind::kTime: return "TIME";
    case TypeKind::kDateTime: return "DATETIME";
    case TypeKind::kUuid: return "CHAR(32)";
    case TypeKind::kJson:
    case TypeKind::kJsonb: return "JSON";
    case TypeKind::kEnum: {
      const schema::Enum* e = schema.FindEnum(type.enum_name);
      size_t longest = 1;
      if (e) {
        for (const std::string& v : e->values) longest = std::max(longest, v.size());
      }
      return "VARCHAR(" + std::to_string(longest) + ")";
    }
    case TypeKind::kChar: return type.length ? "CHAR(" + std::to_string(*type.length) + ")" : "CHAR";
    // As SQLAlchemy stores an Interval where there is no native one: the
    // time since the epoch, as a DATETIME.
    case TypeKind::kInterval: return "DATETIME";
    case TypeKind::kArray:
    case TypeKind::kInet:
    case TypeKind::kCidr:
    case TypeKind::kMacaddr:
    case TypeKind::kTsvector:
      throw Error(ErrorKind::kInput,
                  "type " + schema::FormatType(type) + " is PostgreSQL's and SQLite has no such "
                  "type; give the column a raw type with both spellings, e.g. {postgresql: " +
                  schema::FormatType(type) + ", sqlite: TEXT}");
    case TypeKind::kRaw: {
      auto it = type.raw.find("sqlite");
      if (it == type.raw.end()) {
        throw Error(ErrorKind::kInput, "raw type has no sqlite spelling");
      }
      return it->second;
    }
  }
  return "TEXT";
}

std::string SqliteDialect::Literal(const Type& type, const std::string& value) const {
  if (type.kind == TypeKind::kBoolean) {
    if (std::optional<bool> b = BooleanValue(value)) return *b ? "1" : "0";
  }
  if (type.IsNumber() && IsNumberLiteral(value)) return value;
  if (type.kind == TypeKind::kUuid) {
    // Stored as 32 hex digits, as SQLAlchemy's Uuid does on SQLite.
    std::string hex;
    for (char c : value) {
      if (c != '-') hex += static_cast<char>(std::tolower(c));
    }
    if (hex.size() == 32) return QuoteLiteral(hex);
  }
  return QuoteLiteral(value);
}

std::string SqliteDialect::ColumnDefinition(const Table& table, const Column& c,
                                            const Schema& schema) const {
  RequireRowidIdentity(table, c);
  std::string out = Quote(c.name) + " " +
                    (AutoIncrements(table, c) ? "INTEGER" : ColumnType(c.type, schema));
  if (!c.nullable) out += " NOT NULL";
  if (PrimaryKeyInColumn(table) && table.IsSolePrimaryKey(c.name)) {
    // AUTOINCREMENT is a column constraint's word: the key goes here.
    DeferralSql(table.primary_key->deferral, true, "primary key '" + table.primary_key->name + "'");
    out += " " + ConstraintClause(table.primary_key->name, table.primary_key->implied) +
           "PRIMARY KEY AUTOINCREMENT";
  }
  if (std::optional<schema::Default> mine = schema::DefaultFor(c.server_default, name())) {
    const schema::Default& d = *mine;
    switch (d.kind) {
      // As SQLAlchemy writes func.now() here.
      case schema::Default::Kind::kNow: out += " DEFAULT (CURRENT_TIMESTAMP)"; break;
      case schema::Default::Kind::kSql: out += " DEFAULT (" + d.value + ")"; break;
      case schema::Default::Kind::kLiteral: out += " DEFAULT " + Literal(c.type, d.value); break;
      case schema::Default::Kind::kPerDialect: break;  // resolved above
    }
  }
  if (c.computed) {
    // As SQLAlchemy writes Computed: no word when `stored` is unset
    // (SQLite's default, VIRTUAL).
    out += " GENERATED ALWAYS AS (" + c.computed->sql + ")";
    if (c.computed->stored) out += *c.computed->stored ? " STORED" : " VIRTUAL";
  }
  if (c.type.kind == TypeKind::kEnum && HasEnumCheck(c, schema)) {
    // A column constraint, so that DROP COLUMN takes it along.
    schema::CheckConstraint check = EnumCheck(table, c, schema);
    out += " CONSTRAINT " + Quote(check.name) + " CHECK (" + check.expr + ")";
  }
  return out;
}

schema::CheckConstraint SqliteDialect::EnumCheck(const Table& table, const Column& c,
                                                 const Schema& schema) const {
  const schema::Enum* e = schema.FindEnum(c.type.enum_name);
  // Named as SQLAlchemy names an enum's CHECK: after the enum, through
  // the ck template when there is one.
  std::string name = schema::ConventionName(schema.naming, "ck",
                                            {table.name, {c.name}, "", {}, c.type.enum_name})
                         .value_or(c.type.enum_name);
  std::string values;
  if (e) {
    for (const std::string& v : e->values) {
      values += (values.empty() ? "" : ", ") + QuoteLiteral(v);
    }
  }
  return {name, Quote(c.name) + " IN (" + values + ")"};
}

std::vector<std::string> SqliteDialect::Render(const ops::Operation& operation,
                                               const Schema& before) const {
  Schema schema = before;
  SqlText text;
  WriteSteps(RenderOps({ops::OpAt{operation, {}}}, schema), text);
  return text.statements();
}

std::vector<std::string> SqliteDialect::RenderNative(const ops::Operation& operation,
                                                     const Schema& before) const {
  std::vector<std::string> sql;
  auto table_of = [&](const std::string& name) -> const Table& {
    const Table* t = before.FindTable(name);
    if (!t) throw Error(ErrorKind::kInput, "table '" + name + "' does not exist");
    return *t;
  };
  std::visit(
      ops::Overloaded{
          [&](const ops::CreateTable& op) {
            sql.push_back(CreateTableSql(op.table, before));
            for (const auto& index : op.table.indexes) sql.push_back(CreateIndexSql(op.table.name, index));
          },
          [&](const ops::DropTable& op) { sql.push_back("DROP TABLE " + Quote(op.table)); },
          [&](const ops::RenameTable& op) {
            sql.push_back("ALTER TABLE " + Quote(op.table) + " RENAME TO " + Quote(op.new_name));
          },
          [&](const ops::AddColumn& op) {
            const Table& t = table_of(op.table);
            if (!op.uniques.empty()) NeedsRebuild(t.name);
            // SQLite adds no column whose default is not a constant
            // (CURRENT_TIMESTAMP, an expression) to a table holding rows.
            std::optional<schema::Default> mine = schema::DefaultFor(op.column.server_default, name());
            if (mine && mine->kind != schema::Default::Kind::kLiteral) {
              NeedsRebuild(t.name);
            }
            // Nor a STORED generated column.
            if (op.column.computed && op.column.computed->stored.value_or(false)) NeedsRebuild(t.name);
            std::string def = ColumnDefinition(t, op.column, before);
            for (const auto& fk : op.foreign_keys) {
              def += " " + ConstraintClause(fk.name, fk.implied) + ReferencesSql(fk);
            }
            sql.push_back("ALTER TABLE " + Quote(t.name) + " ADD COLUMN " + def);
            for (const auto& index : op.indexes) sql.push_back(CreateIndexSql(t.name, index));
          },
          [&](const ops::DropColumn& op) {
            const Table& t = table_of(op.table);
            auto mentions = [&](const std::vector<std::string>& cols) {
              return std::find(cols.begin(), cols.end(), op.column) != cols.end();
            };
            if (t.primary_key && mentions(t.primary_key->columns)) NeedsRebuild(t.name);
            for (const auto& x : t.uniques) {
              if (mentions(x.columns)) NeedsRebuild(t.name);
            }
            for (const auto& x : t.foreign_keys) {
              if (mentions(x.columns)) NeedsRebuild(t.name);
            }
            for (const auto& index : t.indexes) {
              if (index.Uses(op.column)) sql.push_back("DROP INDEX " + Quote(index.name));
            }
            sql.push_back("ALTER TABLE " + Quote(t.name) + " DROP COLUMN " + Quote(op.column));
          },
          [&](const ops::AlterColumn& op) {
            const Table& t = table_of(op.table);
            const Column* c = t.FindColumn(op.column);
            if (!c) throw Error(ErrorKind::kInput, "table '" + t.name + "' has no column '" + op.column + "'");
            bool changes_type = op.type && *op.type != c->type;
            bool changes_null = op.nullable && *op.nullable != c->nullable;
            bool changes_default =
                op.server_default && schema::DefaultFor(*op.server_default, name()) !=
                                         schema::DefaultFor(c->server_default, name());
            if (op.identity && *op.identity) {
              Column with = *c;
              with.identity = *op.identity;
              RequireRowidIdentity(t, with);  // else the rowid: nothing to change
            }
            if (changes_type || changes_null || changes_default) NeedsRebuild(t.name);
            if (op.new_name && *op.new_name != op.column) {
              // SQLite would rename the column in the views too, and with
              // it their own columns (breaking the views that read those):
              // the views go first and are made again after, keeping their
              // columns' names, as PostgreSQL keeps them.
              std::vector<std::string> names;  // views made again: those reading them too
              std::vector<std::pair<std::string, std::string>> again;
              for (const schema::View& v : before.views) {
                bool reads_column = schema::MentionsName(v.sql, t.name) && schema::MentionsName(v.sql, op.column);
                if (!reads_column && !std::any_of(names.begin(), names.end(), [&](const std::string& n) {
                      return schema::MentionsName(v.sql, n);
                    })) {
                  continue;
                }
                names.push_back(v.name);
                again.emplace_back(v.name, reads_column ? schema::RenameColumnInQuery(v.sql, op.column, *op.new_name)
                                                        : v.sql);
              }
              for (auto it = again.rbegin(); it != again.rend(); ++it) sql.push_back("DROP VIEW " + Quote(it->first));
              sql.push_back("ALTER TABLE " + Quote(t.name) + " RENAME COLUMN " + Quote(op.column) +
                            " TO " + Quote(*op.new_name));
              for (const auto& [name, query] : again) sql.push_back("CREATE VIEW " + Quote(name) + " AS " + query);
            }
          },
          [&](const ops::CreateIndex& op) { sql.push_back(CreateIndexSql(op.table, op.index)); },
          [&](const ops::DropIndex& op) { sql.push_back("DROP INDEX " + Quote(op.name)); },
          [&](const ops::CreatePrimaryKey& op) { NeedsRebuild(table_of(op.table).name); },
          [&](const ops::CreateUniqueConstraint& op) { NeedsRebuild(table_of(op.table).name); },
          [&](const ops::CreateForeignKey& op) { NeedsRebuild(table_of(op.table).name); },
          [&](const ops::CreateCheckConstraint& op) { NeedsRebuild(table_of(op.table).name); },
          [&](const ops::DropConstraint& op) { NeedsRebuild(table_of(op.table).name); },
          // Enums live in each column's CHECK constraint on SQLite.
          [&](const ops::CreateEnum&) {},
          [&](const ops::DropEnum&) {},
          [&](const ops::AddEnumValue& op) { RebuildEnumUsers(op.name, before); },
          [&](const ops::DropEnumValue& op) { RebuildEnumUsers(op.name, before); },
          [&](const ops::RenameEnumValue& op) { RebuildEnumUsers(op.name, before); },
          // SQLite keeps no comments: they stay in the model only.
          [&](const ops::AlterTable& op) {
            const Table& t = table_of(op.table);
            if (op.sqlite_autoincrement && *op.sqlite_autoincrement != t.sqlite_autoincrement) {
              NeedsRebuild(t.name);
            }
          },
          [&](const ops::CreateView& op) {
            if (op.view.materialized) {
              throw Error(ErrorKind::kInput, "view '" + op.view.name +
                                                 "' is materialized, and SQLite has no materialized views");
            }
            sql.push_back("CREATE VIEW " + Quote(op.view.name) + " AS " + op.view.sql);
          },
          [&](const ops::ReplaceView& op) {
            if (!before.FindView(op.name)) throw Error(ErrorKind::kInput, "view '" + op.name + "' does not exist");
            sql.push_back("DROP VIEW " + Quote(op.name));  // SQLite replaces none in place
            sql.push_back("CREATE VIEW " + Quote(op.name) + " AS " + op.sql);
          },
          [&](const ops::DropView& op) { sql.push_back("DROP VIEW " + Quote(op.name)); },
          [&](const ops::CreateTrigger& op) {
            // SQLite's trigger names are one namespace, not one per table.
            for (const schema::Trigger& x : before.triggers) {
              if (x.name == op.trigger.name) {
                throw Error(ErrorKind::kInput, "trigger '" + op.trigger.name + "' on '" + op.trigger.table +
                                                   "': SQLite already has a trigger of that name (on '" +
                                                   x.table + "'); its trigger names are one namespace");
              }
            }
            sql.push_back(CreateTriggerSql(op.trigger));
          },
          [&](const ops::DropTrigger& op) { sql.push_back("DROP TRIGGER " + Quote(op.name)); },
          [&](const ops::CreateFunction& op) { NoFunctions(op.function.Signature()); },
          [&](const ops::ReplaceFunction& op) { NoFunctions(op.name + "(" + op.arguments + ")"); },
          [&](const ops::DropFunction& op) { NoFunctions(op.name + "(" + op.arguments + ")"); },
          [&](const ops::CreateExtension& op) { NoExtensions(op.extension.name); },
          [&](const ops::UpdateExtension& op) { NoExtensions(op.name); },
          [&](const ops::DropExtension& op) { NoExtensions(op.name); },
          [&](const ops::CreateSequence& op) { NoSequences(op.sequence.name); },
          [&](const ops::DropSequence& op) { NoSequences(op.name); },
          [&](const ops::AlterSequence& op) { NoSequences(op.name); },
          [&](const ops::CreateTableComment& op) { table_of(op.table); },
          [&](const ops::DropTableComment& op) { table_of(op.table); },
          [&](const ops::BulkInsert& op) {
            for (std::string& i : InsertSql(table_of(op.table), op)) sql.push_back(std::move(i));
          },
          [&](const ops::Execute& op) {
            auto it = op.sql.find("sqlite");
            if (it == op.sql.end()) it = op.sql.find("");
            if (it != op.sql.end()) sql.push_back(it->second);
          },
      },
      operation);
  return sql;
}

namespace {

// An alter_column that renames and changes more becomes two: the native
// RENAME COLUMN, which SQLite carries into triggers, views and other
// tables' foreign keys, then the change (a rebuild) under the new name.
std::vector<ops::OpAt> SplitRenames(const std::vector<ops::OpAt>& operations) {
  std::vector<ops::OpAt> out;
  for (const ops::OpAt& op : operations) {
    const auto* alter = std::get_if<ops::AlterColumn>(&op.op);
    if (!alter || !alter->new_name || *alter->new_name == alter->column ||
        !alter->ChangesDefinition()) {
      out.push_back(op);
      continue;
    }
    ops::AlterColumn rename{alter->table, alter->column, {}, {}, {}, alter->new_name};
    ops::AlterColumn change = *alter;
    change.column = *alter->new_name;
    change.new_name.reset();
    out.push_back({rename, op.where});
    out.push_back({change, op.where});
  }
  return out;
}

}  // namespace

std::vector<Step> SqliteDialect::RenderOps(const std::vector<ops::OpAt>& requested,
                                           Schema& schema) const {
  const std::vector<ops::OpAt> operations = SplitRenames(requested);
  std::vector<Step> out;
  size_t i = 0;
  while (i < operations.size()) {
    const ops::OpAt& op = operations[i];
    std::optional<RebuildNeeded> rebuild;
    std::vector<std::string> sql;
    try {
      sql = RenderNative(op.op, schema);
    } catch (const RebuildNeeded& r) {
      rebuild = r;
    } catch (const Error& e) {
      Schema probe = schema;  // only on this error path: the clearer message first
      ops::Apply(op, probe);
      throw e.WithContext(op.where);
    }
    if (!rebuild) {
      bool single = !std::holds_alternative<ops::Execute>(op.op);
      for (std::string& s : sql) out.push_back(Statement{std::move(s), {}, op.where, single});
      ops::Apply(op, schema);
      ++i;
      continue;
    }
    Schema before = schema;
    if (rebuild->tables.size() != 1) {
      // An operation on several tables at once (an enum's labels).
      ops::Apply(op, schema);
      for (const std::string& name : rebuild->tables) {
        const Table& b = *before.FindTable(name);
        RebuildSources sources = IdentitySources(b);
        TrackSources(op.op, b, sources);
        out.push_back(RebuildTable(*this, b, *schema.FindTable(name), sources, before, schema,
                                   op.where));
      }
      ++i;
      continue;
    }
    // Fold the following operations that rebuild the same table into one.
    const std::string table = rebuild->tables[0];
    RebuildSources sources = IdentitySources(*before.FindTable(table));
    // Names the fold's operations so far have used: a rename of one of them
    // cannot move ahead of them. A check's expression may name any column.
    std::set<std::string> touched;
    bool has_check = false;
    size_t j = i;
    while (j < operations.size()) {
      const ops::OpAt& next = operations[j];
      const auto* alter = std::get_if<ops::AlterColumn>(&next.op);
      bool plain_rename = j > i && alter && alter->table == table && alter->new_name &&
                          !alter->ChangesDefinition();
      if (plain_rename && (has_check || touched.count(alter->column) || touched.count(*alter->new_name))) {
        break;  // it runs after this rebuild, in place
      }
      if (plain_rename) {
        // A plain rename joins the fold as the native RENAME COLUMN, run
        // before the rebuild, on the old table.
        for (std::string& sql : RenderNative(next.op, schema)) {
          out.push_back(Statement{std::move(sql), {}, next.where, true});
        }
        ColumnSource source = sources[alter->column];
        sources.erase(alter->column);
        if (source.from == alter->column) source.from = *alter->new_name;
        sources[*alter->new_name] = source;
        ops::Apply(next, before);
        ops::Apply(next, schema);
        ++j;
        continue;
      }
      if (j > i) {
        try {
          RenderNative(next.op, schema);
          break;  // SQLite can do it in place: the fold ends here
        } catch (const RebuildNeeded& r) {
          if (r.tables != rebuild->tables) break;
        } catch (const Error&) {
          break;  // rendered (and reported) on its own
        }
      }
      std::visit(ops::Overloaded{
                     [&](const ops::AlterColumn& a) {
                       touched.insert(a.column);
                       if (a.new_name) touched.insert(*a.new_name);
                     },
                     [&](const ops::DropColumn& d) { touched.insert(d.column); },
                     [&](const ops::AddColumn& a) { touched.insert(a.column.name); },
                     [&](const ops::CreateCheckConstraint&) { has_check = true; },
                     [](const auto&) {},
                 },
                 next.op);
      TrackSources(next.op, *schema.FindTable(table), sources);
      ops::Apply(next, schema);
      ++j;
    }
    out.push_back(RebuildTable(*this, *before.FindTable(table), *schema.FindTable(table), sources,
                               before, schema, op.where));
    i = j;
  }
  return out;
}

std::vector<std::string> SqliteDialect::CreateVersionTable(const std::string& table) const {
  return {"CREATE TABLE IF NOT EXISTS " + Quote(table) +
          " (\n  version_num VARCHAR(32) NOT NULL,\n  CONSTRAINT " + Quote(table + "_pkc") +
          " PRIMARY KEY (version_num)\n)"};
}

std::vector<std::string> SqliteDialect::CreateHistoryTable(const std::string& table) const {
  return {"CREATE TABLE IF NOT EXISTS " + Quote(table) +
          " (\n"
          "  id INTEGER NOT NULL PRIMARY KEY,\n"
          "  revision VARCHAR(32) NOT NULL,\n"
          "  direction VARCHAR(16) NOT NULL,\n"
          "  checksum CHAR(64),\n"
          "  applied_at VARCHAR(32) NOT NULL,\n"
          "  duration_ms DOUBLE NOT NULL,\n"
          "  applied_by VARCHAR(255),\n"
          "  host VARCHAR(255),\n"
          "  tool_version VARCHAR(32) NOT NULL\n"
          ")"};
}

}  // namespace retort::dialect
