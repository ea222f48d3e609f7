// The example projects, on each dialect: upgrade head, read the live schema
// back (SQLite's PRAGMAs, PostgreSQL's catalogs) and compare it with the
// declared schema; downgrade -1; downgrade base (only the version and
// history tables remain); upgrade head again to an identical schema.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "dialect/dialect.h"
#include "dialect/registry.h"
#include "dialect/postgresql/postgresql_dialect.h"
#include "dialect/sqlite/sqlite_dialect.h"
#include "retort/retort.h"
#include "runtime/config.h"
#include "schema/naming.h"
#include "format/schema_read.h"
#include "schema_printer.h"
#include "test_util.h"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::SqliteQuery;

// What PRAGMAs tell of a table, in a comparable form.
struct TableFacts {
  std::vector<std::string> columns;  // "name TYPE [NOT NULL] [DEFAULT] [PK n]"
  std::set<std::string> foreign_keys;  // "(a, b) -> t (x, y) ON DELETE ..."
  std::set<std::string> uniques;       // column lists of unique constraints
  std::set<std::string> indexes;       // "name (cols) [UNIQUE]"
  bool operator==(const TableFacts&) const = default;
};
using SchemaFacts = std::map<std::string, TableFacts>;

std::string List(const std::vector<std::string>& items) {
  std::string out = "(";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + ")";
}

std::string Fk(const std::vector<std::string>& from, const std::string& table,
               const std::vector<std::string>& to, const std::string& on_delete) {
  return List(from) + " -> " + table + " " + List(to) + " ON DELETE " + on_delete;
}

SchemaFacts ReadSqlite(const fs::path& db) {
  SchemaFacts facts;
  for (const std::string& table : testing::SqliteTables(db)) {
    if (table.starts_with("retort_")) continue;
    TableFacts& t = facts[table];
    for (const auto& c : SqliteQuery(db, "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('" + table + "') ORDER BY cid")) {
      t.columns.push_back(c[0] + " " + c[1] + (c[2] == "1" ? " NOT NULL" : "") +
                          (c[3] != "NULL" ? " DEFAULT" : "") + (c[4] != "0" ? " PK " + c[4] : ""));
    }
    std::map<std::string, std::vector<std::vector<std::string>>> fks;
    for (const auto& f : SqliteQuery(db, "SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('" + table + "') ORDER BY id, seq")) {
      fks[f[0]].push_back(f);
    }
    for (const auto& [id, rows] : fks) {
      std::vector<std::string> from, to;
      for (const auto& r : rows) from.push_back(r[2]), to.push_back(r[3]);
      t.foreign_keys.insert(Fk(from, rows[0][1], to, rows[0][4]));
    }
    for (const auto& i : SqliteQuery(db, "SELECT name, \"unique\", origin FROM pragma_index_list('" + table + "')")) {
      std::vector<std::string> cols;
      for (const auto& c : SqliteQuery(db, "SELECT name FROM pragma_index_info('" + i[0] + "') ORDER BY seqno")) {
        cols.push_back(c[0]);
      }
      if (i[2] == "u") t.uniques.insert(List(cols));
      if (i[2] == "c") t.indexes.insert(i[0] + " " + List(cols) + (i[1] == "1" ? " UNIQUE" : ""));
    }
  }
  return facts;
}

// PostgreSQL's catalogs, in the same form. Types are compared as the server
// spells them (format_type), so the declared side maps its types alike.
SchemaFacts ReadPostgres(const testing::TestDatabase& db) {
  SchemaFacts facts;
  for (const std::string& table : db.Tables()) {
    if (table.starts_with("retort_")) continue;
    TableFacts& t = facts[table];
    std::string oid = "'" + table + "'::regclass";
    for (const auto& c : db.Query(
             "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
             "a.atthasdef, coalesce(array_position(pk.conkey, a.attnum), 0) "
             "FROM pg_attribute a LEFT JOIN pg_constraint pk ON pk.conrelid = a.attrelid AND "
             "pk.contype = 'p' WHERE a.attrelid = " + oid + " AND a.attnum > 0 AND NOT "
             "a.attisdropped ORDER BY a.attnum")) {
      t.columns.push_back(c[0] + " " + c[1] + (c[2] == "t" ? " NOT NULL" : "") +
                          (c[3] == "t" ? " DEFAULT" : "") + (c[4] != "0" ? " PK " + c[4] : ""));
    }
    for (const auto& f : db.Query(
             "SELECT (SELECT string_agg(attname, ', ' ORDER BY k.i) FROM unnest(conkey) WITH "
             "ORDINALITY k(n, i) JOIN pg_attribute ON attrelid = conrelid AND attnum = k.n), "
             "confrelid::regclass::text, (SELECT string_agg(attname, ', ' ORDER BY k.i) FROM "
             "unnest(confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute ON attrelid = confrelid "
             "AND attnum = k.n), confdeltype FROM pg_constraint WHERE contype = 'f' AND "
             "conrelid = " + oid)) {
      static const std::map<std::string, std::string> kAction = {
          {"a", "NO ACTION"}, {"r", "RESTRICT"}, {"c", "CASCADE"}, {"n", "SET NULL"}, {"d", "SET DEFAULT"}};
      t.foreign_keys.insert("(" + f[0] + ") -> " + f[1] + " (" + f[2] + ") ON DELETE " + kAction.at(f[3]));
    }
    for (const auto& u : db.Query(
             "SELECT (SELECT string_agg(attname, ', ' ORDER BY k.i) FROM unnest(conkey) WITH "
             "ORDINALITY k(n, i) JOIN pg_attribute ON attrelid = conrelid AND attnum = k.n) "
             "FROM pg_constraint WHERE contype = 'u' AND conrelid = " + oid)) {
      t.uniques.insert("(" + u[0] + ")");
    }
    for (const auto& i : db.Query(
             "SELECT c.relname, (SELECT string_agg(attname, ', ' ORDER BY k.i) FROM "
             "unnest(x.indkey) WITH ORDINALITY k(n, i) JOIN pg_attribute ON attrelid = "
             "x.indrelid AND attnum = k.n), x.indisunique FROM pg_index x JOIN pg_class c ON "
             "c.oid = x.indexrelid WHERE x.indrelid = " + oid + " AND NOT EXISTS (SELECT 1 FROM "
             "pg_constraint WHERE conindid = x.indexrelid)")) {
      t.indexes.insert(i[0] + " (" + i[1] + ")" + (i[2] == "t" ? " UNIQUE" : ""));
    }
  }
  return facts;
}

