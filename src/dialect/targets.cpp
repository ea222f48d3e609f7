#include "dialect/targets.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <string_view>

#include "dialect/registry.h"
#include "dialect/sql_text.h"
#include "retort/error.h"

namespace retort::dialect {

namespace {

// "project_2" before "project_10": runs of digits compare as numbers (the
// shorter run, leading zeros aside, first), the rest as text.
bool NaturalLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t ie = i, je = j;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      size_t iz = i, jz = j;
      while (iz + 1 < ie && a[iz] == '0') ++iz;
      while (jz + 1 < je && b[jz] == '0') ++jz;
      std::string_view x(a.data() + iz, ie - iz), y(b.data() + jz, je - jz);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      if (ie - i != je - j) return ie - i < je - j;  // fewer leading zeros first
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

}  // namespace

bool IsPattern(const std::string& url) {
  DatabaseUrl parsed = ParseUrl(url);
  return DialectOf(parsed).is_pattern(parsed);
}

std::vector<std::string> ExpandTargets(const std::vector<std::string>& urls) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& url : urls) {
    std::vector<std::string> expanded = {url};
    if (IsPattern(url)) {
      DatabaseUrl parsed = ParseUrl(url);
      expanded = DialectOf(parsed).expand_pattern(parsed);
      std::stable_sort(expanded.begin(), expanded.end(), NaturalLess);
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
