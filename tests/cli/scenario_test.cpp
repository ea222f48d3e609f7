// Data-driven command scenarios: tests/scenarios/**/*.yaml. Each scenario
// writes `files` into a fresh project folder (a default retort.toml with
// url sqlite:///test.db is added when none is given), then runs `steps` with
// the retort binary. A step is `run: "<args>"` plus what must hold after it:
//   exit: N                    (default 0)
//   stdout: "..."              exact standard output
//   stdout_has / stderr_has: [substrings]
//   current: [revisions]       the version table's rows, sorted
//   tables: [names]            the user tables (version and history left out)
//   query: {sql: "...", rows: [[...], ...]}
//   write: {path: text}        files written before the step runs
//   remove: [paths]            files removed before the step runs
//   env: {NAME: value}         environment for the step
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>

#include "test_util.h"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

std::vector<std::string> Strings(const YAML::Node& node) {
  std::vector<std::string> out;
  if (!node) return out;
  if (node.IsScalar()) return {node.Scalar()};
  for (const auto& item : node) out.push_back(item.IsNull() ? "NULL" : item.Scalar());
  return out;
}

class Scenario : public ::testing::TestWithParam<fs::path> {};

TEST_P(Scenario, Runs) {
  YAML::Node root = YAML::LoadFile(GetParam().string());
  ScratchDir dir;
  bool has_config = false;
  for (const auto& f : root["files"]) {
    dir.Write(f.first.Scalar(), f.second.Scalar());
    has_config = has_config || f.first.Scalar() == "retort.toml";
  }
  if (!has_config) {
    dir.Write("retort.toml", "script_location = \"migrations/versions\"\nurl = \"sqlite:///test.db\"\n");
  }
  fs::path db = dir.path() / "test.db";
  int index = 0;
  for (const auto& step : root["steps"]) {
    ++index;
    for (const auto& f : step["write"]) dir.Write(f.first.Scalar(), f.second.Scalar());
    for (const std::string& f : Strings(step["remove"])) fs::remove(dir.path() / f);
    std::string command = step["run"].Scalar();
    SCOPED_TRACE("step " + std::to_string(index) + ": retort " + command);
    std::map<std::string, std::string> env;
    for (const auto& e : step["env"]) env[e.first.Scalar()] = e.second.Scalar();
    testing::CommandResult r = testing::RunRetort(Split(command), dir.path(), env);
    int expected_exit = step["exit"] ? step["exit"].as<int>() : 0;
    ASSERT_EQ(r.exit_code, expected_exit) << "stdout:\n" << r.out << "stderr:\n" << r.err;
    if (step["stdout"]) EXPECT_EQ(r.out, step["stdout"].Scalar());
    for (const std::string& s : Strings(step["stdout_has"])) {
      EXPECT_NE(r.out.find(s), std::string::npos) << "stdout lacks: " << s << "\n" << r.out;
    }
    for (const std::string& s : Strings(step["stderr_has"])) {
      EXPECT_NE(r.err.find(s), std::string::npos) << "stderr lacks: " << s << "\n" << r.err;
    }
    if (step["current"]) {
      // No database file, or no version table: nothing applied.
      std::vector<std::string> rows;
      std::vector<std::string> all = fs::exists(db) ? testing::SqliteTables(db) : all;
      if (std::find(all.begin(), all.end(), "retort_version") != all.end()) {
        for (const auto& row : testing::SqliteQuery(db, "SELECT version_num FROM retort_version")) {
          rows.push_back(row[0]);
        }
      }
      std::sort(rows.begin(), rows.end());
      std::vector<std::string> expected = Strings(step["current"]);
      std::sort(expected.begin(), expected.end());
      EXPECT_EQ(rows, expected);
    }
    if (step["tables"]) {
      std::vector<std::string> tables;
      if (fs::exists(db)) tables = testing::SqliteTables(db);
      std::erase_if(tables, [](const std::string& t) { return t.starts_with("retort_"); });
      std::vector<std::string> expected = Strings(step["tables"]);
      std::sort(expected.begin(), expected.end());
      EXPECT_EQ(tables, expected);
    }
    if (YAML::Node q = step["query"]) {
      std::vector<std::vector<std::string>> expected;
      for (const auto& row : q["rows"]) expected.push_back(Strings(row));
      EXPECT_EQ(testing::SqliteQuery(db, q["sql"].Scalar()), expected) << q["sql"].Scalar();
    }
  }
}

std::string ScenarioName(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = info.param.parent_path().filename().string() + "_" + info.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, Scenario,
    ::testing::ValuesIn(testing::FilesEndingWith(testing::SourceDir() / "tests" / "scenarios", ".yaml")),
    ScenarioName);

}  // namespace
}  // namespace retort
