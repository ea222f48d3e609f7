// Data-driven rendering cases: tests/cases/**/*.case, each run once per
// dialect (tests named <dialect>_<folder>_<case>). A case is YAML:
//
//   schema:   the starting schema (schema-file syntax); optional
//   ops:      the operations
//   sqlite: |, postgresql: |
//             the statements expected from that dialect, each ending in ";"
//   error:, error_sqlite:, error_postgresql:
//             instead of SQL, an expected error (a substring of the
//             message) for both dialects, or for one
//   dialects: [sqlite]
//             only these dialects (default: all)
//   skip_downgrade:, skip_downgrade_sqlite:, skip_downgrade_postgresql: <why>
//             do not run the derived downgrade (on both, or on one)
//   random_rows: <why>
//             the rows hold values drawn at random: the offline script's
//             are compared without them
//   transactional: false
//             as in a migration script: the operations may include what
//             cannot run inside a transaction (CONCURRENTLY), and
//             PostgreSQL runs the statements outside one; otherwise such
//             operations are the script's load error
//
// A dialect the case applies to must get its SQL or an error, else the test
// fails ("no expectation"). Every successful case also runs on a real
// database: the starting schema is created, the statements run, then the
// derived downgrade runs and must restore the starting schema. SQLite runs
// in memory. PostgreSQL runs in a fresh schema of RETORT_TEST_PG_URL's
// database (a database of its own when the case makes or drops
// extensions), inside a transaction that is rolled back; without that variable
// this part is skipped (and fails under CI=true). Then the same steps are
// written as the offline script writes them and applied with the
// database's shell (sqlite3, psql) to another database, which must end up
// with the same schema, views, triggers and rows as a live run.
//
// RETORT_BLESS=1 rewrites a case's SQL with what its dialect renders, for
// review with git diff.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <memory>

#include "dialect/dialect.h"
#include "dialect/registry.h"
#include "dialect/postgresql/postgresql_dialect.h"
#include "dialect/sqlite/sqlite_connection.h"
#include "dialect/sqlite/sqlite_dialect.h"
#include "script/op_read.h"
#include "ops/replay.h"
#include "schema/naming.h"
#include "format/schema_read.h"
#include "script/script.h"
#include "schema_printer.h"
#include "test_util.h"

