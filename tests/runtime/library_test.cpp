// The library without files: scripts and schema given in memory (what
// retort_embed_migrations compiles in), create_all for tests, and the check
// that a migrated database equals the declared schema.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>

#include "dialect/dialect.h"
#include "dialect/postgresql/libpq.h"
#include "dialect/registry.h"
#include "dialect/sql_text.h"
#include "retort/retort.h"
#include "test_util.h"

namespace retort {
namespace {

const std::vector<SourceFile> kScripts = {
    {"2.yaml", R"(revision: "2"
down_revision: "1"
message: posts
upgrade:
  - create_table:
      name: posts
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: author_id, type: integer, references: users.id, on_delete: CASCADE}
)"},
    {"1.yaml", R"(revision: "1"
down_revision: null
message: users
upgrade:
  - create_table:
      name: users
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: email, type: string(255), nullable: false, unique: true}
)"},
};

const std::vector<SourceFile> kSchema = {{"app.yaml", R"(tables:
  - name: posts
    columns:
      - {name: id, type: integer, primary_key: true}
      - {name: author_id, type: integer, references: users.id, on_delete: CASCADE}
  - name: users
    columns:
      - {name: id, type: integer, primary_key: true}
      - {name: email, type: string(255), nullable: false, unique: true}
)"}};

class Library : public ::testing::TestWithParam<std::string> {};

TEST_P(Library, ScriptsAndSchemaFromMemory) {
  if (testing::SkipWithoutServer(GetParam())) GTEST_SKIP() << "no PostgreSQL server";
  testing::ScratchDir dir;
  testing::TestDatabase db(GetParam(), dir.path());
  Settings settings{.config_path = (dir.path() / "no-such-retort.toml").string(),
                    .scripts = kScripts,
                    .schema_files = kSchema,
                    .url = db.url(),
                    .create_schema = true};
  Project project = Project::Open(settings);
  EXPECT_TRUE(project.Check().empty());
  RunResult result = project.Upgrade("head");
  EXPECT_EQ(result.steps.size(), 2u);
  EXPECT_EQ(project.Current(), std::vector<std::string>{"2"});
  EXPECT_TRUE(project.Verify().empty());
  EXPECT_TRUE(project.CompareWithDeclared().empty());
  try {
    project.NewRevision({.message = "x"});
    ADD_FAILURE() << "wrote a script with no folder";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
  }
}

TEST_P(Library, CreateAllBuildsTheDeclaredSchema) {
  if (testing::SkipWithoutServer(GetParam())) GTEST_SKIP() << "no PostgreSQL server";
  testing::ScratchDir dir;
  testing::TestDatabase db(GetParam(), dir.path());
  Project project = Project::Open({.config_path = (dir.path() / "none.toml").string(),
                                   .schema_files = kSchema,
                                   .url = db.url(),
                                   .create_schema = true});
  project.CreateAll();
  EXPECT_EQ(db.Tables(), (std::vector<std::string>{"posts", "users"}));
  EXPECT_TRUE(project.CompareWithDeclared().empty());
  // A database that differs says how.
  db.Query("CREATE INDEX extra ON users (email)");
  std::vector<SchemaDifference> differences = project.CompareWithDeclared();
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_EQ(differences[0].description, "table users: unexpected index extra: (email)");
  // Not twice: the tables exist.
  EXPECT_THROW(project.CreateAll(), Error);
}

INSTANTIATE_TEST_SUITE_P(Dialects, Library, ::testing::ValuesIn(testing::TestDialects()),
                         [](const auto& info) { return info.param; });

// An in-memory database lives as long as its connection: migrated on one
// kept open, it is there for the next command, and the application's.
TEST(LibraryConnection, MigratesAnInMemoryDatabaseAndKeepsIt) {
  testing::ScratchDir dir;
  Project project = Project::Open({.config_path = (dir.path() / "none.toml").string(),
                                   .scripts = kScripts,
                                   .schema_files = kSchema,
                                   .url = "sqlite://:memory:"});
  Database db = project.OpenDatabase();
  RunResult run = project.Upgrade(db, "head");
  EXPECT_EQ(run.steps.size(), 2u);
  EXPECT_EQ(project.Current(db), std::vector<std::string>{"2"});
  EXPECT_TRUE(project.Verify(db).empty());
  EXPECT_TRUE(project.CompareWithDeclared(db).empty());
  EXPECT_EQ(project.AppliedHistory(db).size(), 2u);
  project.Downgrade(db, "1");
  EXPECT_EQ(project.Current(db), std::vector<std::string>{"1"});
  // Another connection to :memory: is another, empty database.
  EXPECT_TRUE(project.Current().empty());
}

int64_t Count(sqlite3* handle, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW) << sql;
  int64_t n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return n;
}

