// Offline SQL: the script `upgrade --sql` prints, applied with the sqlite3 or
// psql shell, gives the same schema and version table as running retort;
// the offline downgrade takes it back. Over the four examples.
#include <gtest/gtest.h>

#include "autogen/compare.h"
#include "dialect/dialect.h"
#include "dialect/registry.h"
#include "dialect/url.h"
#include "retort/retort.h"
#include "test_util.h"

namespace retort {
namespace {

namespace fs = std::filesystem;

struct Param {
  std::string example;
  std::string dialect;
};
void PrintTo(const Param& p, std::ostream* out) { *out << p.dialect << " " << p.example; }

class Offline : public ::testing::TestWithParam<Param> {};

std::string Describe(const schema::Schema& expected, const schema::Schema& actual) {
  std::string out;
  for (const autogen::Difference& d : autogen::CompareSchemas(expected, actual)) {
    out += d.Describe() + "\n";
  }
  return out;
}

TEST_P(Offline, ScriptAppliedByTheShellEqualsARun) {
  const std::string& dialect_name = GetParam().dialect;
  if (testing::SkipWithoutServer(dialect_name)) GTEST_SKIP() << "no PostgreSQL server";
  testing::ScratchDir dir;
  fs::copy(testing::SourceDir() / "examples" / GetParam().example, dir.path(),
           fs::copy_options::recursive);
  testing::ScratchDir other;
  testing::TestDatabase by_run(dialect_name, other.path());
  testing::TestDatabase by_shell(dialect_name, dir.path());

  Project::Open({.config_path = (dir.path() / "retort.toml").string(), .url = by_run.url(),
                 .create_schema = true})
      .Upgrade("head");
  Project project = Project::Open({.config_path = (dir.path() / "retort.toml").string(),
                                   .url = by_shell.url(), .create_schema = true});
  std::string heads = project.Heads().at(0).revision;
  dir.Write("up.sql", project.OfflineSql("base:" + heads, true));
  dir.Write("down.sql", project.OfflineSql(heads + ":base", false));

  auto apply = [&](const std::string& file) {
    testing::CommandResult r;
    if (dialect_name == "sqlite") {
      r = testing::RunProgram("/usr/bin/sqlite3", {"-bail", (dir.path() / "test.db").string()},
                              dir.path(), dir.path() / file);
    } else {
      // The script creates the schema (the project allows it), as a run does.
      r = testing::RunProgram("/usr/bin/psql",
                              {"-X", "-q", "-v", "ON_ERROR_STOP=1", *testing::PostgresUrl(), "-f",
                               (dir.path() / file).string()},
                              dir.path(), "/dev/null");
    }
    EXPECT_EQ(r.exit_code, 0) << file << ":\n" << r.out << r.err;
  };
  apply("up.sql");

  auto inspect = [&](const std::string& url) {
    return dialect::Connect(dialect::ParseUrl(url), {.create = false})
        ->Inspect({"retort_version", "retort_history"});
  };
  EXPECT_EQ(Describe(inspect(by_run.url()), inspect(by_shell.url())), "");
  EXPECT_EQ(by_shell.VersionRows(), by_run.VersionRows());
  EXPECT_EQ(by_shell.Query("SELECT revision, direction FROM retort_history ORDER BY id"),
            by_run.Query("SELECT revision, direction FROM retort_history ORDER BY id"));
  // retort reads what the shell wrote: clean, and nothing to do.
  EXPECT_TRUE(project.Verify().empty());
  EXPECT_TRUE(project.Upgrade("head").steps.empty());

  apply("down.sql");
  EXPECT_TRUE(project.Current().empty());
  std::vector<std::string> tables = by_shell.Tables();
  EXPECT_EQ(tables, (std::vector<std::string>{"retort_history", "retort_version"}));

  // `stamp --sql`, applied, stamps as a run does: to the head, back to
  // base, and with purge over a row no script declares.
  dir.Write("stamp.sql", project.OfflineStamp(heads));
  apply("stamp.sql");
  EXPECT_EQ(project.Current(), std::vector<std::string>{heads});
  EXPECT_EQ(by_shell.Query("SELECT direction FROM retort_history WHERE revision = '" + heads + "' ORDER BY id DESC LIMIT 1"),
            (std::vector<std::vector<std::string>>{{"stamp"}}));
  dir.Write("unstamp.sql", project.OfflineStamp(heads + ":base"));
  apply("unstamp.sql");
  EXPECT_TRUE(project.Current().empty());
  by_shell.Query("INSERT INTO retort_version (version_num) VALUES ('gone')");
  dir.Write("purge.sql", project.OfflineStamp(heads, true));
  apply("purge.sql");
  EXPECT_EQ(project.Current(), std::vector<std::string>{heads});
}

std::vector<Param> Params() {
  std::vector<Param> out;
  for (const char* name : {"checklist_templates", "equipment_templates", "orchestration", "audit_engine"}) {
    for (const std::string& dialect : testing::TestDialects()) out.push_back({name, dialect});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Examples, Offline, ::testing::ValuesIn(Params()),
                         [](const ::testing::TestParamInfo<Param>& info) {
                           return info.param.dialect + "_" + info.param.example;
                         });

// SQLite table rebuilds in an offline script keep every row: the parent's
// rebuild must not cascade to the children.
TEST(OfflineSqlite, RebuildsKeepRows) {
  testing::ScratchDir dir;
  dir.Write("retort.toml", "script_location = \"migrations/versions\"\n");
  dir.Write("migrations/versions/1.yaml", R"(revision: "1"
down_revision: null
message: tables
upgrade:
  - create_table:
      name: parent
      columns: [{name: id, type: integer, primary_key: true}, {name: name, type: text}]
  - create_table:
      name: child
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: parent_id, type: integer, references: parent.id, on_delete: CASCADE}
  - bulk_insert: {table: parent, rows: [{id: 1, name: a}, {id: 2, name: b}]}
  - bulk_insert: {table: child, rows: [{id: 10, parent_id: 1}, {id: 11, parent_id: 2}]}
downgrade:
  - drop_table: {name: child}
  - drop_table: {name: parent}
)");
  dir.Write("migrations/versions/2.yaml", R"(revision: "2"
down_revision: "1"
message: rebuilds
upgrade:
  - alter_column: {table: parent, column: name, nullable: false}
  - create_check_constraint: {table: child, name: positive, expr: "id > 0"}
)");
  Project project = Project::Open({.config_path = (dir.path() / "retort.toml").string(),
                                   .url = "sqlite:///" + (dir.path() / "app.db").string()});
  std::string sql = project.OfflineSql("head", true);
  EXPECT_NE(sql.find("PRAGMA foreign_keys = OFF;\nBEGIN;"), std::string::npos) << sql;
  EXPECT_NE(sql.find("PRAGMA legacy_alter_table = ON;\nCREATE TABLE _retort_new_parent"),
            std::string::npos) << sql;
  dir.Write("up.sql", sql);
  auto r = testing::RunProgram("/usr/bin/sqlite3", {"-bail", (dir.path() / "app.db").string()},
                               dir.path(), dir.path() / "up.sql");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(testing::SqliteQuery(dir.path() / "app.db", "SELECT id, parent_id FROM child ORDER BY id"),
            (std::vector<std::vector<std::string>>{{"10", "1"}, {"11", "2"}}));
  EXPECT_TRUE(project.Verify().empty());
  EXPECT_EQ(project.Current(), std::vector<std::string>{"2"});
}

TEST(OfflineErrors, RangesAndDialects) {
  testing::ScratchDir dir;
  fs::copy(testing::SourceDir() / "examples" / "checklist_templates", dir.path(),
           fs::copy_options::recursive);
  auto r = testing::RunRetort({"downgrade", "head", "--sql", "--dialect", "sqlite"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("an offline downgrade takes a range a:b"), std::string::npos) << r.err;
  r = testing::RunRetort({"upgrade", "head", "--sql", "--dialect", "mysql"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown dialect 'mysql'"), std::string::npos) << r.err;
  r = testing::RunRetort({"upgrade", "base:nope", "--sql", "--dialect", "sqlite"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  // Options that only mean something with another.
  r = testing::RunRetort({"upgrade", "head", "--dialect", "sqlite"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--dialect"), std::string::npos) << r.err;
  r = testing::RunRetort({"stamp", "head", "--if-matches"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--if-matches"), std::string::npos) << r.err;
  r = testing::RunRetort({"revision", "-m", "x", "--compare-database"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--compare-database"), std::string::npos) << r.err;
  // No database is touched: none is named, and none appears.
  r = testing::RunRetort({"upgrade", "002:head", "--sql", "--dialect", "postgresql"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("-- Running upgrade 002 -> 003"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("<base> -> 001"), std::string::npos);
  EXPECT_NE(r.out.find("UPDATE retort_version SET version_num = '003' WHERE version_num = '002';"),
            std::string::npos) << r.out;
}

}  // namespace
}  // namespace retort
