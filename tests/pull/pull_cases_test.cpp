// Data-driven `retort pull` cases: tests/pull/cases/*.case, each run once
// per dialect (tests named <dialect>_<case>). A case is YAML:
//
//   sql: |, sql_sqlite: |, sql_postgresql: |
//             what makes the database outside retort (both dialects, or
//             one), run with the database's shell
//   pulled_sqlite: |, pulled_postgresql: |
//             the schema file `pull` writes, exactly
//   left_out_sqlite:, left_out_postgresql: ["kind name", ...]
//             what it must list as left out (default: nothing)
//   dialects: [sqlite]
//             only these dialects (default: all)
//
// Each case makes the database (on PostgreSQL a database of its own), runs
// `retort pull`, and compares the file and its --json report. It then
// builds the pulled schema into an empty database (`revision
// --autogenerate`, then `upgrade head`), which must succeed; when nothing
// was left out, the two databases must then hold the same schema, views
// and triggers (as also when CreateAll builds it), and `check` and, once
// stamped, `verify` must find the original clean. RETORT_BLESS=1 rewrites pulled_<dialect> with what pull
// writes now.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "format/file.h"
#include "retort/retort.h"
#include "test_util.h"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::RunRetort;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class PullCase : public ::testing::TestWithParam<testing::CaseFile> {};

TEST_P(PullCase, Pulls) {
  const fs::path& path = GetParam().path;
  const std::string& name = GetParam().dialect;
  format::File file(path.string());
  format::Document doc;
  format::Node root;
  std::string sql;
  std::vector<std::string> left_out;
  try {
    doc = file.Load();
    root = doc.root();
    file.CheckKeys(root, "case", {"sql", "sql_sqlite", "sql_postgresql", "pulled_sqlite", "pulled_postgresql",
                                  "left_out_sqlite", "left_out_postgresql", "dialects"});
    if (root["sql"]) sql += root["sql"].Scalar();
    if (root["sql_" + name]) sql += root["sql_" + name].Scalar();
    if (format::Node list = root["left_out_" + name]) {
      file.RequireSequence(list, "left_out");
      for (const format::Node item : list) left_out.push_back(item.Scalar());
    }
  } catch (const Error& e) {
    FAIL() << "malformed case: " << e.what();
  }
  ASSERT_FALSE(sql.empty()) << "no sql for " << name;
  if (testing::SkipWithoutServer(name)) GTEST_SKIP() << "no PostgreSQL server (RETORT_TEST_PG_URL)";

  testing::ScratchDir dir;
  fs::create_directories(dir.path() / "original");
  fs::create_directories(dir.path() / "built");
  testing::TestDatabase original(name, dir.path() / "original", true);
  testing::TestDatabase built(name, dir.path() / "built", true);
  CommandResult made = testing::RunSqlShell(original.url(), sql, dir.path());
  ASSERT_EQ(made.exit_code, 0) << made.err;

  dir.Write("retort.toml", "script_location = \"migrations/versions\"\nschema = [\"schema/*.yaml\"]\n");
  fs::create_directories(dir.path() / "migrations" / "versions");
  CommandResult pulled = RunRetort({"--url", original.url(), "pull", "--json"}, dir.path());
  ASSERT_EQ(pulled.exit_code, left_out.empty() ? 0 : 1) << pulled.err << pulled.out;
  nlohmann::json report = nlohmann::json::parse(pulled.out);
  std::vector<std::string> listed;
  for (const auto& x : report["left_out"]) {
    listed.push_back(x["kind"].get<std::string>() + " " + x["name"].get<std::string>());
    EXPECT_NE(pulled.err.find(x["sql"].get<std::string>()), std::string::npos)
        << "stderr names each left-out object with its SQL:\n" << pulled.err;
  }
  EXPECT_EQ(listed, left_out);
  const fs::path written = dir.path() / report["path"].get<std::string>();
  ASSERT_EQ(report["path"].get<std::string>(), (dir.path() / "schema" / "schema.yaml").string());
  const std::string text = ReadFile(report["path"].get<std::string>());
  const std::string key = "pulled_" + name;
  if (testing::Blessing() && (!root[key] || root[key].Scalar() != text)) {
    testing::Bless(path, key, text);
  } else {
    ASSERT_TRUE(root[key]) << "no " << key << " in the case; pull wrote:\n" << text;
    EXPECT_EQ(text, root[key].Scalar());
  }

  // Written again only with --force.
  CommandResult again = RunRetort({"--url", original.url(), "pull"}, dir.path());
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("exists: give --force"), std::string::npos) << again.err;

  // The pulled schema builds into an empty database.
  CommandResult revision =
      RunRetort({"--url", built.url(), "revision", "--autogenerate", "-m", "adopt"}, dir.path());
  ASSERT_EQ(revision.exit_code, 0) << revision.err << revision.out;
  CommandResult upgrade = RunRetort({"--url", built.url(), "upgrade", "head"}, dir.path());
  ASSERT_EQ(upgrade.exit_code, 0) << upgrade.err << upgrade.out;
  if (!left_out.empty()) return;
  const std::vector<std::string> own = {"retort_version", "retort_history"};
  EXPECT_EQ(testing::DatabaseState(built.url(), own, false), testing::DatabaseState(original.url(), own, false));
  // And built as create_all builds it, with no scripts.
  fs::create_directories(dir.path() / "created");
  testing::TestDatabase created(name, dir.path() / "created", true);
  try {
    Project::Open({.config_path = (dir.path() / "retort.toml").string(), .url = created.url()}).CreateAll();
  } catch (const Error& e) {
    FAIL() << "CreateAll: " << e.what();
  }
  EXPECT_EQ(testing::DatabaseState(created.url(), own, false), testing::DatabaseState(original.url(), own, false));
  CommandResult check = RunRetort({"--url", original.url(), "check"}, dir.path());
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  ASSERT_EQ(RunRetort({"--url", original.url(), "stamp", "head"}, dir.path()).exit_code, 0);
  CommandResult verify = RunRetort({"--url", original.url(), "verify"}, dir.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

INSTANTIATE_TEST_SUITE_P(Cases, PullCase,
                         ::testing::ValuesIn(testing::CaseFiles(testing::SourceDir() / "tests" / "pull" / "cases")),
                         [](const auto& info) { return testing::CaseTestName(info.param); });

}  // namespace
}  // namespace retort
