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

// toml++ misreads U+FB26 to U+FEFE outside escapes: refused at its place;
// written as an escape, such a character is fine.
TEST(Config, CharactersTheTomlReaderMisreads) {
  testing::ScratchDir dir;
  dir.Write("retort.toml", "# note\nurl = \"sqlite:///\xEF\xBB\xB5.db\"\n");
  try {
    LoadConfig((dir.path() / "retort.toml").string());
    ADD_FAILURE() << "taken";
  } catch (const Error& e) {
    EXPECT_EQ(e.where().line, 2);
    EXPECT_EQ(e.where().column, 18);
    EXPECT_NE(std::string(e.what()).find("U+FEF5"), std::string::npos) << e.what();
  }
  dir.Write("retort.toml", "url = \"sqlite:///\\uFEF5.db\"\n");
  EXPECT_EQ(LoadConfig((dir.path() / "retort.toml").string()).url, "sqlite:///\xEF\xBB\xB5.db");
}

// Outside strings and comments TOML allows no character that is not ASCII,
// and toml++ misreads one there: refused at its place. In strings and
// comments (of every kind) they are fine.
TEST(Config, NonAsciiOutsideStringsIsRefusedAtItsPlace) {
  testing::ScratchDir dir;
  for (const auto& [text, line, column] :
       std::vector<std::tuple<std::string, int, int>>{{"url = \"x\" \xC3\xA9\n", 1, 11},
                                                      {"lock_timeout = 1\n\xD2\x83 = 1\n", 2, 1},
                                                      {"url = \"\"\"a\"\"\"\"\xC2\xA1\n", 1, 15},
                                                      {"url = 'a\\' \xC2\xA1\n", 1, 12},
                                                      {"url = \"\\\"\" \xC2\xA1\n", 1, 12}}) {
    dir.Write("retort.toml", text);
    try {
      LoadConfig((dir.path() / "retort.toml").string());
      ADD_FAILURE() << "taken: " << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("not ASCII outside a string or a comment"),
                std::string::npos) << e.what();
      EXPECT_EQ(e.where().line, line) << text;
      EXPECT_EQ(e.where().column, column) << text;
    }
  }
  dir.Write("retort.toml",
            "# caf\xC3\xA9 \xD2\x83\nurl = \"sqlite:///caf\xC3\xA9.db\" # \xC2\xA1\n"
            "script_location = 'v\xC3\xA9'\nschema = [\"\"\"s\xC3\xA9\"\"\", '''t\xC3\xA9''']\n");
  Config config = LoadConfig((dir.path() / "retort.toml").string());
  EXPECT_EQ(config.url, "sqlite:///caf\xC3\xA9.db");
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
