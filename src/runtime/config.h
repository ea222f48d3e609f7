// retort.toml: where a project's scripts and schema live and how it runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "retort/error.h"

namespace retort::runtime {

struct Config {
  std::string path;  // the config file ("" when built in code)
  std::string script_location = "migrations/versions";  // absolute after loading
  std::vector<std::string> schema_files = {"schema/*.yaml"};  // globs, absolute
  std::string url;
  // PostgreSQL: the schema to work in when the URL has no ?schema=, and
  // whether a missing one is created.
  std::string database_schema;
  bool create_database_schema = false;
  std::string version_table = "retort_version";
  std::string history_table = "retort_history";
  bool transaction_per_migration = false;
  std::string file_template = "{date}_{rev}_{slug}";
  int lock_timeout_ms = 30000;
};

// The longest lock timeout allowed, in seconds: one day.
inline constexpr double kMaxLockTimeoutSeconds = 86400;

// `seconds` (a lock timeout) in whole milliseconds, rounded up, so that only
// 0 means "fail at once when locked". Throws Error(kUsage), or
// Error(kInput) at `where` when it is set, for a negative, infinite, NaN or
// larger value than kMaxLockTimeoutSeconds.
int LockTimeoutMs(double seconds, const retort::Location& where = {});

// Reads a config file; relative paths in it are taken from the file's
// folder. Throws Error(kUsage) when the file is missing, Error(kInput) with
// file:line:column for a malformed file or an unknown key.
Config LoadConfig(const std::string& path);

// Expands the schema globs to existing files, sorted.
std::vector<std::string> SchemaPaths(const Config& config);

// The text `retort init` writes.
std::string DefaultConfigText();

}  // namespace retort::runtime
