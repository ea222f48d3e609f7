// Many databases in one run: SQLite globs, PostgreSQL schema patterns,
// targets files; failures reported per target while the others go on;
// dry runs; adopting databases with stamp --baseline; the library's Fleet.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <fstream>
#include <random>

#include "dialect/dialect.h"
#include "dialect/registry.h"
#include "dialect/url.h"
#include "retort/retort.h"
#include "test_util.h"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::RunRetort;
using testing::ScratchDir;

// Three revisions: a table, a column, an index.
void WriteProject(const ScratchDir& dir) {
  dir.Write("retort.toml", "script_location = \"migrations/versions\"\n");
  dir.Write("migrations/versions/1.yaml", R"(revision: "1"
down_revision: null
message: notes
upgrade:
  - create_table: {name: notes, columns: [{name: id, type: integer, primary_key: true}]}
)");
  dir.Write("migrations/versions/2.yaml", R"(revision: "2"
down_revision: "1"
message: body
upgrade:
  - add_column: {table: notes, column: {name: body, type: text}}
)");
  dir.Write("migrations/versions/3.yaml", R"(revision: "3"
down_revision: "2"
message: index
upgrade:
  - create_index: {table: notes, columns: [body]}
)");
}

nlohmann::json Report(const testing::CommandResult& r) {
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON: " << e.what() << "\n" << r.out << r.err;
    return {};
  }
}

std::map<std::string, std::string> Statuses(const nlohmann::json& report) {
  std::map<std::string, std::string> out;
  for (const auto& t : report["targets"]) out[t["target"]] = t["status"];
  return out;
}

class SqliteFleet : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteProject(dir_);
    fs::create_directories(dir_.path() / "data");
    for (int i = 1; i <= 5; ++i) testing::SqliteExecute(File(i), "SELECT 1");
  }
  fs::path File(int i) const { return dir_.path() / "data" / ("project_" + std::to_string(i) + ".db"); }
  std::string Url(const std::string& name) const { return "sqlite:///data/" + name; }
  std::vector<std::vector<std::string>> Version(int i) const {
    return testing::SqliteQuery(File(i), "SELECT version_num FROM retort_version");
  }
  ScratchDir dir_;
};