// The environment variables, the clock, the user and the host come from the
// one place the settings give.
TEST(LibraryEnvironment, ReadsTheWorldThroughTheSettings) {
  testing::ScratchDir dir;
  std::string file = (dir.path() / "env.db").string();
  Environment env;
  env.variable = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "RETORT_DATABASE_URL") return "sqlite:///" + file;
    return std::nullopt;
  };
  env.now = [] { return std::chrono::system_clock::from_time_t(1893553445); };  // 2030-01-02 03:04:05
  env.user = [] { return std::string("ci-user"); };
  env.host = [] { return std::string("build-7"); };
  Project project = Project::Open({.config_path = (dir.path() / "none.toml").string(),
                                   .scripts = kScripts,
                                   .environment = env});
  EXPECT_EQ(project.MaskedUrl(), "sqlite:///" + file);
  project.Upgrade("head");
  std::vector<HistoryRecord> history = project.AppliedHistory();
  ASSERT_EQ(history.size(), 2u);
  for (const HistoryRecord& h : history) {
    EXPECT_EQ(h.applied_at, "2030-01-02T03:04:05.000000Z");
    EXPECT_EQ(h.applied_by, "ci-user");
    EXPECT_EQ(h.host, "build-7");
  }
}

// The application opens its database, hands retort the connection, and
// goes on using it: the tables are there, and retort closed nothing.
TEST(LibraryConnection, RunsOnTheApplicationsSqliteConnection) {
  testing::ScratchDir dir;
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &handle), SQLITE_OK);
  Project project = Project::Open({.config_path = (dir.path() / "none.toml").string(),
                                   .scripts = kScripts,
                                   .schema_files = kSchema,
                                   .url = "sqlite://:memory:"});
  {
    Database db = Database::Borrow(handle, "the app's database");
    project.Upgrade(db, "head");
    EXPECT_EQ(project.Current(db), std::vector<std::string>{"2"});
    // Foreign keys act while retort works on it.
    EXPECT_EQ(Count(handle, "PRAGMA foreign_keys"), 1);
    EXPECT_EQ(db.label(), "the app's database");
  }
  // The application's setting is back, and its connection still works.
  EXPECT_EQ(Count(handle, "PRAGMA foreign_keys"), 0);
  ASSERT_EQ(sqlite3_exec(handle,
                         "INSERT INTO users (id, email) VALUES (1, 'a@example.com');"
                         "INSERT INTO posts (id, author_id) VALUES (10, 1), (11, 1);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(handle);
  EXPECT_EQ(Count(handle, "SELECT count(*) FROM posts JOIN users ON users.id = posts.author_id"), 2);
  EXPECT_EQ(Count(handle, "SELECT count(*) FROM retort_version WHERE version_num = '2'"), 1);
  EXPECT_EQ(sqlite3_close(handle), SQLITE_OK);
}

// retort runs its own transactions: a connection inside one is refused,
// and left as it was.
TEST(LibraryConnection, RefusesAConnectionInsideATransaction) {
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &handle), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(handle, "BEGIN; CREATE TABLE mine (x INTEGER);", nullptr, nullptr, nullptr),
            SQLITE_OK);
  try {
    Database::Borrow(handle);
    ADD_FAILURE() << "a connection inside a transaction must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("inside a transaction"), std::string::npos) << e.what();
  }
  EXPECT_EQ(sqlite3_get_autocommit(handle), 0);
  EXPECT_EQ(sqlite3_exec(handle, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(Count(handle, "SELECT count(*) FROM mine"), 0);
  EXPECT_EQ(sqlite3_close(handle), SQLITE_OK);
  EXPECT_THROW(Database::Borrow(static_cast<sqlite3*>(nullptr)), Error);
}

// The same with the application's libpq connection, in its current schema.
TEST(LibraryConnection, RunsOnTheApplicationsPostgresConnection) {
  if (testing::SkipWithoutServer("postgresql")) GTEST_SKIP() << "no PostgreSQL server";
  testing::ScratchDir dir;
  testing::TestDatabase target("postgresql", dir.path());
  dialect::DatabaseUrl url = dialect::ParseUrl(target.url());
  dialect::Connect(url, {.create_schema = true});  // the schema, made
  dialect::LibPq pq;
  PGconn* handle = pq.connectdb(url.conninfo.c_str());
  ASSERT_EQ(pq.status(handle), CONNECTION_OK) << pq.errorMessage(handle);
  auto exec = [&](const std::string& sql) {
    PGresult* result = pq.exec(handle, sql.c_str());
    ExecStatusType status = pq.resultStatus(result);
    std::string value = status == PGRES_TUPLES_OK && pq.ntuples(result) > 0 ? pq.getvalue(result, 0, 0) : "";
    EXPECT_TRUE(status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) << sql << ": " << pq.errorMessage(handle);
    pq.clear(result);
    return value;
  };
  exec("SET search_path TO " + dialect::QuoteIdentifier(url.schema));
  Project project = Project::Open({.config_path = (dir.path() / "none.toml").string(),
                                   .scripts = kScripts,
                                   .schema_files = kSchema,
                                   .url = target.url()});
  {
    Database db = Database::Borrow(handle, "the app's server");
    project.Upgrade(db, "head");
    EXPECT_EQ(project.Current(db), std::vector<std::string>{"2"});
    EXPECT_TRUE(project.Verify(db).empty());
  }
  // Still the application's, in its schema, with the tables made.
  exec("INSERT INTO users (id, email) VALUES (1, 'a@example.com')");
  EXPECT_EQ(exec("SELECT count(*) FROM users"), "1");
  EXPECT_EQ(exec("SELECT current_schema()"), url.schema);
  EXPECT_EQ(exec("SELECT version_num FROM retort_version"), "2");
  exec("BEGIN");
  EXPECT_THROW(Database::Borrow(handle), Error);
  exec("ROLLBACK");
  pq.finish(handle);
}

}  // namespace
}  // namespace retort
