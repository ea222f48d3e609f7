#include "dialect/url.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "dialect/registry.h"
#include "retort/error.h"

namespace retort::dialect {

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

// %XX decoded; a '+' is a space in a query (`plus_is_space`), but not in
// user information, as libpq reads it.
std::string PercentDecode(const std::string& s, bool plus_is_space) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' && plus_is_space ? ' ' : s[i];
    }
  }
  return out;
}

// Where the query ('?') of `url` starts, or npos: after the user
// information, which ends (as libpq reads it) at the first '@' before any
// '/', so that a '?' in a password starts no query.
size_t QueryStart(const std::string& url) {
  size_t sep = url.find("://");
  size_t from = sep == std::string::npos ? 0 : sep + 3;
  size_t at = url.find('@', from);
  if (at != std::string::npos && at < url.find('/', from)) from = at + 1;
  return url.find('?', from);
}

// RFC 3986: a letter, then letters, digits, '+', '-' and '.'.
static bool IsScheme(const std::string& s) {
  return !s.empty() && std::isalpha(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
         });
}

// `base` with `params` as its query. An '@' in them is written %40 (which
// means the same to libpq): the query's '/' that kept libpq from reading an
// '@' as the end of user information may be gone with a removed parameter.
std::string JoinQuery(const std::string& base,
                      const std::vector<std::pair<std::string, std::string>>& params) {
  auto encoded = [](const std::string& s) {
    std::string out;
    for (char c : s) out += c == '@' ? std::string("%40") : std::string(1, c);
    return out;
  };
  std::string out = base;
  for (size_t i = 0; i < params.size(); ++i) {
    out += (i ? "&" : "?") + encoded(params[i].first) + "=" + encoded(params[i].second);
  }
  return out;
}