TEST_F(SqliteFleet, MigratesEveryMatchAndReportsTheBadOnes) {
  std::ofstream(dir_.path() / "data" / "project_bad.db") << "this is not a database file, at all";
  testing::SqliteExecute(File(5), "CREATE TABLE retort_version (version_num VARCHAR(32) NOT NULL); "
                                  "INSERT INTO retort_version VALUES ('zzz')");
  auto r = RunRetort({"upgrade", "head", "--url", Url("project_*.db"), "--json", "-j", "2"}, dir_.path());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  nlohmann::json report = Report(r);
  std::map<std::string, std::string> status = Statuses(report);
  EXPECT_EQ(status.size(), 6u);
  for (int i = 1; i <= 4; ++i) {
    EXPECT_EQ(status[Url("project_" + std::to_string(i) + ".db")], "migrated");
    EXPECT_EQ(Version(i), (std::vector<std::vector<std::string>>{{"3"}}));
  }
  EXPECT_EQ(status[Url("project_bad.db")], "failed");
  EXPECT_EQ(status[Url("project_5.db")], "failed");
  for (const auto& t : report["targets"]) {
    if (t["target"] == Url("project_5.db")) {
      EXPECT_NE(t["error"].get<std::string>().find("'zzz', which no migration script declares"),
                std::string::npos) << t["error"];
      EXPECT_EQ(t["exit_code"], 2);
    }
    if (t["target"] == Url("project_bad.db")) {
      EXPECT_NE(t["error"].get<std::string>().find("not a database"), std::string::npos) << t["error"];
      EXPECT_EQ(t["exit_code"], 3);
    }
  }
  EXPECT_EQ(report["summary"]["migrated"], 4);
  EXPECT_EQ(report["summary"]["failed"], 2);

  // A rerun picks up where it stopped: the migrated ones are up to date.
  fs::remove(dir_.path() / "data" / "project_bad.db");
  testing::SqliteExecute(File(5), "DELETE FROM retort_version");
  r = RunRetort({"upgrade", "head", "--url", Url("project_*.db")}, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(r.out.starts_with("sqlite:///data/project_5.db: migrated <base> -> 3 (3 steps, ")) << r.out;
  EXPECT_NE(r.out.find("\n5 targets: 1 migrated, 4 up to date ("), std::string::npos) << r.out;
}

TEST_F(SqliteFleet, FailFastStartsNoOtherTarget) {
  std::ofstream(dir_.path() / "data" / "project_0.db") << "this is not a database file, at all";
  auto r = RunRetort({"upgrade", "head", "--url", Url("project_*.db"), "-j", "1", "--fail-fast"},
                     dir_.path());
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("sqlite:///data/project_0.db: failed: file is not a database"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("6 targets: 1 failed, 5 not run"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failed:\n  sqlite:///data/project_0.db: file is not a database\n"),
            std::string::npos) << r.out;
  EXPECT_TRUE(testing::SqliteTables(File(1)).empty());
}

TEST_F(SqliteFleet, DryRunTouchesNothing) {
  RunRetort({"upgrade", "1", "--url", Url("project_1.db")}, dir_.path());
  auto r = RunRetort({"upgrade", "head", "--url", Url("project_1.db"), "--url", Url("project_2.db"),
                      "--dry-run", "--sql"},
                     dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find("2 targets")),
            "sqlite:///data/project_1.db: would run 2 from 1:\n"
            "  upgrade 1 -> 2, body\n"
            "  upgrade 2 -> 3, index\n"
            "    ALTER TABLE notes ADD COLUMN body TEXT;\n"
            "    CREATE INDEX ix_notes_body ON notes (body);\n"
            "sqlite:///data/project_2.db: would run 3 from <base>:\n"
            "  upgrade <base> -> 1, notes\n"
            "  upgrade 1 -> 2, body\n"
            "  upgrade 2 -> 3, index\n"
            "    CREATE TABLE notes (\n"
            "      id INTEGER NOT NULL,\n"
            "      PRIMARY KEY (id)\n"
            "    );\n"
            "    ALTER TABLE notes ADD COLUMN body TEXT;\n"
            "    CREATE INDEX ix_notes_body ON notes (body);\n");
  EXPECT_EQ(Version(1), (std::vector<std::vector<std::string>>{{"1"}}));
  EXPECT_TRUE(testing::SqliteTables(File(2)).empty());
  // A missing file is not created by a dry run.
  r = RunRetort({"upgrade", "head", "--url", Url("nope.db"), "--dry-run"}, dir_.path());
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(fs::exists(dir_.path() / "data" / "nope.db"));
  // --sql asks for a dry run.
  r = RunRetort({"upgrade", "head", "--sql"}, dir_.path());
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(SqliteFleet, BaselineStampsOnlyUnversionedDatabasesThatMatch) {
  // 1: versioned already; 2: built by hand as revision 3 would; 3: built
  // by hand but different; 4, 5: empty.
  RunRetort({"upgrade", "2", "--url", Url("project_1.db")}, dir_.path());
  testing::SqliteExecute(File(2), "CREATE TABLE notes (id INTEGER NOT NULL, body TEXT, "
                                  "CONSTRAINT pk_notes PRIMARY KEY (id)); "
                                  "CREATE INDEX ix_notes_body ON notes (body)");
  testing::SqliteExecute(File(3), "CREATE TABLE notes (id INTEGER NOT NULL, "
                                  "CONSTRAINT pk_notes PRIMARY KEY (id))");
  dir_.Write("targets.txt", "# the projects\n" + Url("project_1.db") + "\n\n  " + Url("project_2.db") +
                                "  \n" + Url("project_3.db") + "\n");
  auto r = RunRetort({"stamp", "head", "--baseline", "--if-matches", "--targets", "targets.txt"},
                     dir_.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find("3 targets")),
            "sqlite:///data/project_1.db: kept at 2 (already versioned)\n"
            "sqlite:///data/project_2.db: stamped <base> -> 3\n"
            "sqlite:///data/project_3.db: not stamped: the schema differs from that revision's in 2 ways:\n"
            "  table notes: missing column body: text\n"
            "  table notes: missing index ix_notes_body: (body)\n");
  EXPECT_EQ(Version(1), (std::vector<std::vector<std::string>>{{"2"}}));
  EXPECT_EQ(Version(2), (std::vector<std::vector<std::string>>{{"3"}}));
  EXPECT_FALSE(testing::SqliteTables(File(3)).size() > 1);
  r = RunRetort({"verify", "--url", Url("project_[12].db")}, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.substr(r.out.find("2 targets")).substr(0, 19), "2 targets: 2 clean ");
}

TEST_F(SqliteFleet, CurrentAndVerifyReportEachTarget) {
  RunRetort({"upgrade", "head", "--url", Url("project_*.db")}, dir_.path());
  RunRetort({"downgrade", "1", "--url", Url("project_2.db")}, dir_.path());
  testing::SqliteExecute(File(3), "CREATE INDEX extra ON notes (id)");
  auto r = RunRetort({"current", "--url", Url("project_[123].db")}, dir_.path());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.substr(0, r.out.find("3 targets")),
            "sqlite:///data/project_1.db: 3\nsqlite:///data/project_2.db: 1\n"
            "sqlite:///data/project_3.db: 3\n");
  r = RunRetort({"verify", "--url", Url("project_*.db"), "--json"}, dir_.path());
  EXPECT_EQ(r.exit_code, 1);
  std::map<std::string, std::string> status = Statuses(Report(r));
  EXPECT_EQ(status[Url("project_3.db")], "drift");
  EXPECT_EQ(status[Url("project_2.db")], "clean");
}

