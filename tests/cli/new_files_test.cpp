// Files retort creates (new scripts, a new project) never go through a
// symbolic link someone left at their name, dangling or not.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace retort {
namespace {

namespace fs = std::filesystem;

TEST(NewFiles, RevisionRefusesALinkAtTheNewName) {
  testing::ScratchDir dir, elsewhere;
  dir.Write("retort.toml", "script_location = \"migrations/versions\"\nfile_template = \"{rev}\"\n");
  fs::create_directories(dir.path() / "migrations/versions");
  const fs::path target = elsewhere.path() / "planted.yaml";
  fs::create_symlink(target, dir.path() / "migrations/versions/2.yaml");
  testing::CommandResult r = testing::RunRetort({"revision", "-m", "two", "--rev-id", "2"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("a file (or a link) is already there"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(target));
  r = testing::RunRetort({"revision", "-m", "three", "--rev-id", "3"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_regular_file(dir.path() / "migrations/versions/3.yaml"));
}

TEST(NewFiles, InitRefusesALinkAtTheConfigsName) {
  testing::ScratchDir dir, elsewhere;
  const fs::path target = elsewhere.path() / "planted.toml";
  fs::create_symlink(target, dir.path() / "retort.toml");
  testing::CommandResult r = testing::RunRetort({"init", "."}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(fs::exists(target));
}

}  // namespace
}  // namespace retort
