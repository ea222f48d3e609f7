// SQLite table rebuilds through the library: slices and progress on large
// tables, and foreign keys that were broken before a run.
#include <gtest/gtest.h>

#include "retort/retort.h"
#include "test_util.h"

namespace retort {
namespace {

TEST(RebuildProgress, SlicesReportEveryRowOnce) {
  testing::ScratchDir dir;
  dir.Write("retort.toml", "script_location = \"migrations/versions\"\nurl = \"sqlite:///p.db\"\n");
  dir.Write("migrations/versions/1.yaml",
            "revision: \"1\"\ndown_revision: null\nmessage: rows\nupgrade:\n"
            "  - create_table: {name: t, columns: [{name: id, type: integer, primary_key: true},"
            " {name: v, type: integer}]}\n"
            "  - execute: {sql: \"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            "WHERE i < 123456) INSERT INTO t (id, v) SELECT i * 3, i FROM n\"}\n"
            "downgrade:\n  - drop_table: {name: t}\n");
  dir.Write("migrations/versions/2.yaml",
            "revision: \"2\"\ndown_revision: \"1\"\nmessage: v required\nupgrade:\n"
            "  - alter_column: {table: t, column: v, nullable: false, type: bigint}\n");
  std::vector<std::pair<int64_t, int64_t>> reports;
  Settings settings{.config_path = (dir.path() / "retort.toml").string(),
                    .url = "sqlite:///" + (dir.path() / "p.db").string()};
  settings.on_progress = [&](const std::string& table, int64_t done, int64_t total) {
    EXPECT_EQ(table, "t");
    reports.emplace_back(done, total);
  };
  Project project = Project::Open(settings);
  project.Upgrade("head");
  ASSERT_GE(reports.size(), 3u);
  EXPECT_EQ(reports.front(), (std::pair<int64_t, int64_t>{0, 123456}));
  EXPECT_EQ(reports.back(), (std::pair<int64_t, int64_t>{123456, 123456}));
  for (size_t i = 1; i < reports.size(); ++i) EXPECT_GT(reports[i].first, reports[i - 1].first);
  EXPECT_EQ(testing::SqliteQuery(dir.path() / "p.db", "SELECT count(*), sum(v), sum(id) FROM t"),
            (std::vector<std::vector<std::string>>{{"123456", "7620753696", "22862261088"}}));
}

// A column named rowid hides the rowid the slices go by: no slices then,
// and every row still arrives.
TEST(RebuildProgress, ColumnNamedRowidIsCopiedWhole) {
  testing::ScratchDir dir;
  dir.Write("retort.toml", "script_location = \"migrations/versions\"\nurl = \"sqlite:///p.db\"\n");
  dir.Write("migrations/versions/1.yaml",
            "revision: \"1\"\ndown_revision: null\nmessage: rows\nupgrade:\n"
            "  - create_table: {name: t, columns: [{name: id, type: integer, primary_key: true},"
            " {name: rowid, type: text}, {name: v, type: integer}]}\n"
            "  - execute: {sql: \"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            "WHERE i < 120000) INSERT INTO t (id, rowid, v) SELECT i, CASE WHEN i % 3 = 0 THEN "
            "NULL ELSE 'r' END, i FROM n\"}\n"
            "downgrade:\n  - drop_table: {name: t}\n");
  dir.Write("migrations/versions/2.yaml",
            "revision: \"2\"\ndown_revision: \"1\"\nmessage: v required\nupgrade:\n"
            "  - alter_column: {table: t, column: v, nullable: false}\n");
  Settings settings{.config_path = (dir.path() / "retort.toml").string(),
                    .url = "sqlite:///" + (dir.path() / "p.db").string()};
  int64_t last = -1;
  settings.on_progress = [&](const std::string&, int64_t done, int64_t) { last = done; };
  Project project = Project::Open(settings);
  project.Upgrade("head");
  EXPECT_EQ(last, 120000);
  EXPECT_EQ(testing::SqliteQuery(dir.path() / "p.db", "SELECT count(*) FROM t"),
            (std::vector<std::vector<std::string>>{{"120000"}}));
}

