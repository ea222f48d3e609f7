// PostgreSQL-only behaviour through the binary: connection failures, the
// schema option, password masking, the advisory lock under concurrency.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "dialect/dialect.h"
#include "dialect/registry.h"

#include "dialect/url.h"
#include "test_util.h"

namespace retort {
namespace {

using testing::CommandResult;
using testing::RunRetort;
using testing::ScratchDir;

class Postgres : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::SkipWithoutServer("postgresql")) GTEST_SKIP() << "no PostgreSQL server";
    url_ = *testing::PostgresUrl();
    dir_.Write("migrations/versions/1.yaml",
               "revision: r1\ndown_revision: null\nmessage: one\nupgrade:\n"
               "  - create_table: {name: t1, columns: [{name: id, type: integer, primary_key: true}]}\n");
    dir_.Write("retort.toml", "script_location = \"migrations/versions\"\n");
  }

  // The test server's URL with `from` replaced by `to`.
  std::string Edited(const std::string& from, const std::string& to) const {
    return std::regex_replace(url_, std::regex(from), to);
  }

  std::string url_;
  ScratchDir dir_;
};

TEST_F(Postgres, UnreachableServerFailsFast) {
  // A closed port on the same host: refused at once, never a hang.
  std::string url = Edited(":[0-9]+/", ":1/") + "?connect_timeout=3";
  CommandResult r = RunRetort({"--url", url, "upgrade", "head"}, dir_.path());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
}

