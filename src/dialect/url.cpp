#include "dialect/url.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "retort/error.h"

namespace retort::dialect {

namespace {

// The query string's parameters, in order, undecoded.
std::vector<std::pair<std::string, std::string>> QueryParameters(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string item = query.substr(start, end - start);
    size_t eq = item.find('=');
    if (!item.empty()) {
      out.emplace_back(item.substr(0, eq), eq == std::string::npos ? "" : item.substr(eq + 1));
    }
    start = end + 1;
  }
  return out;
}

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

// RFC 3986: a letter, then letters, digits, '+', '-' and '.'.
bool IsScheme(const std::string& s) {
  return !s.empty() && std::isalpha(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
         });
}

std::string JoinQuery(const std::string& base,
                      const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out = base;
  for (size_t i = 0; i < params.size(); ++i) {
    out += (i ? "&" : "?") + params[i].first + "=" + params[i].second;
  }
  return out;
}

}  // namespace

std::string MaskPassword(const std::string& url) {
  std::string out = url;
  size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t at = out.find('@', start);
    size_t slash = out.find('/', start);
    size_t colon = out.find(':', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash) &&
        colon != std::string::npos && colon < at) {
      out = out.substr(0, colon + 1) + "***" + out.substr(at);
    }
  }
  for (size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    if (p > 0 && out[p - 1] != '?' && out[p - 1] != '&' && out[p - 1] != ' ') continue;
    size_t end = out.find_first_of("& ", p);
    out = out.substr(0, p + 9) + "***" + (end == std::string::npos ? "" : out.substr(end));
  }
  return out;
}

std::string WithQueryParameter(const std::string& url, const std::string& key,
                               const std::optional<std::string>& value) {
  size_t q = url.find('?');
  std::string base = url.substr(0, q);
  auto params = q == std::string::npos ? decltype(QueryParameters("")){} : QueryParameters(url.substr(q + 1));
  std::erase_if(params, [&](const auto& p) { return p.first == key; });
  if (value) {
    // Encoded, so that a name with & = % # or spaces survives ParseUrl.
    std::string encoded;
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (unsigned char c : *value) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c >= 0x80) {
        encoded += static_cast<char>(c);
      } else {
        encoded += {'%', kHex[c >> 4], kHex[c & 15]};
      }
    }
    params.emplace_back(key, encoded);
  }
  return JoinQuery(base, params);
}

std::string DatabaseUrl::Masked() const { return MaskPassword(text); }

DatabaseUrl ParseUrl(const std::string& url) {
  DatabaseUrl out;
  out.text = url;
  size_t sep = url.find("://");
  // A "://" after anything a scheme cannot hold (in a query, say) starts no
  // URL.
  if (sep == std::string::npos || !IsScheme(url.substr(0, sep))) {
    throw Error(ErrorKind::kUsage,
                "not a database URL (expected sqlite:///file.db or postgresql://...)",
                Location{.target = MaskPassword(url)});
  }
  std::string scheme = url.substr(0, sep);
  if (size_t plus = scheme.find('+'); plus != std::string::npos) scheme.resize(plus);
  if (scheme == "sqlite") {
    out.scheme = "sqlite";
    std::string rest = url.substr(sep + 3);
    if (rest == ":memory:" || rest == "/:memory:" || rest.empty() || rest == "/") {
      out.path = ":memory:";
    } else if (rest[0] == '/') {
      out.path = rest.substr(1);  // sqlite:///rel -> rel; sqlite:////abs -> /abs
      if (out.path.empty()) {
        throw Error(ErrorKind::kUsage, "sqlite URL without a file",
                    Location{.target = url});
      }
    } else {
      throw Error(ErrorKind::kUsage,
                  "sqlite URLs are sqlite:///relative.db, sqlite:////absolute.db or "
                  "sqlite://:memory:",
                  Location{.target = url});
    }
    if (size_t q = out.path.find('?'); q != std::string::npos) out.path.resize(q);
    return out;
  }
  if (scheme == "postgresql" || scheme == "postgres") {
    out.scheme = "postgresql";
    size_t q = url.find('?');
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
    return out;
  }
  throw Error(ErrorKind::kUsage, "unknown database scheme '" + scheme +
                                     "' (expected sqlite or postgresql)",
              Location{.target = MaskPassword(url)});
}

}  // namespace retort::dialect
