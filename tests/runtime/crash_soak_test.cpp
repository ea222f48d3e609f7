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
#include <optional>
#include <random>
#include <thread>

#include "dialect/dialect.h"
#include "dialect/registry.h"
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

// PostgreSQL kills at the two moments a random delay rarely meets: inside
// COMMIT, and inside CREATE INDEX CONCURRENTLY. Each is made wide on purpose
// (a deferred trigger that sleeps at COMMIT; an open snapshot that the index
// build waits for), and the kill lands once the server shows the statement
// running.
class PostgresKills : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::SkipWithoutServer("postgresql")) GTEST_SKIP() << "no PostgreSQL server";
    db_.emplace("postgresql", dir_.path());
    dir_.Write("retort.toml", "script_location = \"migrations/versions\"\nurl = \"" + db_->url() +
                                  "\"\ncreate_database_schema = true\n");
    watcher_ = dialect::Connect(dialect::ParseUrl(*testing::PostgresUrl()), {});
  }

  // Revision 1 makes a table whose rows hold COMMIT up 1.5 s (a deferred
  // trigger that sleeps); revision 2 adds a row.
  void WriteSlowCommitChain() {
    dir_.Write("migrations/versions/1.yaml", R"yaml(revision: "1"
down_revision: null
message: a table whose rows make COMMIT slow
upgrade:
  - create_table: {name: t, columns: [{name: id, type: integer}]}
  - create_function:
      name: slow_commit
      definition: |
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_sleep(1.5); RETURN NULL; END $$
  - create_trigger:
      {name: slow, table: t, timing: after, events: [insert], initially: deferred, execute: slow_commit()}
downgrade:
  - drop_table: {name: t}
  - drop_function: {name: slow_commit}
)yaml");
    dir_.Write("migrations/versions/2.yaml", R"yaml(revision: "2"
down_revision: "1"
message: a row
upgrade:
  - bulk_insert: {table: t, rows: [{id: 1}]}
downgrade: []
)yaml");
  }

  // Waits (up to 20 s) until a backend of `run` runs a statement starting
  // with `prefix`; returns its pid. Tests beside this one share the server.
  std::string WaitForStatement(const testing::RetortProcess& run, const std::string& prefix) {
    for (int i = 0; i < 2000; ++i) {
      std::vector<dialect::Row> rows = watcher_->Query(
          "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND "
          "application_name = $2",
          {prefix + "%", run.application_name()});
      if (!rows.empty() && rows[0][0]) return *rows[0][0];
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "no backend ran " << prefix;
    return "";
  }

  // Waits until backend `pid` waits on a lock: for CREATE INDEX CONCURRENTLY,
  // its first phase (the index's catalog entry) has committed and it waits
  // for older snapshots. Seen running is not enough: killed before that
  // commit, the build leaves nothing behind.
  void WaitForLockWait(const std::string& pid) {
    for (int i = 0; i < 2000; ++i) {
      if (!watcher_->Query("SELECT 1 FROM pg_stat_activity WHERE pid = $1::int AND wait_event_type = 'Lock'",
                           {pid})
               .empty())
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "backend " << pid << " never waited on a lock";
  }

  // Waits until backend `pid` is gone (its work done or given up).
  void WaitGone(const std::string& pid) {
    for (int i = 0; i < 2000; ++i) {
      if (watcher_->Query("SELECT 1 FROM pg_stat_activity WHERE pid = $1::int", {pid}).empty()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "backend " << pid << " still runs";
  }

  testing::ScratchDir dir_;
  std::optional<testing::TestDatabase> db_;
  std::unique_ptr<dialect::Connection> watcher_;
};

TEST_F(PostgresKills, InsideCommitOfOneTransactionRun) {
  WriteSlowCommitChain();
  testing::RetortProcess run({"upgrade", "head"}, dir_.path(), "commit");
  std::string pid = WaitForStatement(run, "COMMIT");
  run.Kill(SIGKILL);
  EXPECT_EQ(run.Wait().exit_code, 128 + SIGKILL);
  WaitGone(pid);
  // The server finished the COMMIT it had: at head, and nothing is left to do.
  std::vector<std::string> rows = db_->VersionRows();
  ASSERT_LE(rows.size(), 1u);
  EXPECT_EQ(testing::RunRetort({"verify"}, dir_.path()).exit_code, 0);
  testing::CommandResult again = testing::RunRetort({"upgrade", "head"}, dir_.path());
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(db_->VersionRows(), std::vector<std::string>{"2"});
  EXPECT_EQ(db_->Query("SELECT count(*) FROM t"), (std::vector<std::vector<std::string>>{{"1"}}));
}

// The server side goes away during a per-migration COMMIT: retort cannot
// know whether it committed, and says so, naming the revision.
TEST_F(PostgresKills, ServerGoneDuringCommitIsAnUnknownOutcome) {
  WriteSlowCommitChain();
  ASSERT_EQ(testing::RunRetort({"upgrade", "1"}, dir_.path()).exit_code, 0);
  testing::RetortProcess run({"upgrade", "head", "--transaction-per-migration"}, dir_.path(), "gone");
  std::string pid = WaitForStatement(run, "COMMIT");
  watcher_->Query("SELECT pg_terminate_backend($1::int)", {pid});
  testing::CommandResult r = run.Wait();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("revision 2: the connection was lost during COMMIT"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("may or may not have committed"), std::string::npos) << r.err;
  EXPECT_LE(db_->VersionRows().size(), 1u);
  testing::CommandResult again = testing::RunRetort({"upgrade", "head"}, dir_.path());
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(db_->VersionRows(), std::vector<std::string>{"2"});
}

TEST_F(PostgresKills, DuringCreateIndexConcurrently) {
  dir_.Write("migrations/versions/1.yaml", R"yaml(revision: "1"
down_revision: null
message: rows
upgrade:
  - create_table: {name: big, columns: [{name: id, type: integer, primary_key: true}, {name: v, type: integer}]}
  - execute: "INSERT INTO big SELECT x, x % 97 FROM generate_series(1, 20000) AS x"
downgrade:
  - drop_table: {name: big}
)yaml");
  dir_.Write("migrations/versions/2.yaml", R"yaml(revision: "2"
down_revision: "1"
message: an index built without blocking writes
transactional: false
upgrade:
  - create_index: {name: ix_big_v, table: big, columns: [v], concurrently: true}
)yaml");
  ASSERT_EQ(testing::RunRetort({"upgrade", "1"}, dir_.path()).exit_code, 0);
  const std::string schema = db_->url().substr(db_->url().rfind('=') + 1);
  // Once the build ran to its end (the client gone), and once it was
  // stopped halfway, leaving an invalid index.
  for (bool stop_the_build : {false, true}) {
    SCOPED_TRACE(stop_the_build ? "build stopped" : "build finished");
    auto snapshot = dialect::Connect(dialect::ParseUrl(*testing::PostgresUrl()), {});
    snapshot->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ");
    snapshot->Query("SELECT count(*) FROM \"" + schema + "\".big");
    testing::RetortProcess run({"upgrade", "head"}, dir_.path(), "cic");
    std::string pid = WaitForStatement(run, "CREATE INDEX CONCURRENTLY");
    WaitForLockWait(pid);
    run.Kill(SIGKILL);
    EXPECT_EQ(run.Wait().exit_code, 128 + SIGKILL);
    if (stop_the_build) watcher_->Query("SELECT pg_terminate_backend($1::int)", {pid});
    snapshot->Execute("COMMIT");
    WaitGone(pid);
    EXPECT_EQ(db_->VersionRows(), std::vector<std::string>{"1"});  // at a revision
    EXPECT_EQ(db_->Query("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_big_v' AND "
                         "schemaname = current_schema()"),
              (std::vector<std::vector<std::string>>{{"1"}}));
    testing::CommandResult again = testing::RunRetort({"upgrade", "head"}, dir_.path());
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(db_->VersionRows(), std::vector<std::string>{"2"});
    EXPECT_EQ(db_->Query("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = "
                         "i.indexrelid WHERE c.relname = 'ix_big_v' AND c.relnamespace = "
                         "current_schema()::regnamespace"),
              (std::vector<std::vector<std::string>>{{"t"}}));
    EXPECT_EQ(testing::RunRetort({"verify"}, dir_.path()).exit_code, 0);
    ASSERT_EQ(testing::RunRetort({"downgrade", "1"}, dir_.path()).exit_code, 0);
  }
  // Another index under that name (made by hand) is not taken for it.
  watcher_->Execute("CREATE INDEX ix_big_v ON \"" + schema + "\".big (id)");
  testing::CommandResult r = testing::RunRetort({"upgrade", "head"}, dir_.path());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
  EXPECT_EQ(db_->VersionRows(), std::vector<std::string>{"1"});
}

}  // namespace
}  // namespace retort