// Targets in natural order (project_2 before project_10); those that
// differ alike are reported once, with the targets named.
TEST_F(SqliteFleet, NaturalOrderAndAlikeDifferencesTogether) {
  for (int i : {10, 11}) testing::SqliteExecute(File(i), "SELECT 1");
  for (int i : {2, 10, 11}) {
    testing::SqliteExecute(File(i), "CREATE TABLE notes (id INTEGER NOT NULL, CONSTRAINT pk_notes PRIMARY KEY (id))");
  }
  testing::SqliteExecute(File(3), "CREATE TABLE notes (id INTEGER NOT NULL, body TEXT, "
                                  "CONSTRAINT pk_notes PRIMARY KEY (id))");
  auto r = RunRetort({"stamp", "head", "--baseline", "--if-matches", "--url", Url("project_*.db")}, dir_.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find("7 targets: ")),
            "3 targets: not stamped: the schema differs from that revision's in 1 way:\n"
            "  table notes: missing table\n"
            "  on sqlite:///data/project_1.db, sqlite:///data/project_4.db, sqlite:///data/project_5.db\n"
            "3 targets: not stamped: the schema differs from that revision's in 2 ways:\n"
            "  table notes: missing column body: text\n"
            "  table notes: missing index ix_notes_body: (body)\n"
            "  on sqlite:///data/project_2.db, sqlite:///data/project_10.db, sqlite:///data/project_11.db\n"
            "sqlite:///data/project_3.db: not stamped: the schema differs from that revision's in 1 way:\n"
            "  table notes: missing index ix_notes_body: (body)\n")
      << r.out;
  r = RunRetort({"current", "--url", Url("project_*.db"), "--json"}, dir_.path());
  std::vector<std::string> order;
  const nlohmann::json report = Report(r);
  for (const auto& t : report["targets"]) order.push_back(t["target"]);
  EXPECT_EQ(order, (std::vector<std::string>{Url("project_1.db"), Url("project_2.db"), Url("project_3.db"),
                                             Url("project_4.db"), Url("project_5.db"), Url("project_10.db"),
                                             Url("project_11.db")}));
}

