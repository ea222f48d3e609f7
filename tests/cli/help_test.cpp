// What `--help` offers is what docs/commands.md documents: every command
// has its section, and every option a command's --help lists (its own, and
// the global options that apply to it) is named in that section, or for a
// global option in "Global options". Help names the program `retort`.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "test_util.h"

namespace retort {
namespace {

using testing::RunRetort;

// The text of the section of `doc` whose "## " heading names `command` (as
// a word, `## upgrade and downgrade` for both), up to the next "## ".
std::string Section(const std::string& doc, const std::string& command) {
  std::istringstream lines(doc);
  std::string line, out;
  bool in = false;
  const std::regex heading("^## (.*)$");
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, heading)) {
      std::set<std::string> words;
      std::istringstream w(m[1].str());
      for (std::string word; w >> word;) words.insert(word);
      in = words.count(command) > 0;
    }
    if (in) out += line + "\n";
  }
  return out;
}

TEST(Help, EveryCommandAndOptionIsDocumented) {
  testing::ScratchDir dir;
  const std::string doc = testing::ReadFile(testing::SourceDir() / "docs" / "commands.md");
  testing::CommandResult top = RunRetort({"--help"}, dir.path());
  ASSERT_EQ(top.exit_code, 0) << top.err;
  EXPECT_NE(top.out.find("Usage: retort [OPTIONS] SUBCOMMAND"), std::string::npos) << top.out;
  const std::string globals = Section(doc, "Global");
  ASSERT_FALSE(globals.empty());
  std::vector<std::string> commands;
  std::istringstream lines(top.out.substr(top.out.find("Subcommands:")));
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string name;
    if (words >> name) commands.push_back(name);
  }
  ASSERT_GE(commands.size(), 17u) << top.out;
  const std::regex option("(^|[ ,])(--?[a-zA-Z][a-zA-Z0-9_-]*)");
  for (const std::string& command : commands) {
    SCOPED_TRACE(command);
    const std::string section = Section(doc, command);
    EXPECT_FALSE(section.empty()) << "commands.md has no section for " << command;
    testing::CommandResult help = RunRetort({command, "--help"}, dir.path());
    ASSERT_EQ(help.exit_code, 0) << help.err;
    EXPECT_NE(help.out.find("Usage: retort " + command), std::string::npos) << help.out;
    bool global = false;
    std::istringstream help_lines(help.out);
    while (std::getline(help_lines, line)) {
      if (line == "Global options:") global = true;
      // An option line: two spaces, then its names.
      if (line.size() < 3 || line.compare(0, 2, "  ") != 0 || line[2] != '-') continue;
      std::string names = line.substr(2, line.find("  ", 2) - 2);
      for (std::sregex_iterator it(names.begin(), names.end(), option), end; it != end; ++it) {
        const std::string name = (*it)[2];
        if (name == "-h" || name == "--help") continue;
        const std::string& where = global ? globals : section;
        // The name on its own: not a longer option's start (--sql in --sql-x).
        const std::regex alone("(^|[^a-zA-Z0-9_-])" + name + "([^a-zA-Z0-9_-]|$)");
        EXPECT_TRUE(std::regex_search(where, alone))
            << name << " (of " << command << (global ? ", global" : "") << ") is not in commands.md";
      }
    }
  }
}

}  // namespace
}  // namespace retort
