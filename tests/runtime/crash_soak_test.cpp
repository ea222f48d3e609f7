// The crash soak: `retort upgrade` (or downgrade) killed with SIGKILL at
// random moments, again and again; after each kill the database is at
// exactly one revision: its live schema equals the replay of the revision
// its version table names (`retort verify` is clean), never between.
//
// RETORT_SOAK_TRIALS sets the trials per dialect (default 12, what CI
// runs); scripts/soak.sh runs the long version and prints the figures.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <random>
#include <thread>

#include "test_util.h"

namespace retort {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A chain whose runs take long enough to be killed inside: 20,000 rows,
// then changes that rebuild (SQLite) or rewrite (PostgreSQL) the tables.
void WriteChain(const testing::ScratchDir& dir) {
  dir.Write("migrations/versions/00.yaml", R"(revision: "00"
down_revision: null
message: tables and rows
upgrade:
  - create_table:
      name: parent
      columns: [{name: id, type: integer, primary_key: true}, {name: name, type: text}]
  - create_table:
      name: child
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: parent_id, type: integer, references: parent.id, on_delete: CASCADE}
        - {name: note, type: string(40)}
  - execute: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) INSERT INTO parent (id, name) SELECT x, 'n' || x FROM c"
  - execute: "INSERT INTO child (id, parent_id, note) SELECT id, id, 'c' FROM parent"
downgrade:
  - drop_table: {name: child}
  - drop_table: {name: parent}
)");
  const char* steps[] = {
      "add_column: {table: parent, column: {name: a1, type: integer, nullable: false, server_default: 0}}",
      "create_index: {table: child, columns: [note]}",
      "alter_column: {table: child, column: note, type: string(80)}",
      "create_check_constraint: {table: parent, name: positive, expr: \"id > 0\"}",
      "add_column: {table: child, column: {name: b1, type: text}}",
      "alter_column: {table: parent, column: name, nullable: false}",
      "create_index: {table: parent, columns: [name, a1]}",
      "alter_column: {table: child, column: note, server_default: x}",
      "create_unique_constraint: {table: child, columns: [parent_id, id]}",
      "add_column: {table: parent, column: {name: a2, type: bigint}}",
  };
  for (int i = 1; i <= 10; ++i) {
    char rev[8], down[8];
    std::snprintf(rev, sizeof rev, "%02d", i);
    std::snprintf(down, sizeof down, "%02d", i - 1);
    std::string upgrade = steps[i - 1];
    if (upgrade.starts_with("alter_column: {table: child, column: note, type"))
      upgrade.insert(upgrade.size() - 1, ", acknowledged: true");
    dir.Write("migrations/versions/" + std::string(rev) + ".yaml",
              std::string("revision: \"") + rev + "\"\ndown_revision: \"" + down +
                  "\"\nmessage: step " + rev + "\nupgrade:\n  - " + upgrade + "\n");
  }
}

int Trials() {
  const char* n = std::getenv("RETORT_SOAK_TRIALS");
  return n ? std::max(1, std::atoi(n)) : 12;
}

class CrashSoak : public ::testing::TestWithParam<std::string> {};

TEST_P(CrashSoak, EveryKillLeavesOneRevision) {
  const std::string& dialect = GetParam();
  if (testing::SkipWithoutServer(dialect)) GTEST_SKIP() << "no PostgreSQL server";
  testing::ScratchDir dir;
  testing::TestDatabase db(dialect, dir.path());
  WriteChain(dir);
  dir.Write("retort.toml", "script_location = \"migrations/versions\"\nurl = \"" + db.url() +
                               "\"\ncreate_database_schema = true\n");
  // How long a whole run takes (process start included): kills land
  // anywhere in it.
  auto start = Clock::now();
  ASSERT_EQ(testing::RunRetort({"upgrade", "head"}, dir.path()).exit_code, 0);
  double full_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  ASSERT_EQ(testing::RunRetort({"downgrade", "base"}, dir.path()).exit_code, 0);

  std::mt19937 random(std::random_device{}());
  std::uniform_real_distribution<double> delay(0, full_ms);
  int killed = 0, finished = 0;
  std::map<std::string, int> landed;  // revision the database was found at
  for (int trial = 0; trial < Trials(); ++trial) {
    std::vector<std::string> before = db.VersionRows();
    bool up = before.empty() || before[0] != "10" ? random() % 4 != 0 : false;
    std::vector<std::string> args = {up ? "upgrade" : "downgrade", up ? "head" : "base"};
    if (random() % 2) args.push_back("--transaction-per-migration");
    testing::RetortProcess run(args, dir.path(), "soak");
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(delay(random)));
    run.Kill(SIGKILL);
    testing::CommandResult r = run.Wait();
    (r.exit_code == 128 + SIGKILL ? killed : finished)++;
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 128 + SIGKILL) << r.err;

    // retort opens the database first: after a kill SQLite may find a hot
    // journal, which only a writer can roll back (the tests' reader is
    // read-only).
    testing::CommandResult verify = testing::RunRetort({"verify"}, dir.path());
    std::vector<std::string> rows = db.VersionRows();
    ASSERT_LE(rows.size(), 1u) << "trial " << trial;
    landed[rows.empty() ? "<base>" : rows[0]]++;
    ASSERT_EQ(verify.exit_code, 0) << "trial " << trial << ": " << args[0] << " killed, found at "
                                   << (rows.empty() ? "<base>" : rows[0]) << ":\n"
                                   << verify.out << verify.err;
    if (!rows.empty()) {
      // The rows survive every kill.
      EXPECT_EQ(db.Query("SELECT count(*) FROM child"), (std::vector<std::vector<std::string>>{{"20000"}}));
    }
  }
  std::string where;
  for (const auto& [rev, n] : landed) where += " " + rev + ":" + std::to_string(n);
  std::cout << "[soak] " << dialect << ": " << Trials() << " trials, " << killed << " killed mid-run, "
            << finished << " finished first (full run " << static_cast<int>(full_ms)
            << " ms); found at" << where << "\n";
}

INSTANTIATE_TEST_SUITE_P(Dialects, CrashSoak, ::testing::ValuesIn(testing::TestDialects()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace retort
