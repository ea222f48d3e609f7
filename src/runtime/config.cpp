#include "runtime/config.h"

#include <glob.h>

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "retort/error.h"
#include "format/utf8.h"

namespace retort::runtime {
namespace {

namespace fs = std::filesystem;

std::string Resolve(const fs::path& base, const std::string& path) {
  fs::path p(path);
  return (p.is_absolute() ? p : base / p).lexically_normal().string();
}

Location At(const std::string& file, const toml::source_region& region) {
  return Location{.file = file, .line = static_cast<int>(region.begin.line),
                  .column = static_cast<int>(region.begin.column)};
}

// toml++ 3.3 reaches code it marks unreachable (undefined behaviour) when it
// asks whether a character that is not ASCII is white space, which it does
// outside strings and, reading a malformed value, inside what would be
// one. So it is given ASCII only: in a "..." string each such character
// becomes its \uXXXX escape (the same string), in a comment a '?'; outside
// strings and comments TOML allows none, and in a '...' string (where no
// escape exists) one is refused, at its place. Columns toml++ reports after
// an escaped character on the same line are off by the escape's length.
std::string AsciiForToml(const std::string& text, const std::string& path) {
  enum class In { kValue, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral } in = In::kValue;
  std::string out;
  out.reserve(text.size());
  int line = 1, column = 1;
  auto at = [&](size_t i, std::string_view s) { return text.compare(i, s.size(), s) == 0; };
  auto fail = [&](const std::string& message) {
    throw Error(ErrorKind::kInput, message, Location{.file = path, .line = line, .column = column});
  };
  // A byte-order mark may start the file; the reader is given none.
  for (size_t i = text.starts_with("\xEF\xBB\xBF") ? 3 : 0; i < text.size(); ++column) {
    const auto c = static_cast<unsigned char>(text[i]);
    // REQUIRES: valid UTF-8 (checked before).
    size_t width = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (c == '\n') {
      ++line;
      column = 0;
      if (in == In::kComment || in == In::kBasic || in == In::kLiteral) in = In::kValue;
    }
    if (c >= 0x80) {
      char32_t cp = width == 2 ? c & 0x1F : width == 3 ? c & 0x0F : c & 0x07;
      for (size_t k = 1; k < width; ++k) cp = (cp << 6) | (text[i + k] & 0x3F);
      switch (in) {
        case In::kComment: out += '?'; break;
        case In::kBasic:
        case In::kMultiBasic:
          out += cp > 0xFFFF ? fmt::format("\\U{:08X}", static_cast<uint32_t>(cp))
                             : fmt::format("\\u{:04X}", static_cast<uint32_t>(cp));
          break;
        case In::kLiteral:
        case In::kMultiLiteral:
          fail("a character that is not ASCII in a '...' string cannot be read here (the TOML "
               "reader misreads it); write the string in \"...\"");
          break;
        case In::kValue:
          fail("a character that is not ASCII outside a string or a comment (TOML allows none "
               "there)");
          break;
      }
      i += width;
      continue;
    }
    switch (in) {
      case In::kValue:
        if (c == '#') {
          in = In::kComment;
        } else if (at(i, "\"\"\"")) {
          in = In::kMultiBasic;
          width = 3;
        } else if (at(i, "'''")) {
          in = In::kMultiLiteral;
          width = 3;
        } else if (c == '"') {
          in = In::kBasic;
        } else if (c == '\'') {
          in = In::kLiteral;
        }
        break;
      case In::kComment: break;
      case In::kBasic:
      case In::kMultiBasic:
        if (c == '\\' && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80) {
          fail("an escape of a character that is not ASCII (TOML has none)");
        } else if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
          width = 2;  // an escape: the next character is not the end
        } else if (in == In::kBasic && c == '"') {
          in = In::kValue;
        } else if (in == In::kMultiBasic && at(i, "\"\"\"")) {
          in = In::kValue;
          width = 3;
          while (width < 5 && at(i + width, "\"")) ++width;  // """a"""" ends in a quote
        }
        break;
      case In::kLiteral:
        if (c == '\'') in = In::kValue;
        break;
      case In::kMultiLiteral:
        if (at(i, "'''")) {
          in = In::kValue;
          width = 3;
          while (width < 5 && at(i + width, "'")) ++width;
        }
        break;
    }
    out.append(text, i, width);
    column += static_cast<int>(width) - 1;  // quotes or an escape at once
    i += width;
  }
  return out;
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
  std::string text;
  {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream read;
    read << in.rdbuf();
    text = read.str();
  }
  // toml++ misbehaves on bytes that are not UTF-8 (it reaches code it marks
  // unreachable): they are refused first, as in every file retort reads.
  format::RequireUtf8Text(text, path, "TOML");
  const std::string ascii = AsciiForToml(text, path);
  toml::table table;
  try {
    table = toml::parse(ascii, path);
  } catch (const toml::parse_error& e) {
    throw Error(ErrorKind::kInput, "malformed TOML: " + std::string(e.description()),
                At(path, e.source()));
  }
  Config config;
  config.path = path;
  fs::path base = fs::absolute(path).parent_path();
  auto fail = [&](const toml::node& node, const std::string& message) {
    throw Error(ErrorKind::kInput, message, At(path, node.source()));
  };
  auto string_of = [&](const toml::node& node, const std::string& key) {
    if (!node.is_string()) fail(node, "'" + key + "' must be a string");
    std::string value(*node.as_string());
    if (value.find('\0') != std::string::npos) fail(node, "'" + key + "' holds a NUL character");
    return value;
  };
  auto bool_of = [&](const toml::node& node, const std::string& key) {
    if (!node.is_boolean()) fail(node, "'" + key + "' must be true or false");
    return bool(*node.as_boolean());
  };
  for (const auto& [k, node] : table) {
    std::string key(k.str());
    if (key == "script_location") {
      config.script_location = string_of(node, key);
    } else if (key == "schema") {
      config.schema_files.clear();
      if (node.is_string()) {
        config.schema_files.push_back(string_of(node, key));
      } else if (const toml::array* list = node.as_array()) {
        for (const toml::node& item : *list) config.schema_files.push_back(string_of(item, key));
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
      if (!node.is_number()) fail(node, "'lock_timeout' must be a number of seconds");
      // An integer too large for a double to hold exactly has no double
      // value in toml++: range-checked as what it is.
      double seconds = node.is_integer() ? static_cast<double>(node.as_integer()->get())
                                         : node.as_floating_point()->get();
      config.lock_timeout_ms = LockTimeoutMs(seconds, At(path, node.source()));
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
    const toml::node* where = table["history_table"].node();
    if (!where) where = table["version_table"].node();
    throw Error(ErrorKind::kInput,
                "version_table and history_table are both '" + config.version_table +
                    "': they must be two tables",
                where ? At(path, where->source()) : Location{.file = path});
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
