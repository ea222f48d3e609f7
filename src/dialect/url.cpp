#include "dialect/url.h"

#include "retort/error.h"

namespace retort::dialect {

std::string MaskPassword(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t start = scheme + 3;
  size_t at = url.find('@', start);
  size_t slash = url.find('/', start);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return url;
  size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::string DatabaseUrl::Masked() const { return MaskPassword(text); }

DatabaseUrl ParseUrl(const std::string& url) {
  DatabaseUrl out;
  out.text = url;
  size_t sep = url.find("://");
  if (sep == std::string::npos) {
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
    return out;
  }
  throw Error(ErrorKind::kUsage, "unknown database scheme '" + scheme +
                                     "' (expected sqlite or postgresql)",
              Location{.target = MaskPassword(url)});
}

}  // namespace retort::dialect
