// Data-driven autogenerate cases: tests/autogen/cases/**/*.case, each run
// once per dialect (tests named <dialect>_<folder>_<case>). A case is YAML:
//
//   before:   the schema the scripts build (schema-file syntax); optional
//   after:    the declared schema
//   ops: |    the upgrade list autogenerate writes, exactly ("" for none)
//   downgrade: |
//             the downgrade list it writes; optional
//   sqlite: |, postgresql: |
//             the upgrade's statements for that dialect, each ending in ";"
//   dialects: [sqlite]
//             only these dialects (default: all)
//   skip_downgrade: <why>
//             do not run the downgrade's statements on the database (it
//             still must replay to "before")
//
// RETORT_BLESS=1 rewrites ops, downgrade and the dialect's SQL in each case
// file with what the code produces now; review the change with git diff.
//
// Every case also checks that the written operations read back (as a script
// would) and replay from "before" to "after"; that autogenerate then finds
// nothing; and, on a real database built at "before", that the upgrade's
// statements give a database whose introspection equals "after" as the
// dialect stores it, that autogenerate against that live database finds
// nothing, and that the downgrade's statements bring back "before". SQLite
// runs in memory; PostgreSQL in a fresh schema of RETORT_TEST_PG_URL's
// database, or a database of its own when the case holds extensions
// (skipped without it, failing under CI=true).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "autogen/compare.h"
#include "autogen/diff.h"
#include "dialect/dialect.h"
#include "dialect/registry.h"
#include "dialect/postgresql/postgresql_dialect.h"
#include "dialect/sqlite/sqlite_connection.h"
#include "dialect/sqlite/sqlite_dialect.h"
#include "script/op_read.h"
#include "ops/replay.h"
#include "runtime/autogenerate.h"
#include "schema/naming.h"
#include "format/schema_read.h"
#include "schema_printer.h"
#include "test_util.h"

