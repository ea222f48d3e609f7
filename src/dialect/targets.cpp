#include "dialect/targets.h"

#include <algorithm>
#include <fstream>
#include <set>

#include "dialect/registry.h"
#include "dialect/sql_text.h"
#include "retort/error.h"

namespace retort::dialect {

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
