// The example projects: upgrade head, read the live schema back with SQLite's
// PRAGMAs and compare it with the declared schema; downgrade -1; downgrade
// base (only the version and history tables remain); upgrade head again to
// an identical schema.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "dialect/sqlite/sqlite_dialect.h"
#include "retort/retort.h"
#include "runtime/config.h"
#include "schema/naming.h"
#include "schema/schema_yaml.h"
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

SchemaFacts ReadLive(const fs::path& db) {
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

SchemaFacts Declared(const schema::Schema& s) {
  dialect::SqliteDialect sqlite;
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
      t.columns.push_back(c.name + " " + (autoinc ? "INTEGER" : sqlite.ColumnType(c.type, s)) +
                          (c.nullable ? "" : " NOT NULL") + (c.server_default ? " DEFAULT" : "") + pk);
    }
    for (const schema::ForeignKey& fk : table.foreign_keys) {
      t.foreign_keys.insert(Fk(fk.columns, fk.referred_table, fk.referred_columns,
                               schema::FormatAction(fk.on_delete)));
    }
    for (const schema::UniqueConstraint& uq : table.uniques) t.uniques.insert(List(uq.columns));
    for (const schema::Index& ix : table.indexes) {
      t.indexes.insert(ix.name + " " + List(ix.columns) + (ix.unique ? " UNIQUE" : ""));
    }
  }
  return facts;
}

class Example : public ::testing::TestWithParam<std::string> {};

TEST_P(Example, UpgradeReadBackDowngradeReupgrade) {
  fs::path source = testing::SourceDir() / "examples" / GetParam();
  testing::ScratchDir dir;
  fs::copy(source, dir.path(), fs::copy_options::recursive);
  fs::path db = dir.path() / "example.db";
  Settings settings{.config_path = (dir.path() / "retort.toml").string(),
                    .url = "sqlite:///" + db.string()};
  Project project = Project::Open(settings);

  runtime::Config config = runtime::LoadConfig(settings.config_path);
  schema::Schema declared = schema::LoadSchemaFiles(runtime::SchemaPaths(config));
  declared.naming = schema::WithDefaults(declared.naming);

  std::vector<RevisionInfo> heads = project.Heads();
  ASSERT_EQ(heads.size(), 1u);
  project.Upgrade("head");
  EXPECT_EQ(project.Current(), std::vector<std::string>{heads[0].revision});
  SchemaFacts live = ReadLive(db);
  SchemaFacts expected = Declared(declared);
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
  EXPECT_EQ(testing::SqliteTables(db), (std::vector<std::string>{"retort_history", "retort_version"}));

  project.Upgrade("head");
  EXPECT_EQ(ReadLive(db), live);
}

INSTANTIATE_TEST_SUITE_P(Examples, Example,
                         ::testing::Values("checklist_templates", "equipment_templates",
                                           "orchestration", "audit_engine"));

}  // namespace
}  // namespace retort