namespace retort {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kDialects = testing::TestDialects();

using CaseParam = testing::CaseFile;

std::string JoinStatements(const std::vector<std::string>& statements) {
  std::string out;
  for (const std::string& s : statements) out += s + ";\n";
  return out;
}

// Operations that create `schema` from nothing.
std::vector<ops::OpAt> CreationOps(const schema::Schema& schema) {
  std::vector<ops::OpAt> out;
  for (const schema::Extension& x : schema.extensions) out.push_back({ops::CreateExtension{x}, {}});
  for (const schema::Enum& e : schema.enums) out.push_back({ops::CreateEnum{e}, {}});
  for (const schema::Sequence& q : schema.sequences) {
    if (q.owned_by.empty()) out.push_back({ops::CreateSequence{q}, {}});
  }
  for (const schema::Table& t : schema.tables) out.push_back({ops::CreateTable{t}, {}});
  for (const schema::Sequence& q : schema.sequences) {
    if (!q.owned_by.empty()) out.push_back({ops::CreateSequence{q}, {}});
  }
  for (const schema::Function& f : schema.functions) out.push_back({ops::CreateFunction{f}, {}});
  for (const schema::View& v : schema.views) out.push_back({ops::CreateView{v}, {}});
  for (const schema::Trigger& t : schema.triggers) out.push_back({ops::CreateTrigger{t}, {}});
  return out;
}

// A case that makes or drops extensions runs in a database of its own on
// PostgreSQL: extensions belong to a database, not to a schema.
bool UsesExtensions(const schema::Schema& before, const std::vector<ops::OpAt>& operations) {
  return !before.extensions.empty() || std::any_of(operations.begin(), operations.end(), [](const ops::OpAt& at) {
           return std::holds_alternative<ops::CreateExtension>(at.op) ||
                  std::holds_alternative<ops::UpdateExtension>(at.op) ||
                  std::holds_alternative<ops::DropExtension>(at.op);
         });
}

// Order-insensitive: a restored column comes back at the end of its table.
schema::Schema Normalized(const schema::Schema& s) { return schema::Canonical(s, true); }

std::optional<std::string> OptText(const format::Node& root, const std::string& key) {
  if (!root[key]) return std::nullopt;
  return root[key].Scalar();
}

// A rendered case, ready to run on a database.
struct Rendered {
  schema::Schema before;
  schema::Schema after;
  std::vector<ops::OpAt> operations;
  std::vector<dialect::Step> statements;
  bool downgrade = true;  // run the derived downgrade too
};

// Creates the starting schema, runs the statements, then the derived
// downgrade, which must restore the starting schema.
// Statements run as a migration runs them (ExecuteAll: rebuilds, counts).
// After the operations, the live schema read back equals the replayed one.
void RunOn(dialect::Connection& db, const dialect::Dialect& d, const Rendered& r) {
  schema::Schema empty;
  empty.naming = r.before.naming;
  db.Run(d.RenderOps(CreationOps(r.before), empty));
  db.Run(r.statements);
  // As verify compares: expressions as the server prints them.
  auto expected = [&](const schema::Schema& s) {
    schema::Schema out = d.Normalize(s);
    db.CanonicalizeExpressions(out);
    return Normalized(out);
  };
  EXPECT_EQ(Normalized(db.Inspect({})), expected(r.after))
      << "the live schema read back differs from the replayed one";
  if (!r.downgrade) return;
  schema::Schema current = r.after;
  std::vector<ops::OpAt> undo = ops::DeriveDowngrade(r.operations, r.before);
  db.Run(d.RenderOps(undo, current));
  EXPECT_EQ(Normalized(db.Inspect({})), expected(r.before))
      << "after the derived downgrade, the live schema read back differs from the starting one";
  EXPECT_EQ(Normalized(current), Normalized(r.before))
      << "the derived downgrade does not restore the schema";
}

// The offline way: the same steps written as SQL (what `--sql` prints) and
// applied with the database's own shell must leave the same schema, views,
// triggers and rows as the live run, after the operations and after the
// way back.
void OfflineMatchesLive(const std::string& name, const dialect::Dialect& d, const Rendered& r,
                        bool transactional, bool rows) {
  testing::ScratchDir scratch;
  fs::create_directories(scratch.path() / "live");
  fs::create_directories(scratch.path() / "offline");
  const bool own = UsesExtensions(r.before, r.operations);
  testing::TestDatabase live(name, scratch.path() / "live", own);
  testing::TestDatabase offline(name, scratch.path() / "offline", own);
  schema::Schema empty;
  empty.naming = r.before.naming;
  std::vector<std::vector<dialect::Step>> phases = {d.RenderOps(CreationOps(r.before), empty),
                                                     r.statements};
  if (r.downgrade) {
    schema::Schema current = r.after;
    phases.push_back(d.RenderOps(ops::DeriveDowngrade(r.operations, r.before), current));
  }
  std::unique_ptr<dialect::Connection> conn =
      dialect::Connect(dialect::ParseUrl(live.url()), {.create_schema = true});
  dialect::Connect(dialect::ParseUrl(offline.url()), {.create_schema = true});
  for (size_t i = 0; i < phases.size(); ++i) {
    SCOPED_TRACE(i == 0 ? "creating the starting schema" : i == 1 ? "the operations" : "the way back");
    bool suspend = dialect::SuspendsForeignKeys(phases[i]);
    {
      std::optional<dialect::Transaction> txn;
      if (transactional || i == 0) txn.emplace(*conn, suspend);
      conn->Run(phases[i]);
      if (txn) txn->Commit();
    }
    dialect::SqlText text;
    if (!d.ForeignKeysSql(suspend).empty()) text.Add(d.ForeignKeysSql(suspend));
    if (transactional || i == 0) text.Add("BEGIN");
    dialect::WriteSteps(phases[i], text);
    if (transactional || i == 0) text.Add("COMMIT");
    testing::CommandResult applied = testing::RunSqlShell(offline.url(), text.text(), scratch.path());
    ASSERT_EQ(applied.exit_code, 0) << applied.err << "\nscript:\n" << text.text();
    EXPECT_EQ(testing::DatabaseState(offline.url(), {}, rows),
              testing::DatabaseState(live.url(), {}, rows))
        << "script:\n" << text.text();
  }
}

class RenderCase : public ::testing::TestWithParam<CaseParam> {};

TEST_P(RenderCase, Renders) {
  const fs::path& path = GetParam().path;
  const std::string& name = GetParam().dialect;
  ASSERT_NE(std::find(kDialects.begin(), kDialects.end(), name), kDialects.end())
      << "unknown dialect '" << name << "' in `dialects:`";
  format::File file(path.string());
  format::Document root_doc;
  format::Node root;
  Rendered r;
  try {
    root_doc = file.Load();
    root = root_doc.root();
    file.CheckKeys(root, "case",
                   {"schema", "ops", "sqlite", "postgresql", "error", "error_sqlite",
                    "error_postgresql", "dialects", "skip_downgrade", "skip_downgrade_sqlite",
                    "skip_downgrade_postgresql", "transactional", "random_rows"});
    if (root["schema"]) {
      r.before = format::LoadSchemaNode(file, root["schema"]);
    }
  } catch (const Error& e) {
    FAIL() << "malformed case: " << e.what();
  }
  r.before.naming = schema::WithDefaults(r.before.naming);
  const dialect::Dialect* d = &dialect::DialectNamed(name).dialect();

  std::optional<std::string> expected_sql = OptText(root, name);
  std::optional<std::string> expected_error = OptText(root, "error_" + name);
  if (!expected_error) expected_error = OptText(root, "error");
  ASSERT_FALSE(expected_sql && expected_error)
      << "the case gives both SQL and an error for " << name;
  ASSERT_TRUE(expected_sql || expected_error)
      << "no expectation for " << name << ": give `" << name << ": |`, `error:` or `error_"
      << name << ":` (or restrict the case with `dialects:`)";

  bool transactional = file.OptBool(root, "transactional").value_or(true);
  std::string error;
  r.after = r.before;
  try {
    // As a script's run on this dialect has them.
    r.operations = ops::OnDialect(script::ParseOperations(file, root["ops"], r.before.naming), name);
    // What loading a script with these operations checks.
    if (transactional) script::CheckTransactional(r.operations);
    r.statements = d->RenderOps(r.operations, r.after);
  } catch (const Error& e) {
    error = e.what();
  }
  if (expected_error) {
    dialect::SqlText text;
    dialect::WriteSteps(r.statements, text);
    std::string sql = text.text();
    EXPECT_NE(error.find(*expected_error), std::string::npos)
        << "expected an error containing: " << *expected_error << "\ngot: " << error
        << (error.empty() ? "\nrendered:\n" + sql : "");
    return;
  }
  ASSERT_EQ(error, "");
  dialect::SqlText text;
  dialect::WriteSteps(r.statements, text);
  const std::vector<std::string>& sql = text.statements();
  if (testing::Blessing() && JoinStatements(sql) != *expected_sql) {
    testing::Bless(path, name, JoinStatements(sql));
    expected_sql = JoinStatements(sql);
  }
  EXPECT_EQ(JoinStatements(sql), *expected_sql) << "rendered:\n" << JoinStatements(sql) << "\n";

  // The statements run on a real database, and so does the way back.
  for (const ops::OpAt& op : r.operations) r.downgrade = r.downgrade && ops::IsReversible(op.op);
  r.downgrade = r.downgrade && !root["skip_downgrade"] && !root["skip_downgrade_" + name];
  if (name == "sqlite") {
    dialect::SqliteConnection db(":memory:", true, 1000, "case");
    try {
      // As a run does: foreign keys suspended around rebuilds, checked at the end.
      dialect::Transaction txn(db, true);
      RunOn(db, *d, r);
      txn.Commit();
      OfflineMatchesLive(name, *d, r, transactional, !root["random_rows"]);
    } catch (const Error& e) {
      FAIL() << e.what();
    }
    return;
  }
  if (testing::SkipWithoutServer(name)) GTEST_SKIP() << "no PostgreSQL server (RETORT_TEST_PG_URL)";
  // A fresh schema, dropped when `target` goes (after `db` has closed).
  testing::TestDatabase target(name, fs::path(), UsesExtensions(r.before, r.operations));
  try {
    std::unique_ptr<dialect::Connection> db =
        dialect::Connect(dialect::ParseUrl(target.url()), {.create_schema = true});
    if (transactional) db->BeginWrite();
    RunOn(*db, *d, r);
    if (transactional) db->Rollback();
    OfflineMatchesLive(name, *d, r, transactional, !root["random_rows"]);
  } catch (const Error& e) {
    FAIL() << e.what();
  }
}

// Every case for every dialect it applies to.
INSTANTIATE_TEST_SUITE_P(Cases, RenderCase, ::testing::ValuesIn(testing::CaseFiles(testing::SourceDir() / "tests" / "cases")),
                         [](const auto& info) { return testing::CaseTestName(info.param); });

}  // namespace
}  // namespace retort
