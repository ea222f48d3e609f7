// Adopting eleven existing databases, as a team with a database per
// project does: made outside retort (eight as the application made them,
// one older, one already stamped, one broken), on SQLite files and on
// PostgreSQL schemas. `pull` one, write the first revision with `revision
// --autogenerate`, `stamp head --baseline --if-matches --dry-run`, then for
// real, then `current --check-heads`: each step's --json report asserted.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <random>

#include "dialect/dialect.h"
#include "dialect/registry.h"
#include "dialect/url.h"
#include "test_util.h"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::RunRetort;

// The application's tables, as SQLAlchemy's create_all made them; `older`
// lacks what a later release added.
std::string ApplicationTables(bool older) {
  return std::string(
             "CREATE TABLE projects (id INTEGER NOT NULL, name VARCHAR(200) NOT NULL, "
             "CONSTRAINT pk_projects PRIMARY KEY (id));\n"
             "CREATE TABLE control_state (id INTEGER NOT NULL, project_id INTEGER NOT NULL, "
             "state VARCHAR(20) NOT NULL, CONSTRAINT pk_control_state PRIMARY KEY (id), "
             "CONSTRAINT uq_control_state_project_id UNIQUE (project_id), "
             "CONSTRAINT fk_control_state_project_id_projects FOREIGN KEY (project_id) REFERENCES projects (id));\n"
             "CREATE TABLE tasks (id INTEGER NOT NULL, project_id INTEGER NOT NULL, title TEXT NOT NULL, ") +
         (older ? "" : "status VARCHAR(20) DEFAULT 'QUEUED' NOT NULL, ") +
         "CONSTRAINT pk_tasks PRIMARY KEY (id), "
         "CONSTRAINT fk_tasks_project_id_projects FOREIGN KEY (project_id) REFERENCES projects (id));\n"
         "CREATE INDEX ix_tasks_project_id ON tasks (project_id);\n"
         "INSERT INTO projects (id, name) VALUES (1, 'first');\n";
}

nlohmann::json Json(const testing::CommandResult& r) {
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON: " << e.what() << "\n" << r.out << r.err;
    return {};
  }
}

// Target -> status, in report order.
std::vector<std::pair<std::string, std::string>> Statuses(const nlohmann::json& report) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : report["targets"]) out.emplace_back(t["target"], t["status"]);
  return out;
}

class Adoption : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (testing::SkipWithoutServer(GetParam())) GTEST_SKIP() << "no PostgreSQL server";
    dir_.Write("retort.toml", "script_location = \"migrations/versions\"\nschema = [\"schema/*.yaml\"]\n");
    fs::create_directories(dir_.path() / "migrations" / "versions");
    fs::create_directories(dir_.path() / "data");
    if (GetParam() == "postgresql") {
      std::random_device rd;
      prefix_ = "adopt_" + std::to_string(getpid()) + "_" + std::to_string(rd() % 100000) + "_";
      admin_ = dialect::Connect(dialect::ParseUrl(*testing::PostgresUrl()), {.create = false});
    }
    for (int i = 1; i <= 11; ++i) {
      if (admin_) admin_->Execute("CREATE SCHEMA " + Name(i));
      if (i == 11) continue;
      std::string sql = ApplicationTables(i == 9);
      // One already versioned by an earlier adoption.
      if (i == 10) sql += "CREATE TABLE retort_version (version_num VARCHAR(32) NOT NULL); "
                          "INSERT INTO retort_version VALUES ('baseline');\n";
      testing::CommandResult made = testing::RunSqlShell(Url(i), sql, dir_.path());
      ASSERT_EQ(made.exit_code, 0) << made.err;
    }
    // And one broken: a file that is no database; a schema whose version
    // table is no version table.
    if (admin_) {
      testing::RunSqlShell(Url(11), ApplicationTables(false) + "CREATE TABLE retort_version (x integer);\n",
                           dir_.path());
    } else {
      dir_.Write("data/project_11.db", "this is not a database file, at all");
    }
  }
  void TearDown() override {
    if (!admin_) return;
    for (int i = 1; i <= 11; ++i) admin_->Execute("DROP SCHEMA IF EXISTS " + Name(i) + " CASCADE");
  }
  std::string Name(int i) const { return prefix_ + "project_" + std::to_string(i); }
  std::string Url(int i) const {
    if (!admin_) return "sqlite:///" + (dir_.path() / "data" / (Name(i) + ".db")).string();
    return dialect::WithQueryParameter(*testing::PostgresUrl(), "schema", Name(i));
  }
  std::string Pattern() const {
    if (!admin_) return "sqlite:///" + (dir_.path() / "data" / "project_*.db").string();
    return dialect::WithQueryParameter(*testing::PostgresUrl(), "schema", prefix_ + "project_*");
  }
  // The reported target of database i (passwords masked).
  std::string Target(int i) const { return dialect::MaskPassword(Url(i)); }

  testing::ScratchDir dir_;
  std::string prefix_;
  std::unique_ptr<dialect::Connection> admin_;
};

