// retort.toml: what is refused before toml++ reads it, at its place.
#include "runtime/config.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace retort::runtime
