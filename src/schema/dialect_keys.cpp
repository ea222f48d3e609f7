#include "schema/dialect_keys.h"

#include <algorithm>

namespace retort::schema {
namespace {

std::vector<std::string>& Names() {
  static std::vector<std::string> names;
  return names;
}

}  // namespace

void SetFileDialects(std::vector<std::string> names) { Names() = std::move(names); }

const std::vector<std::string>& FileDialects() { return Names(); }

bool IsFileDialect(std::string_view name) {
  return std::find(Names().begin(), Names().end(), name) != Names().end();
}

std::string FileDialectList() {
  std::string out;
  for (const std::string& n : Names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace retort::schema
