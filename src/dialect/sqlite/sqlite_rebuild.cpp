#include "dialect/sqlite/sqlite_rebuild.h"

#include <algorithm>

#include "dialect/sql_text.h"
#include "dialect/sqlite/sqlite_dialect.h"

namespace retort::dialect {
namespace {

using schema::Table;

template <typename T>
bool Has(const std::vector<T>& items, const T& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

}  // namespace

std::string RebuildTempName(const std::string& table) { return "_retort_new_" + table; }

RebuildSources IdentitySources(const Table& table) {
  RebuildSources sources;
  for (const schema::Column& c : table.columns) sources[c.name] = {c.name, false};
  return sources;
}

void TrackSources(const ops::Operation& op, const Table& table, RebuildSources& sources) {
  std::visit(ops::Overloaded{
                 [&](const ops::AlterColumn& a) {
                   auto it = sources.find(a.column);
                   if (it == sources.end()) return;
                   ColumnSource s = it->second;
                   const schema::Column* c = table.FindColumn(a.column);
                   if (a.type && c && *a.type != c->type) s.cast = true;
                   if (a.new_name && *a.new_name != a.column) {
                     sources.erase(it);
                     sources[*a.new_name] = s;
                   } else {
                     it->second = s;
                   }
                 },
                 [&](const ops::DropColumn& d) { sources.erase(d.column); },
                 [&](const ops::RenameEnumValue& r) {
                   // The rows holding the label take the new one on the way.
                   for (const schema::Column& c : table.columns) {
                     auto it = sources.find(c.name);
                     if (it == sources.end() || c.type.kind != schema::TypeKind::kEnum ||
                         c.type.enum_name != r.name) {
                       continue;
                     }
                     std::map<std::string, std::string>& relabel = it->second.relabel;
                     for (auto& [from, to] : relabel) {
                       if (to == r.value) to = r.new_value;  // renamed twice
                     }
                     if (!relabel.count(r.value)) relabel[r.value] = r.new_value;
                   }
                 },
                 [&](const ops::AddColumn& a) { sources.erase(a.column.name); },
                 [](const auto&) {},
             },
             op);
}

std::shared_ptr<const SqliteTableRebuild> RebuildTable(
    const SqliteDialect& d, const Table& before, const Table& after, const RebuildSources& sources,
    const schema::Schema& old_schema, const schema::Schema& schema, const Location& where) {
  const std::string t = d.Quote(before.name);
  auto out = std::make_shared<SqliteTableRebuild>();
  out->table = after.name;
  out->where = where;
  auto add = [&](std::string sql, std::string fail_if_rows = "", std::string on_failure = "") {
    Statement s{.sql = std::move(sql), .where = where};
    if (fail_if_rows.empty()) {
      out->statements.push_back(std::move(s));
    } else {
      out->checks.push_back({std::move(s), std::move(fail_if_rows), std::move(on_failure)});
    }
  };
  auto source_of = [&](const std::string& column) -> const ColumnSource* {
    auto it = sources.find(column);
    return it == sources.end() ? nullptr : &it->second;
  };
  // The old table's columns for a list of new columns; empty when one of
  // them is new (no rows to check).
  auto old_columns = [&](const std::vector<std::string>& columns) {
    std::vector<std::string> out_cols;
    for (const std::string& c : columns) {
      const ColumnSource* s = source_of(c);
      if (!s) return std::vector<std::string>{};
      out_cols.push_back(d.Quote(s->from));
    }
    return out_cols;
  };
  auto join = [](const std::vector<std::string>& items, const std::string& sep) {
    std::string s;
    for (const std::string& item : items) s += (s.empty() ? "" : sep) + item;
    return s;
  };
  auto names = [&](const std::vector<std::string>& items) {
    std::vector<std::string> quoted;
    for (const std::string& item : items) quoted.push_back(QuoteLiteral(item));
    return "(" + join(quoted, ", ") + ")";
  };

  // What the scripts do not declare would be lost: refuse instead.
  std::vector<std::string> declared_columns, declared_indexes;
  for (const schema::Column& c : before.columns) declared_columns.push_back(c.name);
  for (const schema::Index& i : before.indexes) declared_indexes.push_back(i.name);
  add("SELECT count(*) FROM pragma_table_xinfo(" + QuoteLiteral(before.name) + ") WHERE name NOT IN " +
          names(declared_columns),
      "table '" + before.name + "' has columns no migration script declares (count: {count}); "
      "rebuilding it would lose them: declare them in a script first");
  add("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = " +
          QuoteLiteral(before.name) +
          (declared_indexes.empty() ? "" : " AND name NOT IN " + names(declared_indexes)),
      "table '" + before.name + "' has indexes no migration script declares (count: {count}); "
      "rebuilding it would lose them: declare them in a script first");

  // Counts of rows breaking what is new, run when the copy fails on it
  // (SQLite's error starts with the constraint's kind).
  for (const schema::Column& c : after.columns) {
    if (c.nullable || c.computed) continue;
    const ColumnSource* s = source_of(c.name);
    if (!s) {
      if (!c.server_default) {
        add("SELECT count(*) FROM " + t,
            "column '" + after.name + "." + c.name +
                "' is new and NOT NULL without a default, but the table is not empty (rows: {count})",
            "NOT NULL");
      }
      continue;
    }
    const schema::Column* old = before.FindColumn(s->from);
    if (old && !old->nullable && !s->cast) continue;
    add("SELECT count(*) FROM " + t + " WHERE " + d.Quote(s->from) + " IS NULL",
        "column '" + after.name + "." + c.name + "' would be NOT NULL, but is NULL in {count} of its rows",
        "NOT NULL");
  }
  auto unique_check = [&](const std::string& what, const std::vector<std::string>& columns) {
    std::vector<std::string> cols = old_columns(columns);
    if (cols.empty()) return;
    std::vector<std::string> not_null;
    for (const std::string& c : cols) not_null.push_back(c + " IS NOT NULL");
    add("SELECT count(*) FROM (SELECT 1 FROM " + t + " WHERE " + join(not_null, " AND ") +
            " GROUP BY " + join(cols, ", ") + " HAVING count(*) > 1)",
        what + " would fail: values held more than once: {count}", "UNIQUE");
  };
  if (after.primary_key && before.primary_key != after.primary_key) {
    unique_check("primary key '" + after.primary_key->name + "' of '" + after.name + "'",
                 after.primary_key->columns);
  }
  for (const schema::UniqueConstraint& uq : after.uniques) {
    if (!Has(before.uniques, uq)) {
      unique_check("unique constraint '" + uq.name + "' of '" + after.name + "'", uq.columns);
    }
  }
  for (const schema::CheckConstraint& ck : after.checks) {
    if (Has(before.checks, ck)) continue;
    add("SELECT count(*) FROM " + t + " WHERE NOT (" + ck.expr + ")",
        "check constraint '" + ck.name + "' of '" + after.name + "' would fail for {count} of its rows",
        "CHECK");
  }
  // An enum column's labels are in its own CHECK constraint: rows fail it
  // when the column becomes an enum or its enum loses a label.
  auto value_of = [&](const schema::Column& c, const ColumnSource& s) {
    std::string value = d.Quote(s.from);
    if (!s.relabel.empty()) {
      std::string cases;
      for (const auto& [from, to] : s.relabel) cases += " WHEN " + QuoteLiteral(from) + " THEN " + QuoteLiteral(to);
      value = "CASE " + value + cases + " ELSE " + value + " END";
    }
    return s.cast ? "CAST(" + value + " AS " + d.ColumnType(c.type, schema) + ")" : value;
  };
  for (const schema::Column& c : after.columns) {
    if (c.type.kind != schema::TypeKind::kEnum) continue;
    const ColumnSource* s = source_of(c.name);
    const schema::Enum* labels = schema.FindEnum(c.type.enum_name);
    if (!s || !labels) continue;
    const schema::Column* old = before.FindColumn(s->from);
    const schema::Enum* old_labels = old ? old_schema.FindEnum(old->type.enum_name) : nullptr;
    if (!s->cast && s->relabel.empty() && old && old->type == c.type && old_labels &&
        std::all_of(old_labels->values.begin(), old_labels->values.end(),
                    [&](const std::string& v) { return Has(labels->values, v); })) {
      continue;
    }
    add("SELECT count(*) FROM " + t + " WHERE NOT (" + value_of(c, *s) + " IN " +
            names(labels->values) + ")",
        "column '" + after.name + "." + c.name + "' would only take the values of enum '" +
            labels->name + "', but holds others in {count} of its rows",
        "CHECK");
  }

  // The rebuild.
  std::string temp = d.Quote(RebuildTempName(after.name));
  std::string create = d.CreateTableSql(after, schema);
  create.replace(0, std::string("CREATE TABLE " + d.Quote(after.name)).size(), "CREATE TABLE " + temp);
  add(create);
  std::vector<std::string> targets, values;
  for (const schema::Column& c : after.columns) {
    const ColumnSource* s = source_of(c.name);
    if (!s || c.computed) continue;  // a generated column computes its own
    targets.push_back(d.Quote(c.name));
    values.push_back(value_of(c, *s));
  }
  if (!targets.empty()) {
    add("INSERT INTO " + temp + " (" + join(targets, ", ") + ") SELECT " + join(values, ", ") +
        " FROM " + t);
    out->copy = out->statements.size() - 1;
  }
  if (after.sqlite_autoincrement && before.sqlite_autoincrement) {
    // AUTOINCREMENT never reuses a value: the highest ever handed out goes
    // over too, not only the highest the rows still hold. The rename below
    // carries the row over to the table's own name.
    std::string temp_name = QuoteLiteral(RebuildTempName(after.name));
    add("DELETE FROM sqlite_sequence WHERE name = " + temp_name);
    add("INSERT INTO sqlite_sequence (name, seq) SELECT " + temp_name +
        ", seq FROM sqlite_sequence WHERE name = " + QuoteLiteral(before.name));
  }
  add("DROP TABLE " + t);
  add("ALTER TABLE " + temp + " RENAME TO " + t);
  for (const schema::Index& index : after.indexes) add(d.CreateIndexSql(after.name, index));
  // The declared triggers go with the dropped table: made again as
  // declared (their columns followed); undeclared ones as they were (live
  // only: the offline script refuses a table that has any).
  for (const schema::Trigger& x : old_schema.triggers) {
    if (x.table == before.name) out->declared_triggers.push_back(x.name);
  }
  for (const schema::Trigger& x : schema.triggers) {
    if (x.table == after.name) add(d.CreateTriggerSql(x));
  }

  return out;
}

namespace {

// Statements that fail the script when one of `checks` (a count, and its
// message) counts more than zero, with that message (SQLite's "CHECK
// constraint failed: <message>"): a temporary table with a column and a
// named CHECK constraint for each, filled with one row of the counts.
void WriteGuards(SqlText& out, const std::vector<std::pair<std::string, std::string>>& checks) {
  std::string columns, counts;
  for (size_t i = 0; i < checks.size(); ++i) {
    std::string message = checks[i].second;
    if (size_t p = message.find("{count}"); p != std::string::npos) message.replace(p, 7, "some");
    std::string name;
    for (char c : message) name += c == '"' ? std::string("\"\"") : std::string(1, c);
    std::string column = "n" + std::to_string(i + 1);
    columns += std::string(i ? ",\n  " : "\n  ") + column + " INTEGER CONSTRAINT \"" + name +
               "\" CHECK (" + column + " = 0)";
    counts += std::string(i ? ",\n  " : "\n  ") + "(" + checks[i].first + ")";
  }
  out.Add("CREATE TEMP TABLE retort_check (" + columns + "\n)");
  out.Add("INSERT INTO temp.retort_check VALUES (" + counts + "\n)");
  out.Add("DROP TABLE temp.retort_check");
}

// The rows breaking a foreign key, by table and referred table.
constexpr const char* kViolations =
    "SELECT \"table\" AS t, parent AS p, count(*) AS n FROM pragma_foreign_key_check GROUP BY 1, 2";

}  // namespace

void SqliteTableRebuild::Write(SqlText& out) const {
  std::vector<std::pair<std::string, std::string>> before;
  for (const RowCheck& check : checks) {
    // The counts that only explain a failure are left to the failure's own
    // message.
    if (check.on_failure.empty()) before.emplace_back(check.count.sql, check.message);
  }
  std::string declared;
  for (const std::string& name : declared_triggers) declared += (declared.empty() ? "" : ", ") + QuoteLiteral(name);
  before.emplace_back(
      "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = " + QuoteLiteral(table) +
          (declared.empty() ? "" : " AND name NOT IN (" + declared + ")"),
      "table '" + table +
          "' has triggers no migration script declares, which an offline script cannot create "
          "again after rebuilding the table: declare them (create_trigger), run this migration on "
          "the database instead (retort upgrade), or drop them before it and create them after it");
  WriteGuards(out, before);
  out.Add(std::string("CREATE TEMP TABLE retort_violations AS ") + kViolations);
  // Views naming the table stay; the rename must not check them while the
  // table is away.
  out.Add("PRAGMA legacy_alter_table = ON");
  for (const Statement& s : statements) out.Add(s);
  out.Add("PRAGMA legacy_alter_table = OFF");
  WriteGuards(out, {{std::string("SELECT count(*) FROM (") + kViolations +
                         ") AS a WHERE a.n > coalesce((SELECT b.n FROM temp.retort_violations AS "
                         "b WHERE b.t = a.t AND b.p = a.p), 0)",
                     "foreign keys would fail: after rebuilding '" + table +
                         "', rows refer to no row of the table they reference"}});
  out.Add("DROP TABLE temp.retort_violations");
}

std::vector<const Statement*> SqliteTableRebuild::Statements() const {
  std::vector<const Statement*> out;
  for (const RowCheck& check : checks) out.push_back(&check.count);
  for (const Statement& s : statements) out.push_back(&s);
  return out;
}

}  // namespace retort::dialect