// Rows that broke a foreign key before the run are not the rebuild's doing.
TEST(RebuildForeignKeys, EarlierOrphansDoNotBlockARebuild) {
  testing::ScratchDir dir;
  dir.Write("retort.toml", "script_location = \"migrations/versions\"\nurl = \"sqlite:///p.db\"\n");
  dir.Write("migrations/versions/1.yaml",
            "revision: \"1\"\ndown_revision: null\nmessage: tables\nupgrade:\n"
            "  - create_table: {name: parent, columns: [{name: id, type: integer, primary_key: true}]}\n"
            "  - create_table: {name: child, columns: [{name: id, type: integer, primary_key: true},"
            " {name: pid, type: integer, references: parent.id}, {name: note, type: text}]}\n");
  dir.Write("migrations/versions/2.yaml",
            "revision: \"2\"\ndown_revision: \"1\"\nmessage: note default\nupgrade:\n"
            "  - alter_column: {table: child, column: note, server_default: n}\n");
  ASSERT_EQ(testing::RunRetort({"upgrade", "1"}, dir.path()).exit_code, 0);
  // An orphan made where foreign keys were off (the sqlite3 shell's default).
  testing::SqliteExecute(dir.path() / "p.db", "INSERT INTO child (id, pid) VALUES (1, 99)");
  testing::CommandResult r = testing::RunRetort({"upgrade", "head"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::SqliteQuery(dir.path() / "p.db", "SELECT id, pid FROM child"),
            (std::vector<std::vector<std::string>>{{"1", "99"}}));
}

// A rebuild keeps what AUTOINCREMENT promises: a value once handed out is
// not handed out again, though its row is gone; generated columns are
// computed again; live and offline alike.
TEST(RebuildAutoincrement, KeepsTheHighestValueEverUsed) {
  for (bool offline : {false, true}) {
    SCOPED_TRACE(offline ? "offline script" : "live run");
    testing::ScratchDir dir;
    dir.Write("retort.toml", "script_location = \"migrations/versions\"\nurl = \"sqlite:///p.db\"\n");
    dir.Write("migrations/versions/1.yaml",
              "revision: \"1\"\ndown_revision: null\nmessage: rows\nupgrade:\n"
              "  - create_table: {name: t, sqlite_autoincrement: true, columns: ["
              "{name: id, type: integer, primary_key: true}, {name: v, type: integer},"
              " {name: twice, type: integer, computed: {sql: v * 2, stored: true}}]}\n");
    dir.Write("migrations/versions/2.yaml",
              "revision: \"2\"\ndown_revision: \"1\"\nmessage: v required\nupgrade:\n"
              "  - alter_column: {table: t, column: v, nullable: false, server_default: \"0\"}\n");
    ASSERT_EQ(testing::RunRetort({"upgrade", "1"}, dir.path()).exit_code, 0);
    testing::SqliteExecute(dir.path() / "p.db",
                           "INSERT INTO t (v) VALUES (1), (2), (3); DELETE FROM t WHERE id = 3");
    if (offline) {
      testing::CommandResult sql = testing::RunRetort({"upgrade", "1:2", "--sql"}, dir.path());
      ASSERT_EQ(sql.exit_code, 0) << sql.err;
      testing::SqliteExecute(dir.path() / "p.db", sql.out);
    } else {
      testing::CommandResult r = testing::RunRetort({"upgrade", "head"}, dir.path());
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    testing::SqliteExecute(dir.path() / "p.db", "INSERT INTO t (v) VALUES (4)");
    EXPECT_EQ(testing::SqliteQuery(dir.path() / "p.db", "SELECT id, v, twice FROM t ORDER BY id"),
              (std::vector<std::vector<std::string>>{{"1", "1", "2"}, {"2", "2", "4"}, {"4", "4", "8"}}));
    EXPECT_NE(testing::SqliteQuery(dir.path() / "p.db",
                                   "SELECT sql FROM sqlite_master WHERE name = 't'")[0][0]
                  .find("AUTOINCREMENT"),
              std::string::npos);
  }
}

// rename_enum_value on SQLite renames the label in the rows too, and the
// downgrade renames it back.
TEST(RebuildEnumLabels, RenamedInTheRowsAndBack) {
  testing::ScratchDir dir;
  dir.Write("retort.toml", "script_location = \"migrations/versions\"\nurl = \"sqlite:///p.db\"\n");
  dir.Write("migrations/versions/1.yaml",
            "revision: \"1\"\ndown_revision: null\nmessage: tasks\nupgrade:\n"
            "  - create_enum: {name: status, values: [todo, done]}\n"
            "  - create_table: {name: t, columns: [{name: id, type: integer, primary_key: true},"
            " {name: s, type: enum(status), server_default: todo}]}\n");
  dir.Write("migrations/versions/2.yaml",
            "revision: \"2\"\ndown_revision: \"1\"\nmessage: rename\nupgrade:\n"
            "  - rename_enum_value: {name: status, value: todo, new_value: backlog}\n");
  ASSERT_EQ(testing::RunRetort({"upgrade", "1"}, dir.path()).exit_code, 0);
  testing::SqliteExecute(dir.path() / "p.db", "INSERT INTO t (s) VALUES ('todo'), ('done'), (NULL)");
  testing::CommandResult r = testing::RunRetort({"upgrade", "head"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  testing::SqliteExecute(dir.path() / "p.db", "INSERT INTO t (id) VALUES (9)");
  EXPECT_EQ(testing::SqliteQuery(dir.path() / "p.db", "SELECT id, coalesce(s, '-') FROM t ORDER BY id"),
            (std::vector<std::vector<std::string>>{{"1", "backlog"}, {"2", "done"}, {"3", "-"}, {"9", "backlog"}}));
  r = testing::RunRetort({"downgrade", "1"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::SqliteQuery(dir.path() / "p.db", "SELECT id, coalesce(s, '-') FROM t ORDER BY id"),
            (std::vector<std::vector<std::string>>{{"1", "todo"}, {"2", "done"}, {"3", "-"}, {"9", "todo"}}));
}

}  // namespace
}  // namespace retort