TEST_F(Postgres, WrongPasswordIsRefusedAndNeverPrinted) {
  std::string url = Edited("retort:retort@", "retort:s3cret-Pw@");
  CommandResult r = RunRetort({"--url", url, "upgrade", "head"}, dir_.path());
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("password authentication failed"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("s3cret-Pw"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("s3cret-Pw"), std::string::npos);
  EXPECT_NE(r.err.find("retort:***@"), std::string::npos) << r.err;
}

TEST_F(Postgres, PasswordFromTheEnvironment) {
  testing::TestDatabase db("postgresql", dir_.path());
  std::string url = dialect::WithQueryParameter(Edited("retort:retort@", "retort@"), "schema",
                                                db.url().substr(db.url().rfind('=') + 1));
  CommandResult r = RunRetort({"--url", url, "--create-schema", "upgrade", "head"}, dir_.path(),
                              {{"PGPASSWORD", "retort"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(db.VersionRows(), std::vector<std::string>{"r1"});
}

TEST_F(Postgres, PasswordFromThePasswordFile) {
  testing::TestDatabase db("postgresql", dir_.path());
  std::smatch m;
  ASSERT_TRUE(std::regex_search(url_, m, std::regex("@([^:/]+):([0-9]+)/([^?]+)")));
  dir_.Write("pgpass", m[1].str() + ":" + m[2].str() + ":" + m[3].str() + ":retort:retort\n");
  std::filesystem::permissions(dir_.path() / "pgpass", std::filesystem::perms::owner_read |
                                                          std::filesystem::perms::owner_write);
  std::string url = Edited("retort:retort@", "retort@") + "?schema=" +
                    db.url().substr(db.url().rfind('=') + 1);
  CommandResult r = RunRetort({"--url", url, "--create-schema", "upgrade", "head"}, dir_.path(),
                              {{"PGPASSFILE", (dir_.path() / "pgpass").string()}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(db.VersionRows(), std::vector<std::string>{"r1"});
}

TEST_F(Postgres, MissingSchemaNeedsTheCreateOption) {
  testing::TestDatabase db("postgresql", dir_.path());
  CommandResult r = RunRetort({"--url", db.url(), "upgrade", "head"}, dir_.path());
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("does not exist (create it, or allow retort to: --create-schema"),
            std::string::npos) << r.err;
  EXPECT_TRUE(db.Tables().empty());
  r = RunRetort({"--url", db.url(), "--create-schema", "upgrade", "head"}, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(db.Tables(), (std::vector<std::string>{"retort_history", "retort_version", "t1"}));
}

TEST_F(Postgres, EightRunsAtOnceApplyEveryStepOnce) {
  for (int i = 2; i <= 20; ++i) {
    dir_.Write("migrations/versions/" + std::to_string(i) + ".yaml",
               "revision: r" + std::to_string(i) + "\ndown_revision: r" + std::to_string(i - 1) +
                   "\nmessage: step\nupgrade:\n  - create_table: {name: t" + std::to_string(i) +
                   ", columns: [{name: id, type: integer, primary_key: true}]}\n");
  }
  testing::TestDatabase db("postgresql", dir_.path());
  // The schema exists before the race: creating it is not what is tested.
  ASSERT_EQ(RunRetort({"--url", db.url(), "--create-schema", "current"}, dir_.path()).exit_code, 0);
  for (const char* mode : {"", "--transaction-per-migration"}) {
    std::vector<std::unique_ptr<testing::RetortProcess>> runs;
    for (int i = 0; i < 8; ++i) {
      std::vector<std::string> args = {"--url", db.url(), "upgrade", "head"};
      if (*mode) args.push_back(mode);
      runs.push_back(std::make_unique<testing::RetortProcess>(args, dir_.path(), std::to_string(i)));
    }
    for (auto& run : runs) {
      CommandResult r = run->Wait();
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    EXPECT_EQ(db.Query("SELECT count(*), count(DISTINCT revision) FROM retort_history WHERE "
                       "direction = 'upgrade'"),
              (std::vector<std::vector<std::string>>{{"20", "20"}}));
    EXPECT_EQ(db.VersionRows(), std::vector<std::string>{"r20"});
    ASSERT_EQ(RunRetort({"--url", db.url(), "downgrade", "base"}, dir_.path()).exit_code, 0);
    db.Query("DELETE FROM retort_history");
  }
}

// A run creating a schema that another session creates at the same moment:
// CREATE SCHEMA IF NOT EXISTS waits for the other's commit, then fails on the
// catalog's unique index. The run must go on. (The other session holds its
// transaction open, so the moment is not left to chance.)
TEST_F(Postgres, CreatingASchemaAnotherSessionCreatesAtOnce) {
  testing::TestDatabase db("postgresql", dir_.path());
  const std::string schema = db.url().substr(db.url().rfind('=') + 1);
  auto other = dialect::Connect(dialect::ParseUrl(url_), {});
  other->Execute("BEGIN");
  other->Execute("CREATE SCHEMA \"" + schema + "\"");
  testing::RetortProcess run({"--url", db.url(), "--create-schema", "upgrade", "head"}, dir_.path(), "a");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  other->Execute("COMMIT");
  CommandResult r = run.Wait();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(db.VersionRows(), std::vector<std::string>{"r1"});
}

// --lock-timeout 0 fails at once while another run holds the lock (where
// PostgreSQL's own lock_timeout = 0 would wait forever), for a run in one
// transaction and for a script outside one.
TEST_F(Postgres, ZeroLockTimeoutFailsAtOnceWhenLocked) {
  testing::TestDatabase db("postgresql", dir_.path());
  const std::string schema = db.url().substr(db.url().rfind('=') + 1);
  ASSERT_EQ(RunRetort({"--url", db.url(), "--create-schema", "current"}, dir_.path()).exit_code, 0);
  auto holder = dialect::Connect(dialect::ParseUrl(url_), {});
  holder->Execute("SELECT pg_advisory_lock(hashtext($1))", {"retort:" + schema + ".retort_version"});
  CommandResult r = RunRetort({"--url", db.url(), "--lock-timeout", "0", "upgrade", "head"}, dir_.path());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("database is locked"), std::string::npos) << r.err;
  dir_.Write("migrations/versions/1.yaml",
             "revision: r1\ndown_revision: null\nmessage: one\ntransactional: false\nupgrade:\n"
             "  - create_table: {name: t1, columns: [{name: id, type: integer, primary_key: true}]}\n");
  r = RunRetort({"--url", db.url(), "--lock-timeout", "0", "upgrade", "head"}, dir_.path());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("database is locked"), std::string::npos) << r.err;
  EXPECT_TRUE(db.VersionRows().empty());
  holder->Execute("SELECT pg_advisory_unlock_all()");
  r = RunRetort({"--url", db.url(), "--lock-timeout", "0", "upgrade", "head"}, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// Sixteen runs creating one new schema at once each succeed.
TEST_F(Postgres, RunsCreatingOneSchemaAtOnceAllSucceed) {
  for (int trial = 0; trial < 2; ++trial) {
    testing::TestDatabase db("postgresql", dir_.path());
    std::vector<std::unique_ptr<testing::RetortProcess>> runs;
    for (int i = 0; i < 16; ++i) {
      runs.push_back(std::make_unique<testing::RetortProcess>(
          std::vector<std::string>{"--url", db.url(), "--create-schema", "upgrade", "head"},
          dir_.path(), std::to_string(i)));
    }
    for (auto& run : runs) {
      CommandResult r = run->Wait();
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    EXPECT_EQ(db.VersionRows(), std::vector<std::string>{"r1"});
  }
}

// The server cuts names past 63 bytes, so two URLs differing after that
// would reach one schema under two different locks: such names are refused
// before connecting, as the version table's are.
TEST_F(Postgres, OverLongNamesAreRefused) {
  std::string schema(64, 's');
  CommandResult r = RunRetort(
      {"--url", dialect::WithQueryParameter(url_, "schema", schema), "--create-schema", "upgrade", "head"},
      dir_.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("the ?schema= name '" + schema + "' is 64 bytes long"), std::string::npos)
      << r.err;
  testing::TestDatabase db("postgresql", dir_.path());
  dir_.Write("retort.toml", "script_location = \"migrations/versions\"\nversion_table = \"" +
                                std::string(64, 'v') + "\"\n");
  r = RunRetort({"--url", db.url(), "--create-schema", "upgrade", "head"}, dir_.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("version_table"), std::string::npos) << r.err;
  EXPECT_TRUE(db.Tables().empty());
  // Its primary key, <table>_pkc, must fit too: the message says so.
  dir_.Write("retort.toml", "script_location = \"migrations/versions\"\nversion_table = \"" +
                                std::string(60, 'v') + "\"\n");
  r = RunRetort({"--url", db.url(), "--create-schema", "upgrade", "head"}, dir_.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("version_table '" + std::string(60, 'v') +
                       "' is 60 bytes long; postgresql allows 59 bytes for it (its primary key is "
                       "named vvvvvvvv..._pkc, within 63)"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(db.Tables().empty());
}

}  // namespace
}  // namespace retort
