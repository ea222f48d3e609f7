#include "dialect/targets.h"

#include <glob.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "dialect/connect.h"
#include "dialect/sql_text.h"
#include "retort/error.h"

namespace retort::dialect {
namespace {

bool HasGlob(const std::string& text, bool brackets) {
  return text.find_first_of(brackets ? "*?[" : "*?") != std::string::npos;
}

// The prefix of a sqlite URL before its path ("sqlite:///" or "sqlite:////").
std::string SqlitePrefix(const DatabaseUrl& url) {
  return url.text.substr(0, url.text.size() - url.path.size());
}

std::vector<std::string> ExpandSqlite(const DatabaseUrl& url) {
  glob_t found{};
  int rc = glob(url.path.c_str(), 0, nullptr, &found);
  std::vector<std::string> out;
  if (rc == 0) {
    for (size_t i = 0; i < found.gl_pathc; ++i) out.push_back(SqlitePrefix(url) + found.gl_pathv[i]);
  }
  globfree(&found);
  std::sort(out.begin(), out.end());
  return out;
}

// A glob as a LIKE pattern (escape character \).
std::string LikePattern(const std::string& glob) {
  std::string out;
  for (char c : glob) {
    if (c == '*') {
      out += '%';
    } else if (c == '?') {
      out += '_';
    } else if (c == '%' || c == '_' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> ExpandPostgres(const DatabaseUrl& url) {
  DatabaseUrl server = ParseUrl(WithQueryParameter(url.text, "schema", std::nullopt));
  std::unique_ptr<Connection> conn = Connect(server, {.create = false});
  std::vector<std::string> out;
  for (const Row& row : conn->Query(
           "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname LIKE $1 ESCAPE '\\' "
           "ORDER BY nspname",
           {LikePattern(url.schema)})) {
    if (row[0]) out.push_back(WithQueryParameter(url.text, "schema", *row[0]));
  }
  return out;
}

}  // namespace

bool IsPattern(const std::string& url) {
  DatabaseUrl parsed = ParseUrl(url);
  if (parsed.scheme == "sqlite") return parsed.path != ":memory:" && HasGlob(parsed.path, true);
  return HasGlob(parsed.schema, false);
}

std::vector<std::string> ExpandTargets(const std::vector<std::string>& urls) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& url : urls) {
    std::vector<std::string> expanded = {url};
    if (IsPattern(url)) {
      DatabaseUrl parsed = ParseUrl(url);
      expanded = parsed.scheme == "sqlite" ? ExpandSqlite(parsed) : ExpandPostgres(parsed);
    }
    for (std::string& target : expanded) {
      if (seen.insert(target).second) out.push_back(std::move(target));
    }
  }
  return out;
}

std::vector<std::string> ReadTargetsFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::kUsage, "cannot read the targets file", Location{.file = path});
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    line = TrimSpace(line);
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line);
  }
  return out;
}

}  // namespace retort::dialect