namespace {

bool IsPasswordKey(const std::string& raw_key) {
  std::string key;
  for (char c : PercentDecode(raw_key)) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key.find("password") != std::string::npos;
}

// Masks the user information of the URL whose "://" is at `sep` in `out`:
// from the first ':' after it to the '@' that ends it. That '@' is the last
// one before the first space, quote or line end after the URL's first '@'
// (a password may hold unencoded '@', ':', '/' and spaces; text after the
// URL may hold '@' too, but not before a ": " or a quote). Without any '@', what follows "user:" is masked
// unless it is a port: a URL cut at its '@' (a revision target split at
// it) or missing its host still hides the password.
void MaskUserInfo(std::string& out, size_t sep) {
  size_t scheme_start = sep;
  while (scheme_start > 0 && (std::isalnum(static_cast<unsigned char>(out[scheme_start - 1])) ||
                              out[scheme_start - 1] == '+' || out[scheme_start - 1] == '-' ||
                              out[scheme_start - 1] == '.')) {
    --scheme_start;
  }
  if (out.compare(scheme_start, 6, "sqlite") == 0) return;  // a path, no password
  const size_t start = sep + 3;
  size_t line_end = out.find('\n', start);
  if (line_end == std::string::npos) line_end = out.size();
  size_t first_at = out.find('@', start);
  // An '@' past the URL's end is not its: the URL ends before ": " (the
  // "target: message" boundary) and quotes.
  if (first_at != std::string::npos && first_at < line_end) {
    std::string_view before(out.data() + start, first_at - start);
    if (before.find(": ") != std::string_view::npos || before.find_first_of("'\"") != std::string_view::npos) {
      first_at = std::string::npos;
    }
  }
  if (first_at != std::string::npos && first_at < line_end) {
    size_t stop = out.find_first_of(" \t\n'\"", first_at);
    if (stop == std::string::npos) stop = out.size();
    size_t at = out.rfind('@', stop - 1);
    size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    return;
  }
  size_t token_end = out.find_first_of(" \t\n'\"", start);
  if (token_end == std::string::npos) token_end = out.size();
  size_t colon = out.find(':', start);
  if (colon == std::string::npos || colon >= token_end) return;
  size_t secret_end = out.find_first_of("/?", colon);
  if (secret_end == std::string::npos || secret_end > token_end) secret_end = token_end;
  // A port: digits, up to the next host of a list (h:5432,g:5433).
  size_t port_end = std::min(secret_end, out.find(',', colon));
  bool port = colon + 1 < port_end &&
              std::all_of(out.begin() + colon + 1, out.begin() + port_end,
                          [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  if (!port && colon + 1 < secret_end) out.replace(colon + 1, secret_end - colon - 1, "***");
}

// Masks the values of password-like keys (password=, PASSWORD=,
// pass%77ord=, sslpassword=) in `out`: query parameters and libpq's
// key=value words (spaces around '=' and quoted values included).
void MaskPasswordKeys(std::string& out) {
  auto delimiter = [](char c) { return c == '?' || c == '&' || c == ' ' || c == '\n' || c == '\t'; };
  for (size_t eq = out.find('='); eq != std::string::npos; eq = out.find('=', eq + 1)) {
    size_t key_end = eq;
    while (key_end > 0 && out[key_end - 1] == ' ') --key_end;
    size_t key_start = key_end;
    while (key_start > 0 && !delimiter(out[key_start - 1])) --key_start;
    if (key_start == key_end || !IsPasswordKey(out.substr(key_start, key_end - key_start))) continue;
    size_t value = eq + 1;
    while (value < out.size() && out[value] == ' ') ++value;
    size_t value_end;
    if (value < out.size() && out[value] == '\'') {
      value_end = value + 1;  // libpq's quoted value: '\' escapes, '\'' ends it
      while (value_end < out.size() && out[value_end] != '\'') value_end += out[value_end] == '\\' ? 2 : 1;
      value_end = std::min(value_end + 1, out.size());
    } else {
      value_end = out.find_first_of("& \n\t", value);
      if (value_end == std::string::npos) value_end = out.size();
      // "target: message": the colon is the message's, not the value's.
      if (value_end < out.size() && out[value_end] == ' ' && out[value_end - 1] == ':') --value_end;
    }
    if (value_end > value) out.replace(value, value_end - value, "***");
  }
}

}  // namespace

std::string MaskPassword(const std::string& text) {
  std::string out = text;
  size_t line = 0;
  while (line < out.size()) {
    size_t end = out.find('\n', line);
    if (end == std::string::npos) end = out.size();
    size_t sep = out.find("://", line);
    if (sep != std::string::npos && sep < end) {
      for (; sep != std::string::npos && sep < end; sep = out.find("://", sep + 3)) {
        MaskUserInfo(out, sep);
        end = out.find('\n', line);
        if (end == std::string::npos) end = out.size();
      }
    } else if (end > line && out.find_first_of(" \t", line) >= end) {
      // One word without "://": what may still be a URL mistyped
      // (postgresql:/u:pw@h, u:pw@h/db) loses everything from its first ':'
      // to its last '@'.
      size_t at = out.rfind('@', end - 1);
      size_t colon = out.find(':', line);
      if (at != std::string::npos && at >= line && colon != std::string::npos && colon < at) {
        out.replace(colon + 1, at - colon - 1, "***");
      }
    }
    end = out.find('\n', line);
    line = end == std::string::npos ? out.size() : end + 1;
  }
  MaskPasswordKeys(out);
  return out;
}

std::string WithQueryParameter(const std::string& url, const std::string& key,
                               const std::optional<std::string>& value) {
  size_t q = QueryStart(url);
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
                "not a database URL (expected <scheme>://..., the schemes being " + SchemeNames() +
                    ")",
                Location{.target = MaskPassword(url)});
  }
  std::string scheme = url.substr(0, sep);
  if (size_t plus = scheme.find('+'); plus != std::string::npos) scheme.resize(plus);
  const DialectInfo* info = FindScheme(scheme);
  if (!info) {
    throw Error(ErrorKind::kUsage,
                "unknown database scheme '" + scheme + "' (the schemes are " + SchemeNames() + ")",
                Location{.target = MaskPassword(url)});
  }
  out.scheme = std::string(info->name);
  info->parse_url(url, sep, out);
  return out;
}

}  // namespace retort::dialect
