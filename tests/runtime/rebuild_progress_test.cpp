// A rebuild of a large table copies its rows in slices and reports each
// one; every row arrives, whatever the slices.
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

}  // namespace
}  // namespace retort
