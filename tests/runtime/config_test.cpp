// retort.toml: what is refused before toml++ reads it, at its place.
#include "runtime/config.h"

#include <gtest/gtest.h>

#include <tuple>

#include "test_util.h"

namespace retort::runtime {
namespace {

TEST(Config, RefusesBytesThatAreNotUtf8) {
  testing::ScratchDir dir;
  for (const std::string& text : {std::string("url = \"sqlite:///a.db\"\nschema = \"s\xed" "a\"\n"),
                                  std::string("url = \"sqlite:///a.db\"\nschema = \"s\0a\"\n", 38)}) {
    dir.Write("retort.toml", text);
    try {
      LoadConfig((dir.path() / "retort.toml").string());
      ADD_FAILURE() << "taken: " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput);
      EXPECT_EQ(e.where().line, 2);
      EXPECT_EQ(e.where().column, 12);
      EXPECT_NE(std::string(e.what()).find("malformed TOML"), std::string::npos) << e.what();
    }
  }
}

TEST(Config, RefusesANulEscape) {
  testing::ScratchDir dir;
  dir.Write("retort.toml", "url = \"sqlite:///a\\u0000.db\"\n");
  try {
    LoadConfig((dir.path() / "retort.toml").string());
    ADD_FAILURE() << "a NUL escape was taken";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'url' holds a NUL character"), std::string::npos) << e.what();
  }
}

// The version and history tables must be two tables, to SQLite too (which
// folds case), also when only one of them is set.
TEST(Config, VersionAndHistoryTablesMustDiffer) {
  testing::ScratchDir dir;
  for (const std::string& text : {std::string("version_table = \"retort_history\"\n"),
                                  std::string("version_table = \"Versions\"\nhistory_table = \"versions\"\n")}) {
    dir.Write("retort.toml", text);
    try {
      LoadConfig((dir.path() / "retort.toml").string());
      ADD_FAILURE() << "taken: " << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("they must be two tables"), std::string::npos) << e.what();
      EXPECT_EQ(e.where().line, text.find("history_table") == std::string::npos ? 1 : 2) << e.what();
    }
  }
}

// The TOML reader misreads characters that are not ASCII: outside strings
// and comments (where TOML allows none) and in '...' strings (which have no
// escapes) they are refused at their place; in "..." strings and comments
// they are read as written.
TEST(Config, CharactersTheTomlReaderMisreads) {
  testing::ScratchDir dir;
  for (const auto& [text, line, column, message] :
       std::vector<std::tuple<std::string, int, int, std::string>>{
           {"url = \"x\" \xC3\xA9\n", 1, 11, "not ASCII outside a string or a comment"},
           {"lock_timeout = 1\n\xD2\x83 = 1\n", 2, 1, "not ASCII outside a string or a comment"},
           {"url = \"\"\"a\"\"\"\"\xC2\xA1\n", 1, 15, "not ASCII outside a string or a comment"},
           {"url = 'a\\' \xC2\xA1\n", 1, 12, "not ASCII outside a string or a comment"},
           {"url = \"\\\"\" \xC2\xA1\n", 1, 12, "not ASCII outside a string or a comment"},
           {"url = 'caf\xC3\xA9'\n", 1, 11, "in a '...' string"},
           {"url = '''\ncaf\xC3\xA9'''\n", 2, 4, "in a '...' string"},
           {"url = \"a\\\xC3\xA9\"\n", 1, 9, "an escape of a character that is not ASCII"},
       }) {
    dir.Write("retort.toml", text);
    try {
      LoadConfig((dir.path() / "retort.toml").string());
      ADD_FAILURE() << "taken: " << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
      EXPECT_EQ(e.where().line, line) << text;
      EXPECT_EQ(e.where().column, column) << text;
    }
  }
  // What the fuzzer found: a malformed value before a string holding one.
  dir.Write("retort.toml", "lock_timeout = 0.U0010FFFF[s\"c1mla/*\xD2\x83" "aml\"]\n");
  EXPECT_THROW(LoadConfig((dir.path() / "retort.toml").string()), Error);
  dir.Write("retort.toml",
            "# caf\xC3\xA9 \xD2\x83\nurl = \"sqlite:///caf\xC3\xA9\xEF\xBB\xB5\xF0\x9F\x98\x80.db\" # \xC2\xA1\n"
            "schema = [\"\"\"s\xC3\xA9\"\"\"]\n");
  Config config = LoadConfig((dir.path() / "retort.toml").string());
  EXPECT_EQ(config.url, "sqlite:///caf\xC3\xA9\xEF\xBB\xB5\xF0\x9F\x98\x80.db");
  // A byte-order mark may start the file.
  dir.Write("retort.toml", "\xEF\xBB\xBFurl = \"sqlite:///x.db\"\n");
  EXPECT_EQ(LoadConfig((dir.path() / "retort.toml").string()).url, "sqlite:///x.db");
}

// Integers a double cannot hold exactly are range-checked too.
TEST(Config, HugeIntegerLockTimeoutsAreRefused) {
  testing::ScratchDir dir;
  for (const char* value : {"9007199254740993", "100000000000000001", "86401"}) {
    dir.Write("retort.toml", std::string("lock_timeout = ") + value + "\n");
    EXPECT_THROW(LoadConfig((dir.path() / "retort.toml").string()), Error) << value;
  }
  dir.Write("retort.toml", "lock_timeout = 86400\n");
  EXPECT_EQ(LoadConfig((dir.path() / "retort.toml").string()).lock_timeout_ms, 86400000);
}

}  // namespace
}  // namespace retort::runtime
