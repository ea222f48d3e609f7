// Data-driven command scenarios: tests/scenarios/**/*.yaml, each run once per
// dialect (SQLite, and PostgreSQL in a fresh schema; `dialects: [sqlite]`
// restricts one). A scenario writes `files` into a fresh project folder with
// a retort.toml pointing at the test database, then runs `steps` with the
// retort binary. A step is `run: "<args>"` (split at spaces; "..." is one
// word) plus what must hold after it:
//   exit: N                    (default 0)
//   stdout: "..."              exact standard output
//   stdout_has / stderr_has: [substrings] (and stderr_has_<dialect>: ...)
//   lacks: [substrings]        on neither standard output nor error
//   current: [revisions]       the version table's rows, sorted
//   tables: [names]            the user tables (version and history left out)
//   query: {sql: "...", rows: [[...], ...]}   (query_<dialect>: one dialect's)
//   write: {path: text}        files written before the step runs
//   remove: [paths]            files removed before the step runs
//   env: {NAME: value}         environment for the step
//   edit: {path: [old, new]}   replaces text in a file before the step runs
//   file_has: {path: [substrings]}   what a file holds after the step
// A scenario's `config: |` is added to the retort.toml it runs with.
//
// A step that upgrades or downgrades to a fixed target from one revision
// (or none) is also done offline: `--sql` over the same range, applied with
// the database's shell (sqlite3, psql) to a twin of the database, must leave
// the same schema, views, triggers and rows (the history table aside). On
// SQLite the twin is a copy of the file taken before the step; on
// PostgreSQL a schema of its own that follows the live one through the
// offline scripts, compared whenever the two agree before the step. An offline script may refuse to rebuild a table that has
// triggers (it cannot create them again); a scenario where it does says
// why in `offline_refuses: <why>`; one whose rows hold times or random
// values compares the twins without them (`offline_rows_differ: <why>`).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>
#include <sstream>

#include "format/file.h"
#include "test_util.h"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

// The words of a run line; "..." holds one word, spaces and all (no
// escapes, no shell).
std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    if (s[i] == '"') {
      size_t close = s.find('"', i + 1);
      EXPECT_NE(close, std::string::npos) << "unclosed quote in: " << s;
      if (close == std::string::npos) close = s.size();
      out.push_back(s.substr(i + 1, close - i - 1));
      i = close + 1;
      continue;
    }
    size_t end = s.find(' ', i);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(i, end - i));
    i = end;
  }
  return out;
}

std::vector<std::string> Strings(const format::Node& node) {
  std::vector<std::string> out;
  if (!node) return out;
  if (node.IsScalar()) return {node.Scalar()};
  for (const auto& item : node) out.push_back(item.IsNull() ? "NULL" : item.Scalar());
  return out;
}

struct ScenarioParam {
  fs::path path;
  std::string dialect;
};
void PrintTo(const ScenarioParam& p, std::ostream* out) {
  *out << p.dialect << " " << p.path.lexically_relative(testing::SourceDir()).string();
}

class Scenario : public ::testing::TestWithParam<ScenarioParam> {};

// What the offline twin and the live database must agree on (the history
// table aside: its times differ); "" for a database not made yet.
std::string StateOf(const std::string& url, bool rows = true) {
  try {
    return testing::DatabaseState(url, {"retort_history"}, rows);
  } catch (const Error&) {
    return "";
  }
}

// `key` and `key_<dialect>` of `node`, as a list.
std::vector<std::string> ForDialect(const format::Node& node, const std::string& key,
                                    const std::string& dialect) {
  std::vector<std::string> out = Strings(node[key]);
  for (const std::string& s : Strings(node[key + "_" + dialect])) out.push_back(s);
  return out;
}

