// Checksums an earlier retort recorded stay what they were: a database
// whose history table holds them validates clean, whatever reads and writes
// the scripts now. recorded_checksums.txt keeps, for every script of the
// examples and the scenarios and every operation list of the case files,
// the legacy checksum (over the parsed document) and the "2:" checksum
// (over the operations written back). A source that is new, gone, or whose
// checksum moved fails; RETORT_BLESS=1 records new sources (and drops gone
// ones) but never rewrites a recorded checksum.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "script/op_read.h"
#include "schema/naming.h"
#include "format/schema_read.h"
#include "format/file.h"
#include "script/script.h"
#include "test_util.h"

namespace retort {
namespace {

namespace fs = std::filesystem;

struct Sums {
  std::string legacy;   // "-" for an operation list (no script document)
  std::string meaning;
  bool operator==(const Sums&) const = default;
};

std::string Relative(const fs::path& path) {
  return fs::relative(path, testing::SourceDir()).generic_string();
}

// Every source, by name: "<file>" for a script file, "<file>:<path>" for a
// script a scenario writes, "<file>:ops" for a case's operations.
std::map<std::string, Sums> Compute() {
  std::map<std::string, Sums> out;
  const schema::NamingConvention defaults = schema::WithDefaults({});
  auto script = [&](const std::string& key, const std::string& text,
                    const schema::NamingConvention& naming) {
    try {
      script::MigrationScript s = script::ParseScript(text, key, naming);
      out[key] = {s.legacy_checksum(), s.checksum()};
    } catch (const Error&) {
      // A script that is meant to be refused: nothing was ever recorded.
    }
  };
  for (const char* project : {"examples/audit_engine", "examples/checklist_templates",
                                  "examples/embedded_app", "examples/equipment_templates",
                                  "examples/orchestration"}) {
    fs::path dir = testing::SourceDir() / project;
    std::vector<std::string> schema_files;
    for (const fs::path& f : testing::FilesEndingWith(dir / "schema", ".yaml")) {
      schema_files.push_back(f.string());
    }
    schema::NamingConvention naming =
        schema::WithDefaults(format::LoadSchemaFiles(schema_files).naming);
    for (const fs::path& f : testing::FilesEndingWith(dir / "migrations", ".yaml")) {
      script(Relative(f), testing::ReadFile(f), naming);
    }
  }
  // Written for this test, in every syntax a script may use: must parse.
  for (const fs::path& f : testing::FilesEndingWith(testing::SourceDir() / "tests/script/recorded", ".yaml")) {
    script::MigrationScript s = script::ParseScript(testing::ReadFile(f), Relative(f), defaults);
    out[Relative(f)] = {s.legacy_checksum(), s.checksum()};
  }
  for (const fs::path& f : testing::FilesEndingWith(testing::SourceDir() / "tests/scenarios", ".yaml")) {
    format::File file(f.string());
    format::Document loaded = file.Load();
    format::Node doc = loaded.root();
    format::Node files(doc["files"]);
    for (const format::Node::Entry& e : files.entries()) {
      if (e.first.Scalar().find("versions/") != std::string::npos && e.second.IsScalar()) {
        script(Relative(f) + ":" + e.first.Scalar(), e.second.Scalar(), defaults);
      }
    }
  }
  for (const char* dir : {"tests/cases", "tests/autogen/cases"}) {
    for (const fs::path& f : testing::FilesEndingWith(testing::SourceDir() / dir, ".case")) {
      format::File file(f.string());
      try {
        format::Document loaded = file.Load();
        format::Node doc = loaded.root();
        if (!doc["ops"]) continue;
        script::MigrationScript s;
        s.revision = "case";
        s.upgrade = script::ParseOperations(file, doc["ops"], defaults);
        out[Relative(f) + ":ops"] = {"-", script::MeaningChecksum(s)};
      } catch (const Error&) {
        // An error case: its operations are refused.
      }
    }
  }
  return out;
}

const fs::path kRecord = "tests/script/recorded_checksums.txt";

std::map<std::string, Sums> Recorded() {
  std::map<std::string, Sums> out;
  std::ifstream in(testing::SourceDir() / kRecord);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string key, legacy, meaning, extra;
    fields >> key >> legacy >> meaning;
    EXPECT_TRUE(!meaning.empty() && !(fields >> extra))
        << kRecord << ":" << line_no << ": expected '<source> <legacy> <meaning>'";
    EXPECT_TRUE(legacy == "-" || legacy.size() == 64) << kRecord << ":" << line_no;
    EXPECT_TRUE(meaning.starts_with("2:") && meaning.size() == 64) << kRecord << ":" << line_no;
    EXPECT_TRUE(out.emplace(key, Sums{legacy, meaning}).second)
        << kRecord << ":" << line_no << ": '" << key << "' twice";
  }
  return out;
}

TEST(RecordedChecksums, EveryScriptKeepsTheChecksumsRecordedForIt) {
  std::map<std::string, Sums> now = Compute();
  std::map<std::string, Sums> recorded = Recorded();
  if (!testing::Blessing()) {
    ASSERT_GT(recorded.size(), 100u) << "the record is missing or cut short";
  }
  for (const auto& [key, sums] : recorded) {
    auto found = now.find(key);
    if (found == now.end()) {
      if (!testing::Blessing()) ADD_FAILURE() << key << ": recorded, but no longer read";
      continue;
    }
    EXPECT_EQ(found->second.legacy, sums.legacy) << key << ": legacy checksum moved";
    EXPECT_EQ(found->second.meaning, sums.meaning) << key << ": checksum moved";
  }
  std::map<std::string, Sums> blessed;
  for (const auto& [key, sums] : now) {
    auto found = recorded.find(key);
    if (found != recorded.end()) {
      blessed[key] = found->second;
    } else if (testing::Blessing()) {
      blessed[key] = sums;
    } else {
      ADD_FAILURE() << key << ": not recorded (RETORT_BLESS=1 records it)";
    }
  }
  if (testing::Blessing()) {
    std::ofstream out(testing::SourceDir() / kRecord, std::ios::binary);
    out << "# <source> <legacy checksum> <checksum>: recorded_checksums_test.cpp\n";
    for (const auto& [key, sums] : blessed) {
      out << key << " " << sums.legacy << " " << sums.meaning << "\n";
    }
  }
}

}  // namespace
}  // namespace retort
