// Database URLs: sqlite:///relative.db, sqlite:////abs/path.db,
// sqlite://:memory:, postgresql://user:pass@host:port/db?schema=name&...
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace retort::dialect {

struct DatabaseUrl {
  std::string scheme;  // the dialect's name (DialectInfo::name), whatever the URL's spelling
  std::string path;    // sqlite: the file path, or ":memory:"
  std::string text;    // the URL as given
  // postgresql: the schema of `?schema=` ("" when absent), and the URL for
  // libpq (without `schema`, with connect_timeout=10 unless given).
  std::string schema;
  std::string conninfo;
  // postgresql: the user name and password of the URL's user information,
  // decoded (the password after the first ':'); nullopt when absent.
  std::optional<std::string> user;
  std::optional<std::string> password;

  // The URL with any password replaced by "***", for messages and logs.
  std::string Masked() const;
};

// Throws Error(kUsage) for a URL of no known scheme (naming the schemes
// there are) or shape.
DatabaseUrl ParseUrl(const std::string& url);

// For the dialects' URL readers:
// The query string's parameters, in order, undecoded.
std::vector<std::pair<std::string, std::string>> QueryParameters(const std::string& query);
// %XX decoded; a '+' is a space in a query (`plus_is_space`), but not in
// user information, as libpq reads it.
std::string PercentDecode(const std::string& s, bool plus_is_space = true);
// Where the query ('?') of `url` starts, or npos: after the user
// information, which ends at the first '@' before any '/', so that a '?' in
// a password starts no query.
size_t QueryStart(const std::string& url);
// `base` with `params` as its query ('@' in them written %40).
std::string JoinQuery(const std::string& base,
                      const std::vector<std::pair<std::string, std::string>>& params);

// `url` with query parameter `key` set to `value` (added or replaced), or
// removed when `value` is nullopt.
std::string WithQueryParameter(const std::string& url, const std::string& key,
                               const std::optional<std::string>& value);

// `url` with its password (user:password@ or password=) replaced by "***"
// (unparsed text is fine).
std::string MaskPassword(const std::string& url);

}  // namespace retort::dialect
