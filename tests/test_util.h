// Helpers shared by the tests: scratch folders, running the retort binary,
// reading a SQLite database back.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace retort::testing {

// A fresh empty folder, removed when the object goes away.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to `relative` (creating folders).
  void Write(const std::string& relative, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the retort binary with `args` in `cwd` (no shell involved), with
// `env` added to the environment.
CommandResult RunRetort(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                        const std::map<std::string, std::string>& env = {});

// A retort process started in the background; Wait() collects it.
class RetortProcess {
 public:
  RetortProcess(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                const std::string& tag);
  CommandResult Wait();

 private:
  int pid_ = -1;
  std::filesystem::path out_, err_;
};

// Rows of `sql` on the SQLite file `db`, each cell as text ("NULL" for NULL).
std::vector<std::vector<std::string>> SqliteQuery(const std::filesystem::path& db,
                                                  const std::string& sql);

// Names of the tables of `db` (sorted), without sqlite_ internals.
std::vector<std::string> SqliteTables(const std::filesystem::path& db);

std::string ReadFile(const std::filesystem::path& path);

// Files of `dir` (recursively) whose names end in `suffix`, sorted.
std::vector<std::filesystem::path> FilesEndingWith(const std::filesystem::path& dir,
                                                   const std::string& suffix);

std::filesystem::path SourceDir();

}  // namespace retort::testing