namespace retort {
namespace {

namespace fs = std::filesystem;


using CaseParam = testing::CaseFile;

std::string Differences(const schema::Schema& expected, const schema::Schema& actual) {
  std::string out;
  for (const autogen::Difference& d : autogen::CompareSchemas(expected, actual)) {
    out += "  " + d.Describe() + "\n";
  }
  return out;
}

std::vector<ops::OpAt> Located(const std::vector<ops::Operation>& operations) {
  std::vector<ops::OpAt> out;
  for (const ops::Operation& op : operations) out.push_back({op, {}});
  return out;
}

schema::Schema LoadSide(const format::Node& root, const char* key, const fs::path& path) {
  schema::Schema s;
  if (root[key]) s = format::LoadSchemaNode(format::File(path.string()), root[key]);
  s.naming = schema::WithDefaults(s.naming);
  return s;
}

// The case's databases: the statements of `upgrade` from `before`, then
// the way back.
struct CaseRun {
  schema::Schema before, after;
  std::vector<ops::OpAt> upgrade, downgrade;
  bool run_downgrade = true;
};

void RunOn(dialect::Connection& db, const dialect::Dialect& d, const CaseRun& r) {
  schema::Schema empty;
  empty.naming = r.before.naming;
  schema::Schema building = empty;
  db.Run(d.RenderOps(Located(autogen::Diff(empty, r.before)), building));
  schema::Schema stored_before = d.Normalize(r.before);
  db.CanonicalizeExpressions(stored_before);
  ASSERT_EQ(Differences(stored_before, db.Inspect({})), "")
      << "the database built at 'before' differs from it";

  schema::Schema current = r.before;
  db.Run(d.RenderOps(r.upgrade, current));
  schema::Schema stored = d.Normalize(r.after);
  db.CanonicalizeExpressions(stored);
  schema::Schema live = db.Inspect({});
  EXPECT_EQ(Differences(stored, live), "")
      << "after the upgrade, the live schema differs from 'after'";
  std::string again;
  for (const ops::Operation& op : autogen::Diff(live, r.after,
                                                  {.stored_to = &stored,
                                                   .native_enums = d.caps().enums == dialect::EnumStorage::kNativeType})) {
    again += "  " + autogen::Describe(op, live) + "\n";
  }
  EXPECT_EQ(again, "") << "autogenerate against the upgraded database still finds changes";

  if (!r.run_downgrade) return;
  db.Run(d.RenderOps(r.downgrade, current));
  EXPECT_EQ(Differences(stored_before, db.Inspect({})), "")
      << "after the downgrade, the live schema differs from 'before'";
}

// The lists as a case writes them: without the script's two-space indent.
std::string Dedent(const std::string& text) {
  std::string out;
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    out += (line.starts_with("  ") ? line.substr(2) : line) + "\n";
    at = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

class AutogenCase : public ::testing::TestWithParam<CaseParam> {};

TEST_P(AutogenCase, Generates) {
  const fs::path& path = GetParam().path;
  const std::string& name = GetParam().dialect;
  format::File file(path.string());
  format::Document root_doc;
  format::Node root;
  CaseRun r;
  try {
    root_doc = file.Load();
    root = root_doc.root();
    file.CheckKeys(root, "case",
                   {"before", "after", "ops", "downgrade", "sqlite", "postgresql", "dialects",
                    "skip_downgrade"});
    r.run_downgrade = !root["skip_downgrade"];
    r.before = LoadSide(root, "before", path);
    r.after = LoadSide(root, "after", path);
  } catch (const Error& e) {
    FAIL() << "malformed case: " << e.what();
  }
  runtime::GeneratedScript generated;
  try {
    generated = runtime::GenerateScript(r.before, r.after);
  } catch (const Error& e) {
    FAIL() << "autogenerate failed: " << e.what();
  }
  if (testing::Blessing()) {
    testing::Bless(path, "ops", Dedent(generated.upgrade));
    testing::Bless(path, "downgrade", Dedent(generated.downgrade));
    root_doc = file.Load();
    root = root_doc.root();
  }
  ASSERT_TRUE(root["ops"]) << "the case gives no `ops`";
  EXPECT_EQ(Dedent(generated.upgrade), root["ops"].Scalar())
      << "written:\n" << generated.upgrade;
  if (root["downgrade"]) {
    EXPECT_EQ(Dedent(generated.downgrade), root["downgrade"].Scalar())
        << "written:\n" << generated.downgrade;
  }

  // The written lists read back as a script reads them, and replay.
  try {
    format::File written(path.string() + " (written)");
    format::Document parsed = written.Parse("upgrade:\n" + generated.upgrade + "downgrade:\n" +
                                            generated.downgrade);
    format::Node doc = parsed.root();
    r.upgrade = script::ParseOperations(written, doc["upgrade"], r.after.naming);
    r.downgrade = script::ParseOperations(written, doc["downgrade"], r.after.naming);
  } catch (const Error& e) {
    FAIL() << "the written operations do not read back: " << e.what() << "\n"
           << generated.upgrade << generated.downgrade;
  }
  schema::Schema replayed = r.before;
  for (const ops::OpAt& op : r.upgrade) ops::Apply(op, replayed);
  EXPECT_EQ(Differences(r.after, replayed), "") << "the upgrade does not replay to 'after'";
  std::string again;
  for (const ops::Operation& op : autogen::Diff(replayed, r.after)) {
    again += "  " + autogen::Describe(op, replayed) + "\n";
  }
  EXPECT_EQ(again, "") << "autogenerate after the upgrade still finds changes";
  schema::Schema back = replayed;
  for (const ops::OpAt& op : r.downgrade) ops::Apply(op, back);
  EXPECT_EQ(Differences(r.before, back), "") << "the downgrade does not replay to 'before'";

  const dialect::Dialect* d = &dialect::DialectNamed(name).dialect();
  std::string sql;
  try {
    schema::Schema s = r.before;
    dialect::SqlText text;
    dialect::WriteSteps(d->RenderOps(r.upgrade, s), text);
    sql = text.text();
  } catch (const Error& e) {
    FAIL() << "rendering failed: " << e.what();
  }
  if (testing::Blessing()) {
    testing::Bless(path, name, sql);
    root_doc = file.Load();
    root = root_doc.root();
  }
  ASSERT_TRUE(root[name]) << "no expectation for " << name << ": give `" << name
                          << ": |` (or restrict the case with `dialects:`)";
  EXPECT_EQ(sql, root[name].Scalar()) << "rendered:\n" << sql;

  if (name == "sqlite") {
    dialect::SqliteConnection db(":memory:", true, 1000, "case");
    try {
      dialect::Transaction txn(db, true);
      RunOn(db, *d, r);
      txn.Commit();
    } catch (const Error& e) {
      FAIL() << e.what();
    }
    return;
  }
  if (testing::SkipWithoutServer(name)) GTEST_SKIP() << "no PostgreSQL server (RETORT_TEST_PG_URL)";
  // Extensions belong to a database, not a schema: such a case has one of
  // its own.
  testing::TestDatabase target(name, fs::path(), !r.before.extensions.empty() || !r.after.extensions.empty());
  try {
    std::unique_ptr<dialect::Connection> db =
        dialect::Connect(dialect::ParseUrl(target.url()), {.create_schema = true});
    db->BeginWrite();
    RunOn(*db, *d, r);
    db->Rollback();
  } catch (const Error& e) {
    FAIL() << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, AutogenCase, ::testing::ValuesIn(testing::CaseFiles(testing::SourceDir() / "tests" / "autogen" / "cases")),
                         [](const auto& info) { return testing::CaseTestName(info.param); });

}  // namespace
}  // namespace retort