TEST_P(Adoption, ElevenDatabases) {
  // Declare what the first holds, and write the first revision from it.
  testing::CommandResult r = RunRetort({"--url", Url(1), "pull", "--json"}, dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Json(r)["tables"], 3);
  EXPECT_EQ(Json(r)["naming_convention"]["fk"], "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s");
  r = RunRetort({"revision", "--autogenerate", "-m", "baseline", "--rev-id", "baseline"}, dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  // What stamping would do: nothing changes yet.
  const int broken_code = 3;
  r = RunRetort({"--url", Pattern(), "stamp", "head", "--baseline", "--if-matches", "--dry-run", "--json"},
                dir_.path());
  EXPECT_EQ(r.exit_code, broken_code) << r.out << r.err;
  std::vector<std::pair<std::string, std::string>> expected;
  for (int i = 1; i <= 11; ++i) {
    expected.emplace_back(Target(i), i == 9 ? "mismatch" : i == 10 ? "kept" : i == 11 ? "failed" : "would stamp");
  }
  nlohmann::json report = Json(r);
  EXPECT_EQ(Statuses(report), expected);  // in natural order: project_2 before project_10
  EXPECT_EQ(report["targets"][8]["differences"][0]["object"], "column status");
  EXPECT_EQ(report["summary"]["would stamp"], 8);
  r = RunRetort({"--url", Url(1), "current"}, dir_.path());
  EXPECT_EQ(r.out, "");

  // For real.
  r = RunRetort({"--url", Pattern(), "stamp", "head", "--baseline", "--if-matches", "--json"}, dir_.path());
  EXPECT_EQ(r.exit_code, broken_code) << r.out << r.err;
  for (auto& [target, status] : expected) {
    if (status == "would stamp") status = "stamped";
  }
  EXPECT_EQ(Statuses(Json(r)), expected);

  // CI's question: at head? Stamped and kept ones yes, the older one no.
  r = RunRetort({"--url", Pattern(), "current", "--check-heads", "--json"}, dir_.path());
  EXPECT_EQ(r.exit_code, broken_code) << r.out << r.err;
  for (int i = 1; i <= 11; ++i) {
    expected[i - 1].second = i == 9 ? "not at head" : i == 11 ? "failed" : "current";
  }
  report = Json(r);
  EXPECT_EQ(Statuses(report), expected);
  EXPECT_EQ(report["targets"][8]["missing_heads"], nlohmann::json::array({"baseline"}));
  for (int i : {1, 10}) {
    r = RunRetort({"--url", Url(i), "current", "--check-heads"}, dir_.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out, "baseline (head)\n");
  }
  r = RunRetort({"--url", Url(9), "current", "--check-heads"}, dir_.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "not at head: baseline is not applied\n");
  // The stamped ones are clean; the rows are as they were.
  r = RunRetort({"--url", Url(5), "verify"}, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

INSTANTIATE_TEST_SUITE_P(Dialects, Adoption, ::testing::ValuesIn(testing::TestDialects()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace retort