TEST_P(Scenario, Runs) {
  const std::string& dialect = GetParam().dialect;
  // Read as retort reads its own files: a duplicate or misspelt key fails.
  format::File file(GetParam().path.string());
  format::Document root_doc;
  format::Node root;
  try {
    root_doc = file.Load();
    root = root_doc.root();
    file.CheckKeys(root, "scenario", {"files", "config", "dialects", "steps", "offline_refuses",
                                        "offline_rows_differ"});
    for (const auto& step : root["steps"]) {
      file.CheckKeys(step, "step",
                     {"run", "exit", "stdout", "stdout_has", "stdout_has_sqlite", "stdout_has_postgresql",
                      "stderr_has", "stderr_has_sqlite", "lacks",
                      "stderr_has_postgresql", "current", "tables", "query", "query_sqlite",
                      "query_postgresql", "write", "remove", "env", "edit", "file_has"});
      for (const char* key : {"query", "query_sqlite", "query_postgresql"}) {
        if (step[key]) file.CheckKeys(step[key], key, {"sql", "rows"});
      }
    }
  } catch (const Error& e) {
    FAIL() << "malformed scenario: " << e.what();
  }
  if (testing::SkipWithoutServer(dialect)) GTEST_SKIP() << "no PostgreSQL server";
  ScratchDir dir;
  testing::TestDatabase db(dialect, dir.path());
  for (const format::Node::Entry& f : root["files"].entries()) dir.Write(f.first.Scalar(), f.second.Scalar());
  dir.Write("retort.toml", "script_location = \"migrations/versions\"\nurl = \"" + db.url() +
                               "\"\ncreate_database_schema = true\n" +
                               (root["config"] ? root["config"].Scalar() : std::string()));
  int index = 0;
  const fs::path db_file = dir.path() / "test.db";
  // The offline twin: a SQLite file copied before each step, or a schema
  // of its own.
  const fs::path twin = dir.path() / "offline-twin.db";
  // Rows holding the time or random values differ between the two.
  const bool offline_rows = !root["offline_rows_differ"];
  std::optional<testing::TestDatabase> pg_twin;
  if (dialect != "sqlite") pg_twin.emplace(dialect, dir.path());
  const std::string twin_url = pg_twin ? pg_twin->url() : "sqlite:///" + twin.string();
  // Set when an offline script refused to rebuild a table with triggers.
  bool offline_refused_triggers = false;
  for (const auto& step : root["steps"]) {
    ++index;
    for (const format::Node::Entry& f : step["write"].entries()) dir.Write(f.first.Scalar(), f.second.Scalar());
    for (const std::string& f : Strings(step["remove"])) fs::remove(dir.path() / f);
    for (const format::Node::Entry& e : step["edit"].entries()) {
      std::vector<std::string> change = Strings(e.second);
      ASSERT_EQ(change.size(), 2u) << "edit: {path: [old, new]}";
      std::string text = testing::ReadFile(dir.path() / e.first.Scalar());
      size_t at = text.find(change[0]);
      ASSERT_NE(at, std::string::npos) << e.first.Scalar() << " lacks: " << change[0];
      dir.Write(e.first.Scalar(), text.replace(at, change[0].size(), change[1]));
    }
    std::string command = step["run"].Scalar();
    SCOPED_TRACE("step " + std::to_string(index) + ": retort " + command);
    std::map<std::string, std::string> env;
    for (const format::Node::Entry& e : step["env"].entries()) env[e.first.Scalar()] = e.second.Scalar();
    // An upgrade or downgrade to a fixed target, from one revision or none,
    // is also done offline, on a twin of the database as it is now.
    std::vector<std::string> args = Split(command);
    std::optional<std::string> offline_range;
    // (A step that names its database through the environment runs on
    // another than the scenario's.)
    if (!step["env"] && args.size() == 2 && (args[0] == "upgrade" || args[0] == "downgrade") &&
        args[1].find_first_of("+-") == std::string::npos) {
      std::vector<std::string> rows = db.VersionRows();
      if (rows.size() == 1 || (rows.empty() && args[0] == "upgrade")) {
        bool twin_ready = true;
        if (dialect == "sqlite") {
          fs::remove(twin);
          if (fs::exists(db_file)) fs::copy_file(db_file, twin);
        } else {
          // A schema cannot be copied: the twin follows the live one
          // through the offline scripts, and serves while they agree.
          twin_ready = StateOf(twin_url, offline_rows) == StateOf(db.url(), offline_rows);
        }
        if (twin_ready) offline_range = rows.empty() ? args[1] : rows[0] + ":" + args[1];
      }
    }
    testing::CommandResult r = testing::RunRetort(args, dir.path(), env);
    int expected_exit = step["exit"] ? std::stoi(step["exit"].Scalar()) : 0;
    ASSERT_EQ(r.exit_code, expected_exit) << "stdout:\n" << r.out << "stderr:\n" << r.err;
    if (offline_range && r.exit_code == 0) {
      SCOPED_TRACE("the same offline: retort " + args[0] + " " + *offline_range +
                   " --sql, applied with the database's shell");
      testing::CommandResult sql = testing::RunRetort(
          {"--url", twin_url, args[0], *offline_range, "--sql"}, dir.path(), env);
      ASSERT_EQ(sql.exit_code, 0) << sql.err;
      testing::CommandResult applied = testing::RunSqlShell(twin_url, sql.out, dir.path());
      if (applied.exit_code != 0 &&
          applied.err.find("which an offline script cannot create again") !=
              std::string::npos) {
        // Refused, rather than losing the triggers: what it cannot do.
        offline_refused_triggers = true;
      } else {
        ASSERT_EQ(applied.exit_code, 0) << applied.err << "\nscript:\n" << sql.out;
        EXPECT_EQ(StateOf(twin_url, offline_rows), StateOf(db.url(), offline_rows))
            << "script:\n" << sql.out;
      }
    }
    if (step["stdout"]) {
      EXPECT_EQ(r.out, step["stdout"].Scalar());
    }
    for (const std::string& s : ForDialect(step, "stdout_has", dialect)) {
      EXPECT_NE(r.out.find(s), std::string::npos) << "stdout lacks: " << s << "\n" << r.out;
    }
    for (const std::string& s : ForDialect(step, "stderr_has", dialect)) {
      EXPECT_NE(r.err.find(s), std::string::npos) << "stderr lacks: " << s << "\n" << r.err;
    }
    for (const std::string& s : Strings(step["lacks"])) {
      EXPECT_EQ(r.out.find(s), std::string::npos) << "stdout has: " << s << "\n" << r.out;
      EXPECT_EQ(r.err.find(s), std::string::npos) << "stderr has: " << s << "\n" << r.err;
    }
    for (const format::Node::Entry& f : step["file_has"].entries()) {
      std::string text = testing::ReadFile(dir.path() / f.first.Scalar());
      for (const std::string& s : Strings(f.second)) {
        EXPECT_NE(text.find(s), std::string::npos) << f.first.Scalar() << " lacks: " << s << "\n" << text;
      }
    }
    if (step["current"]) {
      std::vector<std::string> expected = Strings(step["current"]);
      std::sort(expected.begin(), expected.end());
      EXPECT_EQ(db.VersionRows(), expected);
    }
    if (step["tables"]) {
      std::vector<std::string> tables = db.Tables();
      std::erase_if(tables, [](const std::string& t) { return t.starts_with("retort_"); });
      std::vector<std::string> expected = Strings(step["tables"]);
      std::sort(expected.begin(), expected.end());
      EXPECT_EQ(tables, expected);
    }
    for (const std::string& key : std::vector<std::string>{"query", "query_" + dialect}) {
      if (format::Node q = step[key]) {
        std::vector<std::vector<std::string>> expected;
        for (const auto& row : q["rows"]) expected.push_back(Strings(row));
        EXPECT_EQ(db.Query(q["sql"].Scalar()), expected) << q["sql"].Scalar();
      }
    }
  }
  // Only a scenario that says so may have an offline run refused.
  EXPECT_EQ(offline_refused_triggers, static_cast<bool>(root["offline_refuses"]))
      << "an offline script refused to rebuild a table with triggers; a scenario where that is "
         "expected says why in `offline_refuses:`";
}

std::vector<ScenarioParam> Params() {
  std::vector<ScenarioParam> out;
  for (const fs::path& path :
       testing::FilesEndingWith(testing::SourceDir() / "tests" / "scenarios", ".yaml")) {
    std::vector<std::string> only = Strings(format::File(path.string()).Load().root()["dialects"]);
    for (const std::string& dialect : testing::TestDialects()) {
      if (only.empty() || std::find(only.begin(), only.end(), dialect) != only.end()) {
        out.push_back({path, dialect});
      }
    }
  }
  return out;
}

std::string ScenarioName(const ::testing::TestParamInfo<ScenarioParam>& info) {
  const fs::path& p = info.param.path;
  std::string name = info.param.dialect + "_" + p.parent_path().filename().string() + "_" +
                     p.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Scenario, ::testing::ValuesIn(Params()), ScenarioName);

}  // namespace
}  // namespace retort