TEST_F(SqliteFleet, ValidateReportsEachTarget) {
  RunRetort({"upgrade", "head", "--url", Url("project_[12].db")}, dir_.path());
  RunRetort({"upgrade", "1", "--url", Url("project_3.db")}, dir_.path());
  std::string script = testing::ReadFile(dir_.path() / "migrations/versions/2.yaml");
  dir_.Write("migrations/versions/2.yaml", script + "# a comment is no edit\n");
  auto r = RunRetort({"validate", "--url", Url("project_[123].db")}, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  dir_.Write("migrations/versions/2.yaml",
             script.replace(script.find("type: text"), 10, "type: string(9)"));
  r = RunRetort({"validate", "--url", Url("project_[123].db")}, dir_.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("2 targets: 1 applied script changed:\n"
                       "  revision 2 ("),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  on sqlite:///data/project_1.db, sqlite:///data/project_2.db\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("3 targets: 1 clean, 2 drift"), std::string::npos) << r.out;
  // repair over the same targets accepts them, like validate reports them.
  r = RunRetort({"repair", "--url", Url("project_[123].db")}, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("2 targets: accepted 1 changed script:\n  revision 2 ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 targets: 1 clean, 2 repaired"), std::string::npos) << r.out;
  r = RunRetort({"validate", "--url", Url("project_[123].db")}, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(SqliteFleet, NoTargets) {
  auto r = RunRetort({"upgrade", "head", "--url", Url("nothing_*.db")}, dir_.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no targets"), std::string::npos) << r.err;
  r = RunRetort({"upgrade", "head", "--targets", "missing.txt"}, dir_.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.txt: cannot read the targets file"), std::string::npos) << r.err;
}

// The library: Fleet with a callback per target.
TEST_F(SqliteFleet, LibraryRunsTheSame) {
  Project project = Project::Open({.config_path = (dir_.path() / "retort.toml").string()});
  std::vector<std::string> urls;
  for (int i = 1; i <= 5; ++i) urls.push_back("sqlite:///" + File(i).string());
  size_t calls = 0;
  FleetReport report = project.Fleet(
      {.kind = FleetCommand::Kind::kUpgrade, .target = "head"}, {.urls = urls, .jobs = 2},
      [&](const TargetResult&, size_t done, size_t total) {
        ++calls;
        EXPECT_EQ(total, 5u);
        EXPECT_EQ(done, calls);
      });
  EXPECT_EQ(calls, 5u);
  EXPECT_EQ(report.ExitCode(), 0);
  for (const TargetResult& t : report.targets) {
    EXPECT_EQ(t.status, TargetResult::Status::kMigrated) << t.target << ": " << t.error;
    EXPECT_EQ(t.heads_after, std::vector<std::string>{"3"});
    EXPECT_EQ(t.steps.size(), 3u);
  }
}

// PostgreSQL: the schemas of one database matching a pattern.
TEST(PostgresFleet, SchemaPattern) {
  if (testing::SkipWithoutServer("postgresql")) GTEST_SKIP() << "no PostgreSQL server";
  ScratchDir dir;
  WriteProject(dir);
  std::random_device rd;
  std::string prefix = "fleet_" + std::to_string(getpid()) + "_" + std::to_string(rd() % 100000) + "_";
  std::string base = *testing::PostgresUrl();
  std::unique_ptr<dialect::Connection> admin =
      dialect::Connect(dialect::ParseUrl(base), {.create = false});
  for (const char* name : {"a", "b", "c"}) admin->Execute("CREATE SCHEMA " + prefix + name);
  admin->Execute("CREATE SCHEMA " + prefix + "other_x");
  std::string pattern = dialect::WithQueryParameter(base, "schema", prefix + "?");
  auto r = RunRetort({"upgrade", "head", "--url", pattern, "--json"}, dir.path());
  nlohmann::json report = Report(r);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(report["summary"]["migrated"], 3);
  EXPECT_EQ(report["targets"].size(), 3u);
  auto count = [&](const std::string& schema) {
    return admin->Query("SELECT count(*) FROM pg_tables WHERE schemaname = $1", {schema})[0][0].value();
  };
  EXPECT_EQ(count(prefix + "a"), "3");  // notes, retort_version, retort_history
  EXPECT_EQ(count(prefix + "c"), "3");
  EXPECT_EQ(count(prefix + "other_x"), "0");
  // Rerun, mixed with a SQLite file through a targets file.
  dir.Write("targets.txt", pattern + "\nsqlite:///extra.db\n");
  r = RunRetort({"upgrade", "head", "--targets", "targets.txt"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("4 targets: 1 migrated, 3 up to date"), std::string::npos) << r.out;
  for (const char* name : {"a", "b", "c", "other_x"}) {
    admin->Execute("DROP SCHEMA " + prefix + name + " CASCADE");
  }
}

}  // namespace
}  // namespace retort
