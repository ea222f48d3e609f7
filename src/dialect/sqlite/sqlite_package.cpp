// SQLite as the registry knows it: its URLs, capabilities, connections and
// file patterns.
#include <glob.h>

#include <algorithm>

#include "dialect/registry.h"
#include "dialect/sqlite/sqlite_connection.h"
#include "dialect/sqlite/sqlite_dialect.h"
#include "retort/error.h"

namespace retort::dialect {
namespace {

// sqlite:///relative.db, sqlite:////absolute.db, sqlite://:memory:
void ParseSqliteUrl(const std::string& url, size_t sep, DatabaseUrl& out) {
  std::string rest = url.substr(sep + 3);
  if (rest == ":memory:" || rest == "/:memory:" || rest.empty() || rest == "/") {
    out.path = ":memory:";
  } else if (rest[0] == '/') {
    out.path = rest.substr(1);  // sqlite:///rel -> rel; sqlite:////abs -> /abs
    if (out.path.empty()) {
      throw Error(ErrorKind::kUsage, "sqlite URL without a file", Location{.target = url});
    }
  } else {
    throw Error(ErrorKind::kUsage,
                "sqlite URLs are sqlite:///relative.db, sqlite:////absolute.db or "
                "sqlite://:memory:",
                Location{.target = url});
  }
  if (size_t q = out.path.find('?'); q != std::string::npos) out.path.resize(q);
}

std::unique_ptr<Connection> ConnectSqlite(const DatabaseUrl& url, const ConnectOptions& options) {
  return std::make_unique<SqliteConnection>(url.path, options.create, options.lock_timeout_ms,
                                            url.Masked());
}

bool IsSqlitePattern(const DatabaseUrl& url) {
  return url.path != ":memory:" && url.path.find_first_of("*?[") != std::string::npos;
}

// Every file matching the path (libc's glob), sorted.
std::vector<std::string> ExpandSqlite(const DatabaseUrl& url) {
  // The prefix before the path ("sqlite:///" or "sqlite:////").
  std::string prefix = url.text.substr(0, url.text.size() - url.path.size());
  glob_t found{};
  int rc = glob(url.path.c_str(), 0, nullptr, &found);
  std::vector<std::string> out;
  if (rc == 0) {
    for (size_t i = 0; i < found.gl_pathc; ++i) out.push_back(prefix + found.gl_pathv[i]);
  }
  globfree(&found);
  std::sort(out.begin(), out.end());
  return out;
}

const Dialect& SqliteRenderer() {
  static const SqliteDialect dialect;
  return dialect;
}

}  // namespace

const DialectInfo& SqliteInfo() {
  static const DialectInfo info = {
      .name = "sqlite",
      .schemes = {"sqlite"},
      .caps = {.transactional_ddl = true,
               .enums = EnumStorage::kCheckConstraint,
               .schemas = false,
               .concurrent_index = false,
               .session_lock = false,
               .rebuilds_tables = true,
               .max_identifier_bytes = 0},
      .dialect = SqliteRenderer,
      .parse_url = ParseSqliteUrl,
      .connect = ConnectSqlite,
      .is_pattern = IsSqlitePattern,
      .expand_pattern = ExpandSqlite,
  };
  return info;
}

}  // namespace retort::dialect
