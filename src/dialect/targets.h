// Many targets from few words: URL patterns and target files.
#pragma once

#include <string>
#include <vector>

namespace retort::dialect {

// True when `url` names several targets: a SQLite path with glob
// characters (* ? [), or a PostgreSQL ?schema= with * or ?.
bool IsPattern(const std::string& url);

// The targets `urls` name, in order, duplicates dropped: a SQLite pattern
// expands to every matching file (sorted; libc's glob), a PostgreSQL
// pattern to every matching schema of its database (sorted; * and ? as in
// a glob), any other URL to itself. A pattern matching nothing names no
// target. Throws Error(kDatabase) when a PostgreSQL server cannot be asked,
// Error(kUsage) for a malformed URL.
std::vector<std::string> ExpandTargets(const std::vector<std::string>& urls);

// The URLs (or patterns) of a targets file: one a line; blank lines and
// lines starting with # are skipped; surrounding spaces trimmed. Throws
// Error(kUsage) when the file cannot be read.
std::vector<std::string> ReadTargetsFile(const std::string& path);

}  // namespace retort::dialect
