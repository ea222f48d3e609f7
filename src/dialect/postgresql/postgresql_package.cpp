// PostgreSQL as the registry knows it: its URLs, capabilities, connections
// and schema patterns.
#include <algorithm>
#include <cctype>

#include "dialect/postgresql/postgresql_connection.h"
#include "dialect/postgresql/postgresql_dialect.h"
#include "dialect/registry.h"
#include "retort/error.h"

namespace retort::dialect {
namespace {

// postgresql://user:pass@host:port/db?schema=name&... (libpq's URL, with
// retort's ?schema=).
void ParsePostgresUrl(const std::string& url, size_t sep, DatabaseUrl& out) {
  // What libpq would misread, or quote back in its error (a password
  // among it), is refused here without echoing it.
  if (url.find_first_of(" \t\r\n") != std::string::npos) {
    throw Error(ErrorKind::kUsage, "the URL holds a space: percent-encode it as %20",
                Location{.target = out.Masked()});
  }
  for (size_t p = url.find('%'); p != std::string::npos; p = url.find('%', p + 1)) {
    if (p + 2 >= url.size() || !std::isxdigit(static_cast<unsigned char>(url[p + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(url[p + 2]))) {
      throw Error(ErrorKind::kUsage,
                  "a '%' in the URL is not followed by two hex digits: write '%' as %25",
                  Location{.target = out.Masked()});
    }
  }
  {
    // libpq: user information ends at the first '@' before any '/';
    // another '@' before the query means a password or user name holding
    // an unencoded '@' (or '/'), which libpq would split wrongly.
    std::string rest = url.substr(sep + 3);
    size_t first_at = rest.find('@');
    bool has_info = first_at != std::string::npos && first_at < rest.find('/');
    size_t host_start = has_info ? first_at + 1 : 0;
    size_t query = rest.find('?', host_start);
    size_t stray = rest.find('@', host_start);
    if (stray != std::string::npos && stray < query) {
      throw Error(ErrorKind::kUsage,
                  "the URL holds an '@' after its user information: percent-encode '@' as "
                  "%40 (and '/' as %2F, ':' as %3A) in the user name and password",
                  Location{.target = out.Masked()});
    }
    // The hosts (host[:port], comma-separated; [v6]:port): a port that is
    // no number is a password with its host missing, or an unencoded ':',
    // which libpq would quote back.
    std::string hosts = rest.substr(host_start, rest.find_first_of("/?", host_start) - host_start);
    for (size_t h = 0; h <= hosts.size();) {
      size_t comma = hosts.find(',', h);
      if (comma == std::string::npos) comma = hosts.size();
      std::string item = hosts.substr(h, comma - h);
      size_t colon = item.starts_with("[") ? item.find("]:") : item.rfind(':');
      if (colon != std::string::npos) {
        std::string port = item.substr(colon + (item.starts_with("[") ? 2 : 1));
        if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) {
              return std::isdigit(static_cast<unsigned char>(c));
            })) {
          throw Error(ErrorKind::kUsage,
                      "a port in the URL is not a number (a host missing before it, or an "
                      "unencoded ':' in the user name or password: write %3A)",
                      Location{.target = out.Masked()});
        }
      }
      h = comma + 1;
    }
    if (has_info) {
      std::string info = rest.substr(0, first_at);
      size_t colon = info.find(':');
      out.user = PercentDecode(info.substr(0, colon), false);
      if (colon != std::string::npos) out.password = PercentDecode(info.substr(colon + 1), false);
    }
  }
  size_t q = QueryStart(url);
  std::vector<std::pair<std::string, std::string>> params;
  if (q != std::string::npos) params = QueryParameters(url.substr(q + 1));
  bool has_timeout = false;
  std::vector<std::pair<std::string, std::string>> kept;
  for (auto& [key, value] : params) {
    if (key == "schema") {
      out.schema = PercentDecode(value);
      if (out.schema.empty()) {
        throw Error(ErrorKind::kUsage, "empty ?schema= in the URL", Location{.target = out.Masked()});
      }
      continue;
    }
    has_timeout = has_timeout || key == "connect_timeout";
    kept.emplace_back(key, value);
  }
  if (!has_timeout) kept.emplace_back("connect_timeout", "10");
  // libpq knows "postgresql://" and "postgres://", not "postgresql+driver://".
  out.conninfo = JoinQuery("postgresql" + url.substr(sep, q == std::string::npos ? std::string::npos : q - sep), kept);
}

std::unique_ptr<Connection> ConnectPostgres(const DatabaseUrl& url, const ConnectOptions& options) {
  return std::make_unique<PostgresConnection>(url, options);
}

bool IsPostgresPattern(const DatabaseUrl& url) {
  return url.schema.find_first_of("*?") != std::string::npos;
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

// Every schema of the database matching ?schema= (sorted), asking the server.
std::vector<std::string> ExpandPostgres(const DatabaseUrl& url) {
  DatabaseUrl server = ParseUrl(WithQueryParameter(url.text, "schema", std::nullopt));
  std::unique_ptr<Connection> conn = ConnectPostgres(server, {.create = false});
  std::vector<std::string> out;
  for (const Row& row : conn->Query(
           "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname LIKE $1 ESCAPE '\\' "
           "ORDER BY nspname",
           {LikePattern(url.schema)})) {
    if (row[0]) out.push_back(WithQueryParameter(url.text, "schema", *row[0]));
  }
  return out;
}

const Dialect& PostgresRenderer() {
  static const PostgresDialect dialect;
  return dialect;
}

}  // namespace

const DialectInfo& PostgresInfo() {
  static const DialectInfo info = {
      .name = "postgresql",
      .schemes = {"postgresql", "postgres"},
      .caps = {.transactional_ddl = true,
               .enums = EnumStorage::kNativeType,
               .schemas = true,
               .concurrent_index = true,
               .session_lock = true,
               .rebuilds_tables = false,
               .index_methods = true,
               .index_include = true,
               .index_operator_classes = true,
               .index_nulls_order = true,
               .deferrable_keys = true,
               .sequences = true,
               .max_identifier_bytes = PostgresDialect::kMaxIdentifierBytes},
      .dialect = PostgresRenderer,
      .parse_url = ParsePostgresUrl,
      .connect = ConnectPostgres,
      .is_pattern = IsPostgresPattern,
      .expand_pattern = ExpandPostgres,
  };
  return info;
}

}  // namespace retort::dialect