// A PostgreSQL type as format_type spells it.
std::string PostgresSpelling(std::string type) {
  static const std::vector<std::pair<std::regex, std::string>> kRules = {
      {std::regex("^SMALLSERIAL$"), "smallint"}, {std::regex("^BIGSERIAL$"), "bigint"},
      {std::regex("^SERIAL$"), "integer"},       {std::regex("^FLOAT$"), "double precision"},
      {std::regex("^VARCHAR\\((\\d+)\\)$"), "character varying($1)"},
      {std::regex("^VARCHAR$"), "character varying"},
      {std::regex("^NUMERIC\\((\\d+), (\\d+)\\)$"), "numeric($1,$2)"},
  };
  for (const auto& [pattern, spelling] : kRules) {
    if (std::regex_match(type, pattern)) return std::regex_replace(type, pattern, spelling);
  }
  if (type.front() == '"') return type.substr(1, type.size() - 2);  // a quoted enum name
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

SchemaFacts Declared(const schema::Schema& s, const std::string& dialect_name) {
  bool pg = dialect_name == "postgresql";
  dialect::SqliteDialect sqlite;
  dialect::PostgresDialect postgres;
  const dialect::Dialect& d = pg ? static_cast<const dialect::Dialect&>(postgres) : sqlite;
  SchemaFacts facts;
  for (const schema::Table& table : s.tables) {
    TableFacts& t = facts[table.name];
    for (const schema::Column& c : table.columns) {
      bool autoinc = c.type.IsInteger() && table.IsSolePrimaryKey(c.name) && c.autoincrement.value_or(true);
      std::string pk;
      if (table.primary_key) {
        auto& cols = table.primary_key->columns;
        auto it = std::find(cols.begin(), cols.end(), c.name);
        if (it != cols.end()) pk = " PK " + std::to_string(it - cols.begin() + 1);
      }
      std::string type = pg ? PostgresSpelling(d.ColumnType(c.type, s))
                            : (autoinc ? "INTEGER" : d.ColumnType(c.type, s));
      // PostgreSQL's serial columns default to their sequence.
      bool has_default = c.server_default || (pg && autoinc);
      t.columns.push_back(c.name + " " + type + (c.nullable ? "" : " NOT NULL") +
                          (has_default ? " DEFAULT" : "") + pk);
    }
    for (const schema::ForeignKey& fk : table.foreign_keys) {
      t.foreign_keys.insert(Fk(fk.columns, fk.referred_table, fk.referred_columns,
                               schema::FormatAction(fk.on_delete)));
    }
    for (const schema::UniqueConstraint& uq : table.uniques) t.uniques.insert(List(uq.columns));
    for (const schema::Index& ix : table.indexes) {
      t.indexes.insert(ix.name + " " + List(ix.KeyColumns()) + (ix.unique ? " UNIQUE" : ""));
    }
  }
  return facts;
}

struct ExampleParam {
  std::string name;
  std::string dialect;
};
void PrintTo(const ExampleParam& p, std::ostream* out) { *out << p.dialect << " " << p.name; }

class Example : public ::testing::TestWithParam<ExampleParam> {};

TEST_P(Example, UpgradeReadBackDowngradeReupgrade) {
  const std::string& dialect_name = GetParam().dialect;
  if (testing::SkipWithoutServer(dialect_name)) GTEST_SKIP() << "no PostgreSQL server";
  fs::path source = testing::SourceDir() / "examples" / GetParam().name;
  testing::ScratchDir dir;
  fs::copy(source, dir.path(), fs::copy_options::recursive);
  testing::TestDatabase db(dialect_name, dir.path());
  Settings settings{.config_path = (dir.path() / "retort.toml").string(), .url = db.url(),
                    .create_schema = true};
  Project project = Project::Open(settings);
  auto read_live = [&] {
    return dialect_name == "sqlite" ? ReadSqlite(dir.path() / "test.db") : ReadPostgres(db);
  };

  runtime::Config config = runtime::LoadConfig(settings.config_path);
  schema::Schema declared = format::LoadSchemaFiles(runtime::SchemaPaths(config));
  declared.naming = schema::WithDefaults(declared.naming);

  std::vector<RevisionInfo> heads = project.Heads();
  ASSERT_EQ(heads.size(), 1u);
  for (const SchemaDifference& d : project.Check()) ADD_FAILURE() << "check: " << d.description;
  project.Upgrade("head");
  for (const SchemaDifference& d : project.Verify()) ADD_FAILURE() << "verify: " << d.description;
  EXPECT_EQ(project.Current(), std::vector<std::string>{heads[0].revision});
  // Autogenerate finds nothing to do, from the scripts or from the database.
  for (bool compare_database : {false, true}) {
    NewRevisionResult nothing = project.NewRevision(
        {.message = "nothing", .autogenerate = true, .compare_database = compare_database});
    EXPECT_EQ(nothing.path, "");
    for (const SchemaChange& c : nothing.changes) {
      ADD_FAILURE() << "autogenerate" << (compare_database ? " --compare-database" : "") << ": "
                    << c.description;
    }
  }
  SchemaFacts live = read_live();
  SchemaFacts expected = Declared(declared, dialect_name);
  {
    // The live schema read back into the model equals the declared one, as
    // the dialect stores it.
    std::unique_ptr<dialect::Connection> conn =
        dialect::Connect(dialect::ParseUrl(db.url()), {.create = false});
    const dialect::Dialect* d = &conn->dialect();
    EXPECT_EQ(schema::Canonical(conn->Inspect({"retort_version", "retort_history"}), false),
              schema::Canonical(d->Normalize(declared), false));
  }
  ASSERT_EQ(live.size(), expected.size());
  for (const auto& [name, facts] : expected) {
    SCOPED_TRACE("table " + name);
    ASSERT_TRUE(live.count(name));
    EXPECT_EQ(live[name].columns, facts.columns);
    EXPECT_EQ(live[name].foreign_keys, facts.foreign_keys);
    EXPECT_EQ(live[name].uniques, facts.uniques);
    EXPECT_EQ(live[name].indexes, facts.indexes);
  }

  project.Downgrade("-1");
  EXPECT_EQ(project.Current(), heads[0].down_revisions);
  project.Downgrade("base");
  EXPECT_TRUE(project.Current().empty());
  EXPECT_EQ(db.Tables(), (std::vector<std::string>{"retort_history", "retort_version"}));
  if (dialect_name == "postgresql") {
    // Enum types go with the tables that used them.
    EXPECT_EQ(db.Query("SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = "
                       "t.typnamespace WHERE n.nspname = current_schema() AND t.typtype = 'e'"),
              (std::vector<std::vector<std::string>>{{"0"}}));
  }

  project.Upgrade("head");
  EXPECT_EQ(read_live(), live);
}

// The example's declared schema alone: autogenerate writes the one script
// that builds it, which upgrades, verifies and checks clean.
TEST_P(Example, AutogeneratedFromNothing) {
  const std::string& dialect_name = GetParam().dialect;
  if (testing::SkipWithoutServer(dialect_name)) GTEST_SKIP() << "no PostgreSQL server";
  fs::path source = testing::SourceDir() / "examples" / GetParam().name;
  testing::ScratchDir dir;
  fs::copy(source, dir.path(), fs::copy_options::recursive);
  fs::remove_all(dir.path() / "migrations");
  testing::TestDatabase db(dialect_name, dir.path());
  Project project = Project::Open({.config_path = (dir.path() / "retort.toml").string(),
                                   .url = db.url(), .create_schema = true});
  NewRevisionResult result =
      project.NewRevision({.message = "initial", .rev_id = "0001", .autogenerate = true});
  ASSERT_NE(result.path, "");
  for (const SchemaChange& c : result.changes) EXPECT_EQ(c.risk, "") << c.description;
  project = Project::Open({.config_path = (dir.path() / "retort.toml").string(), .url = db.url(),
                           .create_schema = true});
  project.Upgrade("head");
  for (const SchemaDifference& d : project.Verify()) ADD_FAILURE() << "verify: " << d.description;
  for (const SchemaDifference& d : project.Check()) ADD_FAILURE() << "check: " << d.description;
  project.Downgrade("base");
  EXPECT_EQ(db.Tables(), (std::vector<std::string>{"retort_history", "retort_version"}));
}

std::vector<ExampleParam> Params() {
  std::vector<ExampleParam> out;
  for (const char* name : {"checklist_templates", "equipment_templates", "orchestration", "audit_engine"}) {
    for (const std::string& dialect : testing::TestDialects()) out.push_back({name, dialect});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Examples, Example, ::testing::ValuesIn(Params()),
                         [](const auto& info) { return info.param.dialect + "_" + info.param.name; });

}  // namespace
}  // namespace retort
