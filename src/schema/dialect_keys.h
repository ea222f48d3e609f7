// The dialects a file may name (per-dialect types, defaults and SQL). The
// schema knows them only as names: the dialect registry sets them, before
// any file is read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace retort::schema {

void SetFileDialects(std::vector<std::string> names);
const std::vector<std::string>& FileDialects();
bool IsFileDialect(std::string_view name);
// "sqlite, postgresql", for messages.
std::string FileDialectList();

}  // namespace retort::schema
