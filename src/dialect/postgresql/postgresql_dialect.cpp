#include "dialect/postgresql/postgresql_dialect.h"

#include <algorithm>

#include "dialect/sql_text.h"

namespace retort::dialect {
namespace {

using schema::Column;
using schema::Schema;
using schema::Table;
using schema::Type;
using schema::TypeKind;

std::string SerialType(TypeKind kind) {
  switch (kind) {
    case TypeKind::kSmallInt: return "SMALLSERIAL";
    case TypeKind::kBigInt: return "BIGSERIAL";
    default: return "SERIAL";
  }
}

// " GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5)"
std::string IdentityClause(const schema::Identity& identity) {
  std::string out = std::string(" GENERATED ") + (identity.always ? "ALWAYS" : "BY DEFAULT") +
                    " AS IDENTITY";
  std::string options;
  if (identity.start) options += "START WITH " + std::to_string(*identity.start);
  if (identity.increment) {
    options += (options.empty() ? "" : " ") + std::string("INCREMENT BY ") +
               std::to_string(*identity.increment);
  }
  return options.empty() ? out : out + " (" + options + ")";
}

bool IsStringType(const Type& type) {
  return type.kind == TypeKind::kText || type.kind == TypeKind::kString;
}

// The name PostgreSQL gives a serial's sequence: table_column_seq, the
// longer part shortened until it fits, and a number after "seq" while a
// declared sequence has it.
std::string SerialSequenceName(const std::string& table, const std::string& column,
                               const Schema& schema) {
  for (int n = 0;; ++n) {
    std::string label = n == 0 ? "seq" : "seq" + std::to_string(n);
    size_t avail = PostgresDialect::kMaxIdentifierBytes - label.size() - 2;
    size_t a = table.size(), b = column.size();
    while (a + b > avail) (a > b ? a : b)--;
    // Never cut a UTF-8 character in two.
    while (a > 0 && a < table.size() && (static_cast<unsigned char>(table[a]) & 0xC0) == 0x80) --a;
    while (b > 0 && b < column.size() && (static_cast<unsigned char>(column[b]) & 0xC0) == 0x80) --b;
    std::string name = table.substr(0, a) + "_" + column.substr(0, b) + "_" + label;
    if (!schema.FindSequence(name)) return name;
  }
}

}  // namespace

bool PostgresDialect::AutoIncrements(const Table& table, const Column& column) {
  // As SQLAlchemy decides: a column with a server default is not a serial.
  return column.type.IsInteger() && table.IsSolePrimaryKey(column.name) &&
         column.autoincrement.value_or(true) && !column.identity && !column.computed &&
         !schema::DefaultFor(column.server_default, "postgresql");
}

std::string PostgresDialect::Quote(std::string_view identifier) const {
  if (identifier.size() > kMaxIdentifierBytes) {
    throw Error(ErrorKind::kInput,
                "the name '" + std::string(identifier) + "' is " +
                    std::to_string(identifier.size()) +
                    " bytes long and PostgreSQL would truncate it to " +
                    std::to_string(kMaxIdentifierBytes) +
                    " bytes; name it explicitly, in at most " +
                    std::to_string(kMaxIdentifierBytes) + " bytes");
  }
  return QuoteIdentifier(identifier);
}

std::string PostgresDialect::TypeName(std::string_view enum_name) const {
  // pg_catalog's types (PostgreSQL 15, without arrays, composites and
  // pg_ names): pg_catalog is searched before any schema.
  static constexpr std::string_view kBuiltIn[] = {
      "aclitem", "any", "anyarray", "anycompatible", "anycompatiblearray",
      "anycompatiblemultirange", "anycompatiblenonarray", "anycompatiblerange", "anyelement",
      "anyenum", "anymultirange", "anynonarray", "anyrange", "bit", "bool", "box", "bpchar",
      "bytea", "char", "cid", "cidr", "circle", "cstring", "date", "datemultirange",
      "daterange", "event_trigger", "fdw_handler", "float4", "float8", "gtsvector",
      "index_am_handler", "inet", "int2", "int2vector", "int4", "int4multirange", "int4range",
      "int8", "int8multirange", "int8range", "internal", "interval", "json", "jsonb",
      "jsonpath", "language_handler", "line", "lseg", "macaddr", "macaddr8", "money", "name",
      "numeric", "nummultirange", "numrange", "oid", "oidvector", "path", "point", "polygon",
      "record", "refcursor", "regclass", "regcollation", "regconfig", "regdictionary",
      "regnamespace", "regoper", "regoperator", "regproc", "regprocedure", "regrole",
      "regtype", "table_am_handler", "text", "tid", "time", "timestamp", "timestamptz",
      "timetz", "trigger", "tsm_handler", "tsmultirange", "tsquery", "tsrange",
      "tstzmultirange", "tstzrange", "tsvector", "txid_snapshot", "unknown", "uuid", "varbit",
      "varchar", "void", "xid", "xid8", "xml"};
  bool built_in = enum_name.starts_with("pg_") || enum_name.starts_with("_") ||
                  std::find(std::begin(kBuiltIn), std::end(kBuiltIn), enum_name) != std::end(kBuiltIn);
  if (built_in) {
    throw Error(ErrorKind::kInput,
                "enum '" + std::string(enum_name) +
                    "' has the name of a PostgreSQL built-in type (or of its reserved forms, "
                    "pg_... and _...), which a column of it would get instead; name the enum "
                    "otherwise");
  }
  Quote(enum_name);  // the length check
  std::string out = "\"";
  for (char c : enum_name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string PostgresDialect::ColumnType(const Type& type, const Schema& schema) const {
  switch (type.kind) {
    case TypeKind::kInteger: return "INTEGER";
    case TypeKind::kSmallInt: return "SMALLINT";
    case TypeKind::kBigInt: return "BIGINT";
    case TypeKind::kFloat: return "FLOAT";
    case TypeKind::kDouble: return "DOUBLE PRECISION";
    case TypeKind::kNumeric:
      if (!type.precision) return "NUMERIC";
      return "NUMERIC(" + std::to_string(*type.precision) +
             (type.scale ? ", " + std::to_string(*type.scale) : "") + ")";
    case TypeKind::kBoolean: return "BOOLEAN";
    case TypeKind::kString:
      return type.length ? "VARCHAR(" + std::to_string(*type.length) + ")" : "VARCHAR";
    case TypeKind::kText: return "TEXT";
    case TypeKind::kBinary: return "BYTEA";
    case TypeKind::kDate: return "DATE";
    case TypeKind::kTime: return type.timezone ? "TIME WITH TIME ZONE" : "TIME WITHOUT TIME ZONE";
    case TypeKind::kDateTime:
      return type.timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP WITHOUT TIME ZONE";
    case TypeKind::kUuid: return "UUID";
    case TypeKind::kJson: return "JSON";
    case TypeKind::kJsonb: return "JSONB";
    case TypeKind::kEnum: return TypeName(type.enum_name);
    case TypeKind::kChar: return type.length ? "CHAR(" + std::to_string(*type.length) + ")" : "CHAR";
    case TypeKind::kArray:
      return (type.element.empty() ? std::string("TEXT") : ColumnType(type.element[0], schema)) + "[]";
    case TypeKind::kInterval: return "INTERVAL";
    case TypeKind::kInet: return "INET";
    case TypeKind::kCidr: return "CIDR";
    case TypeKind::kMacaddr: return "MACADDR";
    case TypeKind::kTsvector: return "TSVECTOR";
    case TypeKind::kRaw: {
      auto it = type.raw.find("postgresql");
      if (it == type.raw.end()) {
        throw Error(ErrorKind::kInput, "raw type has no postgresql spelling");
      }
      return it->second;
    }
  }
  return "TEXT";
}

std::string PostgresDialect::Literal(const Type& type, const std::string& value) const {
  if (type.kind == TypeKind::kBoolean) {
    if (std::optional<bool> b = BooleanValue(value)) return *b ? "true" : "false";
  }
  if (type.IsNumber() && IsNumberLiteral(value)) return value;
  return QuoteLiteral(value);
}

std::string PostgresDialect::DefaultExpression(const Type& type, const schema::Default& d) const {
  switch (d.kind) {
    case schema::Default::Kind::kNow: return "now()";
    case schema::Default::Kind::kSql: return d.value;
    case schema::Default::Kind::kLiteral: return Literal(type, d.value);
    case schema::Default::Kind::kPerDialect:
      if (std::optional<schema::Default> mine = d.For(name())) return DefaultExpression(type, *mine);
      return "NULL";  // not reached: callers resolve first
  }
  return d.value;
}

std::string PostgresDialect::ColumnDefinition(const Table& table, const Column& c,
                                              const Schema& schema) const {
  std::string out = Quote(c.name) + " " +
                    (AutoIncrements(table, c) ? SerialType(c.type.kind)
                                              : ColumnType(c.type, schema));
  if (!c.nullable) out += " NOT NULL";
  if (std::optional<schema::Default> d = schema::DefaultFor(c.server_default, name())) {
    out += " DEFAULT " + DefaultExpression(c.type, *d);
  }
  if (c.identity) out += IdentityClause(*c.identity);
  if (c.computed) {
    if (c.computed->stored == false) {
      throw Error(ErrorKind::kInput,
                  "computed column '" + table.name + "." + c.name +
                      "' says stored: false, but PostgreSQL stores every generated column "
                      "(leave 'stored' out, or set it true)");
    }
    out += " GENERATED ALWAYS AS (" + c.computed->sql + ") STORED";
  }
  return out;
}

std::vector<const schema::View*> PostgresDialect::ViewsReading(const Schema& schema,
                                                               const std::string& table) {
  std::vector<const schema::View*> out;
  std::vector<std::string> names = {table};
  for (const schema::View& v : schema.views) {  // in creation order: a view after those it reads
    bool reads = std::any_of(names.begin(), names.end(),
                             [&](const std::string& n) { return schema::MentionsName(v.sql, n); });
    if (!reads) continue;
    out.push_back(&v);
    names.push_back(v.name);
  }
  return out;
}

std::vector<std::string> PostgresDialect::CreateViewSql(const schema::View& view) const {
  if (!view.materialized) return {"CREATE VIEW " + Quote(view.name) + " AS " + view.sql};
  std::vector<std::string> out = {"CREATE MATERIALIZED VIEW " + Quote(view.name) + " AS " + view.sql +
                                  (view.with_data ? "" : " WITH NO DATA")};  // no -- comment can hide it
  for (const schema::Index& index : view.indexes) out.push_back(CreateIndexSql(view.name, index));
  return out;
}

const char* PostgresDialect::FunctionKeyword(schema::Function::Kind kind) {
  switch (kind) {
    case schema::Function::Kind::kProcedure: return "PROCEDURE";
    case schema::Function::Kind::kAggregate: return "AGGREGATE";
    case schema::Function::Kind::kFunction: break;
  }
  return "FUNCTION";
}

std::string PostgresDialect::CreateFunctionSql(const schema::Function& f, bool or_replace) const {
  // The definition is one statement's text and the arguments balanced
  // (schema files and scripts are checked so): nothing can end the
  // statement early.
  return std::string("CREATE ") + (or_replace ? "OR REPLACE " : "") + FunctionKeyword(f.kind) + " " +
         Quote(f.name) + "(" + f.arguments + ") " + f.definition;
}

std::string PostgresDialect::CreateTriggerSql(const schema::Trigger& t) const {
  if (t.execute.empty()) {
    throw Error(ErrorKind::kInput, "trigger '" + t.name + "': a PostgreSQL trigger calls a function: give "
                                   "'execute' (a 'body' is SQLite's)");
  }
  std::string out = t.deferral.deferrable ? "CREATE CONSTRAINT TRIGGER " : "CREATE TRIGGER ";
  out += Quote(t.name) + " " + ToUpper(schema::TimingName(t.timing)) + " ";
  for (size_t i = 0; i < t.events.size(); ++i) {
    out += (i ? " OR " : "") + ToUpper(t.events[i]);
    if (t.events[i] == "update" && !t.columns.empty()) out += " OF " + QuotedNames(t.columns);
  }
  out += " ON " + Quote(t.table);
  if (t.deferral.deferrable) {
    out += t.deferral.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE INITIALLY IMMEDIATE";
  }
  out += t.for_each_row ? " FOR EACH ROW" : " FOR EACH STATEMENT";
  if (!t.when.empty()) out += " WHEN (" + t.when + ")";
  return out + " EXECUTE FUNCTION " + t.execute;
}

std::vector<std::string> PostgresDialect::Render(const ops::Operation& operation,
                                                 const Schema& before) const {
  std::vector<std::string> sql;
  auto table_of = [&](const std::string& name) -> const Table& {
    const Table* t = before.FindTable(name);
    if (!t) throw Error(ErrorKind::kInput, "table '" + name + "' does not exist");
    return *t;
  };
  auto function_of = [&](const std::string& name, const std::string& arguments) -> const schema::Function& {
    const schema::Function* f = before.FindFunction(name + "(" + arguments + ")");
    if (!f) throw Error(ErrorKind::kInput, "function " + name + "(" + arguments + ") does not exist");
    return *f;
  };
  auto list = [&](const std::vector<std::string>& names) { return QuotedNames(names); };
  auto foreign_key = [&](const schema::ForeignKey& fk) {
    return "FOREIGN KEY (" + list(fk.columns) + ") " + ReferencesSql(fk);
  };
  // COMMENT ON ... IS 'text', or IS NULL to remove it.
  auto comment_on = [&](const std::string& object, const std::string& comment) {
    return "COMMENT ON " + object + " IS " + (comment.empty() ? "NULL" : QuoteLiteral(comment));
  };
  auto column_comment = [&](const std::string& table, const std::string& column,
                            const std::string& comment) {
    return comment_on("COLUMN " + Quote(table) + "." + Quote(column), comment);
  };
  auto owned_by_sql = [&](const std::string& owned_by) {
    auto [table, column] = schema::Sequence{.owned_by = owned_by}.Owner();
    return Quote(table) + "." + Quote(column);
  };
  auto add_constraint = [&](const std::string& table, const std::string& name, bool implied,
                            const std::string& body) {
    sql.push_back("ALTER TABLE " + Quote(table) + " ADD " + ConstraintClause(name, implied) + body);
  };
  std::visit(
      ops::Overloaded{
          [&](const ops::CreateTable& op) {
            const Table& t = op.table;
            sql.push_back(CreateTableSql(t, before));
            for (const auto& index : t.indexes) sql.push_back(CreateIndexSql(t.name, index, false));
            if (!t.comment.empty()) sql.push_back(comment_on("TABLE " + Quote(t.name), t.comment));
            for (const Column& c : t.columns) {
              if (!c.comment.empty()) sql.push_back(column_comment(t.name, c.name, c.comment));
            }
          },
          [&](const ops::DropTable& op) { sql.push_back("DROP TABLE " + Quote(op.table)); },
          [&](const ops::RenameTable& op) {
            sql.push_back("ALTER TABLE " + Quote(op.table) + " RENAME TO " + Quote(op.new_name));
          },
          [&](const ops::AddColumn& op) {
            const Table& t = table_of(op.table);
            sql.push_back("ALTER TABLE " + Quote(t.name) + " ADD COLUMN " +
                          ColumnDefinition(t, op.column, before));
            for (const auto& fk : op.foreign_keys) {
              add_constraint(t.name, fk.name, fk.implied, foreign_key(fk));
            }
            for (const auto& uq : op.uniques) {
              add_constraint(t.name, uq.name, uq.implied, "UNIQUE (" + list(uq.columns) + ")");
            }
            for (const auto& index : op.indexes) sql.push_back(CreateIndexSql(t.name, index, false));
            if (!op.column.comment.empty()) {
              sql.push_back(column_comment(t.name, op.column.name, op.column.comment));
            }
          },
          [&](const ops::DropColumn& op) {
            // PostgreSQL drops the column's indexes and constraints with it.
            sql.push_back("ALTER TABLE " + Quote(op.table) + " DROP COLUMN " + Quote(op.column));
          },
          [&](const ops::AlterColumn& op) {
            const Table& t = table_of(op.table);
            const Column* c = t.FindColumn(op.column);
            if (!c) {
              throw Error(ErrorKind::kInput,
                          "table '" + t.name + "' has no column '" + op.column + "'");
            }
            const std::string alter =
                "ALTER TABLE " + Quote(t.name) + " ALTER COLUMN " + Quote(op.column);
            const Type& type = op.type ? *op.type : c->type;
            // Defaults as this dialect has them (one per dialect resolved).
            const std::optional<schema::Default> old_default =
                schema::DefaultFor(c->server_default, name());
            std::optional<schema::Default> final_default =
                op.server_default ? schema::DefaultFor(*op.server_default, name()) : old_default;
            bool changes_type = op.type && *op.type != c->type;
            bool changes_null = op.nullable && *op.nullable != c->nullable;
            bool changes_default = op.server_default && final_default != old_default;
            if (op.identity && !*op.identity && c->identity) {
              sql.push_back(alter + " DROP IDENTITY");  // before a default takes its place
            }
            // PostgreSQL changes no type of a column a view reads: the
            // views reading the table (and those reading them) are dropped
            // first and made again after.
            std::vector<const schema::View*> readers;
            if (changes_type) readers = ViewsReading(before, t.name);
            for (auto it = readers.rbegin(); it != readers.rend(); ++it) {
              sql.push_back(std::string((*it)->materialized ? "DROP MATERIALIZED VIEW " : "DROP VIEW ") +
                            Quote((*it)->name));
            }
            // Nor of a column a trigger names (UPDATE OF, WHEN): those
            // triggers are made again after too.
            std::vector<const schema::Trigger*> triggers;
            for (const schema::Trigger& x : before.triggers) {
              if (!changes_type || x.table != t.name) continue;
              if (std::find(x.columns.begin(), x.columns.end(), op.column) != x.columns.end() ||
                  schema::MentionsName(x.when, op.column)) {
                triggers.push_back(&x);
                sql.push_back("DROP TRIGGER " + Quote(x.name) + " ON " + Quote(x.table));
              }
            }
            if (changes_type) {
              // The old default may not cast to the new type (text to an
              // enum): it comes off first and goes back on after.
              if (old_default) sql.push_back(alter + " DROP DEFAULT");
              std::string target = ColumnType(type, before);
              bool via_text = type.kind == TypeKind::kEnum ||
                              (c->type.kind == TypeKind::kEnum && !IsStringType(type));
              if (c->computed) {
                sql.push_back(alter + " TYPE " + target);  // computed again; no USING allowed
              } else {
                sql.push_back(alter + " TYPE " + target + " USING " + Quote(op.column) +
                              (via_text ? "::text::" : "::") + target);
              }
              changes_default = old_default.has_value() || changes_default;
            }
            if (changes_null) {
              sql.push_back(alter + (*op.nullable ? " DROP NOT NULL" : " SET NOT NULL"));
            }
            if (changes_default) {
              if (final_default) {
                sql.push_back(alter + " SET DEFAULT " + DefaultExpression(type, *final_default));
              } else if (!changes_type) {
                sql.push_back(alter + " DROP DEFAULT");
              }
            }
            if (op.identity && !*op.identity && c->identity) {
              // The column goes back to being a serial when nothing else
              // takes the identity's place: a sequence it owns, started
              // past the rows it has, becomes its default again.
              Column after = *c;
              after.identity.reset();
              after.type = type;
              if (op.server_default) after.server_default = *op.server_default;
              if (AutoIncrements(t, after)) {
                const std::string seq = Quote(SerialSequenceName(t.name, op.column, before));
                const std::string col = Quote(op.column);
                sql.push_back("CREATE SEQUENCE " + seq + " AS " + ColumnType(type, before) +
                              " OWNED BY " + Quote(t.name) + "." + col);
                sql.push_back(alter + " SET DEFAULT nextval(" + QuoteLiteral(seq) + "::regclass)");
                sql.push_back("SELECT pg_catalog.setval(" + QuoteLiteral(seq) + ", COALESCE(MAX(" + col +
                              "), 0) + 1, false) FROM " + Quote(t.name));
              }
            }
            if (op.identity && *op.identity && *op.identity != c->identity) {
              const std::optional<schema::Identity>& want = *op.identity;
              if (!c->identity) {
                if (AutoIncrements(t, *c)) {
                  // A serial's default and sequence give way to the identity's.
                  sql.push_back(alter + " DROP DEFAULT");
                  const std::string body =
                      " DECLARE s text := pg_catalog.pg_get_serial_sequence(" + QuoteLiteral(Quote(t.name)) +
                      ", " + QuoteLiteral(op.column) +
                      "); BEGIN IF s IS NOT NULL THEN EXECUTE 'DROP SEQUENCE ' || s; END IF; END ";
                  // A dollar-quote tag the names cannot close.
                  std::string tag = "$retort$";
                  for (int n = 1; body.find(tag.substr(0, tag.size() - 1)) != std::string::npos; ++n) {
                    tag = "$retort" + std::to_string(n) + "$";
                  }
                  sql.push_back("DO " + tag + body + tag);
                }
                sql.push_back(alter + " ADD" + IdentityClause(*want));
              } else {
                // SET GENERATED, SET START WITH (and RESTART there, as a
                // new identity would), SET INCREMENT BY.
                std::string set;
                if (want->always != c->identity->always) {
                  set += std::string(" SET GENERATED ") + (want->always ? "ALWAYS" : "BY DEFAULT");
                }
                if (want->start != c->identity->start) {
                  std::string start = std::to_string(want->start.value_or(
                      want->increment.value_or(1) < 0 ? -1 : 1));
                  set += " SET START WITH " + start;  // for a RESTART; rows keep theirs
                }
                if (want->increment != c->identity->increment) {
                  set += " SET INCREMENT BY " + std::to_string(want->increment.value_or(1));
                }
                if (!set.empty()) sql.push_back(alter + set);
              }
            }
            if (op.new_name && *op.new_name != op.column) {
              sql.push_back("ALTER TABLE " + Quote(t.name) + " RENAME COLUMN " +
                            Quote(op.column) + " TO " + Quote(*op.new_name));
            }
            if (op.comment && *op.comment != c->comment) {
              sql.push_back(column_comment(t.name, op.new_name.value_or(op.column), *op.comment));
            }
            for (const schema::View* v : readers) {
              schema::View again = *v;
              if (op.new_name) again.sql = schema::RenameColumnInQuery(again.sql, op.column, *op.new_name);
              for (std::string& x : CreateViewSql(again)) sql.push_back(std::move(x));
            }
            for (const schema::Trigger* x : triggers) {
              schema::Trigger again = *x;
              if (op.new_name) {
                for (std::string& c : again.columns) {
                  if (c == op.column) c = *op.new_name;
                }
                again.when = schema::RenameIdentifier(again.when, op.column, *op.new_name);
              }
              sql.push_back(CreateTriggerSql(again));
            }
          },
          [&](const ops::CreateIndex& op) {
            sql.push_back(CreateIndexSql(op.table, op.index, op.concurrently));
          },
          [&](const ops::DropIndex& op) {
            sql.push_back(std::string("DROP INDEX ") + (op.concurrently ? "CONCURRENTLY " : "") +
                          Quote(StoredName(op.name)));
          },
          [&](const ops::CreatePrimaryKey& op) {
            add_constraint(op.table, op.key.name, op.key.implied,
                           "PRIMARY KEY (" + list(op.key.columns) + ")" +
                               DeferralSql(op.key.deferral, true, op.key.name));
          },
          [&](const ops::CreateUniqueConstraint& op) {
            add_constraint(op.table, op.constraint.name, op.constraint.implied,
                           "UNIQUE (" + list(op.constraint.columns) + ")" +
                               DeferralSql(op.constraint.deferral, true, op.constraint.name));
          },
          [&](const ops::CreateForeignKey& op) {
            add_constraint(op.table, op.foreign_key.name, op.foreign_key.implied,
                           foreign_key(op.foreign_key));
          },
          [&](const ops::CreateCheckConstraint& op) {
            add_constraint(op.table, op.check.name, op.check.implied,
                           "CHECK (" + op.check.expr + ")");
          },
          [&](const ops::DropConstraint& op) {
            sql.push_back("ALTER TABLE " + Quote(op.table) + " DROP CONSTRAINT " +
                          Quote(StoredName(op.name)));
          },
          [&](const ops::CreateEnum& op) {
            std::string values;
            for (const std::string& v : op.enumeration.values) {
              values += (values.empty() ? "" : ", ") + QuoteLiteral(v);
            }
            sql.push_back("CREATE TYPE " + TypeName(op.enumeration.name) + " AS ENUM (" + values +
                          ")");
          },
          [&](const ops::DropEnum& op) { sql.push_back("DROP TYPE " + TypeName(op.name)); },
          [&](const ops::AddEnumValue& op) {
            std::string out =
                "ALTER TYPE " + TypeName(op.name) + " ADD VALUE " + QuoteLiteral(op.value);
            if (op.before) out += " BEFORE " + QuoteLiteral(*op.before);
            if (op.after) out += " AFTER " + QuoteLiteral(*op.after);
            sql.push_back(out);
          },
          [&](const ops::DropEnumValue& op) {
            const schema::Enum* e = before.FindEnum(op.name);
            if (!e) throw Error(ErrorKind::kInput, "enum '" + op.name + "' does not exist");
            // PostgreSQL cannot drop a label: the type is made anew without
            // it, under its name, and every column using it moves over.
            const std::string old_name = op.name + "__retort_old";
            if (old_name.size() > kMaxIdentifierBytes) {
              throw Error(ErrorKind::kInput,
                          "drop_enum_value renames enum '" + op.name + "' to '" + old_name +
                              "' while it makes the type anew, and that name is " +
                              std::to_string(old_name.size()) + " bytes long (PostgreSQL allows " +
                              std::to_string(kMaxIdentifierBytes) +
                              "); the enum's name must be at most " +
                              std::to_string(kMaxIdentifierBytes - (old_name.size() - op.name.size())) +
                              " bytes");
            }
            std::string values;
            for (const std::string& v : e->values) {
              if (v != op.value) values += (values.empty() ? "" : ", ") + QuoteLiteral(v);
            }
            const std::string type = TypeName(op.name);
            sql.push_back("ALTER TYPE " + type + " RENAME TO " + Quote(old_name));
            sql.push_back("CREATE TYPE " + type + " AS ENUM (" + values + ")");
            for (const Table& t : before.tables) {
              for (const Column& c : t.columns) {
                if (c.type.kind != TypeKind::kEnum || c.type.enum_name != op.name) continue;
                const std::string alter =
                    "ALTER TABLE " + Quote(t.name) + " ALTER COLUMN " + Quote(c.name);
                // The default is of the old type, which does not cast to the
                // new one; no cast exists between two enums either, so the
                // values go through text (a row holding the dropped label
                // fails there).
                std::optional<schema::Default> mine = schema::DefaultFor(c.server_default, name());
                if (mine) sql.push_back(alter + " DROP DEFAULT");
                sql.push_back(alter + " TYPE " + type + " USING " + Quote(c.name) + "::text::" +
                              type);
                if (mine) sql.push_back(alter + " SET DEFAULT " + DefaultExpression(c.type, *mine));
              }
            }
            sql.push_back("DROP TYPE " + TypeName(old_name));
          },
          [&](const ops::RenameEnumValue& op) {
            sql.push_back("ALTER TYPE " + TypeName(op.name) + " RENAME VALUE " + QuoteLiteral(op.value) +
                          " TO " + QuoteLiteral(op.new_value));
          },
          [&](const ops::CreateTableComment& op) {
            sql.push_back(comment_on("TABLE " + Quote(table_of(op.table).name), op.comment));
          },
          [&](const ops::DropTableComment& op) {
            sql.push_back(comment_on("TABLE " + Quote(table_of(op.table).name), ""));
          },
          [&](const ops::AlterTable& op) { table_of(op.table); },  // no options of its own here
          [&](const ops::CreateView& op) {
            for (std::string& x : CreateViewSql(op.view)) sql.push_back(std::move(x));
          },
          [&](const ops::ReplaceView& op) {
            const schema::View* v = before.FindView(op.name);
            if (!v) throw Error(ErrorKind::kInput, "view '" + op.name + "' does not exist");
            // Made again: CREATE OR REPLACE VIEW cannot drop, rename or
            // retype a column, and a materialized view has no such thing.
            // A view built on this one makes the DROP fail, with its name.
            // The views reading it go first and come back after it.
            std::vector<const schema::View*> readers = ViewsReading(before, op.name);
            for (auto it = readers.rbegin(); it != readers.rend(); ++it) {
              sql.push_back(std::string((*it)->materialized ? "DROP MATERIALIZED VIEW " : "DROP VIEW ") +
                            Quote((*it)->name));
            }
            sql.push_back(std::string(v->materialized ? "DROP MATERIALIZED VIEW " : "DROP VIEW ") +
                          Quote(op.name));
            schema::View changed = *v;
            changed.sql = op.sql;
            for (std::string& x : CreateViewSql(changed)) sql.push_back(std::move(x));
            for (const schema::View* r : readers) {
              for (std::string& x : CreateViewSql(*r)) sql.push_back(std::move(x));
            }
          },
          [&](const ops::CreateTrigger& op) { sql.push_back(CreateTriggerSql(op.trigger)); },
          [&](const ops::DropTrigger& op) {
            sql.push_back("DROP TRIGGER " + Quote(op.name) + " ON " + Quote(op.table));
          },
          [&](const ops::CreateFunction& op) { sql.push_back(CreateFunctionSql(op.function, false)); },
          [&](const ops::ReplaceFunction& op) {
            schema::Function f = function_of(op.name, op.arguments);
            f.definition = op.definition;
            sql.push_back(CreateFunctionSql(f, true));
          },
          [&](const ops::DropFunction& op) {
            const schema::Function f = function_of(op.name, op.arguments);
            sql.push_back(std::string("DROP ") + FunctionKeyword(f.kind) + " " + Quote(f.name) + "(" +
                          f.arguments + ")");
          },
          [&](const ops::DropView& op) {
            const schema::View* v = before.FindView(op.name);
            if (!v) throw Error(ErrorKind::kInput, "view '" + op.name + "' does not exist");
            sql.push_back(std::string(v->materialized ? "DROP MATERIALIZED VIEW " : "DROP VIEW ") +
                          Quote(op.name));
          },
          [&](const ops::CreateExtension& op) {
            const schema::Extension& x = op.extension;
            std::string out = std::string("CREATE EXTENSION ") + (op.if_not_exists ? "IF NOT EXISTS " : "") +
                              Quote(x.name);
            if (!x.schema.empty()) out += " SCHEMA " + Quote(x.schema);
            if (!x.version.empty()) out += " VERSION " + QuoteLiteral(x.version);
            sql.push_back(out);
          },
          [&](const ops::UpdateExtension& op) {
            sql.push_back("ALTER EXTENSION " + Quote(op.name) + " UPDATE TO " + QuoteLiteral(op.version));
          },
          [&](const ops::DropExtension& op) { sql.push_back("DROP EXTENSION " + Quote(op.name)); },
          [&](const ops::CreateSequence& op) {
            const schema::Sequence& q = op.sequence;
            std::string out = "CREATE SEQUENCE " + Quote(q.name);
            if (q.type) out += " AS " + ColumnType(*q.type, before);
            if (q.increment) out += " INCREMENT BY " + std::to_string(*q.increment);
            if (q.minvalue) out += " MINVALUE " + std::to_string(*q.minvalue);
            if (q.maxvalue) out += " MAXVALUE " + std::to_string(*q.maxvalue);
            if (q.start) out += " START WITH " + std::to_string(*q.start);
            if (q.cycle) out += " CYCLE";
            if (!q.owned_by.empty()) out += " OWNED BY " + owned_by_sql(q.owned_by);
            sql.push_back(out);
          },
          [&](const ops::DropSequence& op) { sql.push_back("DROP SEQUENCE " + Quote(op.name)); },
          [&](const ops::AlterSequence& op) {
            const schema::Sequence* q = before.FindSequence(op.name);
            if (!q) throw Error(ErrorKind::kInput, "sequence '" + op.name + "' does not exist");
            const schema::Sequence after = ops::AlteredSequence(*q, op);
            std::string out = "ALTER SEQUENCE " + Quote(op.name);
            if (op.type) out += " AS " + ColumnType(*op.type, before);
            if (op.increment) out += " INCREMENT BY " + std::to_string(op.increment->value_or(1));
            if (op.minvalue) {
              out += *op.minvalue ? " MINVALUE " + std::to_string(**op.minvalue) : " NO MINVALUE";
            }
            if (op.maxvalue) {
              out += *op.maxvalue ? " MAXVALUE " + std::to_string(**op.maxvalue) : " NO MAXVALUE";
            }
            if (op.start) {
              // The value a RESTART goes back to; the sequence keeps its place.
              out += " START WITH " + std::to_string(*after.start);
            }
            if (op.cycle) out += *op.cycle ? " CYCLE" : " NO CYCLE";
            if (op.owned_by) out += " OWNED BY " + (op.owned_by->empty() ? "NONE" : owned_by_sql(*op.owned_by));
            sql.push_back(out);
          },
          [&](const ops::BulkInsert& op) {
            for (std::string& i : InsertSql(table_of(op.table), op)) sql.push_back(std::move(i));
          },
          [&](const ops::Execute& op) {
            auto it = op.sql.find("postgresql");
            if (it == op.sql.end()) it = op.sql.find("");
            if (it != op.sql.end()) sql.push_back(it->second);
          },
      },
      operation);
  return sql;
}

std::vector<std::string> PostgresDialect::CreateVersionTable(const std::string& table) const {
  return {"CREATE TABLE IF NOT EXISTS " + Quote(table) +
          " (\n  version_num VARCHAR(32) NOT NULL,\n  CONSTRAINT " + Quote(table + "_pkc") +
          " PRIMARY KEY (version_num)\n)"};
}

std::vector<std::string> PostgresDialect::CreateHistoryTable(const std::string& table) const {
  return {"CREATE TABLE IF NOT EXISTS " + Quote(table) +
          " (\n"
          "  id SERIAL NOT NULL PRIMARY KEY,\n"
          "  revision VARCHAR(32) NOT NULL,\n"
          "  direction VARCHAR(16) NOT NULL,\n"
          "  checksum CHAR(64),\n"
          "  applied_at VARCHAR(32) NOT NULL,\n"
          "  duration_ms DOUBLE PRECISION NOT NULL,\n"
          "  applied_by VARCHAR(255),\n"
          "  host VARCHAR(255),\n"
          "  tool_version VARCHAR(32) NOT NULL\n"
          ")"};
}

Step PostgresDialect::StepOf(const ops::OpAt& op, Statement statement) const {
  const auto* create = std::get_if<ops::CreateIndex>(&op.op);
  if (!create || !create->concurrently) return statement;
  auto build = std::make_shared<ConcurrentIndexBuild>();
  build->create = std::move(statement);
  build->table = create->table;
  build->index = create->index;
  return build;
}

}  // namespace retort::dialect
