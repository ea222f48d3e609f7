#include "dialect/dialect.h"

#include "schema/naming.h"

#include <algorithm>
#include <tuple>

#include "ops/replay.h"

namespace retort::dialect {

void RefuseNul(const std::string& sql, const std::vector<Value>& params,
               const std::string& target) {
  bool in_params = std::any_of(params.begin(), params.end(), [](const Value& v) {
    return v && v->find('\0') != std::string::npos;
  });
  if (sql.find('\0') == std::string::npos && !in_params) return;
  std::string shown = sql;
  for (size_t p; (p = shown.find('\0')) != std::string::npos;) shown.replace(p, 1, "\\0");
  throw Error(ErrorKind::kInput,
              std::string("a NUL character in ") + (in_params ? "a value of " : "") +
                  "this statement: it would run cut short there, so it does not run",
              Location{.target = target, .statement = shown});
}

void Connection::RefuseNulInAll(const std::vector<Statement>& statements) const {
  for (const Statement& s : statements) dialect::RefuseNul(s.sql, s.params, label());
}

Error UnexpectedChanges(const Statement& statement, int64_t changed) {
  return Error(ErrorKind::kDatabase,
               "this statement changed " + std::to_string(changed) + " rows of the version table, "
               "not " + std::to_string(statement.expect_changes.value_or(0)) +
                   ": something else moved it during this run (another run, or a change by "
                   "hand); nothing of this transaction is kept, run again",
               Location{.statement = statement.sql});
}

void Connection::ExecuteOne(const Statement& s) {
  try {
    Execute(s.sql, s.params);
    if (s.expect_changes && Changes() != *s.expect_changes) throw UnexpectedChanges(s, Changes());
  } catch (const Error& e) {
    throw e.WithContext(s.where);
  }
}

void Connection::Run(const std::vector<Step>& steps) {
  for (const Step& step : steps) {
    if (const Statement* s = std::get_if<Statement>(&step)) {
      RefuseNul(s->sql, s->params, label());
    } else {
      for (const Statement* s : std::get<std::shared_ptr<const CompositeStep>>(step)->Statements()) {
        RefuseNul(s->sql, s->params, label());
      }
    }
  }
  std::vector<Statement> batch;
  for (const Step& step : steps) {
    if (const Statement* s = std::get_if<Statement>(&step)) {
      batch.push_back(*s);
      continue;
    }
    if (!batch.empty()) ExecuteAll(batch);
    batch.clear();
    std::get<std::shared_ptr<const CompositeStep>>(step)->Run(*this);
  }
  if (!batch.empty()) ExecuteAll(batch);
}

void Connection::ExecuteAll(const std::vector<Statement>& statements) {
  RefuseNulInAll(statements);
  for (const Statement& s : statements) ExecuteOne(s);
}

void Dialect::CheckVersionTables(const std::string& version_table,
                                 const std::string& history_table) const {
  if (version_table.empty() || history_table.empty()) {
    throw Error(ErrorKind::kUsage, "version_table and history_table must not be empty");
  }
  auto folded = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  if (folded(version_table) == folded(history_table)) {  // one table to SQLite
    throw Error(ErrorKind::kUsage, "version_table and history_table are both '" + version_table +
                                       "': they must be two tables");
  }
  const size_t max = MaxIdentifierBytes();
  if (max == 0) return;
  for (const auto& [key, name, limit] :
       {std::tuple<const char*, const std::string&, size_t>{"version_table", version_table, max - 4},
        {"history_table", history_table, max}}) {
    if (name.size() > limit) {
      throw Error(ErrorKind::kUsage,
                  std::string(key) + " '" + name + "' is " + std::to_string(name.size()) +
                      " bytes long; " + std::string(this->name()) + " allows " +
                      std::to_string(limit) + " bytes for it" +
                      (limit < max ? " (its primary key is named " + name.substr(0, 8) +
                                         "..._pkc, within " + std::to_string(max) + ")"
                                   : std::string()));
    }
  }
}

std::string Dialect::QuotedNames(const std::vector<std::string>& names) const {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + Quote(n);
  return out;
}

std::string Dialect::DeferralSql(const schema::Deferral& deferral, bool key,
                                 const std::string& what) const {
  if (!deferral.deferrable) return "";
  if (key && !caps().deferrable_keys) {
    throw Error(ErrorKind::kInput, what + " is deferrable, which " + std::string(name()) +
                                       " primary keys and unique constraints cannot be");
  }
  return deferral.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
}

std::string Dialect::ReferencesSql(const schema::ForeignKey& fk) const {
  std::string table = Quote(fk.referred_table);
  if (fk.RefersElsewhere()) {
    if (!caps().schemas) {
      throw Error(ErrorKind::kInput, "foreign key '" + fk.name + "' refers to '" + fk.referred_table +
                                         "' in another schema, and " + std::string(name()) +
                                         " has no schemas");
    }
    size_t dot = fk.referred_table.rfind('.');
    table = Quote(fk.referred_table.substr(0, dot)) + "." + Quote(fk.referred_table.substr(dot + 1));
  }
  std::string out = "REFERENCES " + table + " (" + QuotedNames(fk.referred_columns) + ")";
  if (fk.on_delete != schema::Action::kNoAction) out += " ON DELETE " + schema::FormatAction(fk.on_delete);
  if (fk.on_update != schema::Action::kNoAction) out += " ON UPDATE " + schema::FormatAction(fk.on_update);
  return out + DeferralSql(fk.deferral, false, "");
}

std::string Dialect::StoredName(const std::string& name) const {
  return schema::ShortenConventionName(name, MaxIdentifierBytes());
}

std::string Dialect::ConstraintClause(const std::string& name, bool implied) const {
  return implied ? "" : "CONSTRAINT " + Quote(StoredName(name)) + " ";
}

std::string Dialect::CreateIndexSql(const std::string& table, const schema::Index& index,
                                    bool concurrently) const {
  auto refuse = [&](const std::string& what) {
    throw Error(ErrorKind::kInput, "index '" + index.name + "' " + what + ", which " +
                                       std::string(name()) + " indexes do not have");
  };
  if (!index.method.empty() && !caps().index_methods) refuse("uses '" + index.method + "'");
  if (!index.include.empty() && !caps().index_include) refuse("has 'include' columns");
  std::string entries;
  for (const schema::IndexEntry& e : index.entries) {
    if (!e.opclass.empty() && !caps().index_operator_classes) refuse("has an operator class");
    if (e.nulls != schema::IndexEntry::Nulls::kDefault && !caps().index_nulls_order) {
      refuse("orders NULLs (nulls: first or last)");
    }
    std::string entry = !e.expr.empty() ? (schema::IsFunctionCall(e.expr) ? e.expr : "(" + e.expr + ")")
                                        : Quote(e.column);
    if (!e.opclass.empty()) entry += " " + e.opclass;
    if (e.desc) entry += " DESC";
    if (e.nulls == schema::IndexEntry::Nulls::kFirst) entry += " NULLS FIRST";
    if (e.nulls == schema::IndexEntry::Nulls::kLast) entry += " NULLS LAST";
    entries += (entries.empty() ? "" : ", ") + entry;
  }
  std::string sql = std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " +
                    (concurrently ? "CONCURRENTLY " : "") + Quote(StoredName(index.name)) + " ON " +
                    Quote(table) + (index.method.empty() ? "" : " USING " + index.method) + " (" +
                    entries + ")";
  if (!index.include.empty()) sql += " INCLUDE (" + QuotedNames(index.include) + ")";
  if (!index.where.empty()) sql += " WHERE " + index.where;
  return sql;
}

std::string Dialect::CreateTableSql(const schema::Table& t, const schema::Schema& schema) const {
  std::string create = "CREATE TABLE " + Quote(t.name) + " (\n";  // the table's name first
  std::vector<std::string> parts;
  for (const schema::Column& c : t.columns) parts.push_back(ColumnDefinition(t, c, schema));
  if (t.primary_key && !PrimaryKeyInColumn(t)) {
    parts.push_back(ConstraintClause(t.primary_key->name, t.primary_key->implied) +
                    "PRIMARY KEY (" + QuotedNames(t.primary_key->columns) + ")" +
                    DeferralSql(t.primary_key->deferral, true,
                                "primary key '" + t.primary_key->name + "'"));
  }
  for (const auto& uq : t.uniques) {
    parts.push_back(ConstraintClause(uq.name, uq.implied) + "UNIQUE (" + QuotedNames(uq.columns) + ")" +
                    DeferralSql(uq.deferral, true, "unique constraint '" + uq.name + "'"));
  }
  for (const auto& ck : t.checks) {
    parts.push_back(ConstraintClause(ck.name, ck.implied) + "CHECK (" + ck.expr + ")");
  }
  for (const auto& fk : t.foreign_keys) {
    parts.push_back(ConstraintClause(fk.name, fk.implied) + "FOREIGN KEY (" +
                    QuotedNames(fk.columns) + ") " + ReferencesSql(fk));
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    create += "  " + parts[i] + (i + 1 < parts.size() ? ",\n" : "\n");
  }
  return create + ")";
}

std::vector<std::string> Dialect::InsertSql(const schema::Table& t, const ops::BulkInsert& op) const {
  std::vector<std::string> out;
  std::string columns_key, statement;
  for (const auto& row : op.rows) {
    std::vector<std::string> cols;
    std::string values;
    for (const auto& [col, value] : row) {
      cols.push_back(col);
      const schema::Column* c = t.FindColumn(col);
      values += (values.empty() ? "" : ", ") +
                (value ? Literal(c ? c->type : schema::Type{}, *value) : std::string("NULL"));
    }
    std::string key = QuotedNames(cols);
    if (key != columns_key || statement.empty()) {
      if (!statement.empty()) out.push_back(statement);
      statement = "INSERT INTO " + Quote(t.name) + " (" + key + ") VALUES (" + values + ")";
      columns_key = key;
    } else {
      statement += ", (" + values + ")";
    }
  }
  if (!statement.empty()) out.push_back(statement);
  return out;
}

std::vector<Step> Dialect::RenderOps(const std::vector<ops::OpAt>& operations,
                                     schema::Schema& schema) const {
  std::vector<Step> out;
  for (const ops::OpAt& op : operations) {
    std::vector<std::string> sql;
    try {
      sql = Render(op.op, schema);
    } catch (const Error& e) {
      schema::Schema probe = schema;  // only on this error path
      ops::Apply(op, probe);
      throw e.WithContext(op.where);
    }
    // Raw SQL may hold several commands; what the dialect renders holds one.
    bool single = !std::holds_alternative<ops::Execute>(op.op);
    for (std::string& s : sql) out.push_back(StepOf(op, Statement{std::move(s), {}, op.where, single}));
    ops::Apply(op, schema);
  }
  return out;
}

}  // namespace retort::dialect
