// Data-driven rendering cases: tests/cases/<dialect>/**/*.case. Each case is
// YAML: an optional starting `schema` (schema-file syntax), a list of `ops`,
// and either the expected statements per dialect (`sqlite: |`, statements
// ending with ";") or an expected `error` (a substring of the message).
// Every successful case also runs on a real database: the starting schema is
// created, the statements run, then the derived downgrade runs and leaves the
// starting tables (unless the case says `skip_downgrade: <why>`).
#include <gtest/gtest.h>
#include <algorithm>
#include <yaml-cpp/yaml.h>

#include "dialect/render.h"
#include "dialect/sqlite/sqlite_connection.h"
#include "dialect/sqlite/sqlite_dialect.h"
#include "ops/op_yaml.h"
#include "ops/replay.h"
#include "schema/naming.h"
#include "schema/schema_yaml.h"
#include "test_util.h"

namespace retort {
namespace {

namespace fs = std::filesystem;

std::string JoinStatements(const std::vector<std::string>& statements) {
  std::string out;
  for (const std::string& s : statements) out += s + ";\n";
  return out;
}

std::vector<std::string> RenderAll(const dialect::Dialect& d, const std::vector<ops::OpAt>& ops,
                                   schema::Schema& schema) {
  std::vector<std::string> out;
  for (dialect::Statement& s : dialect::RenderAndApply(d, ops, schema)) out.push_back(std::move(s.sql));
  return out;
}

// Operations that create `schema` from nothing.
std::vector<ops::OpAt> CreationOps(const schema::Schema& schema) {
  std::vector<ops::OpAt> out;
  for (const schema::Enum& e : schema.enums) out.push_back({ops::CreateEnum{e}, {}});
  for (const schema::Table& t : schema.tables) out.push_back({ops::CreateTable{t}, {}});
  return out;
}

// Order-insensitive: a restored column comes back at the end of its table.
schema::Schema Normalized(schema::Schema s) {
  auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
  std::sort(s.tables.begin(), s.tables.end(), by_name);
  std::sort(s.enums.begin(), s.enums.end(), by_name);
  for (schema::Table& t : s.tables) {
    std::sort(t.columns.begin(), t.columns.end(), by_name);
    std::sort(t.foreign_keys.begin(), t.foreign_keys.end(), by_name);
    std::sort(t.uniques.begin(), t.uniques.end(), by_name);
    std::sort(t.checks.begin(), t.checks.end(), by_name);
    std::sort(t.indexes.begin(), t.indexes.end(), by_name);
  }
  return s;
}

class RenderCase : public ::testing::TestWithParam<fs::path> {};

TEST_P(RenderCase, Sqlite) {
  const fs::path& path = GetParam();
  schema::YamlFile file(path.string());
  YAML::Node root = file.Load();
  schema::Schema before;
  if (root["schema"]) before = schema::LoadSchemaText(YAML::Dump(root["schema"]), path.string());
  before.naming = schema::WithDefaults(before.naming);
  dialect::SqliteDialect sqlite;

  std::string error;
  std::vector<std::string> statements;
  schema::Schema after = before;
  std::vector<ops::OpAt> operations;
  try {
    operations = ops::ParseOperations(file, root["ops"], before.naming);
    statements = RenderAll(sqlite, operations, after);
  } catch (const Error& e) {
    error = e.what();
  }
  if (root["error"]) {
    std::string expected = root["error"].as<std::string>();
    EXPECT_NE(error.find(expected), std::string::npos)
        << "expected an error containing: " << expected << "\ngot: " << error;
    return;
  }
  ASSERT_EQ(error, "");
  if (root["sqlite"]) EXPECT_EQ(JoinStatements(statements), root["sqlite"].as<std::string>());

  // The statements run on a real database, and so does the way back.
  dialect::SqliteConnection db(":memory:", true, 1000, "case");
  schema::Schema empty;
  empty.naming = before.naming;
  for (const std::string& s : RenderAll(sqlite, CreationOps(before), empty)) db.Execute(s);
  for (const std::string& s : statements) db.Execute(s);
  bool reversible = true;
  for (const ops::OpAt& op : operations) reversible = reversible && ops::IsReversible(op.op);
  // `skip_downgrade: reason` for a downgrade this dialect cannot run yet.
  if (reversible && !root["skip_downgrade"]) {
    schema::Schema current = after;
    std::vector<ops::OpAt> undo = ops::DeriveDowngrade(operations, before);
    for (const std::string& s : RenderAll(sqlite, undo, current)) db.Execute(s);
    EXPECT_EQ(Normalized(current), Normalized(before)) << "the derived downgrade does not restore the schema";
  }
}

std::vector<fs::path> Cases() {
  return testing::FilesEndingWith(testing::SourceDir() / "tests" / "cases" / "sqlite", ".case");
}

std::string CaseName(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = info.param.parent_path().filename().string() + "_" + info.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, RenderCase, ::testing::ValuesIn(Cases()), CaseName);

}  // namespace
}  // namespace retort
