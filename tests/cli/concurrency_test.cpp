// Several runs against one SQLite database at once: every step is applied
// exactly once and every run exits 0; a run that cannot get the lock in
// time fails cleanly.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "test_util.h"

namespace retort {
namespace {

void WriteChain(const testing::ScratchDir& dir, int n, int lock_timeout_s) {
  dir.Write("retort.toml", "script_location = \"migrations/versions\"\nurl = \"sqlite:///c.db\"\n"
                           "lock_timeout = " + std::to_string(lock_timeout_s) + "\n");
  for (int i = 0; i < n; ++i) {
    std::string rev = "r" + std::to_string(100 + i);
    std::string down = i == 0 ? "null" : "r" + std::to_string(99 + i);
    dir.Write("migrations/versions/" + rev + ".yaml",
              "revision: " + rev + "\ndown_revision: " + down + "\nmessage: step\nupgrade:\n"
              "  - create_table: {name: t" + std::to_string(i) +
                  ", columns: [{name: id, type: integer, primary_key: true}]}\n");
  }
}

class Concurrency : public ::testing::TestWithParam<bool> {};

TEST_P(Concurrency, EveryStepOnce) {
  testing::ScratchDir dir;
  WriteChain(dir, 20, 60);
  std::vector<std::string> args = {"upgrade", "head"};
  if (GetParam()) args.push_back("--transaction-per-migration");
  std::vector<std::unique_ptr<testing::RetortProcess>> runs;
  for (int i = 0; i < 6; ++i) {
    runs.push_back(std::make_unique<testing::RetortProcess>(args, dir.path(), std::to_string(i)));
  }
  for (auto& run : runs) {
    testing::CommandResult r = run->Wait();
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  auto db = dir.path() / "c.db";
  EXPECT_EQ(testing::SqliteQuery(db, "SELECT count(*), count(DISTINCT revision) FROM retort_history"),
            (std::vector<std::vector<std::string>>{{"20", "20"}}));
  EXPECT_EQ(testing::SqliteQuery(db, "SELECT version_num FROM retort_version"),
            (std::vector<std::vector<std::string>>{{"r119"}}));
}

INSTANTIATE_TEST_SUITE_P(Modes, Concurrency, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PerMigration" : "OneTransaction"; });

// A run while another connection holds the write lock, with `timeout`:
// it fails cleanly (exit 3, the database as it was).
void ExpectLockedOut(const std::string& timeout) {
  testing::ScratchDir dir;
  WriteChain(dir, 2, 60);
  ASSERT_EQ(testing::RunRetort({"upgrade", "r100"}, dir.path()).exit_code, 0);
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "c.db").c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  testing::CommandResult r = testing::RunRetort({"upgrade", "head", "--lock-timeout", timeout}, dir.path());
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("database is locked"), std::string::npos) << r.err;
  EXPECT_EQ(testing::SqliteQuery(dir.path() / "c.db", "SELECT version_num FROM retort_version"),
            (std::vector<std::vector<std::string>>{{"r100"}}));
}

TEST(Locking, GivesUpAfterTheLockTimeout) { ExpectLockedOut("0.5"); }

// 0 fails at once.
TEST(Locking, ZeroFailsAtOnceWhenLocked) { ExpectLockedOut("0"); }

}  // namespace
}  // namespace retort
