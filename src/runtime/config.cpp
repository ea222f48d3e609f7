#include "runtime/config.h"

#include <glob.h>

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "retort/error.h"
#include "format/file.h"
#include "format/toml.h"

namespace retort::runtime {
namespace {

namespace fs = std::filesystem;

std::string Resolve(const fs::path& base, const std::string& path) {
  fs::path p(path);
  return (p.is_absolute() ? p : base / p).lexically_normal().string();
}

Location At(const std::string& file, const format::Node& node) {
  return Location{.file = file, .line = node.line(), .column = node.column()};
}

}  // namespace

int LockTimeoutMs(double seconds, const Location& where) {
  if (!(seconds >= 0 && seconds <= kMaxLockTimeoutSeconds)) {  // also NaN
    throw Error(where.empty() ? ErrorKind::kUsage : ErrorKind::kInput,
                "the lock timeout must be a number of seconds from 0 (fail at once when "
                "locked) to " + fmt::format("{:g}", kMaxLockTimeoutSeconds) + ", not " +
                    fmt::format("{:g}", seconds),
                where);
  }
  return static_cast<int>(std::ceil(seconds * 1000));
}

Config LoadConfig(const std::string& path) {
  if (!fs::exists(path)) {
    throw Error(ErrorKind::kUsage, "no config file (run `retort init` to create one)",
                Location{.file = path});
  }
  const format::Document doc = format::ParseToml(format::ReadText(path), path);
  const format::Node table = doc.root();
  Config config;
  config.path = path;
  fs::path base = fs::absolute(path).parent_path();
  auto fail = [&](const format::Node& node, const std::string& message) {
    throw Error(ErrorKind::kInput, message, At(path, node));
  };
  auto is = [](const format::Node& node, format::ScalarStyle style) {
    return node.IsScalar() && node.style() == style;
  };
  auto string_of = [&](const format::Node& node, const std::string& key) {
    if (!is(node, format::ScalarStyle::kString)) fail(node, "'" + key + "' must be a string");
    const std::string& value = node.Scalar();
    if (value.find('\0') != std::string::npos) fail(node, "'" + key + "' holds a NUL character");
    return value;
  };
  auto bool_of = [&](const format::Node& node, const std::string& key) {
    if (!is(node, format::ScalarStyle::kBoolean)) fail(node, "'" + key + "' must be true or false");
    return node.Scalar() == "true";
  };
  for (const format::Node::Entry& entry : table.entries()) {
    const std::string& key = entry.first.Scalar();
    const format::Node& node = entry.second;
    if (key == "script_location") {
      config.script_location = string_of(node, key);
    } else if (key == "schema") {
      config.schema_files.clear();
      if (node.IsScalar()) {
        config.schema_files.push_back(string_of(node, key));
      } else if (node.IsSequence()) {
        for (const format::Node item : node) config.schema_files.push_back(string_of(item, key));
      } else {
        fail(node, "'schema' must be a glob or a list of globs");
      }
    } else if (key == "url") {
      config.url = string_of(node, key);
    } else if (key == "database_schema") {
      config.database_schema = string_of(node, key);
    } else if (key == "create_database_schema") {
      config.create_database_schema = bool_of(node, key);
    } else if (key == "version_table") {
      config.version_table = string_of(node, key);
    } else if (key == "history_table") {
      config.history_table = string_of(node, key);
    } else if (key == "transaction_per_migration") {
      config.transaction_per_migration = bool_of(node, key);
    } else if (key == "file_template") {
      config.file_template = string_of(node, key);
      if (config.file_template.empty() || config.file_template.find('/') != std::string::npos) {
        fail(node, "'file_template' names a file inside the scripts folder: no '/', not empty");
      }
    } else if (key == "lock_timeout") {
      if (!is(node, format::ScalarStyle::kInteger) && !is(node, format::ScalarStyle::kFloat)) {
        fail(node, "'lock_timeout' must be a number of seconds");
      }
      // An integer too large for a double to hold exactly is range-checked
      // as the nearest double; "inf" and "nan" read as themselves.
      double seconds = std::strtod(node.Scalar().c_str(), nullptr);
      config.lock_timeout_ms = LockTimeoutMs(seconds, At(path, node));
    } else {
      fail(node, "unknown key '" + key +
                     "' (expected script_location, schema, url, database_schema, "
                     "create_database_schema, version_table, history_table, "
                     "transaction_per_migration, file_template, lock_timeout)");
    }
  }
  if (config.version_table.empty() || config.history_table.empty()) {
    throw Error(ErrorKind::kInput, "version_table and history_table must not be empty",
                Location{.file = path});
  }
  // SQLite takes names that differ only in case for one table.
  auto folded = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  if (folded(config.version_table) == folded(config.history_table)) {
    format::Node where = table["history_table"];
    if (!where) where = table["version_table"];
    throw Error(ErrorKind::kInput,
                "version_table and history_table are both '" + config.version_table +
                    "': they must be two tables",
                where ? At(path, where) : Location{.file = path});
  }
  config.script_location = Resolve(base, config.script_location);
  for (std::string& glob : config.schema_files) glob = Resolve(base, glob);
  return config;
}

std::vector<std::string> SchemaPaths(const Config& config) {
  std::vector<std::string> paths;
  for (const std::string& pattern : config.schema_files) {
    glob_t found{};
    if (glob(pattern.c_str(), 0, nullptr, &found) == 0) {
      for (size_t i = 0; i < found.gl_pathc; ++i) paths.emplace_back(found.gl_pathv[i]);
    }
    globfree(&found);
  }
  return paths;
}

std::string DefaultConfigText() {
  return R"(# retort configuration. Relative paths in script_location and schema are
# taken from this file's folder.

# Where the migration scripts live (one YAML file per revision).
script_location = "migrations/versions"

# The declared schema: globs of YAML files. Its naming_convention names the
# constraints and indexes that migration scripts leave unnamed.
schema = ["schema/*.yaml"]

# The database. Overridden by --url, then RETORT_DATABASE_URL, then DATABASE_URL.
# A relative SQLite path (sqlite:///app.db) is taken from the current folder.
url = "sqlite:///app.db"

# PostgreSQL: the schema the migrated objects and the version and history
# tables live in, when the URL has no ?schema= (default: the server's current
# schema), and whether retort creates it when it is missing.
# database_schema = "app"
# create_database_schema = false

# Alembic-compatible version table; set to "alembic_version" to adopt a
# database that Alembic manages today.
version_table = "retort_version"
history_table = "retort_history"

# false: a run is one transaction; true: each migration commits on its own.
transaction_per_migration = false

# New script file names: {date} (YYYYMMDD), {rev}, {slug} (from the message).
file_template = "{date}_{rev}_{slug}"

# Seconds to wait for another run holding the database's lock.
lock_timeout = 30
)";
}

}  // namespace retort::runtime
