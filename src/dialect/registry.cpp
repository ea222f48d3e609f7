#include "dialect/registry.h"

#include "dialect/dialect.h"
#include "retort/error.h"
#include "schema/dialect_keys.h"

namespace retort::dialect {

// Each dialect's folder defines its entry (<name>_package.cpp).
const DialectInfo& SqliteInfo();
const DialectInfo& PostgresInfo();

const std::vector<const DialectInfo*>& Dialects() {
  static const std::vector<const DialectInfo*> all = {&SqliteInfo(), &PostgresInfo()};
  return all;
}

namespace {

// Files name dialects (per-dialect types, defaults and SQL): the schema
// layer learns which there are from here, before any file is read.
const bool kFileDialectsSet = [] {
  std::vector<std::string> names;
  for (const DialectInfo* d : Dialects()) names.emplace_back(d->name);
  schema::SetFileDialects(std::move(names));
  return true;
}();

}  // namespace

const DialectInfo* FindDialect(std::string_view name) {
  for (const DialectInfo* d : Dialects()) {
    if (d->name == name) return d;
  }
  return nullptr;
}

const DialectInfo* FindScheme(std::string_view scheme) {
  for (const DialectInfo* d : Dialects()) {
    for (std::string_view s : d->schemes) {
      if (s == scheme) return d;
    }
  }
  return nullptr;
}

const DialectInfo& DialectOf(const DatabaseUrl& url) {
  const DialectInfo* d = FindDialect(url.scheme);
  if (!d) {
    throw Error(ErrorKind::kUsage, "unknown database scheme '" + url.scheme +
                                       "' (the schemes are " + SchemeNames() + ")",
                Location{.target = url.Masked()});
  }
  return *d;
}

const DialectInfo& DialectNamed(std::string_view name) {
  const DialectInfo* d = FindDialect(name);
  if (!d) {
    throw Error(ErrorKind::kUsage, "unknown dialect '" + std::string(name) + "' (expected " +
                                       DialectNames() + ")");
  }
  return *d;
}

std::string DialectNames() {
  std::string out;
  for (const DialectInfo* d : Dialects()) out += (out.empty() ? "" : ", ") + std::string(d->name);
  return out;
}

std::string SchemeNames() {
  std::string out;
  for (const DialectInfo* d : Dialects()) {
    for (std::string_view s : d->schemes) out += (out.empty() ? "" : ", ") + std::string(s);
  }
  return out;
}

std::unique_ptr<Connection> Connect(const DatabaseUrl& url, const ConnectOptions& options) {
  return DialectOf(url).connect(url, options);
}

}  // namespace retort::dialect
